// Chevrotain token types for .craft. The lexer is hand-written (lexer.ts), so
// the types carry no patterns; they exist for the parser, which matches the
// `Atom` category to accept any atom kind.

import { createToken, Lexer, type TokenType } from "chevrotain";

export const LParen: TokenType = createToken({ name: "LParen", pattern: Lexer.NA, label: "'('" });
export const RParen: TokenType = createToken({ name: "RParen", pattern: Lexer.NA, label: "')'" });

/** Category of every atom token; the parser consumes `Atom`. */
export const Atom: TokenType = createToken({ name: "Atom", pattern: Lexer.NA });

export const SymbolToken: TokenType = createToken({ name: "Symbol", pattern: Lexer.NA, categories: [Atom] });
export const NumberToken: TokenType = createToken({ name: "Number", pattern: Lexer.NA, categories: [Atom] });
export const DurationToken: TokenType = createToken({ name: "Duration", pattern: Lexer.NA, categories: [Atom] });
export const StringToken: TokenType = createToken({ name: "String", pattern: Lexer.NA, categories: [Atom] });
/** `'open` or `'open'` */
export const QuotedToken: TokenType = createToken({ name: "Quoted", pattern: Lexer.NA, categories: [Atom] });
/** `:type` */
export const KeywordToken: TokenType = createToken({ name: "Keyword", pattern: Lexer.NA, categories: [Atom] });

export const allTokenTypes: readonly TokenType[] = [
  LParen,
  RParen,
  Atom,
  SymbolToken,
  NumberToken,
  DurationToken,
  StringToken,
  QuotedToken,
  KeywordToken,
];

/** What an atom token is, as the S-expression tree records it. */
export type AtomKind = "symbol" | "number" | "duration" | "string" | "quoted" | "keyword";

// tokenTypeIdx -> AtomKind, so the parser maps a token without a switch on names
const kindByIndex: AtomKind[] = [];
kindByIndex[SymbolToken.tokenTypeIdx!] = "symbol";
kindByIndex[NumberToken.tokenTypeIdx!] = "number";
kindByIndex[DurationToken.tokenTypeIdx!] = "duration";
kindByIndex[StringToken.tokenTypeIdx!] = "string";
kindByIndex[QuotedToken.tokenTypeIdx!] = "quoted";
kindByIndex[KeywordToken.tokenTypeIdx!] = "keyword";

/** The atom kind of a token type index; "symbol" for anything unexpected. */
export function atomKindOf(tokenTypeIdx: number): AtomKind {
  return kindByIndex[tokenTypeIdx] ?? "symbol";
}
