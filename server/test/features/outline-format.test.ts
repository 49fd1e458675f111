// document symbols and formatting
import { format } from "@craft/language";
import { SymbolKind } from "vscode-languageserver";
import { describe, expect, it } from "vitest";
import { provideDocumentSymbols } from "../../src/features/document-symbols.js";
import { provideFormatting } from "../../src/features/formatting.js";
import { MAKE_COFFEE, URI, makeDocument, positionOf } from "./support.js";

describe("document symbols", () => {
  it("outlines the task, objects, defines, types, models and constraints in order", () => {
    const text = MAKE_COFFEE + '\n(type Ball :attrs (mass Num) (color Enum{red,blue}))\n(model physics "models/rigid.safetensors")\n';
    const symbols = provideDocumentSymbols(makeDocument(text), { textDocument: { uri: URI } });
    expect(symbols.map((s) => [s.name, s.kind, s.detail])).toEqual([
      ["make_coffee", SymbolKind.Module, "make a cup of coffee"],
      ["mug", SymbolKind.Variable, "Mug"],
      ["coffee_machine", SymbolKind.Variable, "CoffeeMachine"],
      ["clean", SymbolKind.Function, "(clean x)"],
      ["C1", SymbolKind.Event, "pre · hard — The coffee machine must be open before a mug goes in"],
      ["C2", SymbolKind.Event, "pre · hard"],
      ["C5", SymbolKind.Event, "invariant · hard"],
      ["C6", SymbolKind.Event, "goal · soft"],
      ["C7", SymbolKind.Event, "invariant · hard"],
      ["Ball", SymbolKind.Class, "type"],
      ["physics", SymbolKind.Package, "models/rigid.safetensors"],
    ]);
    const c1 = symbols[4]!;
    expect(c1.range).toEqual({ start: { line: 10, character: 0 }, end: { line: 13, character: 34 } });
    expect(c1.selectionRange).toEqual({ start: positionOf(text, "C1"), end: positionOf(text, "C1", 2) });
    const ball = symbols[9]!;
    expect(ball.children?.map((c) => [c.name, c.detail])).toEqual([["mass", "Num"], ["color", "Enum{red,blue}"]]);
    expect(ball.children?.[0]?.selectionRange).toEqual({ start: positionOf(text, "mass"), end: positionOf(text, "mass", 4) });
    expect(symbols[3]!.children?.map((c) => c.name)).toEqual(["x"]);
  });

  it("keeps every selection range inside its range, also on broken files", () => {
    const text = "(constraint C1 :type pre (and (inside mug\n(object)\n(define (f (x Mug) y) (g x)";
    const symbols = provideDocumentSymbols(makeDocument(text), { textDocument: { uri: URI } });
    expect(symbols.map((s) => s.name)).toEqual(["C1"]);
    for (const s of symbols) {
      const inside = (p: { line: number; character: number }) =>
        (p.line > s.range.start.line || (p.line === s.range.start.line && p.character >= s.range.start.character)) &&
        (p.line < s.range.end.line || (p.line === s.range.end.line && p.character <= s.range.end.character));
      expect(inside(s.selectionRange.start) && inside(s.selectionRange.end)).toBe(true);
    }
  });
});

describe("formatting", () => {
  const options = { tabSize: 2, insertSpaces: true };

  it("replaces the whole document with the output of craft fmt", () => {
    const text = "(constraint C1   :type pre\n\n (eq a.isOpen    'open'))\n; end\n(object mug Mug)";
    const edits = provideFormatting(makeDocument(text), { textDocument: { uri: URI }, options });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(format(text));
    expect(edits[0]!.newText).toBe("(constraint C1 :type pre (eq a.isOpen 'open))\n\n; end\n(object mug Mug)\n");
    expect(edits[0]!.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 4, character: 16 } });
  });

  it("gives no edit for a formatted file or one with syntax errors", () => {
    const formatted = format(MAKE_COFFEE);
    expect(provideFormatting(makeDocument(formatted), { textDocument: { uri: URI }, options })).toEqual([]);
    expect(provideFormatting(makeDocument("(constraint C1   (and a b)"), { textDocument: { uri: URI }, options })).toEqual([]);
    expect(provideFormatting(makeDocument("(constrant C1   (and a b))"), { textDocument: { uri: URI }, options })).toEqual([]);
  });
});
