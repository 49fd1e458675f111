import { describe, expect, it } from "vitest";
import { format, WIDTH } from "../src/format/formatter.js";
import { parse } from "../src/syntax/parse.js";

/** Formats and checks the two properties every output must have. */
function fmt(text: string): string {
  const out = format(text);
  expect(format(out), "idempotent").toBe(out);
  const comments = (t: string) => parse(t).comments.map((c) => c.text);
  expect(comments(out), "keeps comments").toEqual(comments(text));
  return out;
}

const lines = (...ls: string[]) => ls.join("\n") + "\n";

describe("format", () => {
  it("puts each top-level form in its own paragraph", () => {
    expect(fmt("(object a Mug)(object b Mug)\n\n\n\n(define (clean x) (not x.isDirty))")).toBe(
      lines("(object a Mug)", "", "(object b Mug)", "", "(define (clean x) (not x.isDirty))"),
    );
  });

  it("keeps short forms on one line and normalizes spacing", () => {
    expect(fmt("(constraint   C2 :type goal\n   (and (filled mug coffee)\n (clean mug)))")).toBe(
      lines("(constraint C2 :type goal (and (filled mug coffee) (clean mug)))"),
    );
  });

  it("writes quoted symbols as 'name", () => {
    expect(fmt("(constraint C1 (eq machine.door 'open'))")).toBe(lines("(constraint C1 (eq machine.door 'open))"));
  });

  it("puts each constraint option on its own line when the form is too long", () => {
    const src =
      '(constraint C1 :type pre :severity hard :action (PutObject mug coffee_machine) :description "Machine must be open before inserting a cup" (eq coffee_machine.isOpen true))';
    expect(fmt(src)).toBe(
      lines(
        "(constraint C1",
        "  :type pre",
        "  :severity hard",
        "  :action (PutObject mug coffee_machine)",
        '  :description "Machine must be open before inserting a cup"',
        "  (eq coffee_machine.isOpen true))",
      ),
    );
  });

  it("breaks long expressions with two-space indentation, keeping options with their operator", () => {
    const src =
      "(constraint C6 (and (eventually :within 5s (eq machine.door 'open)) (once :between 3 10 (holding robot mug)) (forall (x Mug) (implies (inside x sink) (and (dirty x) (not (is_on faucet)) (< (distance x sink) 0.25) (visible x) (visible sink))))))";
    const out = fmt(src);
    expect(out).toBe(
      lines(
        "(constraint C6",
        "  (and",
        "    (eventually :within 5s (eq machine.door 'open))",
        "    (once :between 3 10 (holding robot mug))",
        "    (forall (x Mug)",
        "      (implies",
        "        (inside x sink)",
        "        (and",
        "          (dirty x)",
        "          (not (is_on faucet))",
        "          (< (distance x sink) 0.25)",
        "          (visible x)",
        "          (visible sink))))))",
      ),
    );
    for (const l of out.split("\n")) expect(l.length).toBeLessThanOrEqual(WIDTH);
  });

  it("keeps a temporal operator's options on its first line when the operator breaks", () => {
    const long = "(p " + "a_long_argument ".repeat(5).trim() + ")";
    expect(fmt(`(constraint C (eventually :within 5s ${long}))`)).toBe(
      lines("(constraint C", "  (eventually :within 5s", `    ${long}))`),
    );
  });

  it("keeps comments where they were: after code, or on their own line", () => {
    const src = [
      "; header",
      "",
      "; about the task",
      '(task make_coffee :instruction "make a cup of coffee")   ; trailing',
      "(constraint C1 :type pre",
      "  :action (PutObject mug coffee_machine)   ; why",
      "  ; the formula",
      "  (eq coffee_machine.isOpen true))",
      "; the end",
    ].join("\n");
    expect(fmt(src)).toBe(
      lines(
        "; header",
        "",
        "; about the task",
        '(task make_coffee :instruction "make a cup of coffee") ; trailing',
        "",
        "(constraint C1",
        "  :type pre",
        "  :action (PutObject mug coffee_machine) ; why",
        "  ; the formula",
        "  (eq coffee_machine.isOpen true))",
        "",
        "; the end",
      ),
    );
  });

  it("keeps comments inside expressions and before a closing paren", () => {
    const src = "(constraint C1 (and (p x) ; first\n (q y) ; last\n))";
    expect(fmt(src)).toBe(lines("(constraint C1", "  (and", "    (p x) ; first", "    (q y) ; last", "  ))"));
    const own = "(define (f x)\n  (and (p x)\n    ; on its own\n  ))";
    expect(fmt(own)).toBe(lines("(define (f x)", "  (and", "    (p x)", "    ; on its own", "  ))"));
    const afterOpen = "(constraint ; odd\n C1 (p))";
    expect(fmt(afterOpen)).toBe(lines("(constraint ; odd", "  C1", "  (p))"));
  });

  it("formats type forms and long keyword values", () => {
    const attrs = Array.from({ length: 8 }, (_, i) => `(attribute_${i} Num)`).join(" ");
    expect(fmt(`(type Ball :attrs ${attrs})`)).toBe(
      lines("(type Ball", "  :attrs", ...Array.from({ length: 8 }, (_, i) => `  (attribute_${i} Num)`).concat([]).map((l, i, a) => (i === a.length - 1 ? l + ")" : l))),
    );
    const desc = "x".repeat(110);
    expect(fmt(`(constraint C :description "${desc}" (p))`)).toBe(lines("(constraint C", "  :description", `  "${desc}"`, "  (p))"));
  });

  it("returns text with syntax errors unchanged", () => {
    for (const bad of ["(constraint C1 (p x)", "(object a))", '(task t :goal "oops\n)', "(a 5min)"]) {
      expect(format(bad)).toBe(bad);
    }
  });

  it("formats empty text and comment-only text", () => {
    expect(fmt("")).toBe("");
    expect(fmt("  \n\n")).toBe("");
    expect(fmt(";a\n\n\n;b\n;c")).toBe(lines(";a", "", ";b", ";c"));
  });

  it("formats files whose forms are wrong but balanced", () => {
    expect(fmt("(constrant C1   (p))  foo")).toBe(lines("(constrant C1 (p))", "", "foo"));
  });

  it("keeps the program the same", () => {
    const src = [
      "(task make_coffee :instruction \"make a cup of coffee\" :goal \"a clean mug filled with coffee is on the countertop\")",
      '(object mug Mug :id "Mug|+01.20|+00.90|-00.30")',
      "(constraint C5 :type causal :description \"fill the kettle before heating it\" (before (filled kettle water) (is_on stove_burner)))",
      "(constraint C4 :type invariant (< (rrr) 2.5))",
    ].join("\n");
    const strip = (t: string) => JSON.stringify(parse(t).program.forms, (k, v) => (k === "range" || k.endsWith("Range") || k.endsWith("Offset") || k === "partRanges" || k === "start" || k === "end" ? undefined : v));
    expect(strip(fmt(src))).toBe(strip(src));
  });
});
