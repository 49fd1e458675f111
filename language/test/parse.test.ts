import { describe, expect, it } from "vitest";
import type { Call, ConstraintForm, DefineForm, Expr, Form, NameRef, Quantifier } from "../src/syntax/ast.js";
import { parse, parseExpression, parseSExpressions } from "../src/syntax/parse.js";
import { MAX_NESTING } from "../src/syntax/parser.js";
import type { SList } from "../src/syntax/sexpr.js";
import type { Range } from "../src/syntax/source.js";

function only(text: string): Form {
  const { program, diagnostics } = parse(text);
  expect(diagnostics).toEqual([]);
  expect(program.forms).toHaveLength(1);
  return program.forms[0]!;
}

/** A range's numbers alone (a parsed node is its own range). */
function span(r: Range): Range {
  return { start: r.start, end: r.end };
}

function expr(text: string): Expr {
  const { expr, diagnostics } = parseExpression(text);
  expect(diagnostics).toEqual([]);
  return expr;
}

/** The diagnostics of `text` as [message, covered text]. */
function problems(text: string): [string, string][] {
  return parse(text).diagnostics.map((d) => [d.message, text.slice(d.range.start, d.range.end)]);
}

const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe("top-level forms", () => {
  it("parses a constraint with every option", () => {
    const text =
      '(constraint C1 :type pre :severity soft :action (PutObject mug _) :description "open \\"first\\"" (eq coffee_machine.isOpen true))';
    const c = only(text) as ConstraintForm;
    expect(c.kind).toBe("constraint");
    expect(c.id).toBe("C1");
    expect(slice(text, c.idRange)).toBe("C1");
    expect(c.type).toBe("pre");
    expect(c.severity).toBe("soft");
    expect(c.description).toBe('open "first"');
    expect(c.action!.name).toBe("PutObject");
    expect(slice(text, c.action!.nameRange)).toBe("PutObject");
    expect(c.action!.args.map((a) => a.name)).toEqual(["mug", "_"]);
    expect(slice(text, c.action!.args[1]!.range)).toBe("_");
    expect(slice(text, c.action!.range)).toBe("(PutObject mug _)");
    expect(span(c.range)).toEqual({ start: 0, end: text.length });
    expect(slice(text, c.body.range)).toBe("(eq coffee_machine.isOpen true)");
  });

  it("defaults to an invariant, hard constraint and accepts options in any order", () => {
    const a = only("(constraint C2 (p x))") as ConstraintForm;
    expect([a.type, a.severity, a.action, a.description]).toEqual(["invariant", "hard", undefined, undefined]);
    const b = only('(constraint C3 :description "d" :severity soft :type goal (p x))') as ConstraintForm;
    expect([b.type, b.severity, b.description]).toEqual(["goal", "soft", "d"]);
    for (const t of ["pre", "post", "invariant", "goal", "causal"]) {
      expect((only(`(constraint C :type ${t} (p))`) as ConstraintForm).type).toBe(t);
    }
  });

  it("parses task, object, define, type and model", () => {
    const task = only('(task make_coffee :instruction "make a cup of coffee" :goal "coffee on the counter")');
    expect(task).toMatchObject({ kind: "task", name: "make_coffee", instruction: "make a cup of coffee", goal: "coffee on the counter" });

    const text = '(object mug Mug :id "Mug|+01.20|+00.90|-00.30")';
    const obj = only(text);
    expect(obj).toMatchObject({ kind: "object", name: "mug", typeName: "Mug", id: "Mug|+01.20|+00.90|-00.30" });
    if (obj.kind !== "object") throw new Error();
    expect(slice(text, obj.nameRange)).toBe("mug");
    expect(slice(text, obj.typeRange!)).toBe("Mug");
    expect(slice(text, obj.idRange!)).toBe('"Mug|+01.20|+00.90|-00.30"');
    expect(only("(object sink)")).toMatchObject({ kind: "object", name: "sink", typeName: undefined, id: undefined });

    const def = only("(define (clean x (y Mug)) (not x.isDirty))") as DefineForm;
    expect(def.name).toBe("clean");
    expect(def.params).toMatchObject([{ name: "x", typeName: undefined }, { name: "y", typeName: "Mug" }]);
    expect(def.body.kind).toBe("call");

    const typeText = "(type Ball :attrs (mass Num) (color Enum{red,blue}))";
    const type = only(typeText);
    expect(type).toMatchObject({ kind: "type", name: "Ball", attrs: [{ name: "mass", typeText: "Num" }, { name: "color", typeText: "Enum{red,blue}" }] });
    if (type.kind !== "type") throw new Error();
    expect(slice(typeText, type.attrs[1]!.typeRange)).toBe("Enum{red,blue}");
    expect(slice(typeText, type.attrs[1]!.range)).toBe("(color Enum{red,blue})");

    const model = only('(model physics "models/rigid.safetensors")');
    expect(model).toMatchObject({ kind: "model", name: "physics", path: "models/rigid.safetensors" });
  });

  it("keeps every form of a file in order", () => {
    const { program, diagnostics } = parse(`
      ; the coffee task
      (task t :goal "g")
      (object mug Mug)
      (define (clean x) (not x.isDirty))
      (constraint C1 (clean mug))
      (type Ball :attrs (mass Num))
      (model physics "w.safetensors")`);
    expect(diagnostics).toEqual([]);
    expect(program.forms.map((f) => f.kind)).toEqual(["task", "object", "define", "constraint", "type", "model"]);
  });

  it("returns the comments", () => {
    const text = "(object a) ; one\n; two\n";
    expect(parse(text).comments.map((c) => slice(text, c.range))).toEqual(["; one", "; two"]);
  });
});

