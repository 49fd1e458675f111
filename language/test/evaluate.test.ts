import { describe, expect, it } from "vitest";
import { check, compile, evaluate, parse, PredicateRegistry, types, type Frame, type MonitorOptions } from "../src/index.js";
import { act, frame, obj, rel, sig } from "./support/frames.js";

function run(src: string, frames: Frame[], options: MonitorOptions & { aggregation?: "kleene" | "minmax"; registry?: PredicateRegistry } = {}) {
  const parsed = parse(src);
  expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const checked = check(parsed.program, options.registry ? { registry: options.registry } : {});
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return evaluate(compile(checked, options.aggregation ? { aggregation: options.aggregation } : {}), frames, options);
}

const microwaveSeed = `
(constraint C1 :type pre :severity hard
  :action (PutObject mug microwave)
  (eq microwave.isOpen true))`;

function seedTrace(confidence: number): Frame[] {
  const scene = (open: boolean) => [obj("Mug_1", "Mug"), obj("Microwave_1", "Microwave", { isOpen: open }, { confidence })];
  return [frame(scene(false)), frame(scene(false), [], act("PickupObject", "Mug_1")), frame(scene(false), [], act("PutObject", "Mug_1", "Microwave_1"))];
}

describe("the seed's example (CRAFT++ §5.2)", () => {
  it("a closed microwave seen with confidence 0.95 violates the precondition with confidence 0.95", () => {
    const report = run(microwaveSeed, seedTrace(0.95));
    const c1 = report.results.filter((r) => r.id === "C1");
    expect(c1).toHaveLength(1);
    const v = c1[0]!;
    expect(v.status).toBe("VIOLATED");
    expect(v.confidence).toBe(0.95);
    expect(v.step).toBe(2);
    expect(v.action).toBe("PutObject(Mug_1, Microwave_1)");
    expect(v.atoms).toEqual([
      {
        expr: "(eq microwave.isOpen true)",
        value: false,
        confidence: 0.95,
        source: "state_equality",
        reason: "Microwave_1.isOpen is false but required true",
      },
    ]);
    expect(v.reason).toBe("Microwave_1.isOpen is false but required true");
  });

  it("the same observation with confidence 0.5 is UNCERTAIN", () => {
    const v = run(microwaveSeed, seedTrace(0.5)).results.find((r) => r.id === "C1")!;
    expect(v.status).toBe("UNCERTAIN");
    expect(v.confidence).toBe(0.5);
    expect(v.atoms[0]!.value).toBe(false);
    expect(v.reason).toContain("below θ = 0.7");
  });

  it("θ is a parameter: at 0.4 the same observation is VIOLATED", () => {
    const v = run(microwaveSeed, seedTrace(0.5), { threshold: 0.4 }).results.find((r) => r.id === "C1")!;
    expect(v.status).toBe("VIOLATED");
  });
});

