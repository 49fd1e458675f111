import { LineIndex } from "@craft/language";
import { describe, expect, it } from "vitest";
import { encode, provideSemanticTokens, provideSemanticTokensRange, semanticTokensLegend } from "../../src/features/semantic-tokens.js";
import { MAKE_COFFEE, URI, makeDocument, vocabulary } from "./support.js";
import { types } from "@craft/language";

interface Decoded {
  line: number;
  char: number;
  text: string;
  type: string;
  modifiers: string[];
}

export function decode(text: string, data: readonly number[]): Decoded[] {
  const lines = text.split("\n");
  const out: Decoded[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, len, type, mods] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += dl;
    char = dl === 0 ? char + dc : dc;
    out.push({
      line,
      char,
      text: lines[line]!.slice(char, char + len),
      type: semanticTokensLegend.tokenTypes[type]!,
      modifiers: semanticTokensLegend.tokenModifiers.filter((_, b) => (mods & (1 << b)) !== 0),
    });
  }
  return out;
}

function tokens(text: string, options = {}): Decoded[] {
  return decode(text, provideSemanticTokens(makeDocument(text, options), { textDocument: { uri: URI } }).data);
}

function pairs(ts: Decoded[]): string[] {
  return ts.map((t) => `${t.text}:${t.type}${t.modifiers.length > 0 ? "+" + t.modifiers.join("+") : ""}`);
}