describe("expressions", () => {
  it("parses literals", () => {
    expect(expr("0.5")).toMatchObject({ kind: "literal", literal: { type: "num", value: 0.5 } });
    expect(expr("-3")).toMatchObject({ literal: { type: "num", value: -3 } });
    expect(expr("1e-3")).toMatchObject({ literal: { type: "num", value: 0.001 } });
    expect(expr("+2")).toMatchObject({ literal: { type: "num", value: 2 } });
    expect(expr("5s")).toMatchObject({ literal: { type: "duration", seconds: 5, text: "5s" } });
    expect(expr("200ms")).toMatchObject({ literal: { type: "duration", seconds: 0.2, text: "200ms" } });
    expect(expr("0.5s")).toMatchObject({ literal: { type: "duration", seconds: 0.5, text: "0.5s" } });
    expect(expr('"a\\nb"')).toMatchObject({ literal: { type: "str", value: "a\nb" } });
    expect(expr("'open")).toMatchObject({ literal: { type: "sym", value: "open" } });
    expect(expr("'open'")).toMatchObject({ literal: { type: "sym", value: "open" } });
    expect(expr("true")).toMatchObject({ literal: { type: "bool", value: true } });
    expect(expr("false")).toMatchObject({ literal: { type: "bool", value: false } });
    expect(span(expr("  7 ").range)).toEqual({ start: 2, end: 3 });
  });

  it("splits dotted names with a range per part", () => {
    const n = expr(" machine.door.hinge") as NameRef;
    expect(n.kind).toBe("name");
    expect(n.parts).toEqual(["machine", "door", "hinge"]);
    expect(n.partRanges).toEqual([
      { start: 1, end: 8 },
      { start: 9, end: 13 },
      { start: 14, end: 19 },
    ]);
    expect(span(n.range)).toEqual({ start: 1, end: 19 });
    const m = expr("mug") as NameRef;
    expect([m.parts, m.partRanges]).toEqual([["mug"], [{ start: 0, end: 3 }]]);
    // part ranges follow the name: moving its range in place (as incremental analysis does) moves them
    for (const x of [m, n]) {
      const r = x.range as { start: number; end: number };
      r.start += 5;
      r.end += 5;
    }
    expect(m.partRanges).toEqual([{ start: 5, end: 8 }]);
    expect(n.partRanges.map((r) => [r.start, r.end])).toEqual([[6, 13], [14, 18], [19, 24]]);
  });

  it("parses calls with exact ranges", () => {
    const text = "(and (eq coffee_machine.isOpen true) (not (inside mug sink)) (< (distance mug sink) 0.5))";
    const c = expr(text) as Call;
    expect(c.kind).toBe("call");
    expect(c.op).toBe("and");
    expect(slice(text, c.opRange)).toBe("and");
    expect(span(c.range)).toEqual({ start: 0, end: text.length });
    expect(c.args.map((a) => slice(text, a.range))).toEqual(["(eq coffee_machine.isOpen true)", "(not (inside mug sink))", "(< (distance mug sink) 0.5)"]);
    expect(c.options).toEqual([]);
    const lt = c.args[2] as Call;
    expect(lt.op).toBe("<");
    expect((lt.args[0] as Call).op).toBe("distance");
  });

  it("turns keyword arguments into options", () => {
    const text = "(eventually :within 5s (p x))";
    const c = expr(text) as Call;
    expect(c.args).toHaveLength(1);
    expect(c.options).toHaveLength(1);
    const o = c.options[0]!;
    expect(o.keyword).toBe("within");
    expect(slice(text, o.keywordRange)).toBe(":within");
    expect(slice(text, o.range)).toBe(":within 5s");
    expect(o.values).toMatchObject([{ literal: { type: "duration", seconds: 5 } }]);

    const between = expr("(once :between 3 10 (p x))") as Call;
    expect(between.options[0]!.keyword).toBe("between");
    expect(between.options[0]!.values.map((v) => (v.kind === "literal" && v.literal.type === "num" ? v.literal.value : NaN))).toEqual([3, 10]);
    expect(between.args).toHaveLength(1);

    const since = expr("(since :from 10 (p) (q))") as Call;
    expect(since.options.map((o) => [o.keyword, o.values.length])).toEqual([["from", 1]]);
    expect(since.args).toHaveLength(2);

    // a keyword followed by another keyword takes no value (the checker reports the arity)
    const bare = expr("(once :within :between 1 2 (p))") as Call;
    expect(bare.options.map((o) => [o.keyword, o.values.length])).toEqual([
      ["within", 0],
      ["between", 2],
    ]);
  });

  it("parses quantifiers", () => {
    const text = "(forall (x Mug) (implies (inside x sink) (dirty x)))";
    const q = expr(text) as Quantifier;
    expect(q).toMatchObject({ kind: "quantifier", quantifier: "forall", variable: "x", typeName: "Mug" });
    expect(slice(text, q.variableRange)).toBe("x");
    expect(slice(text, q.typeRange)).toBe("Mug");
    expect(slice(text, q.body.range)).toBe("(implies (inside x sink) (dirty x))");
    expect((expr("(exists (m Mug) (dirty m))") as Quantifier).quantifier).toBe("exists");
  });
});

