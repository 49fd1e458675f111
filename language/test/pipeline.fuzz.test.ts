// No text makes the checker, compiler or evaluator throw: whatever parses
// (with or without errors) is checked, compiled and run on random frames.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtins, check, compile, evaluate, parse, VocabularyBuilder, type Frame } from "../src/index.js";
import { act, frame, obj, rel, sig } from "./support/frames.js";

const words = [
  ...builtins.keys(),
  "constraint", "define", "object", "type", "task", "model", "forall", "exists",
  ":type", ":action", ":severity", ":description", ":within", ":between", ":from", ":attrs", ":id",
  "pre", "post", "invariant", "goal", "causal", "hard", "soft",
  "mug", "sink", "Mug", "Sink", "x", "p", "q", "mug.isDirty", "sink.isOpen", "x.position", "Mug_1",
  "PutObject", "_", "toString", "constructor", "__proto__", "mug.constructor", "true", "false", "0", "1", "-3", "0.5", "1e-3", "5s", "200ms", "'open", "'coffee'", '"text"',
  "Enum{a,b}", "Num", "Bool", "Obj<Mug>", "(", "(", "(", ")", ")", ")", ";c\n",
];

const tokenText = fc.array(fc.constantFrom(...words), { maxLength: 60 }).map((ts) => ts.join(" "));
const wellNested = fc.array(fc.constantFrom(...words.filter((w) => w !== "(" && w !== ")")), { maxLength: 40 }).chain((ts) =>
  fc.array(fc.nat({ max: ts.length }), { maxLength: 12 }).map((cuts) => {
    // wrap random spans in parentheses to get mostly balanced, deep structures
    let out = ts.slice();
    for (const c of cuts.sort((a, b) => b - a)) out = [...out.slice(0, c), "(", ...out.slice(c), ")"];
    return `(constraint C :type invariant (${out.join(" ")}))`;
  }),
);

const mug = (d: boolean) => obj("Mug_1", "Mug", { isDirty: d }, { position: [0, 1, 0], bbox: { min: [0, 0.9, 0], max: [0.1, 1, 0.1] } });
const sink = obj("Sink_1", "Sink", { isOpen: true }, { position: [0, 0.8, 0] });
const frames: Frame[] = [
  frame([mug(false), sink]),
  frame([mug(true), sink], [rel("inside", "Mug_1", "Sink_1", 0.8)], act("PutObject", "Mug_1", "Sink_1")),
  sig({ p: true, q: 3 }),
  frame([mug(true), obj("Mug_2", "Mug")], [], act("PutObject", "Mug_2", "Sink_1")),
];

function runAll(text: string): void {
  const parsed = parse(text);
  for (const d of parsed.diagnostics) {
    expect(d.range.start).toBeGreaterThanOrEqual(0);
    expect(d.range.end).toBeLessThanOrEqual(text.length);
  }
  const vocab = new VocabularyBuilder("t.jsonl");
  for (const f of frames) vocab.add(f);
  for (const options of [{}, { vocabulary: vocab.build() }]) {
    const checked = check(parsed.program, options);
    for (const d of checked.diagnostics) expect(d.range.end).toBeLessThanOrEqual(text.length);
    // the evaluator must cope with programs that have errors too (the editor runs them)
    for (const aggregation of ["kleene", "minmax"] as const) {
      const report = evaluate(compile(checked, { aggregation }), frames);
      for (const r of report.results) {
        expect(["SATISFIED", "VIOLATED", "UNCERTAIN", "SKIP"]).toContain(r.status);
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
      }
    }
  }
}

describe("the pipeline never throws", () => {
  it("on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), runAll), { numRuns: 300 });
  });

  it("on random token soup from the language's vocabulary", () => {
    fc.assert(fc.property(tokenText, runAll), { numRuns: 1500 });
  });

  it("on mostly balanced random constraints", () => {
    fc.assert(fc.property(wellNested, runAll), { numRuns: 1500 });
  });
});
