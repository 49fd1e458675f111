// The document store: incremental sync, and an incremental parse + check
// that must always equal a fresh one.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { check, parse, VocabularyBuilder, type CheckedProgram, type Expr, type Form, type ParseResult, type TraceVocabulary } from "@craft/language";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import { TextDocument } from "vscode-languageserver-textdocument";
import { forEachExpr, forEachRange, IncrementalAnalysis } from "../src/incremental-analysis.js";
import { compose, difference, Workspace } from "../src/workspace.js";
import { toLspPosition, toOffset } from "../src/positions.js";
import { findDirective, globToRegExp, TraceAssociations } from "../src/trace-association.js";
import { LineIndex } from "@craft/language";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const example = (name: string) => readFileSync(`${repo}examples/${name}/${name}.craft`, "utf8");

const SMALL = `;; a small file with every kind of form
(task t :instruction "do it")
(object mug Mug :id "Mug_1")
(define (clean x) (not x.isDirty))
(type Ball :attrs (mass Num) (color Enum{red,blue}))
(constraint C1 :type pre :severity hard
  :action (PutObject mug sink)
  :description "machine open"
  (eq coffee_machine.isOpen true))
(constraint C2 :type goal (and (clean mug) (inside mug sink)))
(constraint C2 :type invariant (eventually :within 5s (is_on stove_burner)))
(constraint C3 (forall (m Mug) (not (broken m)))) ; trailing comment
(model physics "models/rigid.safetensors")
(constraint C4 :type causal (before (filled kettle water) (is_on stove_burner)))
`;

