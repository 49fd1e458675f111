// The seeds' JSON constraints → .craft (`craft import`): the conversion, its
// errors (file:line:column of the offending JSON value, and its JSON path),
// and that an imported file checks exactly like its hand-written twin.

import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { format, parse, type ConstraintForm, type Expr } from "@craft/language";
import { checkTrace } from "../src/check/check-runner.js";
import { constraintFileFromText } from "../src/check/constraint-file.js";
import { craftName, runImport } from "../src/cli/import-command.js";
import type { CommandIO } from "../src/cli/check-command.js";
import { convertSeedJson, craftString, readSeedConstraints, seedJsonToCraft } from "../src/import/seed-constraints.js";
import { InputError } from "../src/input-error.js";

const FIXTURES = "runtime/test/fixtures/seed-json";
const KITCHEN_JSON = `${FIXTURES}/kitchen.json`;
const KITCHEN_CRAFT = `${FIXTURES}/kitchen.craft`;
const TRACES = "examples/make_coffee/traces";

const SEED_EXAMPLE = {
  id: "C1",
  type: "pre",
  description: "Machine must be open before inserting a cup",
  condition_expr: "(eq machine.door 'open')",
  severity: "hard",
  eval_time: "pre",
};

function constraints(text: string): ConstraintForm[] {
  const parsed = parse(text);
  expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return parsed.program.forms.filter((f): f is ConstraintForm => f.kind === "constraint");
}

/** The S-expression an expression denotes, for comparing bodies. */
function sexpr(e: Expr): string {
  switch (e.kind) {
    case "name":
      return e.parts.join(".");
    case "literal": {
      const l = e.literal;
      return l.type === "sym" ? `'${l.value}` : l.type === "str" ? JSON.stringify(l.value) : l.type === "duration" ? l.text : String(l.value);
    }
    case "call":
      return `(${[e.op, ...e.args.map(sexpr)].join(" ")})`;
    case "quantifier":
      return `(${e.quantifier} (${e.variable} ${e.typeName}) ${sexpr(e.body)})`;
    case "error":
      return "<error>";
  }
}

/** `line:column` (1-based) of the first occurrence of `needle` in `text`. */
function at(text: string, needle: string): string {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, i).split("\n");
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError");
}

/** The message of converting `text` as constraints.json. */
function problem(text: string): string {
  return inputError(() => seedJsonToCraft(text, "constraints.json")).message;
}

// ---------------------------------------------------------------------------