describe("timing", () => {
  const src = `
(constraint Pre :type pre :action (PutObject mug sink) (holding mug))
(constraint Post :type post :action (PutObject mug sink) (inside mug sink))
(constraint Inv :type invariant (not (broken mug)))
(constraint Goal :type goal (inside mug sink))
(constraint Never :type pre :action (OpenObject fridge) true)`;
  const mug = (picked: boolean, broken = false) => obj("Mug_1", "Mug", { isPickedUp: picked, isBroken: broken });
  const sink = obj("Sink_1", "Sink");
  const frames = [
    frame([mug(false), sink]),
    frame([mug(true), sink], [], act("PickupObject", "Mug_1")),
    frame([mug(false), sink], [rel("inside", "Mug_1", "Sink_1", 0.9)], act("PutObject", "Mug_1", "Sink_1")),
  ];

  it("pre is evaluated on the state before the action and reported at the action's step", () => {
    const r = run(src, frames).results;
    const pre = r.filter((v) => v.id === "Pre");
    expect(pre.map((v) => [v.step, v.status])).toEqual([[2, "SATISFIED"]]);
    expect(pre[0]!.atoms[0]!.reason).toBe("Mug_1.isPickedUp is true");
    expect(pre[0]!.atoms[0]!.source).toBe("state_check");
  });

  it("post is evaluated on the state after the action", () => {
    const post = run(src, frames).results.filter((v) => v.id === "Post");
    expect(post.map((v) => [v.step, v.status, v.confidence])).toEqual([[2, "SATISFIED", 0.9]]);
    expect(post[0]!.atoms[0]!.source).toBe("edge_relation");
  });

  it("invariants give one verdict per frame, goals one at the final frame, and unmatched constraints one SKIP", () => {
    const report = run(src, frames);
    expect(report.results.filter((v) => v.id === "Inv").map((v) => v.step)).toEqual([0, 1, 2]);
    expect(report.results.filter((v) => v.id === "Goal").map((v) => [v.step, v.status])).toEqual([[2, "SATISFIED"]]);
    const never = report.results.filter((v) => v.id === "Never");
    expect(never).toEqual([expect.objectContaining({ status: "SKIP", step: null })]);
    expect(report.summary).toEqual({ SATISFIED: 6, VIOLATED: 0, UNCERTAIN: 0, SKIP: 1 });
  });

  it("a pre constraint on the very first frame has no state to check and is UNCERTAIN", () => {
    const r = run(src, [frame([mug(true), sink], [], act("PutObject", "Mug_1", "Sink_1"))]).results.find((v) => v.id === "Pre")!;
    expect(r.status).toBe("UNCERTAIN");
    expect(r.reason).toMatch(/no state before/);
  });

  it("action arguments settle which object a name means", () => {
    const src2 = `(constraint C :type pre :action (PutObject mug sink) (not (dirty mug)))`;
    const scene = [obj("Mug_1", "Mug", { isDirty: true }), obj("Mug_2", "Mug", { isDirty: false }), sink];
    const r = run(src2, [frame(scene), frame(scene, [], act("PutObject", "Mug_2", "Sink_1")), frame(scene, [], act("PutObject", "Mug_1", "Sink_1"))]).results;
    expect(r.map((v) => [v.step, v.status])).toEqual([
      [1, "SATISFIED"],
      [2, "VIOLATED"],
    ]);
    expect(r[1]!.reason).toBe("Mug_1.isDirty is true");
  });

  it("an ambiguous name outside a pattern is unknown, with both candidates named", () => {
    const scene = [obj("Mug_1", "Mug", { isDirty: true }), obj("Mug_2", "Mug", { isDirty: false })];
    const v = run(`(constraint C :type invariant (dirty mug))`, [frame(scene)]).results[0]!;
    expect(v.status).toBe("UNCERTAIN");
    expect(v.reason).toContain("Mug_1, Mug_2");
  });
});

describe("confidence aggregation", () => {
  const scene = [
    obj("A_1", "Apple", { isSliced: false }, { confidence: 0.8 }),
    obj("B_1", "Bread", { isSliced: false }, { confidence: 0.9 }),
    obj("T_1", "Tomato", { isSliced: true }, { confidence: 0.6 }),
  ];
  const verdict = (formula: string, aggregation: "kleene" | "minmax" = "kleene") =>
    run(`(constraint C :type invariant ${formula})`, [frame(scene)], { aggregation }).results[0]!;

  it("kleene and: false wins with the largest confidence among the false children", () => {
    const v = verdict("(and (sliced apple) (sliced bread) (sliced tomato))");
    expect([v.status, v.confidence]).toEqual(["VIOLATED", 0.9]);
    expect(v.reason).toBe("B_1.isSliced is false");
  });

  it("kleene and: true takes the smallest confidence", () => {
    const v = verdict("(and (not (sliced apple)) (not (sliced bread)))");
    expect([v.status, v.confidence]).toEqual(["SATISFIED", 0.8]);
  });

  it("kleene or is the dual", () => {
    expect([verdict("(or (sliced apple) (sliced tomato))").status, verdict("(or (sliced apple) (sliced tomato))").confidence]).toEqual(["UNCERTAIN", 0.6]);
    const v = verdict("(or (sliced apple) (sliced bread))");
    expect([v.status, v.confidence]).toEqual(["VIOLATED", 0.8]);
  });

  it("minmax reproduces the seeds' plain min/max", () => {
    const v = verdict("(and (sliced apple) (sliced bread) (sliced tomato))", "minmax");
    expect([v.status, v.confidence]).toEqual(["UNCERTAIN", 0.6]);
    // plain max: the confident false child lends its 0.8 to a true that rests on a 0.6 detection
    const o = verdict("(or (sliced apple) (sliced tomato))", "minmax");
    expect([o.status, o.confidence]).toEqual(["SATISFIED", 0.8]);
  });

  it("not swaps truth and keeps confidence; unknown stays unknown", () => {
    expect(verdict("(not (sliced tomato))").status).toBe("UNCERTAIN");
    const v = verdict("(not (sliced bread))");
    expect([v.status, v.confidence]).toEqual(["SATISFIED", 0.9]);
    expect(verdict("(not (cooked bread))").status).toBe("UNCERTAIN");
  });

  it("implies is (or (not a) b)", () => {
    expect(verdict("(implies (sliced bread) (sliced apple))").status).toBe("SATISFIED");
    expect(verdict("(implies (not (sliced bread)) (sliced apple))").status).toBe("VIOLATED");
  });
});

