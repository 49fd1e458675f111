// Explanations: a verdict's reason is told from the atoms that decided it
// (CRAFT++ seed §2.7, progressive explanation).

import type { AtomTrace } from "../eval/atom-trace.js";
import type { Action } from "../eval/frame.js";
import { U, roundConfidence, type Status, type Truth } from "../eval/truth.js";

/** `PutObject(Mug_1, Microwave_1)` */
export function describeAction(a: Action): string {
  return `${a.name}(${a.args.join(", ")})${a.success === false ? " [failed]" : ""}`;
}

/**
 * The reason for a verdict: the deciding atoms' reasons; when the value is
 * clear but not confident enough, says so.
 */
export function explainVerdict(truth: Truth, status: Status, confidence: number, threshold: number, atoms: readonly AtomTrace[], decisive: readonly number[]): string {
  const deciding = decisive.map((i) => atoms[i]).filter((a): a is AtomTrace => a !== undefined);
  const unique = [...new Set(deciding.map((a) => a.reason))];
  let reason = unique.join("; ");
  if (reason === "") reason = truth === U ? "the condition is unknown" : `the condition is ${truth === 2}`;
  if (status === "UNCERTAIN" && truth !== U) {
    reason += ` (${truth === 2 ? "holds" : "fails"} with confidence ${roundConfidence(confidence)}, below θ = ${threshold})`;
  }
  return reason;
}
