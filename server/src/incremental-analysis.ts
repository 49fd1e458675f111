// Parse + check of one document, kept up to date edit by edit at a cost that
// depends on the edit, not on the file.
//
// A .craft file is a sequence of independent top-level S-expressions, and a
// constraint's check depends only on the declarations (object, define, type)
// and on which other constraints share its id. So an edit is handled as:
//
//  1. Re-parse only the top-level forms the edit touched. The region starts
//     at a form start before the edit (the scanner is at top level there and
//     the text before is unchanged) and ends at the first later form start
//     where the scanner, run over the new text, is again at top level; the
//     text after it is the old text, so it parses as before. Only brackets
//     carry state across lines (strings and comments end at a line break), so
//     finding that point needs no more than a bracket counter.
//  2. Shift the ranges of the forms after the region in place: their nodes
//     keep their identity, so the checker's maps (types, names) stay valid.
//  3. Re-check the region's constraints (and those sharing an id with them)
//     together with all declarations, through the public `check`. When a
//     declaration itself changed, or the vocabulary did, everything is
//     re-checked.
//
// Consequence for callers: AST nodes are shared between successive versions
// and their ranges are moved in place, so a CraftDocument is a snapshot that
// is valid until the next version of the same document is built.

import {
  check,
  walkExpr,
  parse,
  parseAndCheck,
  type CheckedProgram,
  type CheckOptions,
  type Diagnostic,
  type Expr,
  type Form,
  type NameInfo,
  type NameRef,
  type ParseResult,
  type Program,
  type Range,
  type Reference,
  type Type,
} from "@craft/language";

type Comment = ParseResult["comments"][number];

interface MutableRange {
  start: number;
  end: number;
}

/** The checker's findings inside one constraint form, with ranges this analysis owns. */
interface FormCheck {
  readonly diagnostics: Diagnostic[];
  readonly references: Reference[];
}

const NO_FINDINGS: FormCheck = Object.freeze({ diagnostics: [], references: [] }) as FormCheck;

/** What an edit cost, for tests and the benchmark. */
export interface EditStats {
  /** forms parsed again */
  readonly reparsedForms: number;
  /** constraints checked again; -1 when the whole program was re-checked */
  readonly recheckedConstraints: number;
  readonly fullCheck: boolean;
}

/** Forms whose changes alter how other forms check: they bind names or extend the schema. */
function bindsNames(form: Form): boolean {
  return form.kind === "object" || form.kind === "define" || form.kind === "type";
}

export class IncrementalAnalysis {
  private text: string;
  private forms: Form[];
  /** per form, parallel to `forms`: a constraint's check findings */
  private findings: FormCheck[];
  /** syntax diagnostics, sorted by start (own copies) */
  private syntax: Diagnostic[];
  private comments: Comment[];
  /** findings of declarations and anything outside constraints, from the last check */
  private declarationFindings: FormCheck = NO_FINDINGS;
  private env!: CheckedProgram;
  /** shared by successive versions: nodes keep their identity across edits */
  private types = new Map<Expr, Type>();
  private names = new Map<NameRef, NameInfo>();
  private idCounts = new Map<string, number>();
  private options: CheckOptions;
  private result!: { parsed: ParseResult; checked: CheckedProgram };
  lastEdit: EditStats = { reparsedForms: 0, recheckedConstraints: -1, fullCheck: true };

  constructor(text: string, options: CheckOptions = {}) {
    this.options = options;
    this.text = text;
    // the first analysis parses and checks in one pass
    const { parsed, checked } = parseAndCheck(text, options);
    this.forms = parsed.program.forms.slice();
    this.syntax = parsed.diagnostics.map((d) => ownDiagnostic(d));
    this.comments = parsed.comments.map((c) => ownComment(c));
    this.findings = [];
    this.checkAll(checked);
    this.lastEdit = { reparsedForms: this.forms.length, recheckedConstraints: -1, fullCheck: true };
  }

  get parsed(): ParseResult {
    return this.result.parsed;
  }

