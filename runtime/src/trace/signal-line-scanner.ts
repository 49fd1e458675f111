// A scanner for the commonest line of a plain-signal trace: a flat JSON object
// of booleans, numbers and plain strings, such as {"time":0.12,"p":true}. It
// reads the line's UTF-8 bytes where they lie in the chunk read from disk and
// builds the Frame directly: no decoding of the chunk to a string, no
// JSON.parse and no intermediate object, which are most of the cost of
// reading a long signal log.
//
// It accepts a strict subset of JSON: any line it does not fully understand
// (nesting, null, escapes in strings, reserved frame fields such as "objects",
// a header line, a syntax error) yields undefined, and the caller reads that
// line through JSON.parse and the frame schema, which accept it or say exactly
// what is wrong. Lines it does accept give the same Frame as that path.

import type { Frame, SignalValue } from "@craft/language";
import { isReservedTopLevelKey, signalFrame, type LineContext } from "./frame-schema.js";

const QUOTE = 34;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const BACKSLASH = 92;
const LOWER_E = 101;
const UPPER_E = 69;
const PLUS = 43;
const LBRACE = 123;
const RBRACE = 125;

/** How a top-level key is read. */
const enum KeyKind {
  Signal,
  StepNumber,
  Time,
  /** anything the general path must judge (frame fields, "__proto__", the header) */
  Other,
}


// Powers of ten that are exact doubles: with an integer mantissa below 2^53,
// one multiplication or division by them is correctly rounded, so it gives
// the same double as JSON.parse (Clinger's fast path).
const EXACT_POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_MANTISSA = 2 ** 53;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

export class SignalLineScanner {
  /** `deferred`: keys that send a line to the general path too (format adapters' markers) */
  constructor(private readonly deferred: ReadonlySet<string> = new Set()) {}

  // The keys of the last line by position, reused while lines repeat them,
  // so a line of known keys allocates no key strings.
  private readonly keys: string[] = [];
  private readonly kinds: KeyKind[] = [];
  private readonly ascii: boolean[] = [];
  // results of scanValue
  private value: SignalValue = false;
  private pos = 0;

  /** The frame on the UTF-8 line text[start, end), or undefined when the general path must read it. */
  scan(text: Buffer, start: number, end: number, ctx: LineContext): Frame | undefined {
    let i = this.skipSpace(text, start, end);
    if (i >= end || text[i]! !== LBRACE) return undefined;
    i = this.skipSpace(text, i + 1, end);
    let t: number | undefined;
    let time: number | undefined;
    const signals: Record<string, SignalValue> = {};
    for (let k = 0; ; k++) {
      // key
      if (i >= end || text[i]! !== QUOTE) return undefined;
      const keyStart = i + 1;
      let j = keyStart;
      let ascii = true;
      for (; j < end; j++) {
        const c = text[j]!;
        if (c === QUOTE) break;
        if (c === BACKSLASH || c < 32) return undefined;
        if (c >= 128) ascii = false;
      }
      if (j >= end) return undefined;
      const kind = ascii ? this.keyAt(k, text, keyStart, j) : this.newKey(k, text.toString("utf8", keyStart, j));
      if (kind === KeyKind.Other) return undefined;
      const key = this.keys[k]!;
      i = this.skipSpace(text, j + 1, end);
      if (i >= end || text[i]! !== COLON) return undefined;
      // value
      if (!this.scanValue(text, this.skipSpace(text, i + 1, end), end)) return undefined;
      const value = this.value;
      if (kind === KeyKind.Signal) signals[key] = value;
      else if (kind === KeyKind.Time) {
        if (typeof value !== "number") return undefined;
        time = value;
      } else {
        if (typeof value !== "number" || !Number.isInteger(value) || value < 0) return undefined;
        t = value;
      }
      i = this.skipSpace(text, this.pos, end);
      if (i >= end) return undefined;
      const c = text[i]!;
      if (c === COMMA) {
        i = this.skipSpace(text, i + 1, end);
        continue;
      }
      if (c !== RBRACE) return undefined;
      if (this.skipSpace(text, i + 1, end) !== end) return undefined;
      return signalFrame(signals, t, time, ctx);
    }
  }

