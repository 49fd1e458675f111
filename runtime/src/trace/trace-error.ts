// Errors in trace input, and the helpers that point them at a place in a
// JSON line: the column of a field, the column of a syntax error, and a short
// rendering of the offending value.

export interface TraceErrorInfo {
  /** the trace file as the user named it */
  readonly file: string;
  /** 1-based line; absent for errors about the whole file */
  readonly line?: number;
  /** 1-based column (UTF-16 code units, as editors count) */
  readonly column?: number;
  /** JSON path of the offending field, e.g. `objects[2].confidence` */
  readonly field?: string;
  /** what is wrong, e.g. `expected a number in [0, 1], got 1.5` */
  readonly detail: string;
  /** the expectation alone, when the error is an expected-vs-found one */
  readonly expected?: string;
  /** what was found instead, rendered for humans */
  readonly found?: string;
  readonly cause?: unknown;
}

/**
 * Bad trace input. `message` (and `toString()`) read
 * `ep1.jsonl:7:23: objects[2].confidence: expected a number in [0, 1], got 1.5`.
 */
export class TraceError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly field: string | undefined;
  readonly detail: string;
  readonly expected: string | undefined;
  readonly found: string | undefined;

  constructor(info: TraceErrorInfo) {
    super(renderTraceError(info), info.cause === undefined ? undefined : { cause: info.cause });
    this.name = "TraceError";
    this.file = info.file;
    this.line = info.line;
    this.column = info.column;
    this.field = info.field;
    this.detail = info.detail;
    this.expected = info.expected;
    this.found = info.found;
  }

  override toString(): string {
    return this.message;
  }
}

function renderTraceError(info: TraceErrorInfo): string {
  let where = info.file;
  if (info.line !== undefined) {
    where += `:${info.line}`;
    if (info.column !== undefined) where += `:${info.column}`;
  }
  return info.field ? `${where}: ${info.field}: ${info.detail}` : `${where}: ${info.detail}`;
}

