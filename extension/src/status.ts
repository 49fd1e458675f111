// The words of the status bar item and the messages after a check. Pure
// functions (no `vscode` import), so they are tested without VS Code.

import type { CheckResultParams, Summary } from "./protocol.js";

/** What the status bar item shows: text (with a codicon), tooltip, and whether it is a warning or an error. */
export interface StatusView {
  readonly text: string;
  readonly tooltip: string;
  readonly level: "ok" | "warning" | "error" | "none";
}

/** The last path segment of a path or URI, for short labels. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const i = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

/** "2 violated, 1 uncertain, 4 satisfied, 0 skipped" */
export function summaryLine(s: Summary): string {
  return `${s.VIOLATED} violated, ${s.UNCERTAIN} uncertain, ${s.SATISFIED} satisfied, ${s.SKIP} skipped`;
}

/** The status bar item for a document: its last check, or an invitation to run one. */
export function statusView(result: CheckResultParams | undefined): StatusView {
  if (result === undefined) {
    return { text: "$(beaker) craft", tooltip: "craft: not checked against a trace yet — click to check", level: "none" };
  }
  const against = result.trace !== undefined ? ` against ${baseName(result.trace)}` : "";
  if (result.error !== undefined) {
    return { text: "$(warning) craft: check failed", tooltip: `craft: the check${against} failed: ${result.error}`, level: "error" };
  }
  const s = result.summary;
  const tooltip = `craft: last check${against}: ${summaryLine(s)} — click for the report`;
  if (s.VIOLATED > 0) return { text: `$(error) craft: ${s.VIOLATED} violated`, tooltip, level: "error" };
  if (s.UNCERTAIN > 0) return { text: `$(question) craft: ${s.UNCERTAIN} uncertain`, tooltip, level: "warning" };
  if (s.SATISFIED > 0) return { text: `$(pass) craft: ${s.SATISFIED} satisfied`, tooltip, level: "ok" };
  return { text: `$(circle-slash) craft: ${s.SKIP} skipped`, tooltip, level: "ok" };
}

/** The message shown when a requested check returns. */
export function checkMessage(result: CheckResultParams): string {
  const against = result.trace !== undefined ? ` against ${baseName(result.trace)}` : "";
  if (result.error !== undefined) return `craft: could not check${against}: ${result.error}`;
  return `craft: checked${against}: ${summaryLine(result.summary)}.`;
}
