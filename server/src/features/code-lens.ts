// Code lenses on each constraint: "Check against trace" (command
// `craft.checkAgainstTrace` with the document URI) and, once a check has run,
// the constraint's verdict ("VIOLATED at step 8 (0.95)", "SATISFIED ×17"),
// which opens the report (`craft.showReport` with the URI and the id).

import type { CodeLens, CodeLensParams } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { constraintSummary, formatConfidence, hasVerdicts, toLspRange, type VerdictSummary } from "./util.js";

export const CHECK_AGAINST_TRACE_COMMAND = "craft.checkAgainstTrace";
export const SHOW_REPORT_COMMAND = "craft.showReport";

export function provideCodeLenses(doc: CraftDocument, _params: CodeLensParams): CodeLens[] {
  const lenses: CodeLens[] = [];
  try {
    const verdicts = hasVerdicts(doc);
    for (const c of doc.checked.constraints) {
      const start = toLspRange(doc, { start: c.range.start, end: c.range.start });
      lenses.push({ range: start, command: { title: "Check against trace", command: CHECK_AGAINST_TRACE_COMMAND, arguments: [doc.uri] } });
      if (!verdicts) continue;
      const s = constraintSummary(doc, c.id);
      const title = s !== undefined ? verdictLensTitle(s) : "not checked";
      lenses.push({ range: start, command: { title, command: SHOW_REPORT_COMMAND, arguments: [doc.uri, c.id] } });
    }
  } catch {
    // lenses so far
  }
  return lenses;
}

/** "VIOLATED at step 8 (0.95)", "VIOLATED at steps 8, 9 (0.95)", "SATISFIED ×17", "SKIP ×12". */
export function verdictLensTitle(s: VerdictSummary): string {
  const first = s.deciding[0]!;
  if (s.status === "SATISFIED" || s.status === "SKIP") return `${s.status} ×${s.counts[s.status]}`;
  const steps = s.deciding.map((v) => v.step).filter((x): x is number => x !== null);
  const stepText =
    steps.length === 0
      ? ""
      : steps.length === 1
        ? ` at step ${steps[0]}`
        : steps.length <= 3
          ? ` at steps ${steps.join(", ")}`
          : ` at step ${steps[0]} and ${steps.length - 1} more`;
  return `${s.status}${stepText} (${formatConfidence(first.confidence)})`;
}