  get checked(): CheckedProgram {
    return this.result.checked;
  }

  get checkOptions(): CheckOptions {
    return this.options;
  }

  /** Check again with other options (a trace's vocabulary arrived or changed). */
  setOptions(options: CheckOptions): void {
    this.options = options;
    this.checkAll();
    this.lastEdit = { reparsedForms: 0, recheckedConstraints: -1, fullCheck: true };
  }

  /**
   * Applies one edit: old text [start, oldEnd) became `newText`[start, newEnd).
   * `newText` is the whole new text.
   */
  edit(newText: string, start: number, oldEnd: number, newEnd: number): void {
    const oldText = this.text;
    const delta = newEnd - oldEnd;
    if (start < 0 || oldEnd < start || oldEnd > oldText.length || newEnd < start || newText.length !== oldText.length + delta) {
      throw new RangeError(`bad edit [${start}, ${oldEnd}) → [${start}, ${newEnd}) on a text of ${oldText.length}`);
    }
    const forms = this.forms;
    const n = forms.length;

    // 1. the region: from the last form starting before the edit …
    const first = Math.max(0, lowerBound(forms, start) - 1);
    const regionStart = first < n && forms[first]!.range.start < start ? forms[first]!.range.start : 0;
    const firstOld = regionStart === 0 ? 0 : first;
    // … to the first form start at or after the edit where the new text is at top level
    let last = lowerBound(forms, oldEnd);
    const scanner = new BracketScanner(newText, regionStart);
    while (last < n && !scanner.atTopLevel(forms[last]!.range.start + delta)) last++;
    const regionEndOld = last < n ? forms[last]!.range.start : oldText.length;
    const regionEndNew = regionEndOld + delta;

    const reparsed = parse(newText.slice(regionStart, regionEndNew));
    // copy what shares ranges with the new nodes before moving those
    const regionSyntax = reparsed.diagnostics.map((d) => ownDiagnostic(d, regionStart));
    const regionComments = reparsed.comments.map((c) => ownComment(c, regionStart));
    const regionForms = reparsed.program.forms as Form[];
    shiftForms(regionForms, 0, regionForms.length, regionStart);

    const oldRegion = forms.slice(firstOld, last);
    const prefixEnd = firstOld;

    // 2. move what follows the region
    if (delta !== 0) {
      shiftForms(forms, last, n, delta);
      for (let i = 0; i < n; i++) {
        if (i === firstOld) i = last; // the region's findings go
        if (i >= n) break;
        const f = this.findings[i]!;
        const after = i >= last;
        if (after) for (const d of f.diagnostics) moveRange(d.range, delta);
        for (const r of f.references) {
          if (after) moveRange(r.range, delta);
          // a declaration after the region moved, wherever its use is
          if (r.declaration.start >= regionEndOld) moveRange(r.declaration, delta);
        }
      }
    }
    this.syntax = splice(this.syntax, regionStart, regionEndOld, regionSyntax, delta);
    this.comments = splice(this.comments, regionStart, regionEndOld, regionComments, delta);

    this.text = newText;
    this.forms = forms.slice(0, prefixEnd).concat(regionForms, forms.slice(last));
    this.findings = this.findings.slice(0, prefixEnd).concat(
      regionForms.map(() => NO_FINDINGS),
      this.findings.slice(last),
    );

    // 3. check again what could have changed
    if (oldRegion.some(bindsNames) || regionForms.some(bindsNames)) {
      this.checkAll();
      this.lastEdit = { reparsedForms: regionForms.length, recheckedConstraints: -1, fullCheck: true };
      return;
    }
    const recheck = this.recheckAfterEdit(oldRegion, regionForms, prefixEnd, regionStart, regionEndOld);
    this.lastEdit = { reparsedForms: regionForms.length, recheckedConstraints: recheck, fullCheck: false };
  }

  // ---- checking --------------------------------------------------------------

