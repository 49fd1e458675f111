// Diagnostics are values: every stage returns them, and the CLI and the
// language server decide how to show them.

import type { Range } from "../syntax/source.js";

export type DiagnosticSeverity = "error" | "warning" | "info";

export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  readonly range: Range;
  /** stable machine-readable code, e.g. "unknown-name", "syntax" */
  readonly code: string;
  /** a replacement the editor can offer (did-you-mean) */
  readonly suggestion?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