describe("terms, attributes and geometry", () => {
  const mug = obj("Mug_1", "Mug", { temperature: "Hot" }, { position: [0, 1, 0], bbox: { min: [-0.05, 0.9, -0.05], max: [0.05, 1.0, 0.05] } });
  const sink = obj("Sink_1", "Sink", {}, { position: [0, 0.8, 0.3], bbox: { min: [-0.3, 0.7, -0.3], max: [0.3, 1.1, 0.3] } });
  const counter = obj("CounterTop_1", "CounterTop", {}, { position: [2, 0.9, 0], bbox: { min: [1.5, 0.85, -0.5], max: [2.5, 0.9, 0.5] } });
  const verdict = (formula: string, objects = [mug, sink, counter]) => run(`(constraint C :type invariant ${formula})`, [frame(objects)]).results[0]!;

  it("inside falls back to bounding-box containment with source geometry_iou", () => {
    const v = verdict("(inside mug sink)");
    expect(v.status).toBe("SATISFIED");
    expect(v.atoms[0]!.source).toBe("geometry_iou");
    expect(verdict("(inside mug counter_top)").status).toBe("VIOLATED");
  });

  it("on_top_of from support contact", () => {
    const cup = obj("Cup_1", "Cup", {}, { bbox: { min: [1.9, 0.9, -0.05], max: [2.0, 1.0, 0.05] } });
    expect(verdict("(on_top_of cup counter_top)", [cup, counter]).status).toBe("SATISFIED");
    const lifted = obj("Cup_1", "Cup", {}, { bbox: { min: [1.9, 1.2, -0.05], max: [2.0, 1.3, 0.05] } });
    expect(verdict("(on_top_of cup counter_top)", [lifted, counter]).status).toBe("VIOLATED");
  });

  it("distance, arithmetic and comparisons", () => {
    expect(verdict("(< (distance mug sink) 0.5)").status).toBe("SATISFIED");
    expect(verdict("(> (* 2 (distance mug sink)) 1)").status).toBe("VIOLATED");
    expect(verdict("(near mug sink)").status).toBe("SATISFIED");
    expect(verdict("(near mug counter_top 1)").status).toBe("VIOLATED");
    expect(verdict("(eq (/ 1 0) 1)").status).toBe("UNCERTAIN");
  });

  it("filled with a liquid keeps the object's confidence, with atom traces on or off", () => {
    const cup = obj("Cup_1", "Cup", { isFilledWithLiquid: true, fillLiquid: "water" }, { confidence: 0.9 });
    for (const atoms of ["all", "none"] as const) {
      const v = run(`(constraint C :type invariant (filled cup 'coffee))`, [frame([cup])], { atoms }).results[0]!;
      expect([v.status, v.confidence]).toEqual(["VIOLATED", 0.9]);
    }
  });

  it("enum attributes compare with quoted symbols", () => {
    expect(verdict("(eq mug.temperature 'Hot)").status).toBe("SATISFIED");
    expect(verdict("(eq mug.temperature 'Cold')").status).toBe("VIOLATED");
  });

  it("a missing object makes its atoms unknown, never a crash", () => {
    const v = verdict("(inside mug sink)", [sink]);
    expect(v.status).toBe("UNCERTAIN");
    expect(v.reason).toMatch(/no signal, object or object of type mug/);
  });

  it("quantifiers range over the frame's objects of the type", () => {
    const a = obj("Mug_1", "Mug", { isDirty: false });
    const b = obj("Mug_2", "Mug", { isDirty: true });
    expect(verdict("(forall (m Mug) (not (dirty m)))", [a, b]).status).toBe("VIOLATED");
    expect(verdict("(exists (m Mug) (dirty m))", [a, b]).status).toBe("SATISFIED");
    expect(verdict("(exists (m Mug) (dirty m))", [a]).status).toBe("VIOLATED");
    expect(verdict("(forall (m Kettle) (dirty m))", [a]).status).toBe("SATISFIED");
  });

  it("the atom trace names the witness of exists and the counterexample of forall", () => {
    const a = obj("Mug_1", "Mug", { isDirty: false });
    const b = obj("Mug_2", "Mug", { isDirty: true });
    const forall = verdict("(forall (m Mug) (not (dirty m)))", [a, b]);
    expect(forall.reason).toBe("m = Mug_2: Mug_2.isDirty is true");
    expect(forall.atoms.map((x) => x.reason)).toEqual(["m = Mug_1: Mug_1.isDirty is false", "m = Mug_2: Mug_2.isDirty is true"]);
    expect(verdict("(exists (m Mug) (dirty m))", [a, b]).reason).toBe("m = Mug_2: Mug_2.isDirty is true");
  });

  it("defines are inlined with their arguments", () => {
    const src = `(define (clean x) (not x.isDirty))
(define (both_clean a b) (and (clean a) (clean b)))
(constraint C :type invariant (both_clean mug cup))`;
    const r = run(src, [frame([obj("Mug_1", "Mug", { isDirty: false }), obj("Cup_1", "Cup", { isDirty: true })])]).results[0]!;
    expect(r.status).toBe("VIOLATED");
    expect(r.reason).toBe("Cup_1.isDirty is true");
  });
});

