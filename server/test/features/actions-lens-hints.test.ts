// code actions, code lenses and inlay hints
import * as runtime from "@craft/runtime";
import { readFileSync } from "node:fs";
import { CodeActionKind, type Diagnostic as LspDiagnostic, type TextEdit } from "vscode-languageserver";
import { describe, expect, it } from "vitest";
import { seedJsonToCraft } from "../../../runtime/src/import/seed-constraints.js";
import { CONVERT_SEED_JSON_TITLE, provideCodeActions } from "../../src/features/code-actions.js";
import { provideCodeLenses } from "../../src/features/code-lens.js";
import { provideInlayHints } from "../../src/features/inlay-hints.js";
import { MAKE_COFFEE, URI, makeDocument, positionOf, verdict, vocabulary } from "./support.js";

const td = { uri: URI };
const whole = (text: string) => ({ start: { line: 0, character: 0 }, end: positionOf(text + "\u0000", "\u0000") });

describe("code actions", () => {
  function fixes(text: string, needle: string, options = {}, contextDiagnostics: LspDiagnostic[] = []) {
    const doc = makeDocument(text, options);
    const p = positionOf(text, needle, 1);
    return provideCodeActions(doc, { textDocument: td, range: { start: p, end: p }, context: { diagnostics: contextDiagnostics } });
  }

  it("offers did-you-mean fixes that replace the diagnostic's range", () => {
    const text = "(constraint C1 (insde mug cup))";
    const [fix, ...rest] = fixes(text, "insde");
    expect(rest).toEqual([]);
    expect(fix!.title).toBe("Change to 'inside'");
    expect(fix!.kind).toBe(CodeActionKind.QuickFix);
    expect(fix!.isPreferred).toBe(true);
    expect(fix!.edit?.changes?.[URI]).toEqual([{ range: { start: positionOf(text, "insde"), end: positionOf(text, "insde", 5) }, newText: "inside" }]);
  });

  it("fixes options, enum values, forms and object ids", () => {
    const opt = fixes("(constraint C1 (eventually :withn 5s (is_on cabinet)))", ":withn");
    expect(opt.map((a) => a.title)).toEqual(["Change to ':within'"]);
    const en = fixes("(constraint C1 (forall (m Mug) (eq m.temperature 'Hott)))", "'Hott");
    expect(en.map((a) => (a.edit!.changes![URI]![0] as TextEdit).newText)).toEqual(["'Hot"]);
    const form = fixes("(constrant C1 (is_on cabinet))", "constrant");
    expect(form.map((a) => a.title)).toEqual(["Change to 'constraint'"]);
    const vocab = vocabulary({ objects: { Mug_1: "Mug" } });
    const id = fixes('(object mug Mug :id "Mug_2")', '"Mug_2"', { vocabulary: vocab });
    expect(id.map((a) => (a.edit!.changes![URI]![0] as TextEdit).newText)).toEqual(['"Mug_1"']);
  });

  it("attaches the client's diagnostic and honours context.only", () => {
    const text = "(constraint C1 (insde mug cup))";
    const doc = makeDocument(text);
    const d = doc.diagnostics.find((x) => x.suggestion === "inside")!;
    const lsp: LspDiagnostic = { range: { start: positionOf(text, "insde"), end: positionOf(text, "insde", 5) }, message: d.message, severity: 1, source: "craft" };
    const [fix] = fixes(text, "insde", {}, [lsp]);
    expect(fix!.diagnostics).toEqual([lsp]);
    const p = positionOf(text, "insde", 1);
    expect(provideCodeActions(doc, { textDocument: td, range: { start: p, end: p }, context: { diagnostics: [], only: [CodeActionKind.Refactor] } })).toEqual([]);
  });

  it("offers no fix away from the diagnostic", () => {
    expect(fixes("(constraint C1 (insde mug cup))\n(object mug Mug)", "object")).toEqual([]);
  });

  it("converts seed JSON constraints to craft", () => {
    const json = readFileSync(new URL("../../../runtime/test/fixtures/seed-json/kitchen.json", import.meta.url), "utf8");
    const doc = makeDocument(json, { uri: "file:///work/kitchen.json" });
    const actions = provideCodeActions(doc, { textDocument: td, range: whole(json), context: { diagnostics: [] } }, { seedJsonToCraft });
    const convert = actions.find((a) => a.title === CONVERT_SEED_JSON_TITLE)!;
    expect(convert.kind).toBe(CodeActionKind.RefactorRewrite);
    const edit = convert.edit!.changes!["file:///work/kitchen.json"]![0]!;
    expect(edit.range).toEqual(whole(json));
    expect(edit.newText).toBe(seedJsonToCraft(json, "/work/kitchen.json"));
    expect(edit.newText).toContain("(constraint K1");
  });

  it("disables the conversion with the converter's message on bad JSON constraints", () => {
    const json = '{"constraints": [{"id": "C1"}]}';
    const doc = makeDocument(json, { uri: "file:///work/bad.json" });
    const [convert] = provideCodeActions(doc, { textDocument: td, range: whole(json), context: { diagnostics: [] } }, { seedJsonToCraft });
    expect(convert!.title).toBe(CONVERT_SEED_JSON_TITLE);
    expect(convert!.disabled?.reason).toMatch(/condition_expr/);
    expect(convert!.edit).toBeUndefined();
  });

  it("uses the runtime's seedJsonToCraft when @craft/runtime exports it", () => {
    const json = '[{"id": "C1", "type": "invariant", "condition_expr": "(is_on cabinet)"}]';
    const doc = makeDocument(json);
    const actions = provideCodeActions(doc, { textDocument: td, range: whole(json), context: { diagnostics: [] } });
    const exported = typeof (runtime as unknown as Record<string, unknown>)["seedJsonToCraft"] === "function";
    expect(actions.some((a) => a.title === CONVERT_SEED_JSON_TITLE)).toBe(exported);
    // a .craft file is never offered the conversion
    const craft = makeDocument(MAKE_COFFEE);
    expect(provideCodeActions(craft, { textDocument: td, range: whole(MAKE_COFFEE), context: { diagnostics: [] } }, { seedJsonToCraft })).toEqual(
      provideCodeActions(craft, { textDocument: td, range: whole(MAKE_COFFEE), context: { diagnostics: [] } }),
    );
  });
});