describe("error recovery", () => {
  it("reports an unclosed '(' at the paren and still builds the list", () => {
    const text = "(constraint C1 (and (p x) (q y)";
    const { program, diagnostics } = parse(text);
    expect(diagnostics.map((d) => [d.message, d.range])).toEqual([
      ["unclosed '('", { start: 0, end: 1 }],
      ["unclosed '('", { start: 15, end: 16 }],
    ]);
    const c = program.forms[0] as ConstraintForm;
    expect(c.id).toBe("C1");
    expect((c.body as Call).args).toHaveLength(2);
    expect(span(c.range)).toEqual({ start: 0, end: text.length });

    const list = parseSExpressions(text).sexprs[0] as SList;
    expect(list.closed).toBe(false);
    expect((list.items[2] as SList).closed).toBe(false);
  });

  it("reports a stray ')' and keeps parsing", () => {
    const text = "(object a)) (object b)";
    const { program, diagnostics } = parse(text);
    expect(diagnostics.map((d) => [d.message, d.range])).toEqual([["unexpected ')'", { start: 10, end: 11 }]]);
    expect(program.forms.map((f) => (f.kind === "object" ? f.name : ""))).toEqual(["a", "b"]);
  });

  it("recovers from an unterminated string on the next line", () => {
    const text = '(constraint C1 :description "oops\n  (p x))\n(object b)';
    const { program, diagnostics } = parse(text);
    expect(diagnostics[0]).toMatchObject({ message: "unterminated string", range: { start: 28, end: 33 }, code: "syntax" });
    const c = program.forms[0] as ConstraintForm;
    expect(c.description).toBe("oops");
    expect(slice(text, c.body.range)).toBe("(p x)");
    expect(program.forms[1]).toMatchObject({ kind: "object", name: "b" });
  });

  it("names the expected forms for an unknown head, with did-you-mean", () => {
    const d = parse("(constrant C1 (p))").diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: "syntax", severity: "error", range: { start: 1, end: 10 }, suggestion: "constraint" });
    expect(d[0]!.message).toContain("did you mean 'constraint'");
    const far = parse("(banana C1)").diagnostics[0]!;
    expect(far.suggestion).toBeUndefined();
    expect(far.message).toContain("(task …), (object …), (define …), (constraint …), (type …) or (model …)");
  });

  it("reports bad option values with did-you-mean and keeps the defaults", () => {
    const text = "(constraint C1 :type banana :severity hrad (p))";
    const { program, diagnostics } = parse(text);
    expect(diagnostics.map((d) => [slice(text, d.range), d.suggestion])).toEqual([
      ["banana", undefined],
      ["hrad", "hard"],
    ]);
    expect(diagnostics[0]!.message).toContain("expected pre, post, invariant, goal or causal");
    expect(diagnostics[1]!.message).toContain("did you mean 'hard'");
    expect(program.forms[0]).toMatchObject({ type: "invariant", severity: "hard" });
    expect(parse("(constraint C :type invarient (p))").diagnostics[0]!.suggestion).toBe("invariant");
    expect(parse("(constraint C :type 'pre (p))").diagnostics[0]!.suggestion).toBe("pre");
  });

  it("reports unknown and repeated options", () => {
    expect(problems('(constraint C1 :descripton "x" (p))')).toEqual([
      ["unknown option :descripton for constraint; did you mean :description?", ":descripton"],
    ]);
    // the unknown option does not swallow the formula
    const { program } = parse("(constraint C1 :foo (p))");
    expect(slice("(constraint C1 :foo (p))", (program.forms[0] as ConstraintForm).body.range)).toBe("(p)");
    expect(problems("(constraint C1 :type pre :type post (p))")).toEqual([["option :type is given twice", ":type"]]);
    expect(problems("(constraint C1 (p) :type)")).toEqual([["option :type needs a value", ":type"]]);
    expect(problems('(task t :goal "g" :instruction)')).toEqual([["option :instruction needs a value", ":instruction"]]);
    expect(problems('(object o :idd "x")')[0]![0]).toContain("did you mean :id?");
  });

  it("reports missing and extra parts of forms", () => {
    const text = "(constraint C1 :type goal)";
    const { program, diagnostics } = parse(text);
    expect(diagnostics.map((d) => [d.message, slice(text, d.range)])).toEqual([["constraint C1 has no formula", "C1"]]);
    const body = (program.forms[0] as ConstraintForm).body;
    expect(body.kind).toBe("error");
    expect(span(body.range)).toEqual({ start: text.length - 1, end: text.length - 1 });

    expect(problems("(constraint C1 (p) (q))")).toEqual([["constraint C1 has more than one formula; combine them with (and …)", "(q)"]]);
    expect(problems("(constraint)")[0]![0]).toContain("a constraint needs an id");
    expect(problems("(constraint :type pre (p))")[0]).toEqual([
      "a constraint needs an id: (constraint C1 … formula); found the option :type",
      ":type",
    ]);
    expect(problems("(define (f x))")).toEqual([["define f has no body", "f"]]);
    expect(problems("(define f (p))")[0]![1]).toBe("f");
    expect(problems("(define (f 3) (p))")).toEqual([["a parameter is a name or (name Type), found the number 3", "3"]]);
    expect(problems("(model physics)")[0]![0]).toContain("needs a path");
    expect(problems('(model physics "a" "b")')).toEqual([["unexpected text after the path of model physics", '"b"']]);
    expect(problems("(type Ball (mass Num))")[0]![1]).toBe("(mass Num)");
    expect(problems("(type Ball :attrs (color Enum{red, blue}))")[0]![0]).toContain("no spaces in the type");
    expect(problems("(task t extra)")[0]![1]).toBe("extra");
    expect(problems("(object o Mug Cup)")[0]![1]).toBe("Cup");
    expect(problems("(constraint C :action PutObject (p))")[0]).toEqual(["expected an action pattern such as (PutObject mug _)", "PutObject"]);
    expect(problems('(constraint C :action (PutObject "m") (p))')[0]![1]).toBe('"m"');
    expect(problems("(constraint C :description 3 (p))")[0]![0]).toBe(":description takes a string in double quotes, found the number 3");
  });

  it("reports top-level atoms and empty or headless forms", () => {
    expect(problems("foo")[0]).toEqual(["expected a form such as (constraint …) at the top level, found 'foo'", "foo"]);
    expect(problems("()")[0]![1]).toBe("()");
    expect(problems('("x")')[0]![1]).toBe('"x"');
  });

  it("puts error nodes where expressions are broken, and never throws", () => {
    const cases: [string, string][] = [
      ["()", "empty expression (); expected (operator argument…)"],
      ["(3 x)", "expected an operator name after '(', found the number 3"],
      ["((f) x)", "expected an operator name after '(', found a list"],
      [":within", "unexpected option :within here; options follow an operator, as in (eventually :within … φ)"],
      ["a..b", "'a..b' is not a name: a dotted path is name.attr with no empty parts"],
      ["(forall x (p))", "expected (forall (x Type) body): the variable and its type come first, as in (forall (m Mug) …)"],
      ["(exists (x Mug))", "expected (exists (x Type) body): the body is missing"],
    ];
    for (const [text, message] of cases) {
      const { expr, diagnostics } = parseExpression(text);
      expect(expr.kind, text).toBe("error");
      expect(diagnostics.map((d) => d.message), text).toEqual([message]);
    }
    expect(parseExpression("(forall (x Mug) (p) (q))").diagnostics[0]!.message).toContain("combine several conditions");
    // malformed numbers: one diagnostic (from the lexer) and an error node
    const bad = parseExpression("(< x 5min)");
    expect(bad.diagnostics).toHaveLength(1);
    expect((bad.expr as Call).args[1]!.kind).toBe("error");
  });

  it("skips lists nested too deeply instead of overflowing the stack", () => {
    const deep = "(constraint C1 " + "(not ".repeat(MAX_NESTING + 50) + "x" + ")".repeat(MAX_NESTING + 50) + ") (object ok)";
    const { program, diagnostics } = parse(deep);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toContain(`deeper than ${MAX_NESTING}`);
    expect(program.forms.map((f) => f.kind)).toEqual(["constraint", "object"]);
    const unclosed = parse("(".repeat(100_000));
    expect(unclosed.diagnostics.length).toBeGreaterThan(0);
  });

  it("sorts diagnostics by position", () => {
    const { diagnostics } = parse('(constraint C1 :type x "oops\n) ) (banana)');
    const starts = diagnostics.map((d) => d.range.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(diagnostics.map((d) => d.message.split(" ")[0])).toEqual(["unknown", "unterminated", "unexpected", "unknown"]);
  });
});

