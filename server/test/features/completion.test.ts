import { types } from "@craft/language";
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type TextEdit } from "vscode-languageserver";
import { describe, expect, it } from "vitest";
import { provideCompletion } from "../../src/features/completion.js";
import { MAKE_COFFEE, URI, cursor, makeDocument, vocabulary, type DocumentOptions } from "./support.js";

function complete(marked: string, options: DocumentOptions = {}): { items: CompletionItem[]; labels: string[]; text: string } {
  const { text, position } = cursor(marked);
  const doc = makeDocument(text, options);
  const list = provideCompletion(doc, { textDocument: { uri: URI }, position });
  return { items: list.items, labels: list.items.map((i) => i.label), text };
}

function find(items: CompletionItem[], label: string): CompletionItem {
  const it = items.find((i) => i.label === label);
  if (it === undefined) throw new Error(`no item ${label} in ${items.map((i) => i.label).join(", ")}`);
  return it;
}

const vocab = vocabulary({
  signals: { "arm.speed": types.Num, "arm.force": types.Num, collision: types.Bool },
  objects: { Mug_1: "Mug", Ball_1: "Ball", "Mug|+01.20|+00.90": "Mug" },
  attributes: { Ball: { spin: types.Num, isDirty: types.Bool }, Mug: { isDirty: types.Bool, wetness: types.Num } },
});