const VERDICTS = [
  verdict({ id: "C1", status: "SATISFIED", step: 2, confidence: 0.9 }),
  verdict({ id: "C1", status: "VIOLATED", step: 12, confidence: 0.7 }),
  verdict({ id: "C1", status: "VIOLATED", step: 8, confidence: 0.95, reason: "isOpen is false" }),
  verdict({ id: "C2", status: "SATISFIED", step: 8 }),
  verdict({ id: "C2", status: "SKIP", step: null }),
  ...Array.from({ length: 17 }, (_, i) => verdict({ id: "C5", type: "invariant", status: "SATISFIED", step: i })),
  verdict({ id: "C6", type: "goal", status: "UNCERTAIN", step: 20, confidence: 0.42 }),
  verdict({ id: "C7", type: "invariant", status: "SKIP", step: null }),
];

describe("code lens", () => {
  it("puts 'Check against trace' on each constraint", () => {
    const lenses = provideCodeLenses(makeDocument(MAKE_COFFEE), { textDocument: td });
    expect(lenses).toHaveLength(5);
    expect(lenses[0]).toEqual({
      range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } },
      command: { title: "Check against trace", command: "craft.checkAgainstTrace", arguments: [URI] },
    });
    expect(lenses.map((l) => l.range.start.line)).toEqual([10, 15, 19, 22, 25]);
  });

  it("adds a verdict lens per constraint once verdicts exist", () => {
    const lenses = provideCodeLenses(makeDocument(MAKE_COFFEE, { verdicts: VERDICTS }), { textDocument: td });
    const verdictLenses = lenses.filter((l) => l.command?.command === "craft.showReport");
    expect(verdictLenses.map((l) => l.command!.title)).toEqual([
      "VIOLATED at steps 8, 12 (0.95)",
      "SATISFIED ×1",
      "SATISFIED ×17",
      "UNCERTAIN at step 20 (0.42)",
      "SKIP ×1",
    ]);
    expect(verdictLenses[0]!.command!.arguments).toEqual([URI, "C1"]);
    const one = provideCodeLenses(makeDocument(MAKE_COFFEE, { verdicts: [verdict({ id: "C1", status: "VIOLATED", step: 8, confidence: 0.95 })] }), { textDocument: td });
    expect(one.filter((l) => l.command?.command === "craft.showReport").map((l) => l.command!.title)).toEqual([
      "VIOLATED at step 8 (0.95)",
      "not checked",
      "not checked",
      "not checked",
      "not checked",
    ]);
  });
});

describe("inlay hints", () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };

  it("shows nothing before a check", () => {
    expect(provideInlayHints(makeDocument(MAKE_COFFEE), { textDocument: td, range })).toEqual([]);
  });

  it("puts each constraint's verdict after its closing paren", () => {
    const hints = provideInlayHints(makeDocument(MAKE_COFFEE, { verdicts: VERDICTS }), { textDocument: td, range });
    expect(hints.map((h) => h.label)).toEqual(["✗ VIOLATED@8 0.95", "✓ SATISFIED ×1", "✓ SATISFIED ×17", "? UNCERTAIN@20 0.42", "– SKIP ×1"]);
    expect(hints[0]!.position).toEqual({ line: 13, character: 34 });
    expect(hints[0]!.paddingLeft).toBe(true);
    expect(hints[0]!.tooltip).toBe("C1: isOpen is false");
  });

  it("only for constraints that end in the requested range", () => {
    const hints = provideInlayHints(makeDocument(MAKE_COFFEE, { verdicts: VERDICTS }), {
      textDocument: td,
      range: { start: { line: 14, character: 0 }, end: { line: 21, character: 0 } },
    });
    expect(hints.map((h) => h.position.line)).toEqual([17, 20]);
  });
});
