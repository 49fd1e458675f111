import { describe, expect, it } from "vitest";
import { check, parse, PredicateRegistry, types, VocabularyBuilder, type Diagnostic } from "../src/index.js";
import { frame, obj, sig } from "./support/frames.js";

function diagnostics(src: string, vocabularyFrames?: Parameters<VocabularyBuilder["add"]>[0][]): Diagnostic[] {
  const parsed = parse(src);
  expect(parsed.diagnostics).toEqual([]);
  let vocabulary;
  if (vocabularyFrames) {
    const b = new VocabularyBuilder("ep1.jsonl");
    for (const f of vocabularyFrames) b.add(f);
    vocabulary = b.build();
  }
  return [...check(parsed.program, vocabulary ? { vocabulary } : {}).diagnostics];
}

function errors(src: string, vocabularyFrames?: Parameters<VocabularyBuilder["add"]>[0][]): string[] {
  return diagnostics(src, vocabularyFrames)
    .filter((d) => d.severity === "error")
    .map((d) => d.message);
}

const inv = (formula: string) => `(constraint C :type invariant ${formula})`;

describe("checker: names", () => {
  it("accepts the design's examples", () => {
    const src = `
(task make_coffee :instruction "make a cup of coffee" :goal "a clean mug filled with coffee is on the countertop")
(object mug Mug :id "Mug|+01.20|+00.90|-00.30")
(define (clean x) (not x.isDirty))
(constraint C2 :type goal (and (filled mug 'coffee) (on_top_of mug countertop) (clean mug)))
(constraint C6 :type invariant (and (inside mug sink) (not (inside mug coffee_machine))))`;
    expect(errors(src)).toEqual([]);
  });

  it("an unknown name close to a known one is an error with a did-you-mean", () => {
    const d = diagnostics(inv("(inside mgu sink)")).find((x) => x.code === "unknown-name")!;
    expect(d.severity).toBe("error");
    expect(d.message).toBe("unknown name mgu; did you mean mug?");
    expect(d.suggestion).toBe("mug");
  });

  it("an unknown name far from anything may be a trace signal: information only", () => {
    const d = diagnostics(inv("p"));
    expect(d.map((x) => [x.severity, x.code])).toEqual([["info", "trace-name"]]);
  });

  it("checked against a trace: signals, object ids and trace-only types are known", () => {
    const f = frame([obj("Ball_1", "Ball", { color: "red" }), obj("Gripper_1", "Gripper")], [], undefined, { p: true, speed: 0.2 });
    expect(errors(inv("(and p (< speed 0.5) (eq ball.color 'red) (near Gripper_1 ball))"), [f])).toEqual([]);
    expect(errors(inv("(eq bal.color 'red)"), [f])).toEqual([
      "unknown name bal: no signal, object id or object type of that name in ep1.jsonl; did you mean ball?",
    ]);
  });

  it("a name that matches several trace objects is reported unless an action argument settles it", () => {
    const f = frame([obj("Mug_1", "Mug"), obj("Mug_2", "Mug"), obj("Sink_1", "Sink")]);
    const amb = diagnostics(inv("(inside mug sink)"), [f]).filter((d) => d.code === "ambiguous-name");
    expect(amb).toHaveLength(1);
    expect(amb[0]!.message).toContain("mug matches 2 objects in ep1.jsonl (Mug_1, Mug_2)");
    const settled = diagnostics(`(constraint C :type pre :action (PutObject mug sink) (inside mug sink))`, [f]);
    expect(settled.filter((d) => d.code === "ambiguous-name")).toEqual([]);
  });
});

