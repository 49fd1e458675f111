// What the editor underlines: syntax and checker diagnostics as you type,
// problems with the associated trace on the `;; trace:` directive, and after
// a background check one diagnostic per constraint that did not hold —
// VIOLATED on a hard constraint is an error, on a soft one a warning,
// UNCERTAIN is information — on the constraint's id, with its deciding atoms
// as related information.

import type { ConstraintForm, Diagnostic, Expr, Range, Verdict } from "@craft/language";
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
  type Position,
} from "vscode-languageserver/node.js";
import type { CraftDocument } from "./document.js";

export interface DiagnosticOptions {
  /** the client shows `relatedInformation` (`textDocument.publishDiagnostics.relatedInformation`) */
  readonly relatedInformation?: boolean;
  /** at most this many diagnostics (a note says how many more there were); default 1000 */
  readonly max?: number;
}

/** Offsets to positions: the document's TextDocument, which keeps its line table up to date edit by edit. */
export interface PositionSource {
  positionAt(offset: number): Position;
}

/** Longer messages are cut: a 1 MB name in an "unknown name" message must not travel to the editor per keystroke. */
const MAX_MESSAGE = 1000;
/** related atoms per verdict diagnostic */
const MAX_ATOMS = 8;
/** steps named in a verdict diagnostic */
const MAX_STEPS = 5;

export const SOURCE = "craft";

/** Every diagnostic of a document, as LSP diagnostics. */
export function toLspDiagnostics(doc: CraftDocument, positions: PositionSource, options: DiagnosticOptions = {}): LspDiagnostic[] {
  const max = options.max ?? 1000;
  const out: LspDiagnostic[] = [];
  const range = (r: Range) => {
    const start = positions.positionAt(r.start);
    return { start, end: r.end === r.start ? start : positions.positionAt(r.end) };
  };
  const trace = traceDiagnostic(doc, range);
  if (trace) out.push(trace);
  out.push(...verdictDiagnostics(doc, range, options.relatedInformation === true));
  const budget = Math.max(0, max - out.length);
  for (let i = 0; i < doc.diagnostics.length && i < budget; i++) out.push(fromCraft(doc.diagnostics[i]!, range));
  if (doc.diagnostics.length > budget) {
    const more = doc.diagnostics.length - budget;
    out.push({
      range: range({ start: 0, end: 0 }),
      severity: DiagnosticSeverity.Information,
      source: SOURCE,
      code: "truncated",
      message: `${more} more diagnostic${more === 1 ? "" : "s"} not shown`,
    });
  }
  return out;
}

function fromCraft(d: Diagnostic, range: (r: Range) => LspDiagnostic["range"]): LspDiagnostic {
  const out: LspDiagnostic = {
    range: range(d.range),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : d.severity === "warning" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: d.code,
    source: SOURCE,
    message: cut(d.message),
  };
  // code actions read the did-you-mean from here (clients send diagnostics back with their data)
  if (d.suggestion !== undefined) out.data = { suggestion: d.suggestion };
  return out;
}

/** A trace that cannot be read: on the directive, or at the top when the setting named it. */
function traceDiagnostic(doc: CraftDocument, range: (r: Range) => LspDiagnostic["range"]): LspDiagnostic | undefined {
  const t = doc.trace;
  if (t?.error === undefined) return undefined;
  return {
    range: range(t.directiveRange ?? { start: 0, end: 0 }),
    severity: t.directiveRange ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: "trace",
    source: SOURCE,
    message: cut(t.directiveRange ? t.error : `craft.trace setting: ${t.error}`),
  };
}

function verdictDiagnostics(doc: CraftDocument, range: (r: Range) => LspDiagnostic["range"], related: boolean): LspDiagnostic[] {
  const verdicts = doc.trace?.verdicts;
  if (!verdicts || verdicts.length === 0) return [];
  const byId = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    if (v.status !== "VIOLATED" && v.status !== "UNCERTAIN") continue;
    let list = byId.get(v.id);
    if (!list) byId.set(v.id, (list = []));
    list.push(v);
  }
  if (byId.size === 0) return [];
  const out: LspDiagnostic[] = [];
  const seen = new Set<string>();
  for (const c of doc.checked.constraints) {
    // verdicts are by id: the first constraint of that id in the current text carries them
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const list = byId.get(c.id);
    if (!list) continue;
    const violated = list.filter((v) => v.status === "VIOLATED");
    const deciding = (violated.length > 0 ? violated : list).slice().sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity));
    const first = deciding[0]!;
    const severity =
      first.status === "UNCERTAIN" ? DiagnosticSeverity.Information : c.severity === "soft" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
    const d: LspDiagnostic = {
      range: range(c.idRange),
      severity,
      code: first.status === "VIOLATED" ? "violated" : "uncertain",
      source: SOURCE,
      message: cut(verdictMessage(c, first, deciding)),
    };
    if (related) {
      const info = atomLocations(doc, c, first, range);
      if (info.length > 0) d.relatedInformation = info;
    }
    out.push(d);
  }
  return out;
}

function verdictMessage(c: ConstraintForm, first: Verdict, deciding: readonly Verdict[]): string {
  const steps = deciding.map((v) => v.step).filter((s): s is number => s !== null);
  const at = steps.length === 0 ? "" : ` at step ${steps[0]}`;
  let message = `${c.id} ${first.status}${at} (confidence ${first.confidence.toFixed(2)}): ${first.reason}`;
  if (steps.length > 1) {
    const more = steps.slice(1, 1 + MAX_STEPS);
    message += `; also at step${more.length === 1 ? "" : "s"} ${more.join(", ")}${steps.length > 1 + MAX_STEPS ? ` and ${steps.length - 1 - MAX_STEPS} more` : ""}`;
  }
  if (first.explanation?.hint) message += `\nhint: ${first.explanation.hint}`;
  return message;
}

/** Where each deciding atom is written: the sub-expression of the constraint whose text (white space collapsed) is the atom's. */
function atomLocations(doc: CraftDocument, c: ConstraintForm, v: Verdict, range: (r: Range) => LspDiagnostic["range"]): DiagnosticRelatedInformation[] {
  if (v.atoms.length === 0) return [];
  const byText = new Map<string, Range>();
  const visit = (e: Expr): void => {
    if (e.kind === "call" || e.kind === "name") {
      const text = doc.text.slice(e.range.start, e.range.end).replace(/\s+/g, " ");
      if (!byText.has(text)) byText.set(text, e.range);
    }
    if (e.kind === "call") {
      for (const a of e.args) visit(a);
      for (const o of e.options) for (const x of o.values) visit(x);
    } else if (e.kind === "quantifier") visit(e.body);
  };
  visit(c.body);
  const out: DiagnosticRelatedInformation[] = [];
  for (const atom of v.atoms.slice(0, MAX_ATOMS)) {
    const where = byText.get(atom.expr) ?? c.body.range;
    const value = atom.value === null ? "unknown" : String(atom.value);
    out.push({
      location: { uri: doc.uri, range: range(where) },
      message: cut(`${atom.expr} is ${value} (confidence ${atom.confidence.toFixed(2)}, ${atom.source}): ${atom.reason}`),
    });
  }
  return out;
}

function cut(message: string): string {
  return message.length <= MAX_MESSAGE ? message : message.slice(0, MAX_MESSAGE - 1) + "…";
}