/** A snapshot of everything a feature can see, for comparing two analyses. */
function snapshot(parsed: ParseResult, checked: CheckedProgram): unknown {
  const exprs: Expr[] = [];
  for (const f of parsed.program.forms) forEachExpr(f, (e) => exprs.push(e));
  const sortKey = (x: { range: { start: number; end: number } }, extra: string) => `${String(x.range.start).padStart(9)} ${String(x.range.end).padStart(9)} ${extra}`;
  return {
    forms: JSON.parse(JSON.stringify(parsed.program.forms)) as Form[],
    // every range, including those parsed nodes derive in getters (which JSON leaves out)
    ranges: parsed.program.forms.map((f) => {
      const rs: number[][] = [];
      forEachRange(f, (r) => rs.push([r.start, r.end]));
      return rs;
    }),
    syntax: parsed.diagnostics.map((d) => ({ ...d })),
    comments: parsed.comments.map((c) => ({ ...c })),
    diagnostics: checked.diagnostics.map((d) => ({ ...d, key: sortKey(d, d.message) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    references: checked.references.map((r) => ({ ...r, key: sortKey(r, r.name) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    types: exprs.map((e) => JSON.stringify(checked.types.get(e) ?? null)),
    names: exprs.map((e) => {
      if (e.kind !== "name") return null;
      const info = checked.names.get(e);
      if (!info) return "missing";
      return JSON.stringify({ ...info, binding: { ...info.binding, form: info.binding.kind === "object" ? info.binding.form.range : undefined } });
    }),
    typesSize: checked.types.size,
    namesSize: checked.names.size,
    constraints: checked.constraints.map((c) => c.range),
    defines: [...checked.defines.keys()],
    objects: [...checked.objects.keys()],
    task: checked.task?.name,
    models: checked.models.length,
  };
}

function fresh(text: string, vocabulary?: TraceVocabulary): unknown {
  const parsed = parse(text);
  return snapshot(parsed, check(parsed.program, vocabulary ? { vocabulary } : {}));
}

const pieces = [
  "(", ")", "((", "))", '"', "\\", ";", "; note\n", "\n", "\r\n", " ", "  ", "x", "mug", ".isOpen", ":type", ":within 5s", "'open", "0.5", "5s",
  "(constraint C9 (eq a b))", "(constraint C1 (inside mug sink))", "(define (f x) (not x))", "(object sink Sink)", "(and ", "(eq mug.isDirty true)",
  "(task t2)", "(type Gripper :attrs (force Num))", "C2", "\u00a0", "\t", "é", "😀", "\u0007",
];

const edit = (len: number) =>
  fc.record({
    at: fc.nat({ max: len }),
    remove: fc.oneof(fc.constant(0), fc.nat({ max: 3 }), fc.nat({ max: 40 })),
    insert: fc.array(fc.constantFrom(...pieces), { maxLength: 3 }).map((xs) => xs.join("")),
  });

/** Applies one random edit to the text and tells the analysis; returns the new text. */
function applyEdit(analysis: IncrementalAnalysis, text: string, e: { at: number; remove: number; insert: string }): string {
  const at = Math.min(e.at, text.length);
  const end = Math.min(text.length, at + e.remove);
  const next = text.slice(0, at) + e.insert + text.slice(end);
  analysis.edit(next, at, end, at + e.insert.length);
  return next;
}

describe("incremental analysis", () => {
  const bases: [string, string][] = [
    ["small", SMALL],
    ["make_coffee", example("make_coffee")],
    ["heat_water", example("heat_water")],
  ];

  for (const [name, base] of bases) {
    it(`equals a fresh parse + check after random edits (${name})`, () => {
      fc.assert(
        fc.property(fc.array(edit(base.length + 200), { minLength: 1, maxLength: 12 }), (edits) => {
          let text = base;
          const analysis = new IncrementalAnalysis(text);
          for (const e of edits) {
            text = applyEdit(analysis, text, e);
            expect(snapshot(analysis.parsed, analysis.checked)).toEqual(fresh(text));
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it("equals a fresh check against a trace's vocabulary", () => {
    const vocabulary = new VocabularyBuilder("t.jsonl");
    vocabulary.add({
      step: 0,
      time: 0,
      signals: { speed: 1 },
      objects: [
        { id: "Mug_1", type: "Mug", state: { isDirty: false } },
        { id: "Mug_2", type: "Mug", state: { isDirty: true } },
        { id: "Sink_1", type: "Sink", state: {} },
      ],
      relations: [],
    } as never);
    const v = vocabulary.build();
    fc.assert(
      fc.property(fc.array(edit(SMALL.length + 100), { minLength: 1, maxLength: 8 }), (edits) => {
        let text = SMALL;
        const analysis = new IncrementalAnalysis(text, { vocabulary: v });
        for (const e of edits) {
          text = applyEdit(analysis, text, e);
        }
        expect(snapshot(analysis.parsed, analysis.checked)).toEqual(fresh(text, v));
      }),
      { numRuns: 60 },
    );
  });

  it("re-parses and re-checks only the edited constraint in a large file", () => {
    const forms = Array.from({ length: 2000 }, (_, i) => `(constraint C${i} :type invariant (not (inside mug sink)))`);
    let text = forms.join("\n");
    const analysis = new IncrementalAnalysis(text);
    const at = text.indexOf("(constraint C1000 ") + "(constraint C1000 :type invariant (not (inside mug".length;
    text = text.slice(0, at) + "x" + text.slice(at);
    analysis.edit(text, at, at, at + 1);
    expect(analysis.lastEdit).toEqual({ reparsedForms: 1, recheckedConstraints: 1, fullCheck: false });
    expect(analysis.checked.diagnostics.map((d) => d.message)).toEqual(["unknown name mugx; did you mean mug?"]);
    // an unclosed list swallows the rest of the file, as a full parse would have it
    text = text.slice(0, at) + "(" + text.slice(at);
    analysis.edit(text, at, at, at + 1);
    expect(analysis.parsed.program.forms.length).toBe(1001);
    expect(snapshot(analysis.parsed, analysis.checked)).toEqual(fresh(text));
    // a changed define re-checks everything
    text = "(define (f x) x)\n" + text;
    analysis.edit(text, 0, 0, 17);
    expect(analysis.lastEdit.fullCheck).toBe(true);
  });
});

describe("composing edits", () => {
  it("composes any sequence of changes into one equivalent edit", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 8 }), (base, changes) => {
        let text = base;
        let pending: ReturnType<typeof compose> | undefined;
        for (const [at0, len, ins] of changes) {
          const a = at0 % (text.length + 1);
          const b = Math.min(text.length, a + len);
          text = text.slice(0, a) + ins + text.slice(b);
          pending = compose(pending, a, b, ins.length);
        }
        const p = pending!;
        const rebuilt = base.slice(0, p.start) + text.slice(p.start, p.newEnd) + base.slice(p.newEnd - p.delta);
        expect(rebuilt).toBe(text);
      }),
    );
  });

  it("finds the changed span of a full-text change", () => {
    expect(difference("abcdef", "abXYef")).toEqual({ start: 2, newEnd: 4, delta: 0 });
    expect(difference("aaa", "aaaa")).toEqual({ start: 3, newEnd: 4, delta: 1 });
    expect(difference("", "")).toEqual({ start: 0, newEnd: 0, delta: 0 });
  });
});

describe("workspace", () => {
  const uri = "file:///tmp/w.craft";

  it("applies incremental changes as LSP describes them and builds each version once", () => {
    const ws = new Workspace();
    const first = ws.open(uri, 1, SMALL);
    expect(first.version).toBe(1);
    expect(ws.get(uri)).toBe(first);
    const mirror = TextDocument.create(uri, "craft", 1, SMALL);
    const changes: TextDocumentContentChangeEvent[] = [
      { range: { start: { line: 8, character: 6 }, end: { line: 8, character: 20 } }, text: "microwave" },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "; top\n" },
      { range: { start: { line: 99, character: 0 }, end: { line: 99, character: 0 } }, text: "\n(constraint C5 (is_on microwave))" },
    ];
    ws.change(uri, 2, changes);
    TextDocument.update(mirror, changes, 2);
    const doc = ws.get(uri)!;
    expect(doc.version).toBe(2);
    expect(doc.text).toBe(mirror.getText());
    expect(snapshot(doc.parsed, doc.checked)).toEqual(fresh(mirror.getText()));
    expect(ws.get(uri)).toBe(doc);
    expect(doc.diagnostics.map((d) => d.range.start)).toEqual([...doc.diagnostics.map((d) => d.range.start)].sort((a, b) => a - b));
  });

  it("accepts full-text changes", () => {
    const ws = new Workspace();
    ws.open(uri, 1, SMALL);
    ws.change(uri, 2, [{ text: SMALL.replace("C3", "C33") }]);
    const doc = ws.get(uri)!;
    expect(doc.checked.constraints.map((c) => c.id)).toContain("C33");
    expect(snapshot(doc.parsed, doc.checked)).toEqual(fresh(doc.text));
  });
});

describe("positions", () => {
  it("maps offsets to LSP positions and back, clamping as LSP says", () => {
    const text = "ab\r\ncd\n\nxyz";
    const lines = new LineIndex(text);
    expect(toLspPosition(lines, 5)).toEqual({ line: 1, character: 1 });
    expect(toOffset(lines, { line: 0, character: 99 })).toBe(2); // before \r\n
    expect(toOffset(lines, { line: 1, character: 99 })).toBe(6);
    expect(toOffset(lines, { line: 2, character: 5 })).toBe(7);
    expect(toOffset(lines, { line: 3, character: 99 })).toBe(11);
    expect(toOffset(lines, { line: 9, character: 0 })).toBe(11);
    expect(toOffset(lines, { line: -1, character: 0 })).toBe(0);
    for (let o = 0; o <= text.length; o++) {
      if (text[o - 1] === "\r") continue; // between \r and \n is no position of its own
      expect(toOffset(lines, toLspPosition(lines, o))).toBe(o);
    }
  });
});

describe("trace association", () => {
  const seed = readFileSync(`${repo}examples/seed/seed.craft`, "utf8");
  const closed = readFileSync(`${repo}examples/seed/traces/door_closed.jsonl`, "utf8");

  function setup(settings?: { trace?: string }, folders: string[] = []) {
    const workspace = new Workspace();
    const changed: string[] = [];
    const traces = new TraceAssociations(
      { workspace, settings: async () => settings, folders: () => folders, changed: (u) => changed.push(u), log: () => undefined },
      { quietMs: 10 },
    );
    return { workspace, traces, changed };
  }

  const until = async (test: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!test()) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it("finds the directive and the range of its path", () => {
    const ws = new Workspace();
    for (const [text, path] of [
      [";; trace: runs/a.jsonl\n(task t)", "runs/a.jsonl"],
      ['(task t)\n;;   trace:  "with space.jsonl"  \n', "with space.jsonl"],
      ["; trace: b.jsonl", "b.jsonl"],
    ] as const) {
      const doc = ws.open("file:///d/x.craft", 1, text);
      const d = findDirective(doc)!;
      expect(d.path).toBe(path);
      expect(text.slice(d.range.start, d.range.end)).toBe(path);
    }
    expect(findDirective(ws.open("file:///d/y.craft", 1, "; a trace of thought\n(task t)"))).toBeUndefined();
  });

  it("reports a missing trace, then picks it up once it exists, and checks against it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "craft-assoc-"));
    try {
      const { workspace, traces } = setup();
      const uri = pathToFileURL(join(dir, "doc.craft")).href;
      workspace.open(uri, 1, ";; trace: later.jsonl\n" + seed);
      traces.documentChanged(uri);
      await until(() => workspace.get(uri)!.trace?.error !== undefined);
      expect(workspace.get(uri)!.trace!.error).toContain("not found");
      writeFileSync(join(dir, "later.jsonl"), closed);
      traces.documentChanged(uri);
      await until(() => (workspace.get(uri)!.trace?.verdicts?.length ?? 0) > 0);
      const trace = workspace.get(uri)!.trace!;
      expect(trace.error).toBeUndefined();
      expect(trace.vocabulary?.objects.has("Microwave_1")).toBe(true);
      expect(trace.verdicts!.map((v) => `${v.id} ${v.step} ${v.status}`)).toEqual(["C1 2 VIOLATED"]);
      expect(trace).toMatchObject({ frames: 3, checkedVersion: 1, origin: "directive" });
      traces.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resolves a glob setting to the newest match in the workspace folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "craft-glob-"));
    try {
      mkdirSync(join(dir, "runs", "a"), { recursive: true });
      writeFileSync(join(dir, "runs", "a", "old.jsonl"), closed);
      writeFileSync(join(dir, "runs", "new.jsonl"), closed);
      utimesSync(join(dir, "runs", "a", "old.jsonl"), new Date(2020, 1, 1), new Date(2020, 1, 1));
      const { workspace, traces } = setup({ trace: "runs/**/*.jsonl" }, [dir]);
      const uri = pathToFileURL(join(dir, "doc.craft")).href;
      workspace.open(uri, 1, seed);
      traces.documentChanged(uri);
      await until(() => workspace.get(uri)!.trace?.vocabulary !== undefined);
      expect(workspace.get(uri)!.trace).toMatchObject({ path: join(dir, "runs", "new.jsonl"), origin: "setting" });
      traces.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("translates globs", () => {
    const re = globToRegExp("runs/**/ep{1,2}_?.jsonl");
    expect(re.test("runs/ep1_a.jsonl")).toBe(true);
    expect(re.test("runs/x/y/ep2_b.jsonl")).toBe(true);
    expect(re.test("runs/ep3_a.jsonl")).toBe(false);
    expect(globToRegExp("*.jsonl").test("a/b.jsonl")).toBe(false);
  });
});
