// The `craft check --json` document (DESIGN.md "Interfaces").

import type { TraceResult } from "../check/check-runner.js";

export interface CraftReport {
  readonly craft_report: 1;
  readonly traces: readonly {
    readonly trace: string;
    readonly frames: number;
    readonly results: TraceResult["results"];
    readonly summary: TraceResult["summary"];
  }[];
}

export function jsonReport(traces: readonly TraceResult[]): CraftReport {
  return {
    craft_report: 1,
    traces: traces.map((t) => ({ trace: t.trace, frames: t.frames, results: t.results, summary: t.summary })),
  };
}
