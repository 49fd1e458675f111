// A .craft document as every language feature sees it: its text, parsed
// and checked once per version, and what the last check against a trace
// found. Features never parse text themselves.

import type { CheckedProgram, Diagnostic, LineIndex, ParseResult, Range, Summary, TraceVocabulary, Verdict } from "@craft/language";

/** The trace a document is checked against, and what that check found. */
export interface TraceAssociation {
  /** absolute path of the trace */
  readonly path: string;
  /** where the `;; trace: path` directive is, when it came from one */
  readonly directiveRange?: Range;
  /** names the trace brings (from its first frame) */
  readonly vocabulary?: TraceVocabulary;
  /** verdicts of the last background check, newest first per constraint */
  readonly verdicts?: readonly Verdict[];
  /** why the trace could not be read or checked */
  readonly error?: string;
  /** where the association came from: the directive, the `craft.trace` setting, or a client request */
  readonly origin?: "directive" | "setting" | "request";
  /** frames in the trace at the last check */
  readonly frames?: number;
  /** status counts of the last check, over all constraints and steps */
  readonly summary?: Summary;
  /** the document version the last check ran on (verdicts are matched to constraints by id) */
  readonly checkedVersion?: number;
  /** some verdicts were left out: only the newest ones per constraint are kept */
  readonly truncated?: boolean;
}

/**
 * A snapshot of one version. The server reuses unchanged AST nodes from one
 * version to the next and moves their ranges in place, so a CraftDocument is
 * valid until the next version of the same document is built: use it within
 * one request, keep no references to it across edits.
 */
export interface CraftDocument {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly lines: LineIndex;
  readonly parsed: ParseResult;
  readonly checked: CheckedProgram;
  /** syntax and checker diagnostics together */
  readonly diagnostics: readonly Diagnostic[];
  readonly trace?: TraceAssociation;
}
