// Code actions: quick fixes for diagnostics that carry a suggestion
// (did-you-mean: replace the range with it), and "Convert seed JSON
// constraints to craft" when the document holds the seeds' JSON.
//
// The conversion is the runtime's `seedJsonToCraft` (`craft import`). It is
// looked up on `@craft/runtime` when an action is asked for, so the action
// appears as soon as the runtime exports it; a caller (or a test) may also
// pass the function in.

import type { Diagnostic as CraftDiagnostic } from "@craft/language";
import * as runtime from "@craft/runtime";
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic as LspDiagnostic,
  type Range as LspRange,
} from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { craftString, overlaps, toLspRange, toOffsetRange } from "./util.js";

/** `seedJsonToCraft(text, path)`: the seeds' JSON constraints as .craft text; throws on bad input. */
export type SeedConverter = (text: string, path: string) => string;

export interface CodeActionOptions {
  /** defaults to `seedJsonToCraft` of `@craft/runtime`, when it exports one */
  readonly seedJsonToCraft?: SeedConverter;
}

export const CONVERT_SEED_JSON_TITLE = "Convert seed JSON constraints to craft";

export function provideCodeActions(doc: CraftDocument, params: CodeActionParams, options: CodeActionOptions = {}): CodeAction[] {
  const actions: CodeAction[] = [];
  try {
    actions.push(...quickFixes(doc, params));
  } catch {
    // no quick fixes for this request
  }
  try {
    const convert = convertSeedJson(doc, options.seedJsonToCraft ?? runtimeSeedConverter());
    if (convert !== undefined) actions.push(convert);
  } catch {
    // no conversion for this request
  }
  const only = params.context?.only;
  if (only === undefined || only.length === 0) return actions;
  return actions.filter((a) => a.kind !== undefined && only.some((k) => a.kind === k || a.kind!.startsWith(k + ".")));
}

// ---- did-you-mean ------------------------------------------------------------------------

function quickFixes(doc: CraftDocument, params: CodeActionParams): CodeAction[] {
  const wanted = toOffsetRange(doc, params.range);
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  for (const d of doc.diagnostics) {
    if (d.suggestion === undefined || d.suggestion.length === 0) continue;
    const r = d.range;
    const touches = overlaps(r, wanted) || (wanted.start === wanted.end && r.start <= wanted.start && wanted.start <= r.end);
    if (!touches) continue;
    const newText = replacement(doc, d);
    const key = `${r.start}:${r.end}:${newText}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const range = toLspRange(doc, r);
    const lsp = matchingDiagnostic(params.context?.diagnostics ?? [], range, d);
    out.push({
      title: `Change to '${newText}'`,
      kind: CodeActionKind.QuickFix,
      ...(lsp !== undefined ? { diagnostics: [lsp] } : {}),
      isPreferred: true,
      edit: { changes: { [doc.uri]: [{ range, newText }] } },
    });
  }
  return out;
}

/** The suggestion as text for the range: a suggested object id replaces a string, so it is quoted. */
function replacement(doc: CraftDocument, d: CraftDiagnostic): string {
  const s = d.suggestion!;
  const old = doc.text.slice(d.range.start, d.range.end);
  return old.startsWith('"') && !s.startsWith('"') ? craftString(s) : s;
}

function matchingDiagnostic(diagnostics: readonly LspDiagnostic[], range: LspRange, d: CraftDiagnostic): LspDiagnostic | undefined {
  const same = (a: LspRange): boolean =>
    a.start.line === range.start.line && a.start.character === range.start.character && a.end.line === range.end.line && a.end.character === range.end.character;
  return diagnostics.find((x) => same(x.range) && x.message === d.message) ?? diagnostics.find((x) => same(x.range) && x.code === d.code);
}

// ---- seed JSON ---------------------------------------------------------------------------

/** The runtime's converter, if the runtime exports it. */
function runtimeSeedConverter(): SeedConverter | undefined {
  const f = (runtime as unknown as Record<string, unknown>)["seedJsonToCraft"];
  return typeof f === "function" ? (f as SeedConverter) : undefined;
}

function looksLikeSeedJson(doc: CraftDocument): boolean {
  const text = doc.text.trimStart();
  if (!(text.startsWith("{") || text.startsWith("["))) return false;
  if (doc.uri.toLowerCase().endsWith(".json")) return true;
  try {
    JSON.parse(doc.text);
    return true;
  } catch {
    return false;
  }
}

function convertSeedJson(doc: CraftDocument, convert: SeedConverter | undefined): CodeAction | undefined {
  if (convert === undefined || !looksLikeSeedJson(doc)) return undefined;
  const path = pathOf(doc.uri);
  let craft: string;
  try {
    craft = convert(doc.text, path);
  } catch (e) {
    return { title: CONVERT_SEED_JSON_TITLE, kind: CodeActionKind.RefactorRewrite, disabled: { reason: e instanceof Error ? e.message : String(e) } };
  }
  return {
    title: CONVERT_SEED_JSON_TITLE,
    kind: CodeActionKind.RefactorRewrite,
    edit: { changes: { [doc.uri]: [{ range: toLspRange(doc, { start: 0, end: doc.text.length }), newText: craft }] } },
  };
}

function pathOf(uri: string): string {
  if (!uri.startsWith("file://")) return uri;
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
