// Checks constraint files against traces: streams each trace through a
// Monitor per constraint file. A trace that turns out broken part-way
// yields an error, never a partial report.

import { Monitor, VocabularyBuilder, type Aggregation, type Frame, type PredicateRegistry, type TraceReport } from "@craft/language";
import { openTrace, type ReadTraceOptions } from "../trace/jsonl-reader.js";
import { checkConstraintFile, type ConstraintFile } from "./constraint-file.js";
import { ResultCollector, type Episode, type SatisfiedStats } from "./result-collector.js";

export interface CheckRunOptions {
  readonly threshold?: number;
  readonly aggregation?: Aggregation;
  readonly registry?: PredicateRegistry;
  readonly atoms?: "all" | "failures" | "none";
  /** keep every verdict (default), or fold failures into episodes (text reports) */
  readonly keep?: "all" | "episodes";
  readonly reader?: ReadTraceOptions;
  /** called with each warning once */
  readonly onWarning?: (message: string) => void;
}

export interface TraceResult extends TraceReport {
  readonly trace: string;
  /** per constraint: how often it held where it applied */
  readonly satisfied: ReadonlyMap<string, SatisfiedStats>;
  /** with keep "episodes": the failures, folded */
  readonly episodes: readonly Episode[];
  /** some hard constraint was VIOLATED */
  readonly hardViolation: boolean;
}

/** Checks every constraint file against one trace. */
export async function checkTrace(files: readonly ConstraintFile[], tracePath: string, options: CheckRunOptions = {}): Promise<TraceResult> {
  const stream = await openTrace(tracePath, options.reader);
  const iterator = stream.batches[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    // the first frame tells the checker which names the trace brings
    const vocabulary = new VocabularyBuilder(tracePath);
    if (!first.done && first.value[0]) vocabulary.add(first.value[0]);
    const monitors = files.map((file) => {
      const checked = checkConstraintFile(file, {
        vocabulary: vocabulary.build(),
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.aggregation ? { aggregation: options.aggregation } : {}),
      });
      for (const w of checked.warnings) options.onWarning?.(w);
      return new Monitor(checked.compiled, {
        ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
        atoms: options.atoms ?? "all",
        traceKey: tracePath,
      });
    });
    const collector = new ResultCollector(options.keep ?? "all");
    const push = (batch: readonly Frame[]) => {
      for (const frame of batch) for (const m of monitors) for (const v of m.push(frame)) collector.add(v);
    };
    if (!first.done) push(first.value);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) push(next.value);
    for (const m of monitors) for (const v of m.finish()) collector.add(v);
    const results = collector.kept;
    const order = new Map<string, number>();
    files.forEach((f, fi) => f.program.forms.forEach((form, i) => form.kind === "constraint" && order.set(form.id, fi * 1e6 + i)));
    results.sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity) || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return { trace: tracePath, frames: monitors[0]?.frames ?? stream.frameCount, results, summary: collector.summary, satisfied: collector.satisfied, episodes: collector.episodes, hardViolation: collector.hardViolation };
  } finally {
    await stream.close();
  }
}