describe("signals", () => {
  it("plain signal frames: booleans, numbers and strings by name", () => {
    const frames = [sig({ p: true, speed: 0.2, mode: "auto" }), sig({ p: false, speed: 0.7, mode: "manual" })];
    const r = run(`(constraint A :type invariant p)
(constraint B :type invariant (< speed 0.5))
(constraint C :type invariant (eq mode 'auto))`, frames).results;
    expect(r.map((v) => `${v.id}@${v.step}:${v.status}`)).toEqual([
      "A@0:SATISFIED",
      "B@0:SATISFIED",
      "C@0:SATISFIED",
      "A@1:VIOLATED",
      "B@1:VIOLATED",
      "C@1:VIOLATED",
    ]);
  });
});

describe("names that are Object.prototype members", () => {
  it("toString, constructor and __proto__ are not signals or attributes", () => {
    const frames = [frame([obj("Mug_1", "Mug", { isDirty: false })])];
    for (const f of ["(eq toString 1)", "(eq constructor 1)", "(eq mug.constructor 1)", "(eq mug.__proto__ 1)"]) {
      const parsed = parse(`(constraint C :type invariant ${f})`);
      const v = evaluate(compile(check(parsed.program)), frames).results[0]!;
      expect(v.status, f).toBe("UNCERTAIN");
    }
  });
});

describe("extension predicates", () => {
  it("a registered predicate is type-checked and evaluated; a throwing one is unknown", () => {
    const registry = new PredicateRegistry();
    registry.register({
      name: "heavy",
      params: [{ name: "x", type: types.AnyObj }],
      result: types.Bool,
      doc: "mass above 1 kg",
      evaluate: ([x]) => {
        const mass = typeof x === "object" && x !== null && "state" in x ? x.state["mass"] : undefined;
        if (typeof mass !== "number") throw new Error("no mass");
        return { value: mass > 1, confidence: 0.9, reason: `mass ${mass}` };
      },
    });
    const frames = [frame([obj("Pot_1", "Pot", { mass: 2 })]), frame([obj("Pot_1", "Pot", {})])];
    const r = run(`(constraint C :type invariant (heavy pot))`, frames, { registry }).results;
    expect(r.map((v) => v.status)).toEqual(["SATISFIED", "UNCERTAIN"]);
    expect(r[0]!.atoms[0]!.source).toBe("extension:heavy");
    expect(r[1]!.reason).toBe("heavy failed: no mass");
  });
});

