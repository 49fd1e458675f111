// Batch evaluation of a whole trace: a Monitor fed every frame.

import type { CompiledProgram } from "../compile/compiler.js";
import type { Frame } from "./frame.js";
import { Monitor, type MonitorOptions } from "./monitor.js";
import { summarize, type TraceReport, type Verdict } from "./verdict.js";

export function evaluate(program: CompiledProgram, frames: Iterable<Frame>, options: MonitorOptions = {}): TraceReport {
  const monitor = new Monitor(program, options);
  const results: Verdict[] = [];
  for (const f of frames) for (const v of monitor.push(f)) results.push(v);
  for (const v of monitor.finish()) results.push(v);
  return { frames: monitor.frames, results, summary: summarize(results) };
}
