import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, compile, evaluate, Monitor, parse, type Frame, type Verdict } from "../src/index.js";
import { act, frame, obj, sig } from "./support/frames.js";
import { refEval, toCraft, type Formula, type SignalTrace, type Val } from "./support/reference.js";

function program(src: string) {
  const parsed = parse(src);
  expect(parsed.diagnostics).toEqual([]);
  const checked = check(parsed.program);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return compile(checked);
}

function invariantValues(formula: string, frames: Frame[]): Val[] {
  const report = evaluate(program(`(constraint C :type invariant ${formula})`), frames, { threshold: 0.5 });
  return report.results
    .filter((r) => r.id === "C")
    .sort((a, b) => a.step! - b.step!)
    .map((r) => (r.status === "SATISFIED" ? "T" : r.status === "VIOLATED" ? "F" : "U"));
}

const toFrames = (trace: SignalTrace): Frame[] =>
  trace.map((s) => sig(Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Record<string, boolean>));

describe("temporal operators on examples", () => {
  const trace: SignalTrace = [{ p: false, q: false }, { p: true, q: false }, { p: false, q: true }, { p: false, q: false }, { p: true, q: false }];

  it("once, historically, prev", () => {
    expect(invariantValues("(once p)", toFrames(trace))).toEqual(["F", "T", "T", "T", "T"]);
    expect(invariantValues("(historically (not q))", toFrames(trace))).toEqual(["T", "T", "F", "F", "F"]);
    expect(invariantValues("(prev p)", toFrames(trace))).toEqual(["F", "F", "T", "F", "F"]);
    expect(invariantValues("(once :within 1 p)", toFrames(trace))).toEqual(["F", "T", "T", "F", "T"]);
    expect(invariantValues("(once :between 2 3 p)", toFrames(trace))).toEqual(["F", "F", "F", "T", "T"]);
  });

  it("future operators are settled at the end of the trace", () => {
    expect(invariantValues("(eventually q)", toFrames(trace))).toEqual(["T", "T", "T", "F", "F"]);
    expect(invariantValues("(next p)", toFrames(trace))).toEqual(["T", "F", "F", "T", "F"]);
    expect(invariantValues("(until (not q) p)", toFrames(trace))).toEqual(["T", "T", "F", "T", "T"]);
  });

  it("time windows in seconds use frame times", () => {
    const frames = [sig({ p: true }, 0), sig({ p: false }, 1), sig({ p: false }, 2.5), sig({ p: false }, 3)];
    expect(invariantValues("(once :within 2s p)", frames)).toEqual(["T", "T", "F", "F"]);
  });
});

describe("causal constraints", () => {
  const src = `(constraint C5 :type causal :description "fill the kettle before heating it"
  (before (filled kettle 'water) (is_on stove_burner)))`;
  const scene = (filled: boolean, on: boolean) => [obj("Kettle_1", "Kettle", { isFilledWithLiquid: filled, fillLiquid: filled ? "water" : null }), obj("StoveBurner_1", "StoveBurner", { isToggled: on })];

  it("heating a dry kettle is VIOLATED, and the explanation names the step", () => {
    const frames = [frame(scene(false, false)), frame(scene(false, true), [], act("ToggleObjectOn", "StoveBurner_1")), frame(scene(true, true))];
    const v = evaluate(program(src), frames).results.find((r) => r.id === "C5")!;
    expect(v.status).toBe("VIOLATED");
    expect(v.reason).toContain("the second operand held at step 1 before the first ever held");
  });

  it("filling first is SATISFIED", () => {
    const frames = [frame(scene(false, false)), frame(scene(true, false)), frame(scene(true, true), [], act("ToggleObjectOn", "StoveBurner_1"))];
    expect(evaluate(program(src), frames).results.find((r) => r.id === "C5")!.status).toBe("SATISFIED");
  });

  it("a causal constraint with :action is checked at each matching action", () => {
    const withAction = `(constraint C :type causal :action (ToggleObjectOn stove_burner) (once (filled kettle 'water)))`;
    const frames = [frame(scene(false, false)), frame(scene(false, true), [], act("ToggleObjectOn", "StoveBurner_1")), frame(scene(true, false)), frame(scene(true, true), [], act("ToggleObjectOn", "StoveBurner_1"))];
    const r = evaluate(program(withAction), frames).results.filter((x) => x.id === "C");
    expect(r.map((x) => [x.step, x.status])).toEqual([
      [1, "VIOLATED"],
      [3, "SATISFIED"],
    ]);
  });
});

