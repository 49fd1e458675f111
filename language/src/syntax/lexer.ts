// The .craft tokenizer: one pass over the char codes, no regular expressions,
// no line/column bookkeeping (LineIndex computes those on demand). It never
// throws: malformed text becomes a "syntax" diagnostic and the best token it
// can make, so the parser always sees a complete token stream.

import type { IToken, TokenType } from "chevrotain";
import type { Diagnostic } from "../check/diagnostics.js";
import type { SAtom } from "./sexpr.js";
import type { Range } from "./source.js";
import { Atom, type AtomKind, LParen, RParen } from "./tokens.js";

/** A `;` comment, without its line break. */
export interface Comment {
  /** the comment's text, starting with `;` */
  readonly text: string;
  readonly range: Range;
}

export interface LexResult {
  /** Chevrotain tokens; `endOffset` is inclusive, as Chevrotain expects. */
  readonly tokens: IToken[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

// ---- character classes -------------------------------------------------------

// Symbol characters come in two classes: a word that starts with a PLAIN one
// is a symbol (most words), one that starts with a SPECIAL one may be a
// number, a keyword or a quoted symbol. Every class above SPECIAL ends a word.
const PLAIN = 0;
const SPECIAL = 1; // 0-9 + - . : '
const SPACE = 2;
const DELIMITER = 3; // ( ) " ;
const CONTROL = 4;

const asciiClass = new Uint8Array(128);
for (let c = 0; c < 32; c++) asciiClass[c] = CONTROL;
asciiClass[127] = CONTROL;
for (const c of [9, 10, 11, 12, 13, 32]) asciiClass[c] = SPACE;
for (const c of [40, 41, 34, 59]) asciiClass[c] = DELIMITER;
for (const c of "0123456789+-.:'") asciiClass[c.charCodeAt(0)] = SPECIAL;

/** Unicode white space outside ASCII (and the byte-order mark). */
function isWideSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_QUOTE = 34;
const CH_SEMI = 59;
const CH_BACKSLASH = 92;
const CH_APOS = 39;
const CH_COLON = 58;
const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_LF = 10;
const CH_CR = 13;

/** Escapes a string may contain after `\`. */
const STRING_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r" };

/**
 * An atom token. It is also the S-expression tree's atom (SAtom): the parser
 * hands the very token to the tree, so a large file costs one object per atom.
 * (Fields are writable only so that a TokenPool can reuse the object.)
 */
export class AtomToken implements IToken, SAtom {
  // (declared and set in the constructor: class field definitions cost more per object)
  declare readonly kind: "atom";
  /** what kind of atom this is (to the parser, every atom is an `Atom`) */
  declare token: AtomKind;
  declare image: string;
  declare startOffset: number;
  /** inclusive, as Chevrotain expects */
  declare endOffset: number;
  declare readonly tokenTypeIdx: number;
  declare readonly tokenType: TokenType;
  /** made on first use: the AST keeps only some atoms' ranges (not those of keywords, form names, …) */
  declare private madeRange: Range | undefined;

  constructor(token: AtomKind, image: string, start: number, end: number) {
    this.kind = "atom";
    this.token = token;
    this.image = image;
    this.startOffset = start;
    this.endOffset = end - 1;
    this.tokenTypeIdx = ATOM_INDEX;
    this.tokenType = Atom;
    this.madeRange = undefined;
  }

  /** the atom as written (SAtom's view of image) */
  get text(): string {
    return this.image;
  }

  /** SAtom's start and end: the range's numbers, without making the range */
  get start(): number {
    return this.startOffset;
  }

  get end(): number {
    return this.endOffset + 1;
  }

  /** SAtom's range: one object per atom, however often it is asked for */
  get range(): Range {
    return (this.madeRange ??= { start: this.startOffset, end: this.endOffset + 1 });
  }

  /** Makes this (pooled) token another atom. */
  reuse(token: AtomKind, image: string, start: number, end: number): this {
    this.token = token;
    this.image = image;
    this.startOffset = start;
    this.endOffset = end - 1;
    this.madeRange = undefined;
    return this;
  }
}

const ATOM_INDEX = Atom.tokenTypeIdx!;

function paren(tokenType: TokenType, image: string, start: number): IToken {
  // Only what Chevrotain's parser reads: no lines or columns (LineIndex has
  // them), and no NaN placeholders, which V8 would box per field.
  return { image, startOffset: start, endOffset: start, tokenTypeIdx: tokenType.tokenTypeIdx!, tokenType };
}

/**
 * Token objects reused from one top-level item to the next, for callers that
 * are done with an item's tokens and atoms before asking for the next one
 * (parse, which keeps only the atoms' ranges and texts: those are never
 * reused). A large file then allocates no token objects at all.
 */
class TokenPool {
  private readonly atoms: AtomToken[] = [];
  private readonly lparens: IToken[] = [];
  private readonly rparens: IToken[] = [];
  private usedAtoms = 0;
  private usedL = 0;
  private usedR = 0;

  reset(): void {
    this.usedAtoms = 0;
    this.usedL = 0;
    this.usedR = 0;
  }

  atom(token: AtomKind, image: string, start: number, end: number): AtomToken {
    if (this.usedAtoms < this.atoms.length) return this.atoms[this.usedAtoms++]!.reuse(token, image, start, end);
    const t = new AtomToken(token, image, start, end);
    this.atoms.push(t);
    this.usedAtoms++;
    return t;
  }

  lparen(start: number): IToken {
    if (this.usedL < this.lparens.length) return moveTo(this.lparens[this.usedL++]!, start);
    const t = paren(LParen, "(", start);
    this.lparens.push(t);
    this.usedL++;
    return t;
  }

  rparen(start: number): IToken {
    if (this.usedR < this.rparens.length) return moveTo(this.rparens[this.usedR++]!, start);
    const t = paren(RParen, ")", start);
    this.rparens.push(t);
    this.usedR++;
    return t;
  }
}

function moveTo(t: IToken, start: number): IToken {
  t.startOffset = start;
  t.endOffset = start;
  return t;
}

function atom(pool: TokenPool | undefined, token: AtomKind, image: string, start: number, end: number): AtomToken {
  if (pool !== undefined) return pool.atom(token, image, start, end);
  return new AtomToken(token, image, start, end);
}

function syntaxError(message: string, start: number, end: number): Diagnostic {
  return { severity: "error", message, range: { start, end }, code: "syntax" };
}

// ---- scanner -----------------------------------------------------------------------

/**
 * Tokenizes text one top-level item at a time (a whole list, a lone atom, or
 * a stray `)`), so a caller can parse each form while its tokens are fresh
 * and never hold the whole file's tokens at once. Comments and diagnostics
 * accumulate over the whole text.
 */
export class Scanner {
  readonly comments: Comment[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** deepest list nesting in the last item (or items) handed out */
  maxDepth = 0;
  private pos = 0;
  private readonly pool: TokenPool | undefined;

  /**
   * With `reuseTokens`, the token objects of one item (parens and atoms, so
   * also the S-expression atoms built from them) are reused for the next:
   * only for callers that keep nothing of an item but its atoms' ranges and
   * texts once they ask for the next item.
   */
  constructor(
    readonly text: string,
    reuseTokens = false,
  ) {
    if (reuseTokens) this.pool = new TokenPool();
  }

  /** Appends the next top-level item's tokens to `out`; false when only white space and comments were left. */
  nextItem(out: IToken[]): boolean {
    this.pool?.reset();
    this.maxDepth = 0;
    const count = this.scanItem(0);
    const buf = this.buf;
    for (let k = 0; k < count; k++) out.push(buf[k]!);
    return count > 0;
  }

  /**
   * The tokens of the next top-level items, at least `minTokens` of them
   * unless the text ends first; undefined at the end. The array is the
   * scanner's own, overwritten by the next call. (Fewer, larger batches save
   * the parser's per-call set-up.)
   */
  nextItemsTokens(minTokens = 1): IToken[] | undefined {
    this.pool?.reset();
    this.maxDepth = 0;
    let count = 0;
    for (;;) {
      const next = this.scanItem(count);
      if (next === count || next >= minTokens) {
        count = next;
        break;
      }
      count = next;
    }
    if (count === 0) return undefined;
    this.buf.length = count;
    return this.buf;
  }

  /** a buffer that keeps its capacity from item to item */
  private readonly buf: IToken[] = [];

  /** Scans the next item into buf from `count` on; returns the new count (unchanged at the end). */
  private scanItem(count: number): number {
    const text = this.text;
    const n = text.length;
    const buf = this.buf;
    let i = this.pos;
    let depth = 0;
    let maxDepth = this.maxDepth;
    const pool = this.pool;

    while (i < n) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? asciiClass[c]! : isWideSpace(c) ? SPACE : PLAIN;

      if (cls === SPACE) {
        i++;
        continue;
      }
      if (cls <= SPECIAL) {
        // a word: a run of symbol characters
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d < 128 ? asciiClass[d]! > SPECIAL : isWideSpace(d)) break;
          j++;
        }
        // (a fresh string per atom: a table that shared one string per spelling
        // cost more to look up, per atom, than it saved later)
        const image = text.slice(i, j);
        buf[count++] =
          cls === PLAIN ? atom(pool, "symbol", image, i, j) : lexWord(text, i, j, image, this.diagnostics, pool);
        i = j;
        if (depth === 0) break;
        continue;
      }
      if (c === CH_LPAREN) {
        buf[count++] = pool !== undefined ? pool.lparen(i) : paren(LParen, "(", i);
        i++;
        if (++depth > maxDepth) maxDepth = depth;
        continue;
      }
      if (c === CH_RPAREN) {
        buf[count++] = pool !== undefined ? pool.rparen(i) : paren(RParen, ")", i);
        i++;
        // a `)` at depth 0 is stray: an item of its own
        if (depth === 0 || --depth === 0) break;
        continue;
      }
      if (c === CH_SEMI) {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === CH_LF || d === CH_CR) break;
          j++;
        }
        this.comments.push({ text: text.slice(i, j), range: { start: i, end: j } });
        i = j;
        continue;
      }
      if (c === CH_QUOTE) {
        const t = lexString(text, i, this.diagnostics, pool);
        buf[count++] = t;
        i = t.endOffset + 1;
        if (depth === 0) break;
        continue;
      }
      // what is left: control characters
      let j = i + 1;
      while (j < n && text.charCodeAt(j) < 128 && asciiClass[text.charCodeAt(j)] === CONTROL) j++;
      const hex = c.toString(16).toUpperCase().padStart(4, "0");
      this.diagnostics.push(syntaxError(`unexpected character U+${hex}`, i, j));
      i = j;
    }
    this.pos = i;
    this.maxDepth = maxDepth;
    return count;
  }
}

