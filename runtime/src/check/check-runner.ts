// Checks constraint files against traces: streams each trace through a
// Monitor per constraint file. A trace that turns out broken part-way
// yields an error, never a partial report.

import { dirname, resolve } from "node:path";
import { Monitor, PredicateRegistry, VocabularyBuilder, type Aggregation, type Frame, type TraceReport } from "@craft/language";
import { loadPhysicsModel, NO_PHYSICS_MODEL, PhysicsModel, physicsPredicates } from "../physics/predicates.js";
import type { ReadTraceOptions } from "../trace/jsonl-reader.js";
import { openTraceReadAhead } from "../trace/read-ahead.js";
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
  /** model weights by name (`physics`), overriding the files' `(model …)` forms; paths relative to the working directory */
  readonly models?: Readonly<Record<string, string>>;
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
  const { registry, physics } = await extensionRegistry(files, options);
  const stream = await openTraceReadAhead(tracePath, options.reader);
  const iterator = stream.batches[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    // the first frame tells the checker which names the trace brings
    const vocabulary = new VocabularyBuilder(tracePath);
    if (!first.done && first.value[0]) vocabulary.add(first.value[0]);
    const monitors = files.map((file) => {
      const checked = checkConstraintFile(file, {
        vocabulary: vocabulary.build(),
        registry,
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
    let step = 0;
    const push = (batch: readonly Frame[]) => {
      for (const frame of batch) {
        physics?.observe(frame, step++, tracePath);
        for (const m of monitors) for (const v of m.push(frame)) collector.add(v);
      }
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

const KNOWN_MODELS = new Set(["physics"]);

/**
 * The caller's registry plus the physics predicates (unless it has its own),
 * over the weights named by `--model physics=…` or else the first
 * `(model physics "…")` form (relative to its file). Missing or broken
 * weights leave the predicates U with the loader's reason.
 */
async function extensionRegistry(files: readonly ConstraintFile[], options: CheckRunOptions): Promise<{ registry: PredicateRegistry; physics?: PhysicsModel }> {
  const paths = new Map<string, string>(Object.entries(options.models ?? {}));
  for (const file of files) {
    for (const form of file.program.forms) {
      if (form.kind !== "model") continue;
      if (!KNOWN_MODELS.has(form.name)) options.onWarning?.(`${file.path}: unknown model ${form.name} (known: ${[...KNOWN_MODELS].join(", ")})`);
      else if (!paths.has(form.name)) paths.set(form.name, resolve(dirname(file.path), form.path));
    }
  }
  for (const name of Object.keys(options.models ?? {})) if (!KNOWN_MODELS.has(name)) options.onWarning?.(`--model ${name}: unknown model (known: ${[...KNOWN_MODELS].join(", ")})`);
  const registry = new PredicateRegistry();
  for (const p of options.registry?.all() ?? []) registry.register(p);
  const path = paths.get("physics");
  const model = path === undefined ? { unavailable: NO_PHYSICS_MODEL } : await loadPhysicsModel(path);
  for (const p of physicsPredicates(model)) if (!registry.get(p.name)) registry.register(p);
  return model instanceof PhysicsModel ? { registry, physics: model } : { registry };
}
