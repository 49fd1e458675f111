// The last check of a document as Markdown: what `craft.report` returns to
// an editor ("craft: Show report"), per constraint violations first.

import type { Verdict } from "@craft/language";
import type { CraftDocument } from "./document.js";

const order: Record<Verdict["status"], number> = { VIOLATED: 0, UNCERTAIN: 1, SATISFIED: 2, SKIP: 3 };

export function reportMarkdown(doc: CraftDocument, constraintId?: string): string | null {
  const trace = doc.trace;
  if (!trace) return null;
  if (trace.error) return `# craft report\n\nThe trace \`${trace.path}\` could not be checked: ${trace.error}\n`;
  if (!trace.verdicts) return null;
  const verdicts = trace.verdicts.filter((v) => constraintId === undefined || v.id === constraintId);
  const byId = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    let list = byId.get(v.id);
    if (!list) byId.set(v.id, (list = []));
    list.push(v);
  }
  const lines = [`# craft report`, "", `Trace: \`${trace.path}\``, ""];
  const worst = (list: Verdict[]) => Math.min(...list.map((v) => order[v.status]));
  for (const [id, list] of [...byId].sort((a, b) => worst(a[1]) - worst(b[1]))) {
    const counts = new Map<string, number>();
    for (const v of list) counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
    lines.push(`## ${id} (${list[0]!.type}, ${list[0]!.severity}): ${[...counts].map(([s, n]) => `${s} ×${n}`).join(", ")}`, "");
    for (const v of list.filter((x) => x.status === "VIOLATED" || x.status === "UNCERTAIN").slice(0, 20)) {
      lines.push(`- **${v.status}** at step ${v.step ?? "–"}${v.action ? ` (${v.action})` : ""}, confidence ${v.confidence}: ${v.reason}`);
      for (const c of v.explanation?.causes ?? []) lines.push(`  - why: ${c.text}`);
      if (v.explanation) lines.push(`  - hint: ${v.explanation.hint}`);
    }
    lines.push("");
  }
  if (byId.size === 0) lines.push(constraintId ? `No verdicts for ${constraintId}.` : "No verdicts.");
  return lines.join("\n");
}
