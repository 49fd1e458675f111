// Collects verdicts for a report. Keeping every verdict is what `--json`
// promises; a long trace checked for failures keeps only those plus, per
// constraint, how often and how surely it held — memory then stays flat in
// trace length.

import { emptySummary, type Summary, type Verdict } from "@craft/language";

export interface SatisfiedStats {
  readonly id: string;
  readonly type: Verdict["type"];
  readonly severity: Verdict["severity"];
  count: number;
  applied: number;
  minConfidence: number;
  firstStep: number | null;
}

export class ResultCollector {
  readonly kept: Verdict[] = [];
  readonly summary: Summary = emptySummary();
  readonly satisfied = new Map<string, SatisfiedStats>();

  constructor(private readonly keep: "all" | "failures") {}

  add(v: Verdict): void {
    this.summary[v.status]++;
    if (v.status !== "SKIP") {
      let s = this.satisfied.get(v.id);
      if (!s) this.satisfied.set(v.id, (s = { id: v.id, type: v.type, severity: v.severity, count: 0, applied: 0, minConfidence: 1, firstStep: null }));
      s.applied++;
      if (v.status === "SATISFIED") {
        s.count++;
        if (v.confidence < s.minConfidence) s.minConfidence = v.confidence;
        if (s.firstStep === null) s.firstStep = v.step;
      }
    }
    if (this.keep === "all" || v.status !== "SATISFIED") this.kept.push(v);
  }
}
