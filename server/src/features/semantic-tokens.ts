// Semantic tokens for the whole document: forms, predicates (built-in,
// temporal, defined, extension), names and paths, attributes, literals,
// keywords and comments, from the AST and the checker's bindings.
//
// The AST keeps no range for a few words (a form's head, `:type pre`,
// `:description "…"`): those are the words between the AST's nodes inside a
// form, and are classified by what precedes them.

import type { Call, ConstraintForm, Expr, Form, NameRef, Range } from "@craft/language";
import { builtins } from "@craft/language";
import type { SemanticTokens, SemanticTokensLegend, SemanticTokensParams, SemanticTokensRangeParams } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { attrNameRange, formHeadRange, isWordChar, paramNameRange, quantifierHeadRange, toOffsetRange } from "./util.js";

export const TOKEN_TYPES = [
  "keyword",
  "function",
  "macro",
  "operator",
  "variable",
  "parameter",
  "property",
  "string",
  "number",
  "enumMember",
  "type",
  "comment",
  "namespace",
  "event",
] as const;

export const TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

/** The legend the server announces: token type i is TOKEN_TYPES[i], modifier bit i is TOKEN_MODIFIERS[i]. */
export const semanticTokensLegend: SemanticTokensLegend = {
  tokenTypes: [...TOKEN_TYPES],
  tokenModifiers: [...TOKEN_MODIFIERS],
};

const TYPE_INDEX = new Map<TokenType, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const DECLARATION = 1;
const READONLY = 2;
const DEFAULT_LIBRARY = 4;

export interface Token {
  readonly start: number;
  readonly end: number;
  readonly type: number;
  readonly modifiers: number;
}

export function provideSemanticTokens(doc: CraftDocument, _params: SemanticTokensParams): SemanticTokens {
  try {
    return { data: encode(doc, collect(doc)) };
  } catch {
    return { data: [] };
  }
}

/** Tokens of a range (for clients that ask for the visible part of a large file). */
export function provideSemanticTokensRange(doc: CraftDocument, params: SemanticTokensRangeParams): SemanticTokens {
  try {
    const r = toOffsetRange(doc, params.range);
    return { data: encode(doc, collect(doc).filter((t) => t.end > r.start && t.start < r.end)) };
  } catch {
    return { data: [] };
  }
}

// ---- collecting -------------------------------------------------------------------------

class Collector {
  readonly tokens: Token[] = [];
  constructor(readonly doc: CraftDocument) {}

  add(range: Range | undefined, type: TokenType, modifiers = 0): void {
    if (range === undefined || range.end <= range.start) return;
    this.tokens.push({ start: range.start, end: range.end, type: TYPE_INDEX.get(type)!, modifiers });
  }
}

function collect(doc: CraftDocument): Token[] {
  const c = new Collector(doc);
  for (const form of doc.parsed.program.forms) {
    const from = c.tokens.length;
    formTokens(c, form);
    gapTokens(c, form, from);
  }
  for (const comment of doc.parsed.comments) c.add(comment.range, "comment");
  const tokens = c.tokens.sort((a, b) => a.start - b.start || b.end - a.end);
  // no overlaps: a token starting inside the previous one is dropped
  const out: Token[] = [];
  let end = 0;
  for (const t of tokens) {
    if (t.start < end) continue;
    out.push(t);
    end = t.end;
  }
  return out;
}

function formTokens(c: Collector, form: Form): void {
  const text = c.doc.text;
  c.add(formHeadRange(text, form), "keyword");
  switch (form.kind) {
    case "task":
      c.add(form.nameRange, "namespace", DECLARATION);
      break;
    case "object":
      c.add(form.nameRange, "variable", DECLARATION);
      c.add(form.typeRange, "type");
      c.add(form.idRange, "string");
      break;
    case "define":
      c.add(form.nameRange, "function", DECLARATION);
      for (const p of form.params) {
        c.add(paramNameRange(text, p), "parameter", DECLARATION);
        c.add(p.typeRange, "type");
      }
      exprTokens(c, form.body);
      break;
    case "constraint":
      constraintTokens(c, form);
      break;
    case "type":
      c.add(form.nameRange, "type", DECLARATION);
      for (const a of form.attrs) {
        c.add(attrNameRange(text, a), "property", DECLARATION);
        c.add(a.typeRange, "type");
      }
      break;
    case "model":
      c.add(form.nameRange, "variable", DECLARATION);
      c.add(form.pathRange, "string");
      break;
  }
}

function constraintTokens(c: Collector, form: ConstraintForm): void {
  c.add(form.idRange, "namespace", DECLARATION);
  if (form.action !== undefined) {
    c.add(form.action.nameRange, "event");
    for (const a of form.action.args) c.add(a.range, a.name === "_" ? "keyword" : "variable");
  }
  exprTokens(c, form.body);
}

function exprTokens(c: Collector, e: Expr): void {
  switch (e.kind) {
    case "literal":
      switch (e.literal.type) {
        case "num":
        case "duration":
          c.add(e.range, "number");
          break;
        case "str":
          c.add(e.range, "string");
          break;
        case "sym":
          c.add(e.range, "enumMember");
          break;
        case "bool":
          c.add(e.range, "keyword");
          break;
      }
      break;
    case "name":
      nameTokens(c, e);
      break;
    case "call":
      callTokens(c, e);
      break;
    case "quantifier":
      c.add(quantifierHeadRange(c.doc.text, e), "keyword");
      c.add(e.variableRange, "parameter", DECLARATION);
      c.add(e.typeRange, "type");
      exprTokens(c, e.body);
      break;
    case "error":
      break;
  }
}

