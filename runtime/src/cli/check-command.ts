// `craft check FILE... TRACE...`: exit 0 when no hard constraint is
// VIOLATED, 1 when one is, 2 for bad usage or unreadable input.

import { SingleBar, Presets } from "cli-progress";
import type { Aggregation } from "@craft/language";
import { checkTrace, type TraceResult } from "../check/check-runner.js";
import { readConstraintFile } from "../check/constraint-file.js";
import { InputError } from "../input-error.js";
import { isSeedJsonPath } from "../import/seed-constraints.js";
import { jsonReport } from "../report/json-report.js";
import { textReport } from "../report/text-report.js";

export interface CheckCommandOptions {
  readonly json?: boolean;
  readonly threshold?: number;
  readonly aggregation?: Aggregation;
  readonly verbose?: boolean;
  readonly explain?: boolean;
  readonly color?: boolean;
  /** `k/n`: check only every n-th trace starting at the k-th (1-based) */
  readonly shard?: string;
  /** `name=path` weights for extension predicates (`--model physics=…`) */
  readonly model?: readonly string[];
}

export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stderrIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
}

export function splitInputs(paths: readonly string[]): { constraints: string[]; traces: string[] } {
  const constraints: string[] = [];
  const traces: string[] = [];
  for (const p of paths) {
    if (p.endsWith(".craft") || isSeedJsonPath(p)) constraints.push(p);
    else if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) traces.push(p);
    else throw new InputError(`${p}: expected a .craft or seed .json constraint file, or a .jsonl trace`);
  }
  if (constraints.length === 0) throw new InputError("no constraint file given (expected at least one .craft or seed .json file)");
  if (traces.length === 0) throw new InputError("no trace given (expected at least one .jsonl trace)");
  return { constraints, traces };
}

export function parseShard(spec: string | undefined, traces: readonly string[]): string[] {
  if (spec === undefined) return [...traces];
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new InputError(`--shard ${spec}: expected k/n with 1 ≤ k ≤ n, e.g. 2/4`);
  return traces.filter((_, i) => i % n === k - 1);
}

/** `--model name=path`, repeatable; the last one for a name wins. */
export function parseModels(specs: readonly string[]): Record<string, string> {
  const models: Record<string, string> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(spec);
    if (!m) throw new InputError(`--model ${spec}: expected name=path, e.g. physics=models/rigid.safetensors`);
    models[m[1]!] = m[2]!;
  }
  return models;
}

export async function runCheck(paths: readonly string[], options: CheckCommandOptions, io: CommandIO): Promise<number> {
  const { constraints, traces: allTraces } = splitInputs(paths);
  const traces = parseShard(options.shard, allTraces);
  const files = await Promise.all(constraints.map(readConstraintFile));
  const models = parseModels(options.model ?? []);
  const seen = new Set<string>();
  const warn = (w: string) => {
    if (!seen.has(w)) io.stderr(`${w}\n`);
    seen.add(w);
  };
  const bar = traces.length > 1 && io.stderrIsTTY ? new SingleBar({ format: "checking {bar} {value}/{total} traces | {trace}", clearOnComplete: true, stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(traces.length, 0, { trace: "" });
  const results: TraceResult[] = [];
  try {
    for (const trace of traces) {
      bar?.update(results.length, { trace });
      results.push(
        await checkTrace(files, trace, {
          ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
          ...(options.aggregation ? { aggregation: options.aggregation } : {}),
          // text reports show failures in full and satisfied verdicts as counts
          ...(options.json || options.verbose ? {} : { atoms: "failures" as const, keep: "episodes" as const }),
          ...(Object.keys(models).length > 0 ? { models } : {}),
          onWarning: warn,
        }),
      );
    }
  } finally {
    bar?.stop();
  }
  // the whole report is built before anything is written: no half-written results
  const text = options.json
    ? JSON.stringify(jsonReport(results), null, 2) + "\n"
    : textReport(results, { color: options.color ?? io.stdoutIsTTY, verbose: options.verbose ?? false, explain: options.explain ?? false });
  io.stdout(text);
  return results.some((r) => r.hardViolation) ? 1 : 0;
}
