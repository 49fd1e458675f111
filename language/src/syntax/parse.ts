// The syntax stage's entry points: text → tokens (lexer.ts) → S-expressions
// (parser.ts) → AST (forms.ts). None of them throws; problems come back as
// diagnostics with code "syntax", in source order.

import type { Diagnostic } from "../check/diagnostics.js";
import type { Expr, Form, Program } from "./ast.js";
import { FormBuilder } from "./forms.js";
import { Scanner, type Comment } from "./lexer.js";
import { ListPool, parseTokens } from "./parser.js";
import type { SExpr } from "./sexpr.js";

export type { Comment } from "./lexer.js";

/** Tokens handed to the parser at a time: whole top-level items, about this many. */
const BATCH_TOKENS = 1024;

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: Diagnostic[];
  /** every `;` comment, in source order (the formatter keeps them) */
  readonly comments: readonly Comment[];
}

export interface SExprResult {
  readonly sexprs: readonly SExpr[];
  /** lexical and bracket errors only */
  readonly diagnostics: Diagnostic[];
  readonly comments: readonly Comment[];
}

/** Text to S-expressions, without interpreting any form (for the formatter, folding, …). */
export function parseSExpressions(text: string): SExprResult {
  const scanner = new Scanner(text);
  const diagnostics: Diagnostic[] = [];
  const sexprs: SExpr[] = [];
  for (let tokens = scanner.nextItemsTokens(BATCH_TOKENS); tokens !== undefined; tokens = scanner.nextItemsTokens(BATCH_TOKENS)) {
    parseTokens(tokens, text.length, diagnostics, sexprs, scanner.maxDepth);
  }
  return { sexprs, diagnostics: merge(scanner.diagnostics, diagnostics), comments: scanner.comments };
}

/**
 * Parses a .craft file. Always returns a Program, with error nodes where the
 * text is broken. `onForm` sees each form as soon as it is built, in order.
 */
export function parse(text: string, onForm?: (form: Form) => void): ParseResult {
  // A few top-level items at a time, from text to AST: tokens and
  // S-expressions die young (their objects are even reused for the next
  // batch: the AST keeps only their ranges and texts), so the garbage
  // collector sees little more than the AST.
  const scanner = new Scanner(text, true);
  const lists = new ListPool();
  const diagnostics: Diagnostic[] = [];
  const builder = new FormBuilder(diagnostics);
  const items: SExpr[] = [];
  const forms: Form[] = [];
  for (let tokens = scanner.nextItemsTokens(BATCH_TOKENS); tokens !== undefined; tokens = scanner.nextItemsTokens(BATCH_TOKENS)) {
    parseTokens(tokens, text.length, diagnostics, items, scanner.maxDepth, lists);
    for (let i = 0; i < items.length; i++) {
      const form = builder.form(items[i]!);
      if (form === undefined) continue;
      forms.push(form);
      onForm?.(form);
    }
    items.length = 0;
  }
  const program: Program = { text, forms };
  return { program, diagnostics: sortByStart(merge(scanner.diagnostics, diagnostics)), comments: scanner.comments };
}

/**
 * Parses one expression, e.g. the seeds' `condition_expr` strings such as
 * `(eq machine.door 'open')`. Text after the expression is a diagnostic.
 */
export function parseExpression(text: string): { expr: Expr; diagnostics: Diagnostic[] } {
  const { sexprs, diagnostics } = parseSExpressions(text);
  const builder = new FormBuilder(diagnostics);
  const first = sexprs[0];
  let expr: Expr;
  if (first === undefined) {
    // (a stray ')' has been reported already; otherwise the text holds only space and comments)
    if (diagnostics.length === 0) diagnostics.push({ severity: "error", message: "expected an expression", range: { start: 0, end: text.length }, code: "syntax" });
    expr = { kind: "error", range: { start: 0, end: text.length } };
  } else {
    expr = builder.expr(first);
    if (sexprs.length > 1) {
      const extra = { start: sexprs[1]!.range.start, end: sexprs[sexprs.length - 1]!.range.end };
      diagnostics.push({ severity: "error", message: "unexpected text after the expression", range: extra, code: "syntax" });
    }
  }
  return { expr, diagnostics: sortByStart(diagnostics) };
}

function merge(a: Diagnostic[], b: Diagnostic[]): Diagnostic[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return a.concat(b);
}

function sortByStart(ds: Diagnostic[]): Diagnostic[] {
  // stable: diagnostics at the same offset keep the order they were found in
  return ds.length > 1 ? ds.sort((x, y) => x.range.start - y.range.start) : ds;
}