describe("seed JSON → craft", () => {
  it("converts the seed document's own example", () => {
    const text = seedJsonToCraft(JSON.stringify([SEED_EXAMPLE], null, 2), "gen/constraints.json");
    expect(text.startsWith("; imported from constraints.json by craft import\n")).toBe(true);
    const [c, ...rest] = constraints(text);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ id: "C1", type: "pre", severity: "hard", description: "Machine must be open before inserting a cup" });
    expect(c!.action).toBeUndefined();
    expect(sexpr(c!.body)).toBe("(eq machine.door 'open)");
    // the seeds' 'open' is written the craft way
    expect(text).toContain("(eq machine.door 'open)");
    expect(format(text)).toBe(text);
  });

  it("accepts a list, or an object with a constraints list, with the same result", () => {
    const list = seedJsonToCraft(JSON.stringify([SEED_EXAMPLE]), "a.json");
    const wrapped = seedJsonToCraft(JSON.stringify({ task: "make_coffee", constraints: [SEED_EXAMPLE] }), "a.json");
    expect(wrapped).toBe(list);
  });

  it("converts an empty list to a file with no constraints", () => {
    const text = seedJsonToCraft("[]", "none.json");
    expect(text).toBe("; imported from none.json by craft import\n");
    expect(constraints(text)).toEqual([]);
  });

  it("derives the type from eval_time, maps the long type names, defaults severity to hard", () => {
    const text = seedJsonToCraft(
      JSON.stringify([
        { id: "A", eval_time: "pre", condition_expr: "true" },
        { id: "B", eval_time: "post", condition_expr: "true" },
        { id: "C", eval_time: "now", condition_expr: "true" },
        { id: "D", eval_time: "final", condition_expr: "true" },
        { id: "E", type: "precondition", condition_expr: "true" },
        { id: "F", type: "postcondition", eval_time: "post", condition_expr: "true" },
        { id: "G", type: "causal_chain", eval_time: "now", condition_expr: "true" },
        { id: "H", type: "causal", condition_expr: "true", severity: "soft" },
        { id: 7, type: "goal", condition_expr: "true", severity: null, description: null, action: null },
      ]),
      "t.json",
    );
    const cs = constraints(text);
    expect(cs.map((c) => [c.id, c.type, c.severity])).toEqual([
      ["A", "pre", "hard"],
      ["B", "post", "hard"],
      ["C", "invariant", "hard"],
      ["D", "goal", "hard"],
      ["E", "pre", "hard"],
      ["F", "post", "hard"],
      ["G", "causal", "hard"],
      ["H", "causal", "soft"],
      ["7", "goal", "hard"],
    ]);
    expect(cs.every((c) => c.description === undefined)).toBe(true);
  });

  it("escapes descriptions as craft strings", () => {
    const description = 'say "open"\\ then\nwait\tand\rgo';
    const text = seedJsonToCraft(JSON.stringify([{ id: "C1", type: "goal", description, condition_expr: "true" }]), "d.json");
    expect(constraints(text)[0]!.description).toBe(description);
    expect(craftString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    // control characters craft strings cannot spell become spaces
    expect(craftString("a\u0001b")).toBe('"a b"');
  });

  it("keeps a comment at the end of condition_expr from swallowing the form", () => {
    const text = seedJsonToCraft(JSON.stringify([{ id: "C1", type: "goal", condition_expr: "(is_on lamp) ; lit" }]), "c.json");
    const [c] = constraints(text);
    expect(sexpr(c!.body)).toBe("(is_on lamp)");
    expect(text).toContain("; lit");
  });

  it("reads a byte-order mark and CRLF line ends", () => {
    const json = '\uFEFF[\r\n  {"id": "C1", "type": "pre",\r\n   "condition_expr": "(eq a b)", "severity": "critical"}\r\n]\r\n';
    expect(problem(json)).toBe('constraints.json:3:46: [0].severity: expected "hard" or "soft", got "critical"');
    expect(constraints(seedJsonToCraft(json.replace('"critical"', '"soft"'), "x.json"))[0]!.severity).toBe("soft");
  });
});

describe("the kitchen constraints", () => {
  const json = readFileSync(KITCHEN_JSON, "utf8");
  const imported = seedJsonToCraft(json, KITCHEN_JSON);
  const handWritten = readFileSync(KITCHEN_CRAFT, "utf8");

  it("convert to the constraints written by hand, formatted", () => {
    expect(imported.split("\n")[0]).toBe("; imported from kitchen.json by craft import");
    expect(format(imported)).toBe(imported);
    const got = constraints(imported);
    const want = constraints(handWritten);
    expect(got).toHaveLength(8);
    const summary = (cs: ConstraintForm[]) =>
      cs.map((c) => ({
        id: c.id,
        type: c.type,
        severity: c.severity,
        description: c.description,
        action: c.action ? [c.action.name, ...c.action.args.map((a) => a.name)].join(" ") : undefined,
        body: sexpr(c.body),
      }));
    expect(summary(got)).toEqual(summary(want));
    expect(summary(got).map((c) => `${c.id} ${c.type} ${c.severity} ${c.action ?? "-"}`)).toEqual([
      "K1 pre hard PutObject mug coffee_machine",
      "K2 pre hard PutObject mug coffee_machine",
      "K3 pre hard ToggleObjectOn coffee_machine",
      "K4 post hard ToggleObjectOn coffee_machine",
      "K5 invariant hard -",
      "K6 goal hard -",
      "K7 goal soft -",
      "K8 causal hard -",
    ]);
  });

  it("tell where each constraint came from", () => {
    const { constraints: origins } = convertSeedJson(json, KITCHEN_JSON);
    expect(origins.map((o) => o.id)).toEqual(["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"]);
    expect(origins[1]).toMatchObject({ path: "constraints[1]", line: 14, column: 5 });
    expect(`${origins[1]!.conditionLine}:${origins[1]!.conditionColumn}`).toBe(at(json, '"(not mug.isDirty)"'));
  });

  const verdicts = async (text: string, name: string, trace: string) => {
    const result = await checkTrace([constraintFileFromText(name, text)], `${TRACES}/${trace}`);
    return result.results.map((r) => ({ id: r.id, type: r.type, severity: r.severity, step: r.step, status: r.status, confidence: r.confidence }));
  };

  it("check identically to the hand-written file (dirty_mug)", async () => {
    const got = await verdicts(imported, "kitchen.json", "dirty_mug.jsonl");
    const want = await verdicts(handWritten, "kitchen.craft", "dirty_mug.jsonl");
    expect(got).toEqual(want);
    // the comparison is not between empty lists: the dirty mug is caught
    expect(got.find((v) => v.id === "K2")).toMatchObject({ step: 6, status: "VIOLATED" });
    expect(got.find((v) => v.id === "K6")).toMatchObject({ status: "VIOLATED" });
    expect(new Set(got.map((v) => v.id))).toEqual(new Set(["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"]));
  });

  it("check identically to the hand-written file (other traces)", async () => {
    for (const trace of ["success.jsonl", "closed_machine.jsonl", "no_mug.jsonl"]) {
      expect(await verdicts(imported, "kitchen.json", trace)).toEqual(await verdicts(handWritten, "kitchen.craft", trace));
    }
  });
});

