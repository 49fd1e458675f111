import { PredicateRegistry, types } from "@craft/language";
import type { MarkupContent } from "vscode-languageserver";
import { describe, expect, it } from "vitest";
import { provideHover } from "../../src/features/hover.js";
import { MAKE_COFFEE, URI, makeDocument, positionOf, verdict, vocabulary } from "./support.js";

function hoverAt(doc: ReturnType<typeof makeDocument>, needle: string, delta = 0, nth = 0): string | undefined {
  const h = provideHover(doc, { textDocument: { uri: URI }, position: positionOf(doc.text, needle, delta, nth) });
  return h === null ? undefined : (h.contents as MarkupContent).value;
}

describe("hover", () => {
  const doc = makeDocument(MAKE_COFFEE);

  it("shows a built-in predicate's signature and doc", () => {
    const h = provideHover(doc, { textDocument: { uri: URI }, position: positionOf(MAKE_COFFEE, "(inside", 2) })!;
    const value = (h.contents as MarkupContent).value;
    expect(value).toContain("(inside a:Obj b:Obj) -> Bool");
    expect(value).toContain("receptacle");
    // the range is the operator
    expect(h.range).toEqual({ start: positionOf(MAKE_COFFEE, "inside", 0), end: positionOf(MAKE_COFFEE, "inside", 6) });
  });

  it("shows a temporal operator with its window options", () => {
    const v = hoverAt(doc, "eventually", 3)!;
    expect(v).toContain("(eventually [:within x] [:between x x] [:from x] a:Bool) -> Bool");
    expect(v).toContain("`:within` x");
  });

  it("shows a window option's doc", () => {
    expect(hoverAt(doc, ":within", 2)).toContain("window: frames");
  });

  it("shows a define with its parameters, from a call and from its name", () => {
    const fromCall = hoverAt(doc, "(clean mug)", 2)!;
    expect(fromCall).toContain("(clean x:Any) -> Bool");
    expect(fromCall).toContain("defined on line 9");
    expect(fromCall).toContain("(define (clean x) (not x.isDirty))");
    expect(hoverAt(doc, "(clean x)", 3)).toContain("(clean x:Any) -> Bool");
  });

  it("shows an extension predicate from the registry", () => {
    const registry = new PredicateRegistry().register({
      name: "physically_plausible",
      params: [{ name: "x", type: types.AnyObj }],
      result: types.Bool,
      doc: "The object's motion obeys rigid-body physics.",
      evaluate: () => ({ value: true, confidence: 1, reason: "" }),
    });
    const text = "(constraint C1 (physically_plausible mug))";
    const d = makeDocument(text, { registry });
    const v = hoverAt(d, "physically", 1)!;
    expect(v).toContain("(physically_plausible x:Obj) -> Bool");
    expect(v).toContain("extension predicate");
    expect(v).toContain("rigid-body physics");
  });

  it("shows attribute types on x.attr", () => {
    const v = hoverAt(doc, "coffee_machine.isOpen", 16)!;
    expect(v).toContain("coffee_machine.isOpen: Bool");
    expect(v).toContain("`CoffeeMachine`");
    const q = hoverAt(doc, "m.isDirty", 3)!;
    expect(q).toContain("m.isDirty: Bool");
  });

  it("lists enum values of an enum attribute", () => {
    const d = makeDocument("(constraint C1 (forall (m Mug) (eq m.temperature 'Hot)))");
    const v = hoverAt(d, "temperature", 2)!;
    expect(v).toContain("m.temperature: Enum{Hot,Cold,RoomTemp}");
    expect(v).toContain("`'Cold`");
  });

  it("shows bound objects and their schema type doc", () => {
    const v = hoverAt(doc, "coffee_machine.isOpen", 2)!;
    expect(v).toContain("coffee_machine: Obj<CoffeeMachine>");
    expect(v).toContain("bound by `(object coffee_machine …)` on line 7");
    expect(v).toContain("A coffee maker");
  });

  it("shows object types from the schema with their doc and attributes", () => {
    const v = hoverAt(doc, "(object mug Mug)", 13)!;
    expect(v).toContain("type Mug");
    expect(v).toContain("`isDirty`: Bool");
    const q = hoverAt(doc, "(m Mug)", 4)!;
    expect(q).toContain("type Mug");
  });

  it("resolves a name by the type-match rule", () => {
    const v = hoverAt(doc, "mug countertop", 6)!;
    expect(v).toContain("countertop: Obj<CounterTop>");
    expect(v).toContain("kitchen or bathroom counter");
  });

  it("shows a quantifier variable and a define parameter", () => {
    expect(hoverAt(doc, "(m Mug)", 1)).toContain("m: Obj<Mug>");
    expect(hoverAt(doc, "x.isDirty", 0)).toContain("x: Any");
    expect(hoverAt(doc, "x.isDirty", 0)).toContain("parameter");
  });

  it("shows a constraint's header without verdicts", () => {
    const v = hoverAt(doc, "C1", 1)!;
    expect(v).toContain("**C1** · pre · hard");
    expect(v).toContain("The coffee machine must be open");
    expect(v).not.toContain("VIOLATED");
  });

  it("shows a constraint's verdicts, deciding atoms and explanation after a check", () => {
    const verdicts = [
      verdict({ id: "C1", status: "SATISFIED", step: 3, confidence: 0.9 }),
      verdict({
        id: "C1",
        status: "VIOLATED",
        step: 8,
        confidence: 0.95,
        reason: "CoffeeMachine_1.isOpen is false but required true",
        action: "PutObject(Mug_1, CoffeeMachine_1)",
        atoms: [{ expr: "(eq coffee_machine.isOpen true)", value: false, confidence: 0.95, source: "state_equality", reason: "isOpen=false" }],
        explanation: {
          causes: [{ atom: "(eq coffee_machine.isOpen true)", value: false, since: 0, fromStart: true, text: "coffee_machine.isOpen has been false since the start" }],
          hint: "open the coffee machine before putting the mug in",
        },
      }),
      verdict({ id: "C1", status: "VIOLATED", step: 12, confidence: 0.8 }),
      verdict({ id: "C1", status: "SKIP", step: null }),
      verdict({ id: "C2", status: "SATISFIED", step: 8 }),
    ];
    const d = makeDocument(MAKE_COFFEE, { verdicts });
    const v = hoverAt(d, "C1", 1)!;
    expect(v).toContain("**VIOLATED** at step 8 · confidence 0.95 (VIOLATED ×2, SATISFIED ×1, SKIP ×1)");
    expect(v).toContain("violated at steps 8, 12");
    expect(v).toContain("action: `PutObject(Mug_1, CoffeeMachine_1)`");
    expect(v).toContain("| `(eq coffee_machine.isOpen true)` | false | 0.95 | state_equality | isOpen=false |");
    expect(v).toContain("- coffee_machine.isOpen has been false since the start");
    expect(v).toContain("**Hint:** open the coffee machine before putting the mug in");
    const c2 = hoverAt(d, "C2", 1)!;
    expect(c2).toContain("**SATISFIED** (SATISFIED ×1)");
  });

  it("shows trace signals and object ids", () => {
    const vocab = vocabulary({ signals: { "arm.speed": types.Num, collision: types.Bool }, objects: { Mug_1: "Mug" } });
    const d = makeDocument("(constraint C1 (and (not collision) (< arm.speed 2) (visible Mug_1)))", { vocabulary: vocab });
    expect(hoverAt(d, "collision", 2)).toContain("collision: Bool");
    expect(hoverAt(d, "arm.speed", 5)).toContain("arm.speed: Num");
    expect(hoverAt(d, "arm.speed", 5)).toContain("signal of the trace");
    expect(hoverAt(d, "Mug_1", 1)).toContain("Mug_1: Obj<Mug>");
  });

  it("answers at the end of a word and returns null on white space and comments", () => {
    expect(hoverAt(doc, "(inside", 7)).toContain("(inside a:Obj b:Obj)");
    expect(hoverAt(doc, "; make_coffee", 3)).toBeUndefined();
    expect(hoverAt(doc, "\n\n(object mug", 1)).toBeUndefined();
  });

  it("answers on broken documents", () => {
    const d = makeDocument("(constraint C1 :type pre (and (inside mug");
    expect(hoverAt(d, "inside", 1)).toContain("(inside a:Obj b:Obj) -> Bool");
    expect(provideHover(makeDocument(""), { textDocument: { uri: URI }, position: { line: 5, character: 99 } })).toBeNull();
  });
});

describe("hover on forms", () => {
  it("documents a form's head and the trace's error", () => {
    const doc = makeDocument(MAKE_COFFEE, { traceError: "cannot read /work/traces/run.jsonl" });
    expect(hoverAt(doc, "(define", 2)).toContain("(define (name param…) body)");
    expect(hoverAt(doc, "(constraint C1", 3)).toContain("**C1** · pre · hard");
    expect(hoverAt(doc, "C2", 1)).toContain("trace not checked: cannot read /work/traces/run.jsonl");
    expect(hoverAt(doc, "(object mug", 9)).toContain("(object mug Mug)");
  });
});
