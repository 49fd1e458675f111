// definition, references, rename and prepareRename
import { ResponseError, type Range, type TextEdit } from "vscode-languageserver";
import { describe, expect, it } from "vitest";
import { provideDefinition } from "../../src/features/definition.js";
import { provideReferences } from "../../src/features/references.js";
import { providePrepareRename, provideRename } from "../../src/features/rename.js";
import { MAKE_COFFEE, URI, makeDocument, positionOf } from "./support.js";

const doc = makeDocument(MAKE_COFFEE);
const td = { uri: URI };

function rangeOf(needle: string, nth = 0, delta = 0, length = needle.length - delta): Range {
  return { start: positionOf(MAKE_COFFEE, needle, delta, nth), end: positionOf(MAKE_COFFEE, needle, delta + length, nth) };
}

function refs(needle: string, delta = 0, nth = 0, includeDeclaration = true): Range[] {
  return provideReferences(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, needle, delta, nth), context: { includeDeclaration } }).map((l) => l.range);
}

describe("definition", () => {
  it("goes from a define's call to its name", () => {
    const loc = provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "(clean mug))", 3) });
    // (the first "clean" is in the task's goal)
    expect(loc).toEqual({ uri: URI, range: rangeOf("clean", 1) });
  });

  it("goes from an object's use, and from an action argument, to its binding", () => {
    const fromUse = provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "coffee_machine.isOpen", 4) });
    expect(fromUse?.range).toEqual(rangeOf("coffee_machine", 0, 0));
    expect(fromUse?.range.start.line).toBe(6);
    const fromAction = provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "(PutObject mug", 12) });
    expect(fromAction?.range).toEqual(rangeOf("mug Mug", 0, 0, 3));
  });

  it("goes from a quantifier variable's use to the quantifier, and a parameter's use to the parameter", () => {
    const q = provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "m.isDirty", 0) });
    expect(q?.range).toEqual(rangeOf("(m Mug)", 0, 1, 1));
    const p = provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "x.isDirty", 0) });
    expect(p?.range).toEqual(rangeOf("(clean x)", 0, 7, 1));
  });

  it("is the id itself for a constraint id, and null on built-ins, literals and white space", () => {
    expect(provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "C5", 1) })?.range).toEqual(rangeOf("C5"));
    expect(provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "(inside", 2) })).toBeNull();
    expect(provideDefinition(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "'coffee", 2) })).toBeNull();
    expect(provideDefinition(doc, { textDocument: td, position: { line: 4, character: 0 } })).toBeNull();
  });
});

describe("references", () => {
  it("finds a define's declaration and calls", () => {
    const all = refs("(clean mug)", 2);
    expect(all).toEqual([rangeOf("clean", 1), rangeOf("clean", 2), rangeOf("clean", 3)]);
    expect(refs("(clean mug)", 2, 0, false)).toEqual([rangeOf("clean", 2), rangeOf("clean", 3)]);
  });

  it("finds an object's binding, uses and action arguments", () => {
    const all = refs("(object mug", 9);
    // declaration, then every use in source order; the task's text does not count
    expect(all[0]).toEqual(rangeOf("mug Mug", 0, 0, 3));
    expect(all.map((r) => r.start.line)).toEqual([5, 11, 16, 17, 20, 23, 23, 23]);
  });

  it("finds a local's uses inside its scope only", () => {
    const text = "(constraint C1 (and (forall (m Mug) (not m.isDirty)) (forall (m Cup) (and m.isDirty (exists (m Bowl) m.isDirty)))))";
    const d = makeDocument(text);
    const r = provideReferences(d, { textDocument: td, position: positionOf(text, "(m Cup)", 1), context: { includeDeclaration: true } });
    expect(r.map((l) => l.range.start.character)).toEqual([text.indexOf("(m Cup)") + 1, text.indexOf("m.isDirty (exists")]);
  });
});

describe("rename", () => {
  function edits(needle: string, delta: number, newName: string, text = MAKE_COFFEE): TextEdit[] {
    const d = text === MAKE_COFFEE ? doc : makeDocument(text);
    const e = provideRename(d, { textDocument: td, position: positionOf(text, needle, delta), newName });
    return e?.changes?.[URI] ?? [];
  }

  it("renames a define everywhere", () => {
    const e = edits("(clean x)", 2, "spotless");
    expect(e).toHaveLength(3);
    expect(e.every((x) => x.newText === "spotless")).toBe(true);
    expect(e.map((x) => x.range)).toEqual([rangeOf("clean", 1), rangeOf("clean", 2), rangeOf("clean", 3)]);
  });

  it("renames an object binding with its uses and action arguments", () => {
    const e = edits("coffee_machine.isOpen", 3, "machine");
    const lines = e.map((x) => x.range.start.line);
    expect(lines).toEqual([6, 11, 13, 16, 20, 20]);
    // applying the edits gives a file that still checks without new problems
    const renamed = applyEdits(MAKE_COFFEE, e);
    expect(renamed).toContain("(object machine CoffeeMachine)");
    expect(renamed).toContain(":action (PutObject mug machine)");
    expect(renamed).toContain("(eq machine.isOpen true)");
    expect(makeDocument(renamed).diagnostics.filter((x) => x.severity === "error")).toEqual([]);
  });

  it("renames a constraint id and a local variable", () => {
    expect(edits("C6", 0, "C60").map((x) => x.newText)).toEqual(["C60"]);
    const local = edits("(m Mug)", 1, "cup");
    expect(applyEdits(MAKE_COFFEE, local)).toContain("(forall (cup Mug) (not cup.isDirty))");
  });

  it("rejects renaming built-ins and invalid or clashing names", () => {
    const at = (needle: string, delta: number) => ({ textDocument: td, position: positionOf(MAKE_COFFEE, needle, delta) });
    expect(() => provideRename(doc, { ...at("(inside", 2), newName: "within" })).toThrow(ResponseError);
    expect(() => providePrepareRename(doc, at("(inside", 2))).toThrow(/built-in predicate/);
    expect(() => provideRename(doc, { ...at("(clean x)", 2), newName: "not" })).toThrow(/built-in/);
    expect(() => provideRename(doc, { ...at("(clean x)", 2), newName: "a b" })).toThrow(/not a name/);
    expect(() => provideRename(doc, { ...at("(object mug", 9), newName: "coffee_machine" })).toThrow(/already bound/);
    expect(() => provideRename(doc, { ...at("C6", 0), newName: "C7" })).toThrow(/already declared/);
    expect(provideRename(doc, { ...at("'coffee", 2), newName: "tea" })).toBeNull();
  });

  it("prepares a rename with the name's range and placeholder", () => {
    const p = providePrepareRename(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "(clean mug))", 3) });
    expect(p).toEqual({ range: rangeOf("clean", 2), placeholder: "clean" });
    expect(providePrepareRename(doc, { textDocument: td, position: positionOf(MAKE_COFFEE, "countertop)", 2) })).toBeNull();
  });
});

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const d = makeDocument(text);
  const offs = edits.map((e) => ({ start: d.lines.offsetAt(e.range.start), end: d.lines.offsetAt(e.range.end), text: e.newText }));
  offs.sort((a, b) => b.start - a.start);
  let out = text;
  for (const o of offs) out = out.slice(0, o.start) + o.text + out.slice(o.end);
  return out;
}