describe("call arguments", () => {
  it("are the same through args, argCount and arg(i), with and without options, and in JSON", () => {
    for (const text of ["(p)", "(not x)", "(and a b)", "(and a b c d)", "(eventually :within 5s (q y))", "(once a :between 1 3)"]) {
      const call = expr(text) as Call;
      const args = call.args;
      expect(call.argCount).toBe(args.length);
      for (let i = 0; i < args.length; i++) expect(call.arg(i)).toBe(args[i]);
      // asking twice gives the same array
      expect(call.args).toBe(args);
      const json = JSON.parse(JSON.stringify(call)) as { args: unknown[]; kind: string };
      expect(json.kind).toBe("call");
      expect(json.args).toHaveLength(args.length);
    }
  });
});

describe("parseExpression", () => {
  it("parses the seeds' condition_expr strings", () => {
    const e = expr("(eq machine.door 'open')") as Call;
    expect(e.op).toBe("eq");
    expect(e.args).toMatchObject([
      { kind: "name", parts: ["machine", "door"] },
      { kind: "literal", literal: { type: "sym", value: "open" } },
    ]);
  });

  it("reports text after the expression", () => {
    const text = "(p x) (q y) z";
    const { expr, diagnostics } = parseExpression(text);
    expect(expr.kind).toBe("call");
    expect(diagnostics.map((d) => [d.message, slice(text, d.range)])).toEqual([["unexpected text after the expression", "(q y) z"]]);
  });

  it("reports an empty text", () => {
    const { expr, diagnostics } = parseExpression("  ; nothing");
    expect(expr.kind).toBe("error");
    expect(diagnostics.map((d) => d.message)).toEqual(["expected an expression"]);
    expect(parseExpression(")").diagnostics.map((d) => d.message)).toEqual(["unexpected ')'"]);
  });
});
