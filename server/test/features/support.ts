// Test helpers: CraftDocuments from strings (parse + check + LineIndex), an
// optional trace vocabulary and verdicts, and cursor markers in texts.

import { check, LineIndex, parse, PredicateRegistry, types, type Type, type TraceVocabulary, type Verdict } from "@craft/language";
import type { Position } from "vscode-languageserver";
import type { CraftDocument } from "../../src/document.js";

export const URI = "file:///work/test.craft";

export interface DocumentOptions {
  readonly uri?: string;
  readonly vocabulary?: TraceVocabulary;
  readonly verdicts?: readonly Verdict[];
  readonly registry?: PredicateRegistry;
  readonly traceError?: string;
}

export function makeDocument(text: string, options: DocumentOptions = {}): CraftDocument {
  const parsed = parse(text);
  const checked = check(parsed.program, {
    ...(options.vocabulary !== undefined ? { vocabulary: options.vocabulary } : {}),
    ...(options.registry !== undefined ? { registry: options.registry } : {}),
  });
  const traced = options.vocabulary !== undefined || options.verdicts !== undefined || options.traceError !== undefined;
  return {
    uri: options.uri ?? URI,
    version: 1,
    text,
    lines: new LineIndex(text),
    parsed,
    checked,
    diagnostics: [...parsed.diagnostics, ...checked.diagnostics],
    ...(traced
      ? {
          trace: {
            path: "/work/traces/run.jsonl",
            ...(options.vocabulary !== undefined ? { vocabulary: options.vocabulary } : {}),
            ...(options.verdicts !== undefined ? { verdicts: options.verdicts } : {}),
            ...(options.traceError !== undefined ? { error: options.traceError } : {}),
          },
        }
      : {}),
  };
}

/**
 * Removes the `|` cursor marker from a text and returns the text with the
 * marker's LSP position (the text must hold exactly one `|`).
 */
export function cursor(marked: string): { text: string; position: Position; offset: number } {
  const offset = marked.indexOf("|");
  if (offset < 0 || marked.indexOf("|", offset + 1) >= 0) throw new Error("expected exactly one | in the text");
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const p = new LineIndex(text).positionAt(offset);
  return { text, position: { line: p.line, character: p.character }, offset };
}

/** The LSP position of the n-th occurrence (0-based) of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' not found`);
  }
  const p = new LineIndex(text).positionAt(i + delta);
  return { line: p.line, character: p.character };
}

export function vocabulary(spec: {
  signals?: Record<string, Type>;
  objects?: Record<string, string>;
  attributes?: Record<string, Record<string, Type>>;
}): TraceVocabulary {
  return {
    source: "run.jsonl",
    signals: new Map(Object.entries(spec.signals ?? {})),
    objects: new Map(Object.entries(spec.objects ?? {})),
    attributes: new Map(Object.entries(spec.attributes ?? {}).map(([t, a]) => [t, new Map(Object.entries(a))])),
  };
}

export function verdict(v: Partial<Verdict> & Pick<Verdict, "id" | "status">): Verdict {
  return {
    type: "pre",
    severity: "hard",
    step: 0,
    confidence: 1,
    reason: "",
    atoms: [],
    ...v,
  };
}

export const { Bool, Num, Str } = types as { Bool: Type; Num: Type; Str: Type };

/** The example of the language's design: make_coffee.craft. */
export const MAKE_COFFEE = `; make_coffee
(task make_coffee
  :instruction "make a cup of coffee"
  :goal "a clean mug filled with coffee is on the countertop")

(object mug Mug)
(object coffee_machine CoffeeMachine)

(define (clean x) (not x.isDirty))

(constraint C1 :type pre :severity hard
  :action (PutObject mug coffee_machine)
  :description "The coffee machine must be open before a mug goes in"
  (eq coffee_machine.isOpen true))

(constraint C2 :type pre :severity hard
  :action (PutObject mug coffee_machine)
  (clean mug))

(constraint C5 :type invariant :severity hard
  (implies (is_on coffee_machine) (inside mug coffee_machine)))

(constraint C6 :type goal :severity soft
  (and (filled mug 'coffee) (on_top_of mug countertop) (clean mug)))

(constraint C7 :type invariant
  (eventually :within 5s (forall (m Mug) (not m.isDirty))))
`;
