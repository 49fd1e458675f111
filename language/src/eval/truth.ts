// Three-valued truth. Compiled formulas return a Truth and leave their
// confidence in EvalContext.conf, so evaluation allocates nothing.

export const F = 0;
export const U = 1;
export const T = 2;
export type Truth = typeof F | typeof U | typeof T;

export function truthToValue(t: Truth): boolean | null {
  return t === T ? true : t === F ? false : null;
}

export function truthName(t: Truth): "true" | "false" | "unknown" {
  return t === T ? "true" : t === F ? "false" : "unknown";
}

/** "kleene" is craft's default; "minmax" reproduces the seeds' plain min/max. */
export type Aggregation = "kleene" | "minmax";

export type Status = "SATISFIED" | "VIOLATED" | "UNCERTAIN" | "SKIP";

/** Confidence values are reported rounded, so sums of floats read cleanly. */
export function roundConfidence(c: number): number {
  return Math.round(c * 1e6) / 1e6;
}

export function statusOf(truth: Truth, confidence: number, threshold: number): Status {
  if (truth === U || confidence < threshold) return "UNCERTAIN";
  return truth === T ? "SATISFIED" : "VIOLATED";
}