const OPERATOR_KINDS = new Set(["logic", "compare", "arith"]);

function callTokens(c: Collector, call: Call): void {
  const checked = c.doc.checked;
  const builtin = builtins.get(call.op);
  if (checked.defines.has(call.op)) c.add(call.opRange, "function");
  else if (builtin !== undefined) {
    const type: TokenType = builtin.kind === "temporal" ? "macro" : OPERATOR_KINDS.has(builtin.kind) ? "operator" : "function";
    c.add(call.opRange, type, DEFAULT_LIBRARY);
  } else c.add(call.opRange, "function");
  for (const o of call.options) {
    c.add(o.keywordRange, "keyword");
    for (const v of o.values) exprTokens(c, v);
  }
  for (const a of call.args) exprTokens(c, a);
}

function nameTokens(c: Collector, n: NameRef): void {
  const info = c.doc.checked.names.get(n);
  if (info?.signalPath === true) {
    c.add(n.range, "variable", READONLY);
    return;
  }
  const local = info?.binding.kind === "local";
  const signal = info !== undefined && n.parts.length === 1 && info.binding.kind === "global" && c.doc.trace?.vocabulary?.signals.has(n.parts[0]!) === true;
  c.add(n.partRanges[0], local ? "parameter" : "variable", signal ? READONLY : 0);
  for (let i = 1; i < n.partRanges.length; i++) c.add(n.partRanges[i], "property");
}

// ---- words between the AST's nodes ---------------------------------------------------------

/**
 * Classifies the words of a form that no node covers: option keywords
 * (`:type`), their symbol values (`pre`, `hard`) and strings (`:description "…"`).
 */
function gapTokens(c: Collector, form: Form, from: number): void {
  const text = c.doc.text;
  const covered = c.tokens.slice(from).map((t) => ({ start: t.start, end: t.end }));
  const comments = c.doc.parsed.comments;
  for (let k = firstCommentFrom(comments, form.range.start); k < comments.length && comments[k]!.range.start < form.range.end; k++) {
    covered.push(comments[k]!.range);
  }
  covered.sort((a, b) => a.start - b.start);
  let k = 0;
  let i = form.range.start;
  const end = Math.min(form.range.end, text.length);
  let lastKeyword: string | undefined;
  while (i < end) {
    while (k < covered.length && covered[k]!.end <= i) k++;
    const cov = covered[k];
    if (cov !== undefined && cov.start <= i) {
      i = cov.end;
      lastKeyword = undefined;
      continue;
    }
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      let j = i + 1;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d === 34 || d === 10 || d === 13) break;
        j += d === 92 ? 2 : 1;
      }
      j = Math.min(j < end && text.charCodeAt(j) === 34 ? j + 1 : j, end);
      c.add({ start: i, end: j }, "string");
      lastKeyword = undefined;
      i = j;
      continue;
    }
    if (!isWordChar(ch)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < end && isWordChar(text.charCodeAt(j))) j++;
    const limit = cov !== undefined ? Math.min(j, cov.start) : j;
    const word = text.slice(i, limit);
    if (word.startsWith(":")) {
      c.add({ start: i, end: limit }, "keyword");
      lastKeyword = word;
    } else {
      if (lastKeyword === ":type" || lastKeyword === ":severity") c.add({ start: i, end: limit }, "enumMember");
      else if (word.startsWith("'")) c.add({ start: i, end: limit }, "enumMember");
      lastKeyword = undefined;
    }
    i = limit;
  }
}

/** Index of the first comment starting at or after `offset` (comments are in source order). */
function firstCommentFrom(comments: readonly { readonly range: Range }[], offset: number): number {
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid]!.range.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- encoding -------------------------------------------------------------------------------

/**
 * LSP's relative encoding of tokens sorted by start, without overlaps; a
 * token over several lines becomes one token per line (exported for tests:
 * craft's own tokens never span lines).
 */
export function encode(doc: CraftDocument, tokens: readonly Token[]): number[] {
  const data: number[] = [];
  const text = doc.text;
  let prevLine = 0;
  let prevChar = 0;
  const push = (line: number, char: number, length: number, t: Token): void => {
    if (length <= 0) return;
    data.push(line - prevLine, line === prevLine ? char - prevChar : char, length, t.type, t.modifiers);
    prevLine = line;
    prevChar = char;
  };
  for (const t of tokens) {
    const p = doc.lines.positionAt(t.start);
    let line = p.line;
    let char = p.character;
    let segStart = t.start;
    for (let i = t.start; i < t.end; i++) {
      if (text.charCodeAt(i) !== 10) continue;
      // lines break at LF, as LineIndex counts them (a CR before it is no character of the token)
      push(line, char, i - segStart - (i > segStart && text.charCodeAt(i - 1) === 13 ? 1 : 0), t);
      line++;
      char = 0;
      segStart = i + 1;
    }
    push(line, char, t.end - segStart, t);
  }
  return data;
}
