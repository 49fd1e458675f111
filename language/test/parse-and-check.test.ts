// parseAndCheck checks forms as the parser builds them; it must give exactly
// what parse followed by check gives, for every text, whatever order the
// forms come in (a declaration after a constraint takes the two-pass way).

import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, parse, parseAndCheck, VocabularyBuilder, type CheckedProgram, type CheckOptions, type Expr, type Form, type ParseResult } from "../src/index.js";
import { walkExpr } from "../src/syntax/walk.js";
import { act, frame, obj, rel, sig } from "./support/frames.js";
import { generateConstraintFile } from "./support/generate-program.js";

/** Everything a caller can read of a parse and a check, as plain data (ranges included). */
function observable(parsed: ParseResult, checked: CheckedProgram): unknown {
  const exprs: Expr[] = [];
  const bodies = (f: Form) => (f.kind === "constraint" || f.kind === "define" ? [f.body] : []);
  for (const f of parsed.program.forms) for (const b of bodies(f)) walkExpr(b, (e) => void exprs.push(e));
  const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (key, v) => (key === "form" ? v.name : v)));
  return plain({
    forms: parsed.program.forms,
    syntax: parsed.diagnostics,
    comments: parsed.comments,
    diagnostics: checked.diagnostics,
    references: checked.references,
    task: checked.task?.name,
    constraints: checked.constraints.map((c) => c.id),
    defines: [...checked.defines.keys()],
    objects: [...checked.objects.keys()],
    models: checked.models.map((m) => m.name),
    schemaTypes: [...checked.schema.types.keys()],
    types: exprs.map((e) => checked.types.get(e) ?? null),
    names: exprs.map((e) => (e.kind === "name" ? (checked.names.get(e) ?? "missing") : null)),
    recorded: [checked.types.size, checked.names.size],
  });
}

const traceNames = new VocabularyBuilder("t.jsonl");
for (const f of [
  frame([obj("Mug_1", "Mug", { isDirty: false }), obj("Sink_1", "Sink", { isOpen: true })], [rel("inside", "Mug_1", "Sink_1", 0.8)], act("PutObject", "Mug_1", "Sink_1")),
  frame([obj("Mug_2", "Mug")]),
  sig({ p: true, "arm.speed": 3 }),
]) {
  traceNames.add(f);
}
const optionSets: CheckOptions[] = [{}, { vocabulary: traceNames.build() }];

function expectSame(text: string): void {
  for (const options of optionSets) {
    const oneByOne = parseAndCheck(text, options);
    const parsed = parse(text);
    expect(observable(oneByOne.parsed, oneByOne.checked)).toEqual(observable(parsed, check(parsed.program, options)));
  }
}

// forms built from the language's words, in any order: declarations before,
// between and after constraints, duplicates, unknown names, broken forms
const body = fc.constantFrom(
  "(and (inside mug sink) (not (dirty mug)))",
  "(clean mug)",
  "(clean mug sink)",
  "(eq mug.isDirty true)",
  "(eq ball.mass 2)",
  "(eq ball.colour 'red)",
  "(inside m Ball)",
  "(forall (m Mug) (clean m))",
  "(eventually :within 5s (is_on stove_burner))",
  "(once :between 3 1 (p))",
  "(nonsense mug)",
  "(< (distance mug sink) 0.5)",
  "(eq arm.speed 3)",
  "(is_open mug)",
  "x",
  "(",
);
const form = fc.oneof(
  fc.tuple(fc.constantFrom("C1", "C2", "C3"), fc.constantFrom("", ":type pre :action (PutObject mug _)", ":type goal", ":type post :action (PutObject m sink)"), body).map(
    ([id, opts, b]) => `(constraint ${id} ${opts} ${b})`,
  ),
  fc.constantFrom(
    "(define (clean x) (not x.isDirty))",
    "(define (clean (x Mug)) (and (not x.isDirty) (clean x)))",
    "(define (loop a) (loop2 a)) (define (loop2 a) (loop a))",
    "(object mug Mug)",
    '(object mug Mug :id "Mug_2")',
    "(object sink Sink :id \"Nope\")",
    "(object m Cup)",
    "(type Ball :attrs (mass Num) (colour Enum{red,blue}) (size Nope))",
    "(type Mug :attrs (weight Num))",
    '(task t :instruction "make coffee")',
    '(model physics "m.safetensors")',
    "(constraint)",
    ")",
    "; a comment",
  ),
);
const files = fc.array(form, { maxLength: 8 }).map((fs) => fs.join("\n"));

describe("parseAndCheck", () => {
  it("equals parse then check on random files, declarations in any order", () => {
    fc.assert(fc.property(files, expectSame), { numRuns: 400 });
  });

  it("equals parse then check on large generated files", () => {
    for (const seed of [1, 2, 3]) expectSame(generateConstraintFile(300, seed));
  });

  it("equals parse then check on the shipped examples", () => {
    const root = new URL("../../examples/", import.meta.url);
    const craftFiles = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".craft"));
    expect(craftFiles.length).toBeGreaterThan(3);
    for (const f of craftFiles) expectSame(readFileSync(new URL(f, root), "utf8"));
  });

  it("checks constraints written before a define against that define", () => {
    const text = "(constraint C1 (clean mug))\n(define (clean x) (not x.isDirty))\n(constraint C2 (clean mug sink))";
    const { checked } = parseAndCheck(text);
    // no unknown-predicate for C1, and the arity error on C2
    expect(checked.diagnostics.map((d) => d.code)).toEqual(["arity"]);
    expectSame(text);
  });

  it("sees an object bound after a constraint", () => {
    const text = '(constraint C1 (dirty cup))\n(object cup Mug :id "Mug_1")';
    const { checked } = parseAndCheck(text);
    expect(checked.diagnostics.filter((d) => d.code === "unknown-name")).toEqual([]);
    expect(checked.references.map((r) => r.name)).toEqual(["cup"]);
  });
});
