// Property tests of the syntax stage:
// (a) nothing makes parse, parseExpression or format throw, and every range
//     they report lies within the text;
// (b) formatting a valid program keeps its AST (ranges aside) and its
//     comments, and formatting twice changes nothing.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { format } from "../src/format/formatter.js";
import type { Range } from "../src/syntax/source.js";
import { parse, parseExpression } from "../src/syntax/parse.js";

// ---- generated programs ------------------------------------------------------------
// A program is a tree of atoms (strings) and lists, printed with random
// spacing and comments.

type Doc = string | Doc[];

const names = fc.constantFrom("mug", "sink", "coffee_machine", "machine.door", "x.isDirty", "Mug_1", "a.b.c", "_", "<=", "-");
const numbers = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.integer({ min: 0, max: 9999 }).map((n) => (n / 100).toString()),
  fc.constantFrom("1e-3", "+2", "-0.5", ".5", "2E+3"),
);
const durations = fc.tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom("s", "ms")).map(([n, u]) => `${n}${u}`);
const strings = fc.string({ maxLength: 12 }).map(quote);
const quoted = fc.tuple(fc.constantFrom("open", "closed", "on", "x_1"), fc.boolean()).map(([s, closed]) => (closed ? `'${s}'` : `'${s}`));
const atoms: fc.Arbitrary<Doc> = fc.oneof(names, numbers, durations, strings, quoted, fc.constantFrom("true", "false"));

function quote(s: string): string {
  return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t") + '"';
}

const { expr } = fc.letrec<{ expr: Doc; call: Doc; quantifier: Doc }>((tie) => ({
  expr: fc.oneof({ depthSize: "small" }, atoms, tie("call"), tie("quantifier")),
  call: fc
    .tuple(
      fc.constantFrom("and", "or", "not", "eq", "<", "+", "inside", "eventually", "once", "since", "distance"),
      fc.array(tie("expr"), { maxLength: 3 }),
      fc.option(
        fc.oneof(
          fc.tuple(fc.constantFrom(":within", ":from"), atoms).map(([k, v]) => [k, v]),
          fc.tuple(numbers, numbers).map(([a, b]) => [":between", a, b]),
        ),
      ),
      fc.boolean(),
    )
    .map(([op, args, option, optionFirst]) => {
      const opts = option === null ? [] : (option as Doc[]);
      return optionFirst ? [op, ...opts, ...args] : [op, ...args, ...opts];
    }),
  quantifier: fc
    .tuple(fc.constantFrom("forall", "exists"), fc.constantFrom("x", "m"), fc.constantFrom("Mug", "Sink"), tie("expr"))
    .map(([q, v, t, body]) => [q, [v, t], body]),
}));

/** The options of a form, a random subset in a random order. */
function options(choices: fc.Arbitrary<Doc[]>[]): fc.Arbitrary<Doc[]> {
  return fc
    .tuple(...choices.map((c) => fc.option(c)))
    .chain((picked) => fc.shuffledSubarray(picked.filter((p): p is Doc[] => p !== null), { minLength: 0 }))
    .map((os) => os.flat(1));
}

const constraint = fc
  .tuple(
    fc.integer({ min: 0, max: 99 }),
    options([
      fc.constantFrom("pre", "post", "invariant", "goal", "causal").map((t) => [":type", t]),
      fc.constantFrom("hard", "soft").map((s) => [":severity", s]),
      fc.array(fc.constantFrom("mug", "sink", "_"), { maxLength: 2 }).map((args) => [":action", ["PutObject", ...args]]),
      strings.map((d) => [":description", d]),
    ]),
    expr,
  )
  .map(([n, opts, body]): Doc => ["constraint", `C${n}`, ...opts, body]);

const forms: fc.Arbitrary<Doc> = fc.oneof(
  constraint,
  constraint,
  fc.tuple(options([strings.map((s) => [":instruction", s]), strings.map((s) => [":goal", s])])).map(([o]) => ["task", "make_coffee", ...o]),
  fc
    .tuple(fc.constantFrom("mug", "sink"), fc.option(fc.constantFrom("Mug", "Sink")), fc.option(strings))
    .map(([n, t, id]) => ["object", n, ...(t !== null ? [t] : []), ...(id !== null ? [":id", id] : [])]),
  fc
    .tuple(fc.array(fc.oneof(fc.constantFrom("x", "y"), fc.constant(["z", "Mug"])), { maxLength: 2 }), expr)
    .map(([params, body]) => ["define", ["clean", ...params], body]),
  fc
    .array(fc.tuple(fc.constantFrom("mass", "color", "size"), fc.constantFrom("Num", "Enum{red,blue}", "Obj<Mug>")), { maxLength: 3 })
    .map((attrs) => ["type", "Ball", ":attrs", ...attrs.map(([a, t]) => [a, t])]),
  strings.map((p) => ["model", "physics", p]),
);