describe("perception memory", () => {
  const src = `(constraint Inv :type invariant (inside mug sink))
(constraint Goal :type goal (and (inside mug sink) (not (dirty mug))))`;
  const mug = (extra: Partial<ReturnType<typeof obj>> = {}) => obj("Mug_1", "Mug", { isDirty: false }, { confidence: 0.95, ...extra });
  const sink = obj("Sink_1", "Sink", {}, { confidence: 0.95 });
  const inside = rel("inside", "Mug_1", "Sink_1", 0.95);
  const at = (time: number, f: Frame): Frame => ({ ...f, time });

  it("a missing object keeps its last state; confidence halves every half-life (5 s)", () => {
    const frames = [at(0, frame([mug(), sink], [inside])), at(1, frame([sink])), at(5, frame([sink]))];
    const inv = run(src, frames).results.filter((r) => r.id === "Inv");
    expect(inv.map((r) => r.status)).toEqual(["SATISFIED", "SATISFIED", "UNCERTAIN"]);
    expect(inv[1]!.confidence).toBeCloseTo(0.95 * Math.pow(2, -1 / 5), 6);
    expect(inv[2]!.confidence).toBeCloseTo(0.95 * 0.5, 6);
    expect(inv[1]!.atoms[0]!.source).toBe("memory");
    expect(inv[1]!.reason).toContain("last seen at t = 0 s");
  });

  it("a brief occlusion or a flickering detection never turns a satisfied fact into a violation", () => {
    const frames = [
      at(0, frame([mug(), sink], [inside])),
      at(0.1, frame([mug({ visible: false }), sink], [])),
      at(0.2, frame([sink])),
      at(0.3, frame([mug(), sink], [inside])),
    ];
    const r = run(src, frames).results;
    expect(r.filter((v) => v.status === "VIOLATED")).toEqual([]);
    expect(r.filter((v) => v.id === "Inv").map((v) => v.status)).toEqual(["SATISFIED", "SATISFIED", "SATISFIED", "SATISFIED"]);
  });

  it("an occluded object reported with a state keeps the decayed confidence of its last sighting", () => {
    const frames = [at(0, frame([mug(), sink], [inside])), at(10, frame([mug({ visible: false }), sink], [inside]))];
    const inv = run(src, frames).results.filter((r) => r.id === "Inv");
    expect(inv[1]!.status).toBe("SATISFIED"); // the edge itself is reported with 0.95
    const goal = run(src, frames).results.find((r) => r.id === "Goal")!;
    expect(goal.status).toBe("UNCERTAIN");
    expect(goal.confidence).toBeCloseTo(0.95 / 4, 6);
  });

  it("memory can be turned off (half-life 0): a missing object is unknown", () => {
    const frames = [at(0, frame([mug(), sink], [inside])), at(1, frame([sink]))];
    const inv = run(src, frames, { memory: { halfLife: 0 } }).results.filter((r) => r.id === "Inv");
    expect(inv[1]!.status).toBe("UNCERTAIN");
    expect(inv[1]!.reason).toMatch(/no signal, object or object of type mug/);
  });
});

