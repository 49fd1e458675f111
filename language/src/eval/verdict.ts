// What evaluation reports: one verdict per (constraint, step), and the
// per-trace report the CLI prints and `--json` emits.

import type { ConstraintType, Severity } from "../syntax/ast.js";
import type { AtomTrace } from "./atom-trace.js";
import type { Status } from "./truth.js";

export interface Verdict {
  readonly id: string;
  readonly type: ConstraintType;
  readonly severity: Severity;
  /** 0-based frame index; a pre constraint's step is the frame whose action it guards; null for SKIP */
  readonly step: number | null;
  readonly status: Status;
  readonly confidence: number;
  readonly reason: string;
  readonly atoms: readonly AtomTrace[];
  /** the action at this step, as `PutObject(Mug_1, Microwave_1)` */
  readonly action?: string;
  /** for VIOLATED verdicts: the causal chain and a repair hint */
  readonly explanation?: Explanation;
}

/** Why a deciding atom has its value: since when, and after which action. */
export interface Cause {
  readonly atom: string;
  readonly value: boolean | null;
  /** first step of the run of frames, up to the evaluated one, where the atom had this value */
  readonly since: number;
  /** the run reaches back to the first frame */
  readonly fromStart: boolean;
  /** the action that led into step `since` */
  readonly action?: string;
  readonly text: string;
}

export interface Explanation {
  readonly causes: readonly Cause[];
  readonly hint: string;
}

export type Summary = Record<Status, number>;

export interface TraceReport {
  readonly frames: number;
  readonly results: readonly Verdict[];
  readonly summary: Summary;
}

export function emptySummary(): Summary {
  return { SATISFIED: 0, VIOLATED: 0, UNCERTAIN: 0, SKIP: 0 };
}

export function summarize(results: readonly Verdict[]): Summary {
  const s = emptySummary();
  for (const r of results) s[r.status]++;
  return s;
}

/** A hard constraint VIOLATED anywhere: the CLI's exit status 1. */
export function hasHardViolation(results: readonly Verdict[]): boolean {
  return results.some((r) => r.status === "VIOLATED" && r.severity === "hard");
}