  /** Takes a check of the whole program (`checked`, when the caller has one of the current forms). */
  private checkAll(checked: CheckedProgram = check({ text: this.text, forms: this.forms }, this.options)): void {
    this.env = checked;
    this.types = checked.types instanceof Map ? (checked.types as Map<Expr, Type>) : new Map(checked.types);
    this.names = checked.names instanceof Map ? (checked.names as Map<NameRef, NameInfo>) : new Map(checked.names);
    this.idCounts = new Map();
    for (const f of this.forms) if (f.kind === "constraint") this.idCounts.set(f.id, (this.idCounts.get(f.id) ?? 0) + 1);
    const everyConstraint = new Set<Form>();
    for (const f of this.forms) if (f.kind === "constraint") everyConstraint.add(f);
    this.findings = this.forms.map(() => NO_FINDINGS);
    this.distribute(checked, this.forms, everyConstraint);
    this.publish();
  }

  /** Re-checks the region's constraints and those whose duplicate-id status may have changed; returns how many. */
  private recheckAfterEdit(oldRegion: readonly Form[], regionForms: readonly Form[], regionIndex: number, regionStart: number, regionEndOld: number): number {
    const dirty = new Set<Form>();
    // ids whose constraints must be checked together: the checker reports a duplicate on all but the first
    const sharedIds = new Set<string>();
    for (const f of oldRegion) {
      if (f.kind !== "constraint") continue;
      const c = this.idCounts.get(f.id)!;
      if (c > 1) sharedIds.add(f.id); // the others may lose their "duplicate"
      if (c <= 1) this.idCounts.delete(f.id);
      else this.idCounts.set(f.id, c - 1);
      forEachExpr(f, (e) => {
        this.types.delete(e);
        if (e.kind === "name") this.names.delete(e);
      });
    }
    for (const f of regionForms) {
      if (f.kind !== "constraint") continue;
      dirty.add(f);
      this.idCounts.set(f.id, (this.idCounts.get(f.id) ?? 0) + 1);
    }
    // a reference into the replaced text must be resolved again
    this.findings.forEach((f, i) => {
      if (i >= regionIndex && i < regionIndex + regionForms.length) return;
      for (const r of f.references) {
        if (r.declaration.start >= regionStart && r.declaration.start < regionEndOld) dirty.add(this.forms[i]!);
      }
    });
    for (const f of dirty) if (f.kind === "constraint" && this.idCounts.get(f.id)! > 1) sharedIds.add(f.id);
    if (sharedIds.size > 0) {
      for (const f of this.forms) if (f.kind === "constraint" && sharedIds.has(f.id)) dirty.add(f);
    }
    const partial: Program = { text: this.text, forms: this.forms.filter((f) => f.kind !== "constraint" || dirty.has(f)) };
    const checked = check(partial, this.options);
    this.env = checked;
    for (const [k, v] of checked.types) this.types.set(k, v);
    for (const [k, v] of checked.names) this.names.set(k, v);
    this.distribute(checked, partial.forms, dirty);
    this.publish();
    return dirty.size;
  }

  /** Files a check's diagnostics and references under the forms they lie in (own copies). */
  private distribute(checked: CheckedProgram, checkedForms: readonly Form[], constraints: ReadonlySet<Form>): void {
    const byForm = new Map<Form, { diagnostics: Diagnostic[]; references: Reference[] }>();
    const declarations: { diagnostics: Diagnostic[]; references: Reference[] } = { diagnostics: [], references: [] };
    const bucket = (range: Range) => {
      const f = formAt(checkedForms, range.start);
      if (f === undefined || !constraints.has(f)) return declarations;
      let b = byForm.get(f);
      if (!b) byForm.set(f, (b = { diagnostics: [], references: [] }));
      return b;
    };
    for (const d of checked.diagnostics) bucket(d.range).diagnostics.push(ownDiagnostic(d));
    for (const r of checked.references) bucket(r.range).references.push(ownReference(r));
    this.declarationFindings = declarations;
    for (let i = 0; i < this.forms.length; i++) {
      const f = this.forms[i]!;
      if (constraints.has(f)) this.findings[i] = byForm.get(f) ?? NO_FINDINGS;
    }
  }