describe("explanations: causal chain and repair hint", () => {
  const microwave = (open: boolean) => obj("Microwave_1", "Microwave", { isOpen: open }, { confidence: 0.95 });
  const mug = (dirty = false) => obj("Mug_1", "Mug", { isDirty: dirty });

  it("the seed's example: false since the first frame; open the microwave before the action", () => {
    const v = run(microwaveSeed, seedTrace(0.95)).results.find((r) => r.id === "C1")!;
    expect(v.explanation).toEqual({
      causes: [
        {
          atom: "(eq microwave.isOpen true)",
          value: false,
          since: 0,
          fromStart: true,
          text: "(eq microwave.isOpen true) has been false since the first frame",
        },
      ],
      hint: "open Microwave_1 before PutObject(Mug_1, Microwave_1)",
    });
  });

  it("the chain names the action after which the fact became false", () => {
    const frames = [
      frame([mug(), microwave(true)]),
      frame([mug(), microwave(true)], [], act("PickupObject", "Mug_1")),
      frame([mug(), microwave(false)], [], act("CloseObject", "Microwave_1")),
      frame([mug(), microwave(false)], [], act("MoveAhead")),
      frame([mug(), microwave(false)], [], act("PutObject", "Mug_1", "Microwave_1")),
    ];
    const v = run(microwaveSeed, frames).results.find((r) => r.id === "C1")!;
    expect(v.step).toBe(4);
    expect(v.explanation!.causes[0]).toMatchObject({ since: 2, fromStart: false, action: "CloseObject(Microwave_1)" });
    expect(v.explanation!.causes[0]!.text).toBe("(eq microwave.isOpen true) became false at step 2, after CloseObject(Microwave_1)");
  });

  it("hints follow the polarity the constraint needed and the constraint's timing", () => {
    const sink = obj("Sink_1", "Sink");
    const src = `(constraint Clean :type pre :action (PutObject mug sink) (not (dirty mug)))
(constraint In :type post :action (PutObject mug sink) (inside mug sink))
(constraint Off :type invariant (not (inside mug sink)))
(constraint Full :type goal (filled mug 'coffee))`;
    const frames = [
      frame([mug(true), sink], [rel("on_top_of", "Mug_1", "Sink_1")]),
      frame([mug(true), sink], [rel("on_top_of", "Mug_1", "Sink_1")], act("PutObject", "Mug_1", "Sink_1")),
      frame([obj("Mug_1", "Mug", { isDirty: true, isFilledWithLiquid: false }), sink], [rel("inside", "Mug_1", "Sink_1")], act("MoveAhead")),
    ];
    const r = run(src, frames).results;
    const hint = (id: string) => r.find((v) => v.id === id && v.status === "VIOLATED")?.explanation?.hint;
    expect(hint("Clean")).toBe("clean Mug_1 before PutObject(Mug_1, Sink_1)");
    expect(hint("In")).toBe("put Mug_1 into Sink_1: PutObject(Mug_1, Sink_1) did not achieve it");
    expect(hint("Off")).toBe("take Mug_1 out of Sink_1; it has not held since step 2 (after MoveAhead())");
    expect(hint("Full")).toBe("fill Mug_1 with coffee before the task ends");
  });

  it("costs nothing when atoms are off: no explanation is computed", () => {
    const v = run(microwaveSeed, seedTrace(0.95), { atoms: "none" }).results.find((r) => r.id === "C1")!;
    expect(v.status).toBe("VIOLATED");
    expect(v.explanation).toBeUndefined();
  });
});

type FastCheck = typeof import("fast-check").default;
type Arb = import("fast-check").Arbitrary<string>;

/** Random formulas over `leaf`: not, and, or, implies, and the forms `more` adds. */
function connectives(fc: FastCheck, leaf: Arb, more: (tie: () => Arb) => Arb[]): Arb {
  const { f } = fc.letrec<{ f: string }>((tie) => {
    const sub = () => tie("f") as Arb;
    return {
      f: fc.oneof(
        { depthSize: "small" },
        leaf,
        sub().map((a) => `(not ${a})`),
        fc.tuple(fc.constantFrom("and", "or", "implies"), sub(), sub()).map(([op, a, b]) => `(${op} ${a} ${b})`),
        ...more(sub),
      ),
    };
  });
  return f;
}

describe("fused connectives equal the closure tree", () => {
  it("on random formulas and random confidences (atoms off runs the fused code, atoms on the closures)", async () => {
    const fc = (await import("fast-check")).default;
    const leaf = fc.constantFrom("(dirty mug)", "(is_open fridge)", "(is_on stove_burner)", "(cooked egg)", "(sliced apple)", "true", "false");
    const f = connectives(fc, leaf, (tie) => [fc.tuple(tie(), tie(), tie()).map(([a, b, c]) => `(and ${a} ${b} ${c})`)]);
    const state = fc.record({ d: fc.option(fc.boolean()), o: fc.option(fc.boolean()), n: fc.option(fc.boolean()), c: fc.double({ min: 0, max: 1, noNaN: true }), e: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(f, { minLength: 1, maxLength: 5 }), fc.array(state, { minLength: 1, maxLength: 4 }), (formulas, states) => {
        const src = formulas.map((x, i) => `(constraint C${i} :type invariant ${x})`).join("\n");
        const frames = states.map((s) =>
          frame([
            obj("Mug_1", "Mug", s.d === null ? {} : { isDirty: s.d }, { confidence: s.c }),
            obj("Fridge_1", "Fridge", s.o === null ? {} : { isOpen: s.o }, { confidence: s.e }),
            obj("StoveBurner_1", "StoveBurner", s.n === null ? {} : { isToggled: s.n }, { confidence: (s.c + s.e) / 2 }),
          ]),
        );
        const key = (r: { id: string; step: number | null; status: string; confidence: number }) => `${r.id}@${r.step}:${r.status}:${r.confidence}`;
        const fused = run(src, frames, { atoms: "none" }).results.map(key);
        const closures = run(src, frames, { atoms: "all" }).results.map(key);
        expect(fused).toEqual(closures);
      }),
      { numRuns: 300 },
    );
  });
});

