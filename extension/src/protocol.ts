// What the extension and the craft language server (server/, `craft-ls
// --stdio`) say to each other beyond standard LSP. Pure data: no `vscode`
// import, so tests can load it.
//
// Server → client
//   notification `craft/checkResult`, params CheckResultParams: sent after
//   every check of a document against a trace (background or on request).
//
// Client → server (workspace/executeCommand; the server lists both in
// `executeCommandProvider.commands`)
//   `craft.checkAgainstTrace`, arguments [uri, tracePath]: check the open
//     document `uri` against the trace file `tracePath` (absolute path),
//     remember the association for later checks, republish diagnostics and
//     send `craft/checkResult`; returns CheckResultParams (or null).
//   `craft.report`, arguments [uri] or [uri, constraintId]: the last check
//     of `uri` (or of that one constraint) as Markdown (a string), or null
//     when the document has not been checked yet.
//
// The VS Code commands `craft.checkAgainstTrace` ([uri] or [uri, tracePath];
// it asks for a missing trace) and `craft.showReport` ([uri] or [uri,
// constraintId]) are the extension's: code lenses may name them. If the
// server lists either among its executeCommand ids too (for other clients),
// the extension keeps vscode-languageclient from registering them again.

/** Verdict counts of one check, as `craft check` reports them. */
export interface Summary {
  readonly SATISFIED: number;
  readonly VIOLATED: number;
  readonly UNCERTAIN: number;
  readonly SKIP: number;
}

/** Params of `craft/checkResult`, and the result of `craft.checkAgainstTrace`. */
export interface CheckResultParams {
  /** the document checked, as the client sent it in didOpen */
  readonly uri: string;
  /** the trace it was checked against (a path), when known */
  readonly trace?: string;
  readonly summary: Summary;
  /** why the check could not run (the trace is missing or malformed, …); summary is then all zeros */
  readonly error?: string;
}

export const CHECK_RESULT_NOTIFICATION = "craft/checkResult";

/** Commands the server executes (workspace/executeCommand). */
export const ServerCommands = {
  checkAgainstTrace: "craft.checkAgainstTrace",
  report: "craft.report",
} as const;

/** Commands the extension contributes to VS Code (package.json `contributes.commands`). */
export const ClientCommands = {
  checkAgainstTrace: "craft.checkAgainstTrace",
  showReport: "craft.showReport",
} as const;

/** The server's executeCommand ids the extension must not let vscode-languageclient register as VS Code commands. */
export const CLIENT_OWNED_COMMANDS: ReadonlySet<string> = new Set(Object.values(ClientCommands));

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** A Summary read from untrusted JSON, or undefined when it is not one. Missing counts are 0. */
export function parseSummary(value: unknown): Summary | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const keys = ["SATISFIED", "VIOLATED", "UNCERTAIN", "SKIP"] as const;
  if (!keys.some((k) => k in v)) return undefined;
  const out: Record<(typeof keys)[number], number> = { SATISFIED: 0, VIOLATED: 0, UNCERTAIN: 0, SKIP: 0 };
  for (const k of keys) {
    if (!(k in v)) continue;
    const n = count(v[k]);
    if (n === undefined) return undefined;
    out[k] = n;
  }
  return out;
}

/** CheckResultParams read from untrusted JSON (a notification or a command result), or undefined. */
export function parseCheckResult(value: unknown): CheckResultParams | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.uri !== "string") return undefined;
  const error = typeof v.error === "string" && v.error !== "" ? v.error : undefined;
  const summary = parseSummary(v.summary) ?? (error !== undefined ? { SATISFIED: 0, VIOLATED: 0, UNCERTAIN: 0, SKIP: 0 } : undefined);
  if (summary === undefined) return undefined;
  return {
    uri: v.uri,
    ...(typeof v.trace === "string" ? { trace: v.trace } : {}),
    summary,
    ...(error !== undefined ? { error } : {}),
  };
}

/** The Markdown of a `craft.report` result: a string, or an object with a `markdown` or `text` string. */
export function parseReport(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    for (const key of ["markdown", "text", "contents"]) {
      const s = v[key];
      if (typeof s === "string" && s.trim() !== "") return s;
    }
  }
  return undefined;
}
