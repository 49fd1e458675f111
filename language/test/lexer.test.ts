import { describe, expect, it } from "vitest";
import { AtomToken, decodeString, lex, quotedName, Scanner } from "../src/syntax/lexer.js";
import { Atom, LParen, RParen } from "../src/syntax/tokens.js";

/** [kind, image, start, end) of each token; parens as "(" / ")". */
function toks(text: string): [string, string, number, number][] {
  return lex(text).tokens.map((t) => {
    const kind = t.tokenType === LParen ? "(" : t.tokenType === RParen ? ")" : (t as AtomToken).token;
    return [kind, t.image, t.startOffset, t.endOffset! + 1];
  });
}

function kinds(text: string): string[] {
  return toks(text).map(([k, image]) => `${k}:${image}`);
}

describe("lexer", () => {
  it("tokenizes a constraint with exact offsets", () => {
    expect(toks('(eq machine.door \'open\') ; hi\n(x "s")')).toEqual([
      ["(", "(", 0, 1],
      ["symbol", "eq", 1, 3],
      ["symbol", "machine.door", 4, 16],
      ["quoted", "'open'", 17, 23],
      [")", ")", 23, 24],
      ["(", "(", 30, 31],
      ["symbol", "x", 31, 32],
      ["string", '"s"', 33, 36],
      [")", ")", 36, 37],
    ]);
  });

  it("gives Chevrotain tokens an inclusive endOffset and no line/column", () => {
    const [t] = lex("abc").tokens;
    expect(t!.startOffset).toBe(0);
    expect(t!.endOffset).toBe(2);
    expect(t!.startLine).toBeUndefined();
    // to the parser every atom is an Atom; the lexer records which kind
    expect(t!.tokenType).toBe(Atom);
    expect(t!.tokenTypeIdx).toBe(Atom.tokenTypeIdx);
    expect((t as AtomToken).token).toBe("symbol");
  });

  it("lexes numbers", () => {
    expect(kinds("0.5 -3 1e-3 +2 .5 5. 2E+10 0")).toEqual([
      "number:0.5",
      "number:-3",
      "number:1e-3",
      "number:+2",
      "number:.5",
      "number:5.",
      "number:2E+10",
      "number:0",
    ]);
  });

  it("lexes durations", () => {
    expect(kinds("5s 200ms 0.5s 1e3ms")).toEqual(["duration:5s", "duration:200ms", "duration:0.5s", "duration:1e3ms"]);
  });

  it("lexes operators and type spellings as single symbols", () => {
    expect(kinds("coffee_machine machine.door <= + - >= Enum{red,blue} Obj<Mug> _ e5 .")).toEqual([
      "symbol:coffee_machine",
      "symbol:machine.door",
      "symbol:<=",
      "symbol:+",
      "symbol:-",
      "symbol:>=",
      "symbol:Enum{red,blue}",
      "symbol:Obj<Mug>",
      "symbol:_",
      "symbol:e5",
      "symbol:.",
    ]);
  });

  it("tells '-' from '-3' and splits symbols at delimiters", () => {
    expect(kinds("(- -3)a;c\nb\"s\"")).toEqual(["(:(", "symbol:-", "number:-3", "):)", "symbol:a", "symbol:b", 'string:"s"']);
  });

  it("lexes quoted symbols and keywords", () => {
    expect(kinds(":type :between 'open 'open' 'a_b")).toEqual([
      "keyword::type",
      "keyword::between",
      "quoted:'open",
      "quoted:'open'",
      "quoted:'a_b",
    ]);
    expect(quotedName("'open")).toBe("open");
    expect(quotedName("'open'")).toBe("open");
  });

  it("decodes string escapes", () => {
    const { tokens, diagnostics } = lex(String.raw`"a\"b\\c\nd\te"`);
    expect(diagnostics).toEqual([]);
    expect(decodeString(tokens[0]!.image)).toBe('a"b\\c\nd\te');
    expect(decodeString('""')).toBe("");
  });

  it("keeps comments in a side list with their ranges", () => {
    const { tokens, comments } = lex("; first\n(a) ; second\r\n;third");
    expect(tokens.map((t) => t.image)).toEqual(["(", "a", ")"]);
    expect(comments).toEqual([
      { text: "; first", range: { start: 0, end: 7 } },
      { text: "; second", range: { start: 12, end: 20 } },
      { text: ";third", range: { start: 22, end: 28 } },
    ]);
  });

  it("treats Unicode spaces as white space and other non-ASCII as symbol characters", () => {
    expect(kinds("a\u00a0b\u3000tasse_café")).toEqual(["symbol:a", "symbol:b", "symbol:tasse_café"]);
  });

  it("gives atom tokens the S-expression atom view", () => {
    const t = lex("'open'").tokens[0] as AtomToken;
    expect(t).toBeInstanceOf(AtomToken);
    expect(t.kind).toBe("atom");
    expect(t.token).toBe("quoted");
    expect(t.text).toBe("'open'");
    expect(t.range).toEqual({ start: 0, end: 6 });
  });
});