describe("bad seed JSON", () => {
  it("broken JSON: the line and column of the syntax error", () => {
    const json = '[\n  {"id": "C1", "type": "pre"\n   "condition_expr": "(eq a b)"}\n]\n';
    expect(problem(json)).toMatch(/^constraints\.json:3:4: invalid JSON: /);
    expect(problem('[\n  {"id": "C1",\n')).toBe("constraints.json:2:15: invalid JSON: the file ends in the middle of a value (truncated file?)");
    expect(problem(" \n")).toBe("constraints.json:1:1: invalid JSON: the file is empty");
  });

  it("not a list of constraints", () => {
    expect(problem('"C1"')).toBe('constraints.json:1:1: expected an array of constraints, or an object with a "constraints" array, got "C1"');
    expect(problem('{\n  "constraint": []\n}')).toBe(
      'constraints.json:1:1: expected an array of constraints, or an object with a "constraints" array; the object has no "constraints" field',
    );
    expect(problem('{\n  "constraints": {"id": "C1"}\n}')).toBe(
      'constraints.json:2:18: constraints: expected an array of constraints, got {"id": "C1"}',
    );
    expect(problem('[\n  {"id": "C1", "type": "goal", "condition_expr": "true"},\n  "C2"\n]')).toBe(
      'constraints.json:3:3: [1]: expected a constraint object with "id" and "condition_expr", got "C2"',
    );
  });

  it("missing condition_expr: at the constraint object", () => {
    const json = '[\n  {"id": "C1", "type": "pre"},\n  {"id": "C2", "type": "pre"}\n]';
    expect(problem(json)).toBe(
      `constraints.json:2:3: [0].condition_expr: expected a string holding a craft expression such as "(eq machine.door 'open')", got nothing (the field is missing)`,
    );
  });

  it("condition_expr of the wrong kind", () => {
    const json = '[{"id": "C1", "type": "pre", "condition_expr": ["eq", "a", "b"]}]';
    expect(problem(json)).toBe(
      `constraints.json:1:48: [0].condition_expr: expected a string holding a craft expression such as "(eq machine.door 'open')", got ["eq", "a", "b"]`,
    );
  });

  it("bad severity", () => {
    const json = '[\n  {\n    "id": "C1", "type": "pre", "condition_expr": "(eq a b)",\n    "severity": "critical"\n  }\n]';
    expect(problem(json)).toBe('constraints.json:4:17: [0].severity: expected "hard" or "soft", got "critical"');
  });

  it("bad type", () => {
    const json = '{"constraints": [\n  {"id": "C1", "type": "precond", "condition_expr": "(eq a b)"}\n]}';
    expect(problem(json)).toBe(
      `constraints.json:${at(json, '"precond"')}: constraints[0].type: expected one of pre, post, invariant, goal, causal (or precondition, postcondition, causal_chain), got "precond"`,
    );
  });

  it("bad eval_time, and neither type nor eval_time", () => {
    const json = '[\n  {"id": "C1", "eval_time": "later", "condition_expr": "true"},\n  {"id": "C2", "condition_expr": "true"}\n]';
    const e = inputError(() => seedJsonToCraft(json, "constraints.json"));
    expect(e.message).toBe(`constraints.json:2:29: [0].eval_time: expected "pre", "post", "now" or "final", got "later"`);
    expect(e.details).toEqual([
      `constraints.json:3:3: [1]: needs a "type" (pre, post, invariant, goal, causal) or an "eval_time" (pre, post, now, final)`,
    ]);
  });

  it("eval_time that contradicts the type names both", () => {
    const json = '[\n  {"id": "C1", "type": "pre", "eval_time": "post", "condition_expr": "(eq a b)"}\n]';
    expect(problem(json)).toBe(
      `constraints.json:2:44: [0].eval_time: eval_time "post" contradicts type "pre" (a pre constraint is evaluated at eval_time "pre")`,
    );
    const goal = '[{"id": "C1", "type": "goal", "eval_time": "now", "condition_expr": "true"}]';
    expect(problem(goal)).toBe(
      `constraints.json:1:44: [0].eval_time: eval_time "now" contradicts type "goal" (a goal constraint is evaluated at eval_time "final")`,
    );
  });

  it("unparsable condition_expr: where in the file and where in the expression", () => {
    const json = [
      "[",
      '  {"id": "C1", "type": "goal", "condition_expr": "(eq a b)"},',
      '  {"id": "C2", "type": "goal", "condition_expr": "(eq a b)"},',
      '  {"id": "C3", "type": "goal",',
      '   "condition_expr": "(and (on_top_of mug table) (eq machine.door \'open\')"}',
      "]",
    ].join("\n");
    expect(problem(json)).toBe("constraints.json:5:22: [2].condition_expr: unclosed '(' at column 1 of the expression");
    expect(problem('[{"id": "C1", "type": "goal", "condition_expr": "(eq a b))"}]')).toBe(
      "constraints.json:1:49: [0].condition_expr: unexpected ')' at column 9 of the expression",
    );
    expect(problem('[{"id": "C1", "type": "goal", "condition_expr": "(eq a\\n b) (c)"}]')).toBe(
      "constraints.json:1:49: [0].condition_expr: unexpected text after the expression at line 2, column 5 of the expression",
    );
    expect(problem('[{"id": "C1", "type": "goal", "condition_expr": "  "}]')).toBe(
      "constraints.json:1:49: [0].condition_expr: expected an expression at column 1 of the expression",
    );
  });

  it("an id that is not a craft symbol, and an id used twice", () => {
    const json = '[\n  {"id": "door open", "type": "goal", "condition_expr": "true"}\n]';
    expect(problem(json)).toBe(
      `constraints.json:2:10: [0].id: expected a constraint id that is a craft symbol (no spaces, parentheses, quotes or ';'; e.g. C1, door_open), got "door open"`,
    );
    expect(problem('[{"id": "(C1)", "type": "goal", "condition_expr": "true"}]')).toMatch(/^constraints\.json:1:9: \[0\]\.id: .* got "\(C1\)"$/);
    expect(problem('[{"type": "goal", "condition_expr": "true"}]')).toBe(
      'constraints.json:1:2: [0].id: expected a constraint id such as "C1", got nothing (the field is missing)',
    );
    const twice = '[\n  {"id": "C1", "type": "goal", "condition_expr": "true"},\n  {"id": "C1", "type": "pre", "condition_expr": "true"}\n]';
    expect(problem(twice)).toBe("constraints.json:3:10: [1].id: constraint id C1 is already used by [0] (line 2)");
  });

  it("a bad action", () => {
    const json = '[{"id": "C1", "type": "pre", "condition_expr": "true", "action": "Put Object(mug"}]';
    expect(problem(json)).toBe(
      `constraints.json:1:66: [0].action: expected an action pattern: an action name, then object names or _ (e.g. "PutObject mug coffee_machine"), got "Put Object(mug"`,
    );
    expect(problem('[{"id": "C1", "type": "pre", "condition_expr": "true", "action": ["PutObject", 3]}]')).toBe(
      `constraints.json:1:66: [0].action: expected an action such as "PutObject mug coffee_machine" or ["PutObject", "mug", "coffee_machine"], got ["PutObject", 3]`,
    );
    expect(problem('[{"id": "C1", "type": "pre", "condition_expr": "true", "action": ""}]')).toMatch(/^constraints\.json:1:66: \[0\]\.action: /);
  });

  it("every problem of a file at once, in file order", () => {
    const json = [
      "[",
      '  {"id": "C1", "type": "pre", "condition_expr": "(eq a", "severity": "critical"},',
      '  {"id": "C 2", "type": "pre", "eval_time": "final", "condition_expr": "true"}',
      "]",
    ].join("\n");
    const e = inputError(() => seedJsonToCraft(json, "constraints.json"));
    expect([e.message, ...e.details]).toEqual([
      "constraints.json:2:49: [0].condition_expr: unclosed '(' at column 1 of the expression",
      'constraints.json:2:70: [0].severity: expected "hard" or "soft", got "critical"',
      `constraints.json:3:10: [1].id: expected a constraint id that is a craft symbol (no spaces, parentheses, quotes or ';'; e.g. C1, door_open), got "C 2"`,
      'constraints.json:3:45: [1].eval_time: eval_time "final" contradicts type "pre" (a pre constraint is evaluated at eval_time "pre")',
    ]);
  });

  it("a missing file", async () => {
    await expect(readSeedConstraints(`${FIXTURES}/no-such.json`)).rejects.toThrow(
      new InputError(`${FIXTURES}/no-such.json: cannot read constraint file: no such file`),
    );
    await expect(readSeedConstraints(`${FIXTURES}/no-such.json`)).rejects.toBeInstanceOf(InputError);
    expect(await readSeedConstraints(KITCHEN_JSON)).toBe(seedJsonToCraft(readFileSync(KITCHEN_JSON, "utf8"), KITCHEN_JSON));
  });
});

