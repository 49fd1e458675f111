// The S-expression parser, on Chevrotain:
//
//   file := (list | Atom | ')')*         a stray ')' is reported and skipped
//   list := '(' Atom* (list Atom*)* ')'?  a missing ')' is reported at the '('
//
// (`list` is `'(' (list | Atom)* ')'`, written without an OR because that is
// cheaper per token.) Both recoveries are part of the grammar rather than left
// to Chevrotain's re-sync recovery: in an embedded-actions parser re-sync
// drops the partly built list, and we want it kept (closed: false) so that
// later stages still see everything that was written. The grammar accepts
// every token sequence, so Chevrotain never has an error to recover from;
// its recoveryEnabled is left off because it still costs time at the end of
// every repetition (about a third of this stage on a 0.5 MB file). Should
// Chevrotain report an error anyway, it becomes a diagnostic.

import { EmbeddedActionsParser, type IRecognitionException, type IToken } from "chevrotain";
import type { Diagnostic } from "../check/diagnostics.js";
import type { AtomToken } from "./lexer.js";
import type { SExpr, SList } from "./sexpr.js";
import type { Range } from "./source.js";
import { allTokenTypes, Atom, LParen, RParen } from "./tokens.js";

/** Lists nested deeper than this are reported and skipped, so recursion stays bounded. */
export const MAX_NESTING = 200;

function syntaxError(message: string, start: number, end: number): Diagnostic {
  return { severity: "error", message, range: { start, end }, code: "syntax" };
}

/**
 * An SList (one that a ListPool can hand out again). Its range object is
 * made on first use: the AST keeps only the numbers of most lists' ranges.
 */
class ParsedList implements SList {
  // (declared and set in the constructor: class field definitions cost more per object)
  declare readonly kind: "list";
  declare items: SExpr[];
  declare start: number;
  declare end: number;
  declare closed: boolean;
  declare private madeRange: Range | undefined;

  constructor(items: SExpr[], start: number, end: number, closed: boolean) {
    this.kind = "list";
    this.items = items;
    this.start = start;
    this.end = end;
    this.closed = closed;
    this.madeRange = undefined;
  }

  get range(): Range {
    return (this.madeRange ??= { start: this.start, end: this.end });
  }

  /** Makes this (pooled) list another list. */
  reuse(items: SExpr[], start: number, end: number, closed: boolean): this {
    this.items = items;
    this.start = start;
    this.end = end;
    this.closed = closed;
    this.madeRange = undefined;
    return this;
  }
}

/** Lists longer than this get arrays of their own. */
const MAX_POOLED_ITEMS = 64;

/**
 * List objects and item arrays reused from one parseTokens call to the next,
 * for callers done with a call's lists before making the next (parse, which
 * keeps only positions and texts from them; range objects are never reused). Item
 * arrays are kept by length, so each list still gets an exact-size array.
 */
export class ListPool {
  private readonly lists: ParsedList[] = [];
  private usedLists = 0;
  /** arrays[n]: arrays of length n; used[n]: how many of them are in use */
  private readonly arrays: SExpr[][][] = [];
  private readonly used: number[] = [];

  reset(): void {
    this.usedLists = 0;
    this.used.fill(0);
  }

  /** A list of the items stack[from, to). */
  list(stack: readonly SExpr[], from: number, to: number, start: number, end: number, closed: boolean): SList {
    const items = this.items(stack, from, to);
    if (this.usedLists < this.lists.length) return this.lists[this.usedLists++]!.reuse(items, start, end, closed);
    const l = new ParsedList(items, start, end, closed);
    this.lists.push(l);
    this.usedLists++;
    return l;
  }

  private items(stack: readonly SExpr[], from: number, to: number): SExpr[] {
    const n = to - from;
    if (n > MAX_POOLED_ITEMS) return stack.slice(from, to);
    while (this.used.length <= n) {
      this.used.push(0);
      this.arrays.push([]);
    }
    const free = this.arrays[n]!;
    const k = this.used[n]!++;
    if (k === free.length) {
      const fresh = stack.slice(from, to);
      free.push(fresh);
      return fresh;
    }
    const a = free[k]!;
    for (let i = 0; i < n; i++) a[i] = stack[from + i]!;
    return a;
  }
}

class SExprParser extends EmbeddedActionsParser {
  /** where the current parse reports unclosed and stray parentheses */
  diagnostics: Diagnostic[] = [];
  /** where `file` puts the top-level items it parses */
  out: SExpr[] = [];
  /** where lists come from, if the caller reuses them */
  pool: ListPool | undefined = undefined;
  /**
   * items of the lists being parsed, innermost last, in stack[0, top): one
   * array for all lists of a call, so that each list's items array is
   * allocated once, at its exact size. A new one per call: a long-lived one
   * would sit in the old generation, where storing each new item costs a
   * write barrier.
   */
  private stack: SExpr[] = [];
  private top = 0;