  /** The kind of the k-th key of this line, the ASCII text[from, to); keeps the key string in keys[k]. */
  private keyAt(k: number, text: Buffer, from: number, to: number): KeyKind {
    const known = this.keys[k];
    // an ASCII key's bytes are its UTF-16 code units, so they compare one to one
    if (known !== undefined && this.ascii[k] && known.length === to - from) {
      let same = true;
      for (let n = 0; n < known.length; n++) {
        if (known.charCodeAt(n) !== text[from + n]!) {
          same = false;
          break;
        }
      }
      if (same) return this.kinds[k]!;
    }
    const kind = this.newKey(k, text.toString("latin1", from, to));
    this.ascii[k] = true;
    return kind;
  }

  private newKey(k: number, key: string): KeyKind {
    this.keys[k] = key;
    this.ascii[k] = false;
    return (this.kinds[k] = this.kindOf(key));
  }

  private kindOf(key: string): KeyKind {
    if (key === "t") return KeyKind.StepNumber;
    if (key === "time") return KeyKind.Time;
    if (isReservedTopLevelKey(key) || this.deferred.has(key)) {
      return KeyKind.Other;
    }
    return KeyKind.Signal;
  }

  private skipSpace(text: Buffer, i: number, end: number): number {
    while (i < end && isSpace(text[i]!)) i++;
    return i;
  }

  /** Reads true, false, a number or a string without escapes at i into value/pos; false otherwise. */
  private scanValue(text: Buffer, i: number, end: number): boolean {
    if (i >= end) return false;
    const c = text[i]!;
    if (c === 116 /* t */) {
      if (i + 4 > end || text[i + 1] !== 114 || text[i + 2] !== 117 || text[i + 3] !== 101) return false;
      this.value = true;
      this.pos = i + 4;
      return true;
    }
    if (c === 102 /* f */) {
      if (i + 5 > end || text[i + 1] !== 97 || text[i + 2] !== 108 || text[i + 3] !== 115 || text[i + 4] !== 101) return false;
      this.value = false;
      this.pos = i + 5;
      return true;
    }
    if (c === QUOTE) {
      let ascii = true;
      for (let j = i + 1; j < end; j++) {
        const d = text[j]!;
        if (d === QUOTE) {
          this.value = text.toString(ascii ? "latin1" : "utf8", i + 1, j);
          this.pos = j + 1;
          return true;
        }
        if (d === BACKSLASH || d < 32) return false;
        if (d >= 128) ascii = false;
      }
      return false;
    }
    return this.scanNumber(text, i, end);
  }

  /** A JSON number (RFC 8259 grammar exactly) at i; false for anything else or a non-finite value. */
  private scanNumber(text: Buffer, i: number, end: number): boolean {
    const start = i;
    let negative = false;
    if (text[i]! === MINUS) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let exact = true; // the mantissa's digits fit in 53 bits
    let c = i < end ? text[i]! : -1;
    if (c === ZERO) {
      i++;
    } else if (c > ZERO && c <= NINE) {
      for (; i < end; i++) {
        c = text[i]!;
        if (c < ZERO || c > NINE) break;
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa >= MAX_EXACT_MANTISSA) exact = false;
      }
    } else return false;
    let scale = 0; // the value is mantissa × 10^scale
    if (i < end && text[i]! === DOT) {
      i++;
      const first = i;
      for (; i < end; i++) {
        c = text[i]!;
        if (c < ZERO || c > NINE) break;
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa >= MAX_EXACT_MANTISSA) exact = false;
      }
      if (i === first) return false;
      scale = first - i;
    }
    if (i < end && (text[i]! === LOWER_E || text[i]! === UPPER_E)) {
      i++;
      let sign = 1;
      c = i < end ? text[i]! : -1;
      if (c === MINUS || c === PLUS) {
        if (c === MINUS) sign = -1;
        i++;
      }
      const first = i;
      let exponent = 0;
      for (; i < end; i++) {
        c = text[i]!;
        if (c < ZERO || c > NINE) break;
        if (exponent < 1e6) exponent = exponent * 10 + (c - ZERO);
      }
      if (i === first) return false;
      scale += sign * exponent;
    }
    let value: number;
    if (exact && scale >= 0 && scale <= 22) value = mantissa * EXACT_POW10[scale]!;
    else if (exact && scale < 0 && scale >= -22) value = mantissa / EXACT_POW10[-scale]!;
    else value = Number(text.toString("latin1", negative ? start + 1 : start, i)); // valid JSON, so Number reads it as JSON.parse does
    if (!Number.isFinite(value)) return false;
    this.value = negative ? -value : value;
    this.pos = i;
    return true;
  }
}