// ---------------------------------------------------------------------------

describe("craft import", () => {
  const dir = mkdtempSync(join(tmpdir(), "craft-import-"));
  const seedPath = join(dir, "seed.json");
  writeFileSync(seedPath, JSON.stringify([SEED_EXAMPLE]));
  const seedCraft = seedJsonToCraft(JSON.stringify([SEED_EXAMPLE]), seedPath);
  const kitchenCraft = seedJsonToCraft(readFileSync(KITCHEN_JSON, "utf8"), KITCHEN_JSON);

  function io(): CommandIO & { out: string; err: string } {
    const o = {
      out: "",
      err: "",
      stdout: (t: string) => void (o.out += t),
      stderr: (t: string) => void (o.err += t),
      stderrIsTTY: false,
      stdoutIsTTY: false,
    };
    return o;
  }

  it("prints one import to stdout", async () => {
    const c = io();
    expect(await runImport([seedPath], {}, c)).toBe(0);
    expect(c.out).toBe(seedCraft);
    expect(c.err).toBe("");
  });

  it("prints several imports to stdout, a blank line between", async () => {
    const c = io();
    expect(await runImport([seedPath, KITCHEN_JSON], {}, c)).toBe(0);
    expect(c.out).toBe(`${seedCraft}\n${kitchenCraft}`);
  });

  it("writes one import to -o FILE, or into -o DIR", async () => {
    const out = join(dir, "out.craft");
    expect(await runImport([seedPath], { output: out }, io())).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(seedCraft);
    const sub = join(dir, "one");
    mkdirSync(sub);
    expect(await runImport([KITCHEN_JSON], { output: sub }, io())).toBe(0);
    expect(readFileSync(join(sub, "kitchen.craft"), "utf8")).toBe(kitchenCraft);
  });

  it("writes several imports into -o DIR as NAME.craft", async () => {
    const sub = join(dir, "many");
    mkdirSync(sub);
    const c = io();
    expect(await runImport([seedPath, KITCHEN_JSON], { output: sub }, c)).toBe(0);
    expect(c.out).toBe("");
    expect(readFileSync(join(sub, "seed.craft"), "utf8")).toBe(seedCraft);
    expect(readFileSync(join(sub, "kitchen.craft"), "utf8")).toBe(kitchenCraft);
    expect(craftName("a/b/kitchen.json")).toBe("kitchen.craft");
  });

  it("refuses -o FILE for several inputs, clashing names, and no inputs", async () => {
    await expect(runImport([seedPath, KITCHEN_JSON], { output: join(dir, "x.craft") }, io())).rejects.toThrow(
      new InputError(`-o ${join(dir, "x.craft")}: with several inputs, -o must name an existing directory`),
    );
    await expect(runImport([seedPath, seedPath], { output: dir }, io())).rejects.toBeInstanceOf(InputError);
    await expect(runImport([], {}, io())).rejects.toBeInstanceOf(InputError);
  });

  it("writes nothing when one input is bad", async () => {
    const sub = join(dir, "bad");
    mkdirSync(sub);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '[{"id": "C1"}]');
    await expect(runImport([KITCHEN_JSON, bad], { output: sub }, io())).rejects.toThrow(/bad\.json:1:2: \[0\]\.type: |bad\.json:1:2: \[0\]/);
    expect(() => readFileSync(join(sub, "kitchen.craft"))).toThrow();
  });
});