  // The repeated bodies are built once, not per list: fewer closures to allocate.
  private readonly atoms = (): void => {
    this.stack[this.top++] = this.CONSUME(Atom) as AtomToken;
  };
  private readonly atoms2 = (): void => {
    this.stack[this.top++] = this.CONSUME2(Atom) as AtomToken;
  };
  private readonly nested = (): void => {
    const list = this.SUBRULE(this.list);
    this.stack[this.top++] = list;
    this.MANY3(this.atoms2);
  };
  private readonly closeParen = (): IToken => this.CONSUME(RParen);
  private readonly topLevel = (): void => {
    this.OR(this.topLevelAlternatives);
  };
  private readonly topLevelAlternatives = [
    { ALT: () => void this.out.push(this.SUBRULE2(this.list)) },
    { ALT: () => void this.out.push(this.CONSUME3(Atom) as AtomToken) },
    {
      ALT: () => {
        const t = this.CONSUME2(RParen);
        this.ACTION(() => this.diagnostics.push(syntaxError("unexpected ')'", t.startOffset, t.startOffset + 1)));
      },
    },
  ];

  constructor() {
    super(allTokenTypes as never, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
    this.stack = [];
    this.top = 0;
    this.out = [];
  }

  resetStack(): void {
    this.stack = [];
    this.top = 0;
  }

  readonly file = this.RULE("file", (): void => {
    this.MANY(this.topLevel);
  });

  readonly list = this.RULE("list", (): SList => {
    const open = this.CONSUME(LParen);
    const base = this.top;
    this.MANY(this.atoms);
    this.MANY2(this.nested);
    const close = this.OPTION(this.closeParen);
    // (not this.ACTION(…): that would allocate a closure per list)
    if (this.RECORDING_PHASE) return undefined as never;
    const top = this.top;
    this.top = base;
    const start = open.startOffset;
    let end: number;
    if (close !== undefined) end = close.startOffset + 1;
    else {
      this.diagnostics.push(syntaxError("unclosed '('", start, start + 1));
      end = top > base ? this.stack[top - 1]!.end : start + 1;
    }
    const closed = close !== undefined;
    if (this.pool !== undefined) return this.pool.list(this.stack, base, top, start, end, closed);
    return new ParsedList(this.stack.slice(base, top), start, end, closed);
  });
}

// Built once: performSelfAnalysis is far too costly to run per parse.
let parser: SExprParser | undefined;

/**
 * Parses tokens (from the lexer) into S-expressions, appending top-level
 * items to `out` and problems to `diagnostics`. Called once per batch of
 * top-level items by the parse driver, or once for a whole token stream.
 * Never throws. `maxDepth` is the deepest nesting in `tokens`, if the caller
 * knows it. With a `pool`, the lists come from it (and the previous call's
 * lists from the same pool are reused).
 */
export function parseTokens(
  tokens: IToken[],
  textLength: number,
  diagnostics: Diagnostic[],
  out: SExpr[],
  maxDepth = Infinity,
  pool?: ListPool,
): void {
  const input = maxDepth > MAX_NESTING ? limitNesting(tokens, diagnostics) : tokens;
  parser ??= new SExprParser();
  parser.diagnostics = diagnostics;
  parser.out = out;
  pool?.reset();
  parser.pool = pool;
  parser.resetStack();
  parser.input = input;
  parser.file();
  if (parser.errors.length > 0) for (const e of parser.errors) diagnostics.push(fromChevrotain(e, textLength));
  parser.diagnostics = [];
  parser.out = [];
  parser.pool = undefined;
}

/** Parses a whole token stream. */
export function parseSExprs(tokens: IToken[], textLength: number): { sexprs: SExpr[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sexprs: SExpr[] = [];
  parseTokens(tokens, textLength, diagnostics, sexprs);
  parser!.input = [];
  return { sexprs, diagnostics };
}

function fromChevrotain(e: IRecognitionException, textLength: number): Diagnostic {
  const t = e.token;
  const start = Number.isFinite(t.startOffset) ? t.startOffset : textLength;
  const end = Number.isFinite(t.endOffset) ? t.endOffset! + 1 : textLength;
  return syntaxError(e.message, start, end);
}

/**
 * Drops lists nested deeper than MAX_NESTING (with a diagnostic), so that the
 * recursive stages after the lexer cannot overflow the stack.
 */
function limitNesting(tokens: IToken[], diagnostics: Diagnostic[]): IToken[] {
  const lparen = LParen.tokenTypeIdx!;
  const rparen = RParen.tokenTypeIdx!;
  let depth = 0;
  let i = 0;
  for (; i < tokens.length; i++) {
    const k = tokens[i]!.tokenTypeIdx;
    if (k === lparen) {
      if (++depth > MAX_NESTING) break;
    } else if (k === rparen && depth > 0) depth--;
  }
  if (i === tokens.length) return tokens;

  // Copy, skipping each too-deep list up to its matching ')'.
  const kept = tokens.slice(0, i);
  depth = MAX_NESTING;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenTypeIdx === lparen && depth === MAX_NESTING) {
      let inner = 0;
      let j = i;
      for (; j < tokens.length; j++) {
        const k = tokens[j]!.tokenTypeIdx;
        if (k === lparen) inner++;
        else if (k === rparen && --inner === 0) break;
      }
      const end = j < tokens.length ? tokens[j]!.startOffset + 1 : tokens[tokens.length - 1]!.endOffset! + 1;
      diagnostics.push(syntaxError(`lists nested deeper than ${MAX_NESTING} levels are not supported`, t.startOffset, end));
      i = j;
      continue;
    }
    if (t.tokenTypeIdx === lparen) depth++;
    else if (t.tokenTypeIdx === rparen && depth > 0) depth--;
    kept.push(t);
  }
  return kept;
}
