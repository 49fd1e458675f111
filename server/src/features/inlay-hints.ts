// Inlay hints: after each constraint's closing paren, its verdict summary
// once a check against a trace has run (`✗ VIOLATED@8 0.95`).

import { InlayHintKind, type InlayHint, type InlayHintParams } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { constraintSummary, formatConfidence, hasVerdicts, toOffsetRange, toPosition, type VerdictSummary } from "./util.js";

const MARKS = { VIOLATED: "✗", UNCERTAIN: "?", SATISFIED: "✓", SKIP: "–" } as const;

export function provideInlayHints(doc: CraftDocument, params: InlayHintParams): InlayHint[] {
  const hints: InlayHint[] = [];
  if (!hasVerdicts(doc)) return hints;
  try {
    const visible = toOffsetRange(doc, params.range);
    for (const c of doc.checked.constraints) {
      if (c.range.end < visible.start || c.range.end > visible.end) continue;
      const s = constraintSummary(doc, c.id);
      if (s === undefined) continue;
      const first = s.deciding[0]!;
      hints.push({
        position: toPosition(doc, c.range.end),
        label: inlayLabel(s),
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip: first.reason.length > 0 ? `${c.id}: ${first.reason}` : c.id,
      });
    }
  } catch {
    // hints so far
  }
  return hints;
}

/** `✗ VIOLATED@8 0.95`, `? UNCERTAIN@3 0.42`, `✓ SATISFIED ×17`, `– SKIP ×12`. */
export function inlayLabel(s: VerdictSummary): string {
  const mark = MARKS[s.status];
  if (s.status === "SATISFIED" || s.status === "SKIP") return `${mark} ${s.status} ×${s.counts[s.status]}`;
  const first = s.deciding[0]!;
  return `${mark} ${s.status}@${first.step ?? "?"} ${formatConfidence(first.confidence)}`;
}
