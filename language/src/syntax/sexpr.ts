// The S-expression tree between the parser and the AST builder. It records
// exactly what the text says (atoms keep their source text), so the formatter
// works on it directly and the AST builder never looks at tokens.

import type { Range } from "./source.js";
import type { AtomKind } from "./tokens.js";

export type { AtomKind } from "./tokens.js";

export type SExpr = SList | SAtom;

export interface SList {
  readonly kind: "list";
  readonly items: readonly SExpr[];
  /** from `(` to `)`; for an unclosed list, to the end of its last item */
  readonly range: Range;
  /** range.start and range.end, read without making the range object */
  readonly start: number;
  readonly end: number;
  /** false when the text ended before the list's `)` */
  readonly closed: boolean;
}

export interface SAtom {
  readonly kind: "atom";
  readonly token: AtomKind;
  /** the atom exactly as written, e.g. `"a\"b"`, `'open'`, `:type`, `200ms` */
  readonly text: string;
  readonly range: Range;
  /** range.start and range.end, read without making the range object */
  readonly start: number;
  readonly end: number;
}

export function isSymbol(e: SExpr | undefined, name?: string): e is SAtom {
  return e !== undefined && e.kind === "atom" && e.token === "symbol" && (name === undefined || e.text === name);
}

export function isKeyword(e: SExpr | undefined): e is SAtom {
  return e !== undefined && e.kind === "atom" && e.token === "keyword";
}