// ---- property tests against the naive reference ----------------------------

const windowArb = fc.oneof(
  fc.constant({ lo: 0, hi: Infinity }),
  fc.integer({ min: 0, max: 4 }).map((hi) => ({ lo: 0, hi })),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([a, b]) => ({ lo: a, hi: a + b })),
  fc.integer({ min: 1, max: 3 }).map((lo) => ({ lo, hi: Infinity })),
);

function formulaArb(past: boolean): fc.Arbitrary<Formula> {
  const { f } = fc.letrec<{ f: Formula }>((tie) => ({
    f: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom("p", "q", "r").map((name): Formula => ({ op: "sig", name })),
      tie("f").map((a): Formula => ({ op: "not", a })),
      fc.tuple(fc.constantFrom("and" as const, "or" as const), tie("f"), tie("f")).map(([op, a, b]): Formula => ({ op, a, b })),
      fc.tuple(fc.constantFrom(...(past ? (["prev"] as const) : (["prev", "next"] as const))), tie("f")).map(([op, a]): Formula => ({ op, a })),
      fc
        .tuple(fc.constantFrom(...(past ? (["once", "historically"] as const) : (["once", "historically", "eventually", "always"] as const))), tie("f"), windowArb)
        .map(([op, a, w]): Formula => ({ op, a, ...w })),
      fc.tuple(fc.constantFrom(...(past ? (["since"] as const) : (["since", "until"] as const))), tie("f"), tie("f"), windowArb).map(([op, a, b, w]): Formula => ({ op, a, b, ...w })),
      fc.tuple(tie("f"), tie("f")).map(([a, b]): Formula => ({ op: "before", a, b })),
    ),
  }));
  return f;
}

const valueArb = fc.oneof(fc.constant(true), fc.constant(false), fc.constant(true), fc.constant(false), fc.constant(undefined));
const traceArb: fc.Arbitrary<SignalTrace> = fc.array(fc.record({ p: valueArb, q: valueArb, r: valueArb }), { minLength: 1, maxLength: 14 });

describe("temporal operators against a naive reference evaluator", () => {
  const compare = (f: Formula, trace: SignalTrace) => {
    const got = invariantValues(toCraft(f), toFrames(trace));
    const want = trace.map((_, j) => refEval(f, trace, j));
    expect(got, toCraft(f)).toEqual(want);
  };

  it("past operators (random formulas, random traces with unknowns)", () => {
    fc.assert(fc.property(formulaArb(true), traceArb, compare), { numRuns: 400 });
  });

  it("past and future operators together", () => {
    fc.assert(fc.property(formulaArb(false), traceArb, compare), { numRuns: 400 });
  });
});

describe("Monitor", () => {
  it("gives the same verdicts frame by frame as the batch evaluator, past verdicts as soon as they settle", () => {
    fc.assert(
      fc.property(fc.array(formulaArb(false), { minLength: 1, maxLength: 4 }), traceArb, (formulas, trace) => {
        const src = formulas.map((f, i) => `(constraint C${i} :type invariant ${toCraft(f)})`).join("\n");
        const frames = toFrames(trace);
        const batch = evaluate(program(src), frames).results;
        const monitor = new Monitor(program(src));
        const streamed: Verdict[] = [];
        frames.forEach((f, k) => {
          const out = monitor.push(f);
          // a verdict for step k of a past-only constraint arrives with frame k
          for (const v of out) expect(v.step).toBe(k);
          streamed.push(...out);
        });
        streamed.push(...monitor.finish());
        const key = (v: Verdict) => `${v.id}@${v.step}:${v.status}:${v.confidence}`;
        expect(streamed.map(key).sort()).toEqual(batch.map(key).sort());
      }),
      { numRuns: 150 },
    );
  });

  it("bounded past operators keep memory bounded by the window (cells hold no per-frame arrays)", () => {
    const compiled = program(`(constraint C :type invariant (historically (implies (once :within 10 q) (since (not p) q))))`);
    const m = new Monitor(compiled, { atoms: "none" });
    for (let i = 0; i < 20_000; i++) m.push(sig({ p: i % 7 === 0, q: i % 5 === 0 }));
    for (const cell of compiled.temporal.cells) expect(cell.truths).toBeUndefined();
  });
});
