// Chevrotain token types for .craft. The lexer is hand-written (lexer.ts), so
// the types carry no patterns; they exist for the parser, which sees only
// parentheses and atoms.

import { createToken, Lexer, type TokenType } from "chevrotain";

export const LParen: TokenType = createToken({ name: "LParen", pattern: Lexer.NA, label: "'('" });
export const RParen: TokenType = createToken({ name: "RParen", pattern: Lexer.NA, label: "')'" });

/**
 * Every atom is an `Atom` token to the parser, which never looks further; the
 * lexer records what kind of atom it is (AtomToken.token). One token type per
 * atom, rather than a category over six, lets Chevrotain match tokens by
 * index alone (it uses a simpler matcher when no category exists).
 */
export const Atom: TokenType = createToken({ name: "Atom", pattern: Lexer.NA });

export const allTokenTypes: readonly TokenType[] = [LParen, RParen, Atom];

/** What an atom token is, as the S-expression tree records it. */
export type AtomKind = "symbol" | "number" | "duration" | "string" | "quoted" | "keyword";