  /** Builds this version's ParseResult and CheckedProgram. */
  private publish(): void {
    const program: Program = { text: this.text, forms: this.forms };
    const diagnostics: Diagnostic[] = this.declarationFindings.diagnostics.slice();
    const references: Reference[] = this.declarationFindings.references.slice();
    const constraints = [];
    for (let i = 0; i < this.forms.length; i++) {
      const f = this.forms[i]!;
      if (f.kind === "constraint") constraints.push(f);
      const found = this.findings[i]!;
      if (found === NO_FINDINGS) continue;
      for (const d of found.diagnostics) diagnostics.push(d);
      for (const r of found.references) references.push(r);
    }
    diagnostics.sort(byStart);
    const env = this.env;
    const checked: CheckedProgram = {
      program,
      diagnostics,
      schema: env.schema,
      registry: env.registry,
      ...(env.task ? { task: env.task } : {}),
      constraints,
      defines: env.defines,
      objects: env.objects,
      models: env.models,
      types: this.types,
      names: this.names,
      references,
    };
    this.result = { parsed: { program, diagnostics: this.syntax.slice(), comments: this.comments }, checked };
  }
}

// ---- finding the region ------------------------------------------------------------

const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_QUOTE = 34;
const CH_SEMI = 59;
const CH_BACKSLASH = 92;
const CH_LF = 10;
const CH_CR = 13;

/**
 * Follows the only lexical state that crosses lines, bracket depth, plus
 * whether a string or comment is open, as the lexer defines them (a string
 * ends at its quote or at a line break, `\` escapes one character; a comment
 * runs to the line break). Words cannot swallow a `(`.
 */
class BracketScanner {
  private depth = 0;
  private mode: 0 | 1 | 2 = 0; // code, string, comment

  constructor(
    private readonly text: string,
    private pos: number,
  ) {}

  /** Scans up to `target`; whether the lexer would be between top-level items there. */
  atTopLevel(target: number): boolean {
    const text = this.text;
    let i = this.pos;
    let depth = this.depth;
    let mode = this.mode;
    while (i < target) {
      const c = text.charCodeAt(i);
      if (mode === 0) {
        if (c === CH_LPAREN) depth++;
        else if (c === CH_RPAREN) {
          if (depth > 0) depth--;
        } else if (c === CH_QUOTE) mode = 1;
        else if (c === CH_SEMI) mode = 2;
        i++;
      } else if (mode === 1) {
        if (c === CH_QUOTE || c === CH_LF || c === CH_CR) mode = 0;
        else if (c === CH_BACKSLASH) {
          const e = text.charCodeAt(i + 1);
          // a backslash before a line break (or the end) ends the unterminated string
          if (i + 1 >= text.length || e === CH_LF || e === CH_CR) mode = 0;
          else i++;
        }
        i++;
      } else {
        if (c === CH_LF || c === CH_CR) mode = 0;
        i++;
      }
    }
    this.pos = i;
    this.depth = depth;
    this.mode = mode;
    return i === target && depth === 0 && mode === 0;
  }
}