describe("batched invariants and specialised atoms equal the closure tree", () => {
  it("on random scenes: objects missing, without positions or boxes, with and without edges (atoms off runs the batch, atoms on the closures)", async () => {
    const fc = (await import("fast-check")).default;
    const names = ["mug", "sink", "fridge", "kettle"] as const;
    const name = fc.constantFrom(...names);
    const pair = fc.tuple(name, name).filter(([a, b]) => a !== b);
    const leaf = fc.oneof(
      pair.map(([a, b]) => `(inside ${a} ${b})`),
      pair.map(([a, b]) => `(on_top_of ${a} ${b})`),
      fc.tuple(fc.constantFrom("<", "<=", ">", ">="), pair, fc.constantFrom("0.5", "1", "1.25")).map(([op, [a, b], d]) => `(${op} (distance ${a} ${b}) ${d})`),
      fc.tuple(pair, fc.constantFrom("0.5", "1")).map(([[a, b], d]) => `(> ${d} (distance ${a} ${b}))`),
      fc.constantFrom("(dirty mug)", "(eq fridge.isOpen true)", "(neq kettle.isDirty false)", "(is_open fridge)"),
    );
    const f = connectives(fc, leaf, (tie) => [
      tie().map((a) => `(once :within 2 ${a})`),
      fc.tuple(tie(), tie()).map(([a, b]) => `(since ${a} ${b})`),
    ]);
    const coord = fc.double({ min: 0, max: 2, noNaN: true });
    // mostly there, sometimes not
    const mostly = fc.constantFrom(true, true, true, false);
    const object = fc.record({
      present: mostly,
      x: coord,
      z: coord,
      positioned: mostly,
      boxed: mostly,
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      dirty: fc.option(fc.boolean()),
    });
    const scene = fc.record({ objects: fc.tuple(object, object, object, object), inside: fc.option(fc.tuple(pair, fc.double({ min: 0, max: 1, noNaN: true }))) });
    const types = { mug: "Mug", sink: "Sink", fridge: "Fridge", kettle: "Kettle" } as const;
    fc.assert(
      // atoms alone too, so their confidences show in verdicts
      fc.property(fc.array(fc.oneof(leaf, f), { minLength: 1, maxLength: 6 }), fc.array(scene, { minLength: 1, maxLength: 4 }), (formulas, scenes) => {
        const src = formulas.map((x, i) => `(constraint C${i} :type invariant ${x})`).join("\n");
        const frames = scenes.map((s) => {
          const objects = s.objects.flatMap((o, i) => {
            const n = names[i]!;
            if (!o.present) return [];
            const y = 0.9 + i * 0.05;
            return [
              obj(`${types[n]}_1`, types[n], o.dirty === null ? { isOpen: o.x > 1 } : { isDirty: o.dirty, isOpen: o.x > 1 }, {
                confidence: o.confidence,
                ...(o.positioned ? { position: [o.x, y, o.z] as const } : {}),
                ...(o.boxed ? { bbox: { min: [o.x - 0.1, y - 0.05, o.z - 0.1] as const, max: [o.x + 0.1, y + 0.1, o.z + 0.1] as const } } : {}),
              }),
            ];
          });
          const relations = s.inside ? [rel("inside", `${types[s.inside[0][0]]}_1`, `${types[s.inside[0][1]]}_1`, s.inside[1])] : [];
          return frame(objects, relations);
        });
        const key = (r: { id: string; step: number | null; status: string; confidence: number }) => `${r.id}@${r.step}:${r.status}:${r.confidence}`;
        const batched = run(src, frames, { atoms: "none" }).results.map(key);
        const closures = run(src, frames, { atoms: "all" }).results.map(key);
        expect(batched).toEqual(closures);
      }),
      { numRuns: 300 },
    );
  });
});