/** Tokenizes the whole text. */
export function lex(text: string): LexResult {
  const scanner = new Scanner(text);
  const tokens: IToken[] = [];
  while (scanner.nextItem(tokens));
  return { tokens, comments: scanner.comments, diagnostics: scanner.diagnostics };
}

/**
 * A string from the `"` at `start`. Strings end at the closing quote; a line
 * break before it leaves the string unterminated (and the rest of the file
 * still parses).
 */
function lexString(text: string, start: number, diagnostics: Diagnostic[], pool: TokenPool | undefined): AtomToken {
  const n = text.length;
  let j = start + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === CH_QUOTE) {
      return atom(pool, "string", text.slice(start, j + 1), start, j + 1);
    }
    if (d === CH_LF || d === CH_CR) break;
    if (d === CH_BACKSLASH) {
      // a backslash at the end of the line belongs to the (unterminated) string
      if (j + 1 >= n) {
        j++;
        break;
      }
      const e = text.charCodeAt(j + 1);
      if (e === CH_LF || e === CH_CR) {
        j++;
        break;
      }
      if (STRING_ESCAPES[text[j + 1]!] === undefined) {
        // take both halves of a surrogate pair, so the message shows a whole character
        const width = e >= 0xd800 && e <= 0xdbff && j + 2 < n ? 3 : 2;
        diagnostics.push(
          syntaxError(`unknown escape '${text.slice(j, j + width)}' in string (use \\" \\\\ \\n \\t \\r)`, j, j + width),
        );
      }
      j += 2;
      continue;
    }
    j++;
  }
  diagnostics.push(syntaxError("unterminated string", start, j));
  return atom(pool, "string", text.slice(start, j), start, j);
}

