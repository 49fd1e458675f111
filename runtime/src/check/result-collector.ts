// Collects verdicts for a report. Keeping every verdict is what `--json`
// promises. A text report keeps episodes instead: consecutive verdicts of
// one constraint with one status fold into one entry (the first verdict
// in full, then how long it lasted), plus per constraint how often and how
// surely it held — memory then stays flat in trace length.

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

/** A run of consecutive verdicts of one constraint with the same status. */
export interface Episode {
  readonly first: Verdict;
  lastStep: number | null;
  count: number;
  minConfidence: number;
}

export class ResultCollector {
  readonly kept: Verdict[] = [];
  readonly episodes: Episode[] = [];
  readonly summary: Summary = emptySummary();
  /** a hard constraint was VIOLATED: the CLI exits 1 */
  hardViolation = false;
  readonly satisfied = new Map<string, SatisfiedStats>();
  private readonly open = new Map<string, Episode>();

  constructor(private readonly keep: "all" | "episodes") {}

  add(v: Verdict): void {
    this.summary[v.status]++;
    if (v.status === "VIOLATED" && v.severity === "hard") this.hardViolation = true;
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
    if (this.keep === "all") {
      this.kept.push(v);
      return;
    }
    if (v.status === "SATISFIED") {
      if (this.open.size > 0) this.open.delete(v.id);
      return;
    }
    const e = this.open.get(v.id);
    if (e && e.first.status === v.status && e.lastStep !== null && v.step === e.lastStep + 1) {
      e.lastStep = v.step;
      e.count++;
      if (v.confidence < e.minConfidence) e.minConfidence = v.confidence;
      return;
    }
    const episode: Episode = { first: v, lastStep: v.step, count: 1, minConfidence: v.confidence };
    this.episodes.push(episode);
    this.open.set(v.id, episode);
  }
}