/** Prints a program with spacing and comments chosen by `seed`. */
function print(program: Doc[], seed: number): string {
  let s = seed >>> 0;
  const rand = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const gaps = [" ", " ", " ", "\n  ", "   ", "\n\n", " ; why\n", "\t", "\n;; own line\n  "];
  const edges = ["", "", "", " ", "\n", " ; edge\n"];
  const doc = (d: Doc): string => {
    if (typeof d === "string") return d;
    let out = "(" + edges[rand(edges.length)]!;
    d.forEach((item, i) => {
      if (i > 0) out += gaps[rand(gaps.length)]!;
      out += doc(item);
    });
    return out + edges[rand(edges.length)]! + ")";
  };
  const top = ["\n", "\n\n", " ; after\n", "\n; about the next\n", "\n\n\n"];
  return program.map((f) => doc(f)).join(top[rand(top.length)]!) + (rand(2) === 0 ? "\n" : "\n; the end");
}

const programs = fc.tuple(fc.array(forms, { maxLength: 5 }), fc.integer()).map(([p, seed]) => print(p, seed));

// ---- helpers -----------------------------------------------------------------------

/** The AST without ranges (a parsed node's start and end are its range), for comparing programs laid out differently. */
function withoutRanges(value: unknown): unknown {
  const positional = (key: string) =>
    key === "range" || key === "partRanges" || key.endsWith("Range") || key.endsWith("Offset") || key === "start" || key === "end";
  return JSON.parse(JSON.stringify(value, (key, v) => (positional(key) ? undefined : v)));
}

/** Own keys and those of getters up the prototype chain (parsed nodes derive their ranges in getters). */
function keysOf(o: object): string[] {
  const keys = new Set(Object.keys(o));
  for (let p = Object.getPrototypeOf(o) as object | null; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) if (d.get !== undefined) keys.add(k);
  }
  return [...keys];
}

/** Every range reachable from `value`. */
function ranges(value: unknown, out: Range[] = []): Range[] {
  if (Array.isArray(value)) {
    for (const v of value) ranges(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const key of keysOf(value)) {
      if (key === "text") continue;
      const v = (value as Record<string, unknown>)[key];
      if ((key === "range" || key.endsWith("Range")) && v !== undefined) out.push(v as Range);
      else ranges(v, out);
    }
  }
  return out;
}

function expectRangesWithin(text: string, rs: Range[]): void {
  for (const r of rs) {
    const ok = Number.isInteger(r.start) && Number.isInteger(r.end) && 0 <= r.start && r.start <= r.end && r.end <= text.length;
    if (!ok) expect.fail(`range ${JSON.stringify(r)} outside text of length ${text.length}: ${JSON.stringify(text)}`);
  }
}

function checkParse(text: string): void {
  const { program, diagnostics, comments } = parse(text);
  expectRangesWithin(text, ranges(program.forms));
  expectRangesWithin(text, ranges(diagnostics));
  expectRangesWithin(text, ranges(comments));
  for (const d of diagnostics) expect(d.code).toBe("syntax");
  const e = parseExpression(text);
  expectRangesWithin(text, ranges(e.expr));
  expectRangesWithin(text, ranges(e.diagnostics));
  const formatted = format(text);
  if (diagnostics.some((d) => d.severity === "error") && formatted !== text) {
    // formatting is only refused for lexical and bracket errors; the rest must format stably
    expect(format(formatted)).toBe(formatted);
  }
}

const fragments = fc.constantFrom(
  "(", "(", ")", ")", " ", "\n", "\"", "\\", ";", ":", "'", "constraint", "C1", ":type", "pre", ":action", "(PutObject mug _)",
  ":within", "5s", ":between", "3", "10", "forall", "(x Mug)", "and", "x.y", "..", "1e", "-", "5min", "\"s\"", "'open'", "\u0000", "é",
);

// ---- properties --------------------------------------------------------------------

describe("parse never throws and keeps its ranges within the text", () => {
  it("on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 120 }), checkParse), { numRuns: 300 });
  });

  it("on soups of craft fragments", () => {
    fc.assert(fc.property(fc.array(fragments, { maxLength: 40 }).map((fs) => fs.join("")), checkParse), { numRuns: 300 });
  });

  it("on mutations of valid programs", () => {
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.oneof(fragments, fc.constant("")));
    const mutated = fc.tuple(programs, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([src, edits]) => {
      let text = src;
      for (const [at, del, insert] of edits) {
        const i = text.length === 0 ? 0 : at % text.length;
        text = text.slice(0, i) + insert + text.slice(i + del);
      }
      return text;
    });
    fc.assert(fc.property(mutated, checkParse), { numRuns: 200 });
  });
});

describe("format", () => {
  it("keeps the AST and the comments of valid programs, and is idempotent", () => {
    fc.assert(
      fc.property(programs, (src) => {
        const before = parse(src);
        expect(before.diagnostics).toEqual([]);
        const formatted = format(src);
        const after = parse(formatted);
        expect(after.diagnostics).toEqual([]);
        expect(withoutRanges(after.program.forms)).toEqual(withoutRanges(before.program.forms));
        expect(after.comments.map((c) => c.text)).toEqual(before.comments.map((c) => c.text));
        expect(format(formatted)).toBe(formatted);
      }),
      { numRuns: 300 },
    );
  });
});