describe("semantic tokens", () => {
  it("has a legend with the standard token types", () => {
    expect(semanticTokensLegend.tokenTypes).toEqual([
      "keyword", "function", "macro", "operator", "variable", "parameter", "property", "string", "number", "enumMember", "type", "comment", "namespace", "event",
    ]);
    expect(semanticTokensLegend.tokenModifiers).toEqual(["declaration", "readonly", "defaultLibrary"]);
  });

  it("classifies every part of a constraint", () => {
    const text = `(constraint C1 :type pre :severity hard ; why\n  :action (PutObject mug _)\n  :description "open (first)"\n  (and (eq machine.isOpen true) (eventually :within 5s (filled mug 'coffee)) (< (distance mug machine) 0.5)))`;
    expect(pairs(tokens(text))).toEqual([
      "constraint:keyword",
      "C1:namespace+declaration",
      ":type:keyword",
      "pre:enumMember",
      ":severity:keyword",
      "hard:enumMember",
      "; why:comment",
      ":action:keyword",
      "PutObject:event",
      "mug:variable",
      "_:keyword",
      ":description:keyword",
      '"open (first)":string',
      "and:operator+defaultLibrary",
      "eq:operator+defaultLibrary",
      "machine:variable",
      "isOpen:property",
      "true:keyword",
      "eventually:macro+defaultLibrary",
      ":within:keyword",
      "5s:number",
      "filled:function+defaultLibrary",
      "mug:variable",
      "'coffee:enumMember",
      "<:operator+defaultLibrary",
      "distance:function+defaultLibrary",
      "mug:variable",
      "machine:variable",
      "0.5:number",
    ]);
  });

  it("classifies declarations: task, objects, defines, parameters, quantifiers, types, models", () => {
    const text = `(task t :goal "g")\n(object mug Mug :id "Mug_1")\n(define (clean (x Mug)) (not x.isDirty))\n(type Ball :attrs (mass Num))\n(model physics "w.safetensors")\n(constraint C2 (forall (b Ball) (clean b)))`;
    expect(pairs(tokens(text))).toEqual([
      "task:keyword",
      "t:namespace+declaration",
      ":goal:keyword",
      '"g":string',
      "object:keyword",
      "mug:variable+declaration",
      "Mug:type",
      ":id:keyword",
      '"Mug_1":string',
      "define:keyword",
      "clean:function+declaration",
      "x:parameter+declaration",
      "Mug:type",
      "not:operator+defaultLibrary",
      "x:parameter",
      "isDirty:property",
      "type:keyword",
      "Ball:type+declaration",
      ":attrs:keyword",
      "mass:property+declaration",
      "Num:type",
      "model:keyword",
      "physics:variable+declaration",
      '"w.safetensors":string',
      "constraint:keyword",
      "C2:namespace+declaration",
      "forall:keyword",
      "b:parameter+declaration",
      "Ball:type",
      "clean:function",
      "b:parameter",
    ]);
  });

  it("marks trace signals read-only", () => {
    const vocab = vocabulary({ signals: { "arm.speed": types.Num, collision: types.Bool } });
    expect(pairs(tokens("(constraint C1 (or collision (< arm.speed 2)))", { vocabulary: vocab }))).toEqual([
      "constraint:keyword",
      "C1:namespace+declaration",
      "or:operator+defaultLibrary",
      "collision:variable+readonly",
      "<:operator+defaultLibrary",
      "arm.speed:variable+readonly",
      "2:number",
    ]);
  });

  it("encodes relative positions, sorted, without overlaps, inside each line", () => {
    const doc = makeDocument(MAKE_COFFEE);
    const data = provideSemanticTokens(doc, { textDocument: { uri: URI } }).data;
    expect(data.length % 5).toBe(0);
    const lines = MAKE_COFFEE.split("\n");
    const decoded = decode(MAKE_COFFEE, data);
    let prev = { line: -1, end: 0 };
    for (const t of decoded) {
      expect(t.text.length).toBeGreaterThan(0);
      expect(t.char + t.text.length).toBeLessThanOrEqual(lines[t.line]!.length);
      if (t.line === prev.line) expect(t.char).toBeGreaterThanOrEqual(prev.end);
      else expect(t.line).toBeGreaterThan(prev.line);
      prev = { line: t.line, end: t.char + t.text.length };
    }
    expect(decoded[0]).toEqual({ line: 0, char: 0, text: "; make_coffee", type: "comment", modifiers: [] });
    expect(decoded.find((t) => t.text === "5s")?.type).toBe("number");
  });

  it("counts columns in UTF-16 and handles CRLF line ends", () => {
    const text = '(constraint C1 :description "☕ 𝄞 ok" ; ünïcødé\r\n  (eq x.name "é"))';
    const ts = tokens(text);
    const str = ts.find((t) => t.type === "string")!;
    expect(str.text).toBe('"☕ 𝄞 ok"');
    const comment = ts.find((t) => t.type === "comment")!;
    expect(comment.text).toBe("; ünïcødé");
    expect(ts.find((t) => t.text === '"é"')?.line).toBe(1);
  });

  it("ends an unterminated string at its line", () => {
    const text = '(constraint C1 :description "a\n  (eq x 1))';
    const ts = tokens(text);
    for (const t of ts) expect(t.text).not.toContain("\n");
    expect(ts.find((t) => t.type === "string")?.text).toBe('"a');
  });

  it("splits a token that spans lines into one token per line", () => {
    const text = 'ab "one\r\ntwo\n\nthree" cd';
    const doc = makeDocument(text);
    const data = encode(doc, [
      { start: 0, end: 2, type: 4, modifiers: 0 },
      { start: 3, end: 20, type: 7, modifiers: 2 },
      { start: 21, end: 23, type: 4, modifiers: 0 },
    ]);
    expect(data).toEqual([0, 0, 2, 4, 0, 0, 3, 4, 7, 2, 1, 0, 3, 7, 2, 2, 0, 6, 7, 2, 0, 7, 2, 4, 0]);
  });

  it("answers a range request with the tokens of that range", () => {
    const doc = makeDocument(MAKE_COFFEE);
    const r = provideSemanticTokensRange(doc, { textDocument: { uri: URI }, range: { start: { line: 13, character: 0 }, end: { line: 14, character: 0 } } });
    expect(pairs(decode(MAKE_COFFEE, r.data))).toEqual(["eq:operator+defaultLibrary", "coffee_machine:variable", "isOpen:property", "true:keyword"]);
    expect(decode(MAKE_COFFEE, r.data)[0]!.line).toBe(13);
  });

  it("keeps comments and valid forms of broken files", () => {
    const text = "; top\n(constraint C1 (and (inside mug\n(bogus 1 2)\n; end";
    const ts = tokens(text);
    expect(ts.filter((t) => t.type === "comment").map((t) => t.text)).toEqual(["; top", "; end"]);
    expect(pairs(ts)).toContain("inside:function+defaultLibrary");
    expect(new LineIndex(text).lineCount).toBe(4);
  });
});