/** The first index whose form starts at or after `offset`. */
function lowerBound(forms: readonly Form[], offset: number): number {
  let lo = 0;
  let hi = forms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (forms[mid]!.range.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The form whose range holds `offset`, if any. */
function formAt(forms: readonly Form[], offset: number): Form | undefined {
  const i = lowerBound(forms, offset + 1) - 1;
  const f = forms[i];
  return f !== undefined && f.range.start <= offset && offset <= f.range.end ? f : undefined;
}

/** Replaces the items starting in [from, to) by `replacement` and moves those after by `delta`. */
function splice<T extends { readonly range: Range }>(items: T[], from: number, to: number, replacement: T[], delta: number): T[] {
  let a = 0;
  while (a < items.length && items[a]!.range.start < from) a++;
  let b = a;
  while (b < items.length && items[b]!.range.start < to) b++;
  if (delta !== 0) for (let i = b; i < items.length; i++) moveRange(items[i]!.range, delta);
  return items.slice(0, a).concat(replacement, items.slice(b));
}

// ---- own copies and moving ranges ----------------------------------------------------

function moveRange(r: Range, delta: number): void {
  const m = r as MutableRange;
  m.start += delta;
  m.end += delta;
}

function ownDiagnostic(d: Diagnostic, delta = 0): Diagnostic {
  return { ...d, range: { start: d.range.start + delta, end: d.range.end + delta } };
}

function ownComment(c: Comment, delta = 0): Comment {
  return { text: c.text, range: { start: c.range.start + delta, end: c.range.end + delta } };
}

function ownReference(r: Reference): Reference {
  return { ...r, range: { start: r.range.start, end: r.range.end }, declaration: { start: r.declaration.start, end: r.declaration.end } };
}

function byStart(a: Diagnostic, b: Diagnostic): number {
  return a.range.start - b.range.start || a.range.end - b.range.end;
}

/**
 * Moves every range of forms[from, to) by `delta`, in place. A parsed
 * expression or constraint node is its own range, and the ranges of its
 * parts (operator, id, path segments) are derived from its start, so moving
 * the node moves them (moving the derived copies does nothing). A range
 * object reached more than once must still move once: a moved range is
 * marked by storing its start as -(start + 1), and the marks are cleared
 * once the walk is done.
 */
function shiftForms(forms: readonly Form[], from: number, to: number, delta: number): void {
  if (delta === 0 || from >= to) return;
  const moved: MutableRange[] = [];
  const move = (r: Range) => {
    const m = r as MutableRange;
    if (m.start >= 0) {
      m.start = -(m.start + delta) - 1;
      m.end += delta;
      moved.push(m);
    }
  };
  for (let i = from; i < to; i++) forEachRange(forms[i]!, move);
  for (let i = 0; i < moved.length; i++) {
    const m = moved[i]!;
    m.start = -m.start - 1;
  }
}

// ---- walking the AST ------------------------------------------------------------------

/** Every range in a form (a shared range object may be reached more than once; some are derived copies). */
export function forEachRange(form: Form, f: (r: Range) => void): void {
  f(form.range);
  switch (form.kind) {
    case "task":
      f(form.nameRange);
      break;
    case "object":
      f(form.nameRange);
      if (form.typeRange) f(form.typeRange);
      if (form.idRange) f(form.idRange);
      break;
    case "define":
      f(form.nameRange);
      for (const p of form.params) {
        f(p.range);
        if (p.typeRange) f(p.typeRange);
      }
      exprRanges(form.body, f);
      break;
    case "constraint":
      f(form.idRange);
      if (form.action) {
        f(form.action.range);
        f(form.action.nameRange);
        for (const a of form.action.args) f(a.range);
      }
      exprRanges(form.body, f);
      break;
    case "type":
      f(form.nameRange);
      for (const a of form.attrs) {
        f(a.range);
        f(a.typeRange);
      }
      break;
    case "model":
      f(form.nameRange);
      f(form.pathRange);
      break;
  }
}

function exprRanges(e: Expr, f: (r: Range) => void): void {
  f(e.range);
  switch (e.kind) {
    case "name":
      for (const r of e.partRanges) f(r);
      break;
    case "call":
      f(e.opRange);
      for (const a of e.args) exprRanges(a, f);
      for (const o of e.options) {
        f(o.range);
        f(o.keywordRange);
        for (const v of o.values) exprRanges(v, f);
      }
      break;
    case "quantifier":
      f(e.variableRange);
      f(e.typeRange);
      exprRanges(e.body, f);
      break;
    default:
      break;
  }
}

/** Every expression in a form: define and constraint bodies, with option values. */
export function forEachExpr(form: Form, f: (e: Expr) => void): void {
  if (form.kind === "constraint" || form.kind === "define") walkExpr(form.body, (e) => void f(e));
}
