// The open documents: their text, kept in sync edit by edit (LSP incremental
// sync through vscode-languageserver-textdocument), and a CraftDocument per
// version, built when someone asks for it. Edits that arrive between two
// builds are composed into one, so a burst of keystrokes costs one
// incremental parse + check (incremental-analysis.ts), not one per key.

import { LineIndex, type CheckOptions, type Diagnostic } from "@craft/language";
import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { CraftDocument, TraceAssociation } from "./document.js";
import { IncrementalAnalysis, type EditStats } from "./incremental-analysis.js";

export interface WorkspaceOptions {
  /** schema and extension predicates to check with (a trace's vocabulary is added per document) */
  readonly check?: Omit<CheckOptions, "vocabulary">;
  /** told when the incremental path failed and the document was analysed afresh instead */
  readonly onInternalError?: (error: unknown) => void;
}

/** Text [start, oldEnd) of the last built version became [start, newEnd) of the current one. */
interface PendingEdit {
  start: number;
  newEnd: number;
  /** current length − built length */
  delta: number;
}

interface Entry {
  readonly uri: string;
  readonly textDocument: TextDocument;
  analysis: IncrementalAnalysis;
  /** the text `analysis` reflects */
  builtText: string;
  /** built on first use: the diagnostics publisher uses the TextDocument's line table instead */
  lines: LineIndex | undefined;
  pending: PendingEdit | undefined;
  trace: TraceAssociation | undefined;
  /** the latest build; undefined when something changed since */
  document: CraftDocument | undefined;
}

export class Workspace {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: WorkspaceOptions = {}) {}

  /** `textDocument/didOpen` */
  open(uri: string, version: number, text: string): CraftDocument {
    const analysis = new IncrementalAnalysis(text, this.checkOptions(undefined));
    const entry: Entry = {
      uri,
      textDocument: TextDocument.create(uri, "craft", version, text),
      analysis,
      builtText: text,
      lines: undefined,
      pending: undefined,
      trace: undefined,
      document: undefined,
    };
    this.entries.set(uri, entry);
    return this.build(entry);
  }

  /** `textDocument/didChange`: applies the changes in order; the build waits for the next `get`. */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): void {
    const entry = this.entries.get(uri);
    if (!entry) return;
    for (const change of changes) {
      const doc = entry.textDocument;
      if ("range" in change && change.range) {
        let { start, end } = change.range;
        if (start.line > end.line || (start.line === end.line && start.character > end.character)) [start, end] = [end, start];
        const a = doc.offsetAt(start);
        const b = doc.offsetAt(end);
        TextDocument.update(doc, [change], version);
        entry.pending = compose(entry.pending, a, b, change.text.length);
      } else {
        TextDocument.update(doc, [change], version);
        entry.pending = difference(entry.builtText, doc.getText());
      }
    }
    if (changes.length === 0) TextDocument.update(entry.textDocument, [], version);
    entry.document = undefined;
  }

  /** `textDocument/didClose` */
  close(uri: string): void {
    this.entries.delete(uri);
  }

  has(uri: string): boolean {
    return this.entries.has(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  /** The current version's CraftDocument, built now if the text or its trace changed. */
  get(uri: string): CraftDocument | undefined {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    return entry.document ?? this.build(entry);
  }

  /** The document's text and version without building anything. */
  textDocument(uri: string): TextDocument | undefined {
    return this.entries.get(uri)?.textDocument;
  }

  /** What the last build of the document cost (for tests and the benchmark). */
  lastEdit(uri: string): EditStats | undefined {
    return this.entries.get(uri)?.analysis.lastEdit;
  }

  trace(uri: string): TraceAssociation | undefined {
    return this.entries.get(uri)?.trace;
  }

  /**
   * Sets the trace a document is checked against (or none). A new vocabulary
   * re-checks the whole document at the next build; new verdicts only make a
   * new CraftDocument around the same analysis.
   */
  setTrace(uri: string, trace: TraceAssociation | undefined): void {
    const entry = this.entries.get(uri);
    if (!entry) return;
    entry.trace = trace;
    entry.document = undefined;
  }

  private checkOptions(trace: TraceAssociation | undefined): CheckOptions {
    const base = this.options.check ?? {};
    return trace?.vocabulary ? { ...base, vocabulary: trace.vocabulary } : base;
  }

  private build(entry: Entry): CraftDocument {
    const text = entry.textDocument.getText();
    const vocabulary = entry.trace?.vocabulary;
    const vocabularyChanged = vocabulary !== entry.analysis.checkOptions.vocabulary;
    const pending = entry.pending;
    if (pending) {
      entry.pending = undefined;
      try {
        entry.analysis.edit(text, pending.start, pending.newEnd - pending.delta, pending.newEnd);
      } catch (error) {
        // should the incremental path ever fail, a fresh analysis is always right
        this.options.onInternalError?.(error);
        entry.analysis = new IncrementalAnalysis(text, this.checkOptions(entry.trace));
      }
      entry.builtText = text;
      entry.lines = undefined;
    }
    if (vocabularyChanged) entry.analysis.setOptions(this.checkOptions(entry.trace));
    entry.document = this.documentOf(entry, text);
    return entry.document;
  }

  private documentOf(entry: Entry, text: string): CraftDocument {
    const { parsed, checked } = entry.analysis;
    return {
      uri: entry.uri,
      version: entry.textDocument.version,
      text,
      // a LineIndex scans the whole text: only features that convert positions pay for it
      get lines(): LineIndex {
        if (entry.lines === undefined || entry.lines.text !== text) entry.lines = new LineIndex(text);
        return entry.lines;
      },
      parsed,
      checked,
      diagnostics: mergeByStart(parsed.diagnostics, checked.diagnostics),
      ...(entry.trace ? { trace: entry.trace } : {}),
    };
  }
}

/** Adds a change of [a, b) to `length` characters (current coordinates) to the edits pending since the last build. */
export function compose(pending: PendingEdit | undefined, a: number, b: number, length: number): PendingEdit {
  const d = length - (b - a);
  if (!pending) return { start: a, newEnd: a + length, delta: d };
  const hi = pending.newEnd;
  const mapped = hi <= a ? hi : hi >= b ? hi + d : a + length;
  return { start: Math.min(pending.start, a), newEnd: Math.max(mapped, a + length), delta: pending.delta + d };
}

/** The one edit that turns `before` into `after`: their common prefix and suffix stay. */
export function difference(before: string, after: string): PendingEdit {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start: prefix, newEnd: after.length - suffix, delta: after.length - before.length };
}

function mergeByStart(a: readonly Diagnostic[], b: readonly Diagnostic[]): Diagnostic[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out: Diagnostic[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.range.start <= b[j]!.range.start ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