// ---------------------------------------------------------------------------
// JSON paths

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["objects", 2, "confidence"]` → `objects[2].confidence`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Rendering found values

const MAX_SHOWN = 48;

/**
 * A short human rendering of a JSON value for "got …": strings quoted,
 * small arrays/objects inline, large ones by kind. `raw` is the value's source
 * text when known (so `1e999` shows as written rather than as Infinity).
 */
export function describeValue(value: unknown, raw?: string): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (typeof value === "number" && !Number.isFinite(value)) {
    return raw !== undefined && raw.length <= MAX_SHOWN
      ? `${raw} (not a finite number)`
      : `${String(value)} (not a finite number)`;
  }
  if (raw !== undefined && raw.length <= MAX_SHOWN) return raw;
  if (typeof value === "string") {
    const quoted = JSON.stringify(value);
    return quoted.length <= MAX_SHOWN ? quoted : `${quoted.slice(0, MAX_SHOWN - 2)}…"`;
  }
  if (Array.isArray(value)) {
    const shown = safeStringify(value);
    if (shown !== undefined && shown.length <= MAX_SHOWN) return shown;
    return `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  }
  if (value !== null && typeof value === "object") {
    const shown = safeStringify(value);
    if (shown !== undefined && shown.length <= MAX_SHOWN) return shown;
    return "an object";
  }
  return String(value);
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// A small JSON scanner, used only on error paths: it finds where a field sits
// in a line (for columns) and where a syntax error is when V8 does not say.

class ScanError {
  constructor(readonly offset: number) {}
}

const enum Ch {
  Tab = 9,
  Newline = 10,
  Return = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  UpperE = 69,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  LowerE = 101,
  LBrace = 123,
  RBrace = 125,
}

function skipWs(text: string, pos: number): number {
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c === Ch.Space || c === Ch.Tab || c === Ch.Newline || c === Ch.Return) pos++;
    else return pos;
  }
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function scanString(text: string, pos: number): number {
  if (text.charCodeAt(pos) !== Ch.Quote) throw new ScanError(pos);
  pos++;
  for (;;) {
    if (pos >= text.length) throw new ScanError(text.length);
    const c = text.charCodeAt(pos);
    if (c === Ch.Quote) return pos + 1;
    if (c < 0x20) throw new ScanError(pos);
    if (c === Ch.Backslash) {
      const e = text[pos + 1];
      if (e === undefined) throw new ScanError(text.length);
      if (e === "u") {
        for (let i = 2; i < 6; i++) {
          if (pos + i >= text.length) throw new ScanError(text.length);
          if (!isHex(text.charCodeAt(pos + i))) throw new ScanError(pos + i);
        }
        pos += 6;
      } else if ('"\\/bfnrt'.includes(e)) pos += 2;
      else throw new ScanError(pos + 1);
    } else pos++;
  }
}

function scanDigits(text: string, pos: number): number {
  if (!isDigit(text.charCodeAt(pos))) throw new ScanError(pos);
  while (isDigit(text.charCodeAt(pos))) pos++;
  return pos;
}

function scanNumber(text: string, pos: number): number {
  if (text.charCodeAt(pos) === Ch.Minus) pos++;
  if (text.charCodeAt(pos) === Ch.Zero) pos++;
  else pos = scanDigits(text, pos);
  if (text.charCodeAt(pos) === Ch.Dot) pos = scanDigits(text, pos + 1);
  const e = text.charCodeAt(pos);
  if (e === Ch.LowerE || e === Ch.UpperE) {
    pos++;
    const s = text.charCodeAt(pos);
    if (s === Ch.Plus || s === Ch.Minus) pos++;
    pos = scanDigits(text, pos);
  }
  return pos;
}

function scanLiteral(text: string, pos: number, word: string): number {
  for (let i = 0; i < word.length; i++) {
    if (text[pos + i] !== word[i]) throw new ScanError(Math.min(pos + i, text.length));
  }
  return pos + word.length;
}

/** Scans an object key and the colon after it; returns the value's offset. */
function scanKey(text: string, pos: number): number {
  pos = skipWs(text, scanString(text, pos));
  if (text.charCodeAt(pos) !== Ch.Colon) throw new ScanError(pos);
  return skipWs(text, pos + 1);
}

/**
 * Scans one JSON value starting at `pos` (after whitespace) and returns the
 * offset just past it. Iterative, so deep nesting cannot overflow the stack.
 * Throws ScanError at the first offending offset.
 */
function scanValue(text: string, pos: number): number {
  const closers: number[] = [];
  for (;;) {
    // expect a value
    pos = skipWs(text, pos);
    const c = text.charCodeAt(pos);
    let opened = false;
    if (c === Ch.LBrace) {
      pos = skipWs(text, pos + 1);
      if (text.charCodeAt(pos) === Ch.RBrace) pos++;
      else {
        pos = scanKey(text, pos);
        closers.push(Ch.RBrace);
        opened = true;
      }
    } else if (c === Ch.LBracket) {
      pos = skipWs(text, pos + 1);
      if (text.charCodeAt(pos) === Ch.RBracket) pos++;
      else {
        closers.push(Ch.RBracket);
        opened = true;
      }
    } else if (c === Ch.Quote) pos = scanString(text, pos);
    else if (c === Ch.Minus || isDigit(c)) pos = scanNumber(text, pos);
    else if (c === 116) pos = scanLiteral(text, pos, "true");
    else if (c === 102) pos = scanLiteral(text, pos, "false");
    else if (c === 110) pos = scanLiteral(text, pos, "null");
    else throw new ScanError(Math.min(pos, text.length));
    if (opened) continue;
    // after a value: close containers or move to the next member
    for (;;) {
      const closer = closers[closers.length - 1];
      if (closer === undefined) return pos;
      pos = skipWs(text, pos);
      const d = text.charCodeAt(pos);
      if (d === Ch.Comma) {
        pos = skipWs(text, pos + 1);
        if (closer === Ch.RBrace) pos = scanKey(text, pos);
        break;
      }
      if (d === closer) {
        closers.pop();
        pos++;
        continue;
      }
      throw new ScanError(Math.min(pos, text.length));
    }
  }
}

/**
 * The 0-based offset of the first JSON syntax error in `text`, or undefined
 * when `text` is one valid JSON value. An early end reports `text.length`.
 */
export function findJsonSyntaxError(text: string): number | undefined {
  try {
    const end = skipWs(text, scanValue(text, 0));
    return end < text.length ? end : undefined;
  } catch (e) {
    if (e instanceof ScanError) return e.offset;
    throw e;
  }
}

export interface JsonLocation {
  /** 0-based offset of the value at the path, or of the deepest enclosing value found */
  readonly offset: number;
  /** whether the whole path was found */
  readonly complete: boolean;
  /** source text of the value at `offset` */
  readonly raw: string | undefined;
}

/**
 * Where the value at `path` sits in `text` (which must be valid JSON). For a
 * key given twice, the last occurrence wins, as in JSON.parse. When the path
 * stops early (a missing field) the location is the deepest container found.
 */
export function locateJsonPath(text: string, path: readonly PathSegment[]): JsonLocation | undefined {
  try {
    let pos = skipWs(text, 0);
    let complete = true;
    for (const seg of path) {
      const c = text.charCodeAt(pos);
      let found = -1;
      if (c === Ch.LBrace && typeof seg === "string") {
        let p = skipWs(text, pos + 1);
        if (text.charCodeAt(p) !== Ch.RBrace) {
          for (;;) {
            const key: unknown = JSON.parse(text.slice(p, scanString(text, p)));
            p = scanKey(text, p);
            if (key === seg) found = p;
            p = skipWs(text, scanValue(text, p));
            if (text.charCodeAt(p) !== Ch.Comma) break;
            p = skipWs(text, p + 1);
          }
        }
      } else if (c === Ch.LBracket && typeof seg === "number") {
        let p = skipWs(text, pos + 1);
        if (text.charCodeAt(p) !== Ch.RBracket) {
          for (let i = 0; ; i++) {
            if (i === seg) {
              found = p;
              break;
            }
            p = skipWs(text, scanValue(text, p));
            if (text.charCodeAt(p) !== Ch.Comma) break;
            p = skipWs(text, p + 1);
          }
        }
      }
      if (found < 0) {
        complete = false;
        break;
      }
      pos = found;
    }
    const end = scanValue(text, pos);
    return { offset: pos, complete, raw: text.slice(pos, end) };
  } catch (e) {
    if (e instanceof ScanError) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------
// JSON.parse errors

export interface JsonSyntaxProblem {
  /** 1-based column within the line, when it can be told */
  readonly column: number | undefined;
  /** e.g. `invalid JSON: expected ',' or '}' after property value` */
  readonly detail: string;
}

/**
 * Turns a JSON.parse error on `text` into a column and a message. V8 says
 * `… at position N` in some messages and `… (line L column C)` in others, and
 * nothing in `Unexpected token 'x', "…" is not valid JSON`; then the column
 * comes from our own scan.
 */
export function explainJsonSyntaxError(text: string, error: unknown): JsonSyntaxProblem {
  const message = error instanceof Error ? error.message : String(error);
  let column: number | undefined;
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  const position = /at position (\d+)/.exec(message);
  if (lineCol && lineCol[1] === "1") column = Number(lineCol[2]);
  else if (position) column = Number(position[1]) + 1;
  else {
    const offset = findJsonSyntaxError(text);
    if (offset !== undefined) column = offset + 1;
  }

  let what = message
    .replace(/, ".*" is not valid JSON$/s, "")
    .replace(/ (in JSON )?at position \d+.*$/s, "")
    .replace(/ \(line \d+ column \d+\)$/, "")
    .replace(/ in JSON$/, "");
  if (/^Unexpected end of JSON input/.test(message) || (column !== undefined && column > text.length)) {
    what = "the line ends in the middle of a value (truncated line?)";
  }
  if (what.length > 0) what = what[0]!.toLowerCase() + what.slice(1);
  return { column, detail: `invalid JSON: ${what}` };
}