describe("lexical errors", () => {
  it("reports an unterminated string up to the end of its line and goes on", () => {
    const { tokens, diagnostics } = lex('(a "oops\n b)');
    expect(diagnostics).toEqual([{ severity: "error", code: "syntax", message: "unterminated string", range: { start: 3, end: 8 } }]);
    expect(tokens.map((t) => t.image)).toEqual(["(", "a", '"oops', "b", ")"]);
    expect(decodeString('"oops')).toBe("oops");
  });

  it("reports an unterminated string at the end of the text", () => {
    const text = '(a "x\\';
    const { diagnostics, tokens } = lex(text);
    expect(diagnostics.map((d) => [d.message, d.range])).toEqual([["unterminated string", { start: 3, end: text.length }]]);
    expect(tokens[tokens.length - 1]!.image).toBe('"x\\');
  });

  it("reports unknown escapes", () => {
    const { diagnostics } = lex('"a\\qb"');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.range).toEqual({ start: 2, end: 4 });
    expect(diagnostics[0]!.message).toContain("unknown escape '\\q'");
  });

  it("reports malformed numbers but still makes a token", () => {
    const { tokens, diagnostics } = lex("5min 1.2.3");
    expect(tokens.map((t) => t.image)).toEqual(["5min", "1.2.3"]);
    expect(diagnostics.map((d) => d.range)).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 10 },
    ]);
    expect(diagnostics[0]!.message).toContain("malformed number '5min'");
  });

  it("reports stray control characters, an empty keyword and a bare quote", () => {
    const { diagnostics, tokens } = lex("a\u0000\u0001b : '");
    expect(tokens.map((t) => t.image)).toEqual(["a", "b", ":", "'"]);
    expect(diagnostics.map((d) => [d.range.start, d.range.end])).toEqual([
      [1, 3],
      [5, 6],
      [7, 8],
    ]);
    expect(diagnostics[0]!.message).toBe("unexpected character U+0000");
    expect(diagnostics.every((d) => d.code === "syntax" && d.severity === "error")).toBe(true);
  });
});

describe("Scanner", () => {
  it("hands out one top-level item at a time", () => {
    const scanner = new Scanner("(a (b)) c ) (d ; x\n e");
    const items: string[] = [];
    const out: import("chevrotain").IToken[] = [];
    while (scanner.nextItem(out)) {
      items.push(out.map((t) => t.image).join(" "));
      out.length = 0;
    }
    expect(items).toEqual(["( a ( b ) )", "c", ")", "( d e"]);
    expect(scanner.comments.map((c) => c.text)).toEqual(["; x"]);
  });

  it("hands out batches of whole items", () => {
    const scanner = new Scanner("(a) (b c) d (e (f)");
    const batches: [string, number][] = [];
    for (let t = scanner.nextItemsTokens(4); t !== undefined; t = scanner.nextItemsTokens(4)) {
      batches.push([t.map((x) => x.image).join(" "), scanner.maxDepth]);
    }
    expect(batches).toEqual([
      ["( a ) ( b c )", 1],
      ["d ( e ( f )", 2],
    ]);
  });

  it("reuses token objects only when asked to", () => {
    const reuse = new Scanner("(a) (b)", true);
    const first: import("chevrotain").IToken[] = [];
    reuse.nextItem(first);
    const open = first[0];
    const second: import("chevrotain").IToken[] = [];
    reuse.nextItem(second);
    expect(second[0]).toBe(open);
    expect(second[0]!.startOffset).toBe(4);

    const fresh = lex("(a) (b)").tokens;
    expect(fresh[0]).not.toBe(fresh[3]);
    expect(fresh[0]!.startOffset).toBe(0);
  });
});