describe("completion", () => {
  it("offers forms as snippets at the top level, with parentheses", () => {
    const { items } = complete("(task t)\n\n|");
    const c = find(items, "constraint");
    expect(c.kind).toBe(CompletionItemKind.Snippet);
    expect(c.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect((c.textEdit as TextEdit).newText).toMatch(/^\(constraint \$\{1:C1\} :type \$\{2\|invariant,pre,post,goal,causal\|\}/);
    expect(items.map((i) => i.label).sort()).toEqual(["constraint", "define", "model", "object", "task", "type"]);
  });

  it("offers forms without parentheses after '(' and proposes the next constraint id", () => {
    const { items } = complete(MAKE_COFFEE + "\n(con|");
    const c = find(items, "constraint");
    expect((c.textEdit as TextEdit).newText).toMatch(/^constraint \$\{1:C8\}/);
    expect((c.textEdit as TextEdit).range.start.character).toBe(1);
    expect(items.map((i) => i.label)).toEqual(["constraint"]);
  });

  it("offers predicates with signatures: built-ins, defines and forall/exists", () => {
    const { items, labels } = complete("(define (clean x) (not x.isDirty))\n(constraint C1 (|))");
    expect(find(items, "inside").detail).toBe("(inside a:Obj b:Obj) -> Bool");
    expect(find(items, "inside").kind).toBe(CompletionItemKind.Function);
    expect(find(items, "eventually").kind).toBe(CompletionItemKind.Operator);
    expect(find(items, "clean").detail).toBe("(clean x:Any) -> Bool");
    expect((find(items, "forall").textEdit as TextEdit).newText).toBe("forall (${1:x} ${2:Type}) ${0}");
    expect(labels).not.toContain("constraint");
  });

  it("filters by the prefix and replaces it", () => {
    const { items } = complete("(constraint C1 (ev|))");
    expect(items.map((i) => i.label)).toEqual(["eventually"]);
    expect((items[0]!.textEdit as TextEdit).range).toEqual({ start: { line: 0, character: 16 }, end: { line: 0, character: 18 } });
  });

  it("offers constraint keywords not used yet, and types and severities after them", () => {
    const kw = complete("(constraint C1 :type pre |)");
    expect(kw.labels).toEqual(expect.arrayContaining([":severity", ":action", ":description"]));
    expect(kw.labels).not.toContain(":type");
    const colon = complete("(constraint C1 :s|)");
    expect(colon.labels).toEqual([":severity", ":description"]);
    expect((colon.items[0]!.textEdit as TextEdit).range.start.character).toBe(15);
    expect(complete("(constraint C1 :type |)").labels).toEqual(["pre", "post", "invariant", "goal", "causal"]);
    expect(complete("(constraint C1 :type pre :severity |").labels).toEqual(["hard", "soft"]);
    expect(complete("(constraint C1 :type pre :severity h|").labels).toEqual(["hard"]);
  });

  it("offers window options in temporal calls", () => {
    const { labels, items } = complete("(constraint C1 (eventually :|))");
    expect(labels).toEqual([":within", ":between", ":from"]);
    expect(find(items, ":between").detail).toBe(":between x x");
    expect(complete("(constraint C1 (eventually :within 5s :|))").labels).toEqual([]);
    expect(complete("(constraint C1 (not :|))").labels).toEqual([]);
  });

  it("offers schema types after (forall (x and in (object n", () => {
    const q = complete("(constraint C1 (forall (m Co|");
    expect(q.labels).toEqual(expect.arrayContaining(["CoffeeMachine", "CoffeeTable", "Cloth"]));
    expect(find(q.items, "CoffeeMachine").kind).toBe(CompletionItemKind.Class);
    expect(find(q.items, "CoffeeMachine").documentation).toContain("coffee maker");
    const o = complete("(object mug |)");
    expect(o.labels).toEqual(expect.arrayContaining(["Mug", "Cabinet", ":id"]));
    // trace types first
    const t = complete("(object b |)", { vocabulary: vocab });
    expect(t.labels[0]).toBe("Ball");
    expect(complete("(constraint C1 (forall (|").labels).toEqual([]);
  });

  it("offers attributes after x. for the object's type", () => {
    const a = complete("(object mug Mug)\n(constraint C1 (not mug.|))");
    expect(a.labels).toEqual(expect.arrayContaining(["isDirty", "isFilledWithLiquid", "temperature", "position"]));
    expect(a.labels).not.toContain("isOpen");
    const dirty = find(a.items, "isDirty");
    expect(dirty.kind).toBe(CompletionItemKind.Property);
    expect(dirty.detail).toBe("Bool (Mug)");
    // the edit replaces only the part after the dot
    expect((dirty.textEdit as TextEdit).range).toEqual({ start: { line: 1, character: 24 }, end: { line: 1, character: 24 } });
    const partial = complete("(constraint C1 (forall (c CoffeeMachine) c.isT|))");
    expect(partial.labels).toContain("isToggled");
    expect(partial.labels).not.toContain("isDirty");
    expect((find(partial.items, "isToggled").textEdit as TextEdit).range.start.character).toBe(43);
  });

  it("offers trace attributes and signal paths", () => {
    const b = complete("(constraint C1 (forall (b Ball) (> b.|)))", { vocabulary: vocab });
    expect(b.labels).toEqual(expect.arrayContaining(["spin", "isDirty", "position"]));
    expect(find(b.items, "spin").detail).toBe("Num (trace)");
    const s = complete("(constraint C1 (< arm.| 2))", { vocabulary: vocab });
    expect(s.labels.sort()).toEqual(["force", "speed"]);
  });

  it("offers enum values after (eq x.temperature '", () => {
    const e = complete("(constraint C1 (forall (m Mug) (eq m.temperature '|)))");
    expect(e.labels).toEqual(["'Hot", "'Cold", "'RoomTemp"]);
    expect(e.items[0]!.kind).toBe(CompletionItemKind.EnumMember);
    expect((e.items[0]!.textEdit as TextEdit).range).toEqual({ start: { line: 0, character: 49 }, end: { line: 0, character: 50 } });
    expect(complete("(object mug Mug)(constraint C1 (filled mug 'c|))").labels).toEqual(["'coffee"]);
    // enum values come first in an argument position too
    expect(complete("(constraint C1 (forall (m Mug) (eq m.temperature |)))").labels.slice(0, 3)).toEqual(["'Hot", "'Cold", "'RoomTemp"]);
  });

  it("offers names: locals, objects, trace ids and signals, schema types by name", () => {
    const n = complete("(object mug Mug)\n(constraint C1 (forall (b Ball) (inside | x)))", { vocabulary: vocab });
    expect(n.labels.slice(0, 2)).toEqual(["b", "mug"]);
    expect(find(n.items, "Mug_1").kind).toBe(CompletionItemKind.Constant);
    expect(find(n.items, "collision").detail).toBe("signal: Bool");
    expect(n.labels).toContain("coffee_machine");
    // ids that would not read back as one name are left out
    expect(n.labels).not.toContain("Mug|+01.20|+00.90");
    expect(n.labels).not.toContain("arm.speed");
  });

  it("offers object ids from the trace after :id", () => {
    const q = complete('(object mug Mug :id "|")', { vocabulary: vocab });
    expect(q.labels).toEqual(expect.arrayContaining(["Mug_1", "Mug|+01.20|+00.90"]));
    expect((find(q.items, "Mug_1").textEdit as TextEdit).newText).toBe("Mug_1");
    const bare = complete("(object mug Mug :id |)", { vocabulary: vocab });
    expect((find(bare.items, "Mug_1").textEdit as TextEdit).newText).toBe('"Mug_1"');
  });

  it("offers action names in :action patterns and names for their arguments", () => {
    const a = complete("(constraint C1 :type pre :action (Put|");
    expect(a.labels).toContain("PutObject");
    expect(a.labels).not.toContain("OpenObject");
    expect(find(a.items, "PutObject").kind).toBe(CompletionItemKind.Event);
    const args = complete("(object mug Mug)(constraint C1 :type pre :action (PutObject m|");
    expect(args.labels).toContain("mug");
  });

  it("offers nothing in comments, descriptions and names being declared", () => {
    expect(complete("; (cons|").labels).toEqual([]);
    expect(complete('(constraint C1 :description "the (|').labels).toEqual([]);
    expect(complete("(define (|").labels).toEqual([]);
    expect(complete("(define (f |").labels).toEqual([]);
  });

  it("offers types for typed parameters and attribute declarations", () => {
    expect(complete("(define (f (x |").labels).toEqual(expect.arrayContaining(["Mug", "Num", "Bool"]));
    const t = complete("(type Ball :attrs (mass N|");
    expect(t.labels).toEqual(["Num"]);
    expect(complete("(type Ball :attrs (color E|").labels).toEqual(["Enum{…}"]);
  });
});