describe("checker: predicates, arity and types", () => {
  it("unknown predicate with did-you-mean", () => {
    expect(errors(inv("(insde mug sink)"))).toEqual(["unknown predicate insde; did you mean inside?"]);
  });

  it("arity", () => {
    expect(errors(inv("(inside mug)"))).toEqual(["inside takes 2 arguments, got 1"]);
    expect(errors(inv("(not (dirty mug) (dirty cup))"))).toEqual(["not takes 1 argument, got 2"]);
    expect(errors(inv("(near mug sink 1 2)"))).toEqual(["near takes 2 to 3 arguments, got 4"]);
  });

  it("type mismatch", () => {
    expect(errors(inv("(and mug.isDirty 3)"))).toEqual(["argument rest of and must be Bool, but this is Num"]);
    expect(errors(inv("(< mug.position 1)"))).toEqual(["argument a of < must be Num, but this is Vec3"]);
    expect(errors(inv("(inside 3 sink)"))).toEqual(["argument a of inside must be Obj, but this is Num"]);
    expect(errors(inv("(eq mug.isDirty 3)"))).toEqual(["cannot compare Bool with Num"]);
    expect(errors("(constraint C :type invariant (distance mug sink))")).toEqual(["the condition of C must be Bool, but this is Num"]);
  });

  it("enum values are checked, with did-you-mean", () => {
    expect(errors(inv("(eq mug.temperature 'Hott)"))).toEqual(["Hott is not one of Hot, Cold, RoomTemp; did you mean 'Hot?"]);
    expect(errors(inv("(filled mug 'cofee)"))).toEqual(["cofee is not one of coffee, water, wine; did you mean 'coffee?"]);
  });

  it("unknown attribute for a type", () => {
    expect(errors(inv("(eq mug.isDirtyy true)"))).toEqual(["Mug has no attribute isDirtyy; did you mean isDirty?"]);
  });

  it("a state field the type never has is a warning, not an error (the trace may still set it)", () => {
    const d = diagnostics(inv("(eq coffee_machine.isOpen true)"));
    expect(d.map((x) => [x.severity, x.code])).toEqual([["warning", "never-set"]]);
  });

  it("window options are checked", () => {
    expect(errors(inv("(once :within 5s (dirty mug))"))).toEqual([]);
    expect(errors(inv("(once :witin 5 (dirty mug))"))).toEqual(["unknown option :witin (did you mean :within?)"]);
    expect(errors(inv("(once :within -1 (dirty mug))"))).toEqual([":within expects a whole number of frames (10) or a duration (5s, 200ms)"]);
    expect(errors(inv("(once :between 10 3 (dirty mug))"))).toEqual([":between 10 is after 3: the window is empty"]);
    expect(errors(inv("(not :within 3 (dirty mug))"))).toEqual(["unknown option :within; not takes no options"]);
  });

  it("extension predicates are checked by their signature", () => {
    const registry = new PredicateRegistry().register({
      name: "physically_plausible",
      params: [{ name: "x", type: types.AnyObj }],
      result: types.Bool,
      doc: "",
      evaluate: () => ({ value: true, confidence: 1, reason: "" }),
    });
    const ok = check(parse(inv("(physically_plausible mug)")).program, { registry });
    expect(ok.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const bad = check(parse(inv("(physically_plausible mug sink)")).program, { registry });
    expect(bad.diagnostics.map((d) => d.message)).toContain("physically_plausible takes 1 argument, got 2");
  });
});

describe("checker: declarations", () => {
  it("recursion in define is an error, directly or through another define", () => {
    expect(errors(`(define (f x) (f x))\n${inv("(f mug)")}`)).toEqual(["recursive definition f → f: a define may not call itself, directly or indirectly"]);
    const mutual = errors(`(define (f x) (g x))\n(define (g x) (f x))\n${inv("(f mug)")}`);
    expect(mutual.some((m) => m.startsWith("recursive definition"))).toBe(true);
  });

  it("define arity and duplicate declarations", () => {
    expect(errors(`(define (clean x) (not x.isDirty))\n${inv("(clean mug cup)")}`)).toEqual(["clean takes 1 argument, got 2"]);
    expect(errors(`${inv("true")}\n${inv("false")}`)).toEqual(["constraint C is already declared"]);
    expect(errors(`(define (inside a b) true)`)).toEqual(["inside is a built-in predicate and cannot be redefined"]);
  });

  it("types declared with (type …) give attributes to robot objects", () => {
    const src = `(type Ball :attrs (mass Num) (color Enum{red,blue}))\n${inv("(and (< ball.mass 2) (eq ball.color 'red))")}`;
    expect(errors(src)).toEqual([]);
    expect(errors(`(type Ball :attrs (color Enum{red,blue}))\n${inv("(eq ball.color 'green)")}`)).toEqual(["green is not one of red, blue"]);
  });

  it("an unknown quantifier type is a warning; a near-miss of a schema type is an error", () => {
    expect(diagnostics(inv("(forall (b Ball) (visible b))")).map((d) => d.severity)).toEqual(["warning"]);
    expect(errors(inv("(forall (m mug) (visible m))"))).toEqual(["unknown object type mug; did you mean Mug?"]);
  });

  it("a temporal operator cannot see a variable quantified outside it", () => {
    expect(errors(inv("(forall (m Mug) (once (dirty m)))"))[0]).toMatch(/m is bound by a quantifier outside this temporal operator/);
    expect(errors(inv("(once (forall (m Mug) (dirty m)))"))).toEqual([]);
  });

  it("signal frames give their vocabulary", () => {
    expect(errors(inv("(since (not p) q)"), [sig({ p: true, q: false })])).toEqual([]);
  });
});
