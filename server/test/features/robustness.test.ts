// Every provider answers something sane on any text at any position: random
// token soups and mutations of a real file, with and without a trace.
import fc from "fast-check";
import { ResponseError, type Position } from "vscode-languageserver";
import { describe, expect, it } from "vitest";
import { provideCodeActions } from "../../src/features/code-actions.js";
import { provideCodeLenses } from "../../src/features/code-lens.js";
import { provideCompletion } from "../../src/features/completion.js";
import { provideDefinition } from "../../src/features/definition.js";
import { provideDocumentSymbols } from "../../src/features/document-symbols.js";
import { provideFormatting } from "../../src/features/formatting.js";
import { provideHover } from "../../src/features/hover.js";
import { provideInlayHints } from "../../src/features/inlay-hints.js";
import { provideReferences } from "../../src/features/references.js";
import { providePrepareRename, provideRename } from "../../src/features/rename.js";
import { provideSemanticTokens } from "../../src/features/semantic-tokens.js";
import { MAKE_COFFEE, URI, Bool, Num, makeDocument, verdict, vocabulary } from "./support.js";

const PIECES = [
  "(", "(", ")", ")", " ", " ", "\n", "\r\n", "\t", '"', ";", ":", "'", ".", "_",
  "constraint", "define", "object", "task", "type", "model", "forall", "exists",
  "C1", "C2", ":type", "pre", "goal", ":severity", "hard", ":action", ":description", ":within", ":between", ":id", ":attrs",
  "eq", "and", "not", "inside", "eventually", "since", "clean", "(clean x)", "(x Mug)", "x", "x.", "x.isDirty", "mug", "mug.temperature",
  "Mug", "Mug_1", "arm.speed", "5s", "200ms", "-1e3", "1.", "'Hot", "'open'", '"str"', '"a\\"b"', "true", "é", "𝄞", "\u0000", "\u00a0",
];

const text = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((xs) => xs.join("")),
  fc
    .array(fc.tuple(fc.nat(MAKE_COFFEE.length), fc.nat(8), fc.constantFrom(...PIECES, "")), { maxLength: 6 })
    .map((edits) => edits.reduce((t, [at, del, ins]) => t.slice(0, Math.min(at, t.length)) + ins + t.slice(Math.min(at, t.length) + del), MAKE_COFFEE)),
  fc.string({ maxLength: 80 }),
);

const position: fc.Arbitrary<Position> = fc.record({ line: fc.integer({ min: -1, max: 30 }), character: fc.integer({ min: -1, max: 120 }) });

const vocab = vocabulary({ signals: { "arm.speed": Num, collision: Bool }, objects: { Mug_1: "Mug", x: "Ball" }, attributes: { Ball: { spin: Num } } });
const verdicts = [
  verdict({ id: "C1", status: "VIOLATED", step: 3, confidence: 0.9 }),
  verdict({ id: "C2", status: "SATISFIED", step: null }),
  verdict({ id: "C1", status: "UNCERTAIN", step: 1, confidence: 0.4 }),
];

function valid(p: Position, lineCount: number): boolean {
  return p.line >= 0 && p.line < lineCount && p.character >= 0;
}

function protocolOnly(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    // rename answers a ResponseError on built-ins and bad names, by design
    if (e instanceof ResponseError) return null;
    throw e;
  }
}

describe("robustness", () => {
  it("every provider answers on broken texts at any position", () => {
    fc.assert(
      fc.property(text, fc.array(position, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.constantFrom("x", "C9", "a b", "inside"), (t, ps, traced, newName) => {
        const doc = makeDocument(t, traced ? { vocabulary: vocab, verdicts } : {});
        const lineCount = doc.lines.lineCount;
        const td = { uri: URI };
        const whole = { start: { line: 0, character: 0 }, end: { line: lineCount, character: 0 } };

        const tokens = provideSemanticTokens(doc, { textDocument: td }).data;
        expect(tokens.length % 5).toBe(0);
        expect(tokens.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
        for (let i = 0; i < tokens.length; i += 5) expect(tokens[i + 2]).toBeGreaterThan(0);

        for (const s of provideDocumentSymbols(doc, { textDocument: td })) {
          expect(valid(s.range.start, lineCount) && valid(s.selectionRange.end, lineCount)).toBe(true);
        }
        const formatted = provideFormatting(doc, { textDocument: td, options: { tabSize: 2, insertSpaces: true } });
        expect(formatted.length).toBeLessThanOrEqual(1);
        for (const l of provideCodeLenses(doc, { textDocument: td })) expect(valid(l.range.start, lineCount)).toBe(true);
        for (const h of provideInlayHints(doc, { textDocument: td, range: whole })) expect(valid(h.position, lineCount)).toBe(true);

        for (const position of ps) {
          const hover = provideHover(doc, { textDocument: td, position });
          if (hover?.range !== undefined) expect(valid(hover.range.start, lineCount)).toBe(true);
          const completion = provideCompletion(doc, { textDocument: td, position });
          expect(Array.isArray(completion.items)).toBe(true);
          for (const item of completion.items) expect(item.label.length).toBeGreaterThan(0);
          const def = provideDefinition(doc, { textDocument: td, position });
          if (def !== null) expect(valid(def.range.start, lineCount)).toBe(true);
          expect(Array.isArray(provideReferences(doc, { textDocument: td, position, context: { includeDeclaration: true } }))).toBe(true);
          protocolOnly(() => providePrepareRename(doc, { textDocument: td, position }));
          protocolOnly(() => provideRename(doc, { textDocument: td, position, newName }));
          const range = { start: position, end: position };
          expect(Array.isArray(provideCodeActions(doc, { textDocument: td, range, context: { diagnostics: [] } }))).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("semantic tokens stay inside their lines and never overlap", () => {
    fc.assert(
      fc.property(text, (t) => {
        const doc = makeDocument(t);
        const data = provideSemanticTokens(doc, { textDocument: { uri: URI } }).data;
        const lines = t.split("\n");
        let line = 0;
        let char = 0;
        let prevEnd = 0;
        for (let i = 0; i < data.length; i += 5) {
          const [dl, dc, len] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if (dl > 0) prevEnd = 0;
          line += dl;
          char = dl === 0 ? char + dc : dc;
          expect(char).toBeGreaterThanOrEqual(prevEnd);
          expect(line).toBeLessThan(lines.length);
          expect(char + len).toBeLessThanOrEqual(lines[line]!.length);
          prevEnd = char + len;
        }
      }),
      { numRuns: 400 },
    );
  });
});