/** Classifies a run of symbol characters [start, end) that starts with a SPECIAL one; `image` is its text. */
function lexWord(
  text: string,
  start: number,
  end: number,
  image: string,
  diagnostics: Diagnostic[],
  pool: TokenPool | undefined,
): AtomToken {
  const c = text.charCodeAt(start);

  if (c === CH_COLON) {
    if (end - start === 1) diagnostics.push(syntaxError("expected a keyword name after ':'", start, end));
    return atom(pool, "keyword", image, start, end);
  }

  if (c === CH_APOS) {
    // 'open and 'open' both denote the symbol open
    const closed = end - start >= 3 && text.charCodeAt(end - 1) === CH_APOS;
    const inner = image.slice(1, closed ? -1 : undefined);
    if (inner.length === 0 || inner.includes("'")) {
      diagnostics.push(syntaxError(`malformed quoted symbol ${image}; write 'name`, start, end));
    }
    return atom(pool, "quoted", image, start, end);
  }

  // numbers: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
  let i = start;
  if (c === CH_PLUS || c === CH_MINUS) i++;
  let digits = 0;
  while (i < end && isDigit(text.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < end && text.charCodeAt(i) === CH_DOT) {
    const afterDot = i + 1;
    let j = afterDot;
    while (j < end && isDigit(text.charCodeAt(j))) j++;
    if (digits > 0 || j > afterDot) {
      digits += j - afterDot;
      i = j;
    }
  }
  if (digits === 0) return atom(pool, "symbol", image, start, end);

  if (i < end && (text.charCodeAt(i) | 32) === 101 /* e or E */) {
    let j = i + 1;
    if (j < end && (text.charCodeAt(j) === CH_PLUS || text.charCodeAt(j) === CH_MINUS)) j++;
    const expStart = j;
    while (j < end && isDigit(text.charCodeAt(j))) j++;
    if (j > expStart) i = j;
  }
  if (i === end) return atom(pool, "number", image, start, end);

  const rest = end - i;
  if (
    (rest === 1 && text.charCodeAt(i) === 115) /* s */ ||
    (rest === 2 && text.charCodeAt(i) === 109 && text.charCodeAt(i + 1) === 115) /* ms */
  ) {
    return atom(pool, "duration", image, start, end);
  }

  diagnostics.push(syntaxError(`malformed number '${image}' (durations end in s or ms, e.g. 5s, 200ms)`, start, end));
  // still a number token: the expression builder turns it into an error node
  return atom(pool, "number", image, start, end);
}

/** The value of a string token's image: quotes removed, escapes decoded. */
export function decodeString(image: string): string {
  const n = image.length;
  const close = n >= 2 && image.charCodeAt(n - 1) === CH_QUOTE && !endsWithEscape(image, n - 1) ? n - 1 : n;
  const body = image.slice(1, close);
  if (!body.includes("\\")) return body;
  let out = "";
  let k = 0;
  while (k < body.length) {
    const ch = body[k]!;
    if (ch === "\\" && k + 1 < body.length) {
      const next = body[k + 1]!;
      out += STRING_ESCAPES[next] ?? next;
      k += 2;
    } else {
      out += ch;
      k++;
    }
  }
  return out;
}

/** Whether the char before `index` is an escaping backslash (an odd run of them). */
function endsWithEscape(image: string, index: number): boolean {
  let count = 0;
  for (let k = index - 1; k >= 1 && image.charCodeAt(k) === CH_BACKSLASH; k--) count++;
  return count % 2 === 1;
}

/** The symbol a quoted token denotes: `'open` and `'open'` are both `open`. */
export function quotedName(image: string): string {
  return image.length >= 3 && image.endsWith("'") ? image.slice(1, -1) : image.slice(1);
}
