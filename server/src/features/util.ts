// What the feature providers share: offset ↔ LSP position conversion, the
// node at an offset (found once, on the AST), walks over expressions, name
// resolution for hover and completion, and per-constraint verdict summaries.
// Nothing here parses text: the AST and the checker's tables are the source;
// the only text read is to place the head word of a list the AST does not
// keep a range for (`constraint`, `forall`, a typed parameter's name).

import type {
  ActionPattern,
  AttrDecl,
  Call,
  CallOption,
  ConstraintForm,
  DefineForm,
  Expr,
  Form,
  Literal,
  ModelForm,
  NameRef,
  ObjectForm,
  Param,
  PatternArg,
  Quantifier,
  Range,
  Status,
  TaskForm,
  Type,
  TypeForm,
  Verdict,
} from "@craft/language";
import { builtins, findTypeByName, types as craftTypes, walkExpr } from "@craft/language";
import type { Position as LspPosition, Range as LspRange } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import * as positions from "../positions.js";

// ---- positions ---------------------------------------------------------------
// Through the server's positions.ts, so every feature clamps the same way.

/** The LSP position of an offset (UTF-16 columns, as LineIndex counts them). */
export function toPosition(doc: CraftDocument, offset: number): LspPosition {
  return positions.toLspPosition(doc.lines, offset);
}

export function toLspRange(doc: CraftDocument, range: Range): LspRange {
  return positions.toLspRange(doc.lines, range.end < range.start ? { start: range.start, end: range.start } : range);
}

/** The offset of an LSP position; a column past the end of its line is the line's end (LSP). */
export function toOffset(doc: CraftDocument, position: LspPosition): number {
  const line = Number.isFinite(position.line) ? Math.floor(position.line) : 0;
  const character = Number.isFinite(position.character) ? Math.floor(position.character) : 0;
  return positions.toOffset(doc.lines, { line, character });
}

export function toOffsetRange(doc: CraftDocument, range: LspRange): Range {
  return { ...positions.toTextRange(doc.lines, { start: sane(range.start), end: sane(range.end) }) };
}

function sane(p: LspPosition): LspPosition {
  return { line: Number.isFinite(p.line) ? Math.floor(p.line) : 0, character: Number.isFinite(p.character) ? Math.floor(p.character) : 0 };
}

export function contains(range: Range, offset: number): boolean {
  return range.start <= offset && offset < range.end;
}

export function overlaps(a: Range, b: Range): boolean {
  return a.start < b.end && b.start < a.end;
}

// ---- words the AST keeps no range for ------------------------------------------

/** Characters that end a word: white space, control characters, ( ) " ; */
export function isWordChar(code: number): boolean {
  if (code <= 32 || code === 127) return false;
  if (code === 40 || code === 41 || code === 34 || code === 59) return false;
  if (code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a)) return false;
  if (code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff) return false;
  return true;
}

/**
 * The range of `word` as the first word after `from` (typically a list's
 * `(`), skipping white space and `;` comments; undefined when the next word
 * is another one (the AST already knows the list starts with it, so this
 * only locates it).
 */
export function wordAfter(text: string, from: number, word: string, limit = text.length): Range | undefined {
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 59) {
      while (i < limit && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 40 || !isWordChar(c)) {
      i++;
      continue;
    }
    break;
  }
  if (i >= limit || !text.startsWith(word, i)) return undefined;
  const end = i + word.length;
  if (end < text.length && isWordChar(text.charCodeAt(end))) return undefined;
  return { start: i, end };
}

/** The head word of a top-level form: `constraint` in `(constraint C1 …)`. */
export function formHeadRange(text: string, form: Form): Range | undefined {
  return wordAfter(text, form.range.start + 1, form.kind, form.range.end);
}

/** The name of a parameter, `x` in both `x` and `(x Mug)`. */
export function paramNameRange(text: string, p: Param): Range {
  if (p.typeRange === undefined) return p.range;
  return wordAfter(text, p.range.start + 1, p.name, p.range.end) ?? p.range;
}

/** The name of an attribute declaration, `mass` in `(mass Num)`. */
export function attrNameRange(text: string, a: AttrDecl): Range {
  return wordAfter(text, a.range.start + 1, a.name, a.range.end) ?? a.range;
}

/** `forall` / `exists` of a quantifier. */
export function quantifierHeadRange(text: string, q: Quantifier): Range | undefined {
  return wordAfter(text, q.range.start + 1, q.quantifier, q.range.end);
}

// ---- the node at an offset -----------------------------------------------------

/** What sits at an offset, most specific first. */
export type Target =
  | { readonly kind: "call"; readonly call: Call }
  | { readonly kind: "option"; readonly call: Call; readonly option: CallOption }
  | { readonly kind: "name"; readonly name: NameRef; readonly part: number }
  | { readonly kind: "literal"; readonly literal: Literal }
  | { readonly kind: "quantifier"; readonly quantifier: Quantifier; readonly part: "head" | "variable" | "type" }
  | { readonly kind: "form-head"; readonly form: Form }
  | { readonly kind: "constraint-id"; readonly form: ConstraintForm }
  | { readonly kind: "define-name"; readonly form: DefineForm }
  | { readonly kind: "param"; readonly form: DefineForm; readonly param: Param; readonly part: "name" | "type" }
  | { readonly kind: "object-name"; readonly form: ObjectForm }
  | { readonly kind: "object-type"; readonly form: ObjectForm }
  | { readonly kind: "object-id"; readonly form: ObjectForm }
  | { readonly kind: "action"; readonly form: ConstraintForm; readonly action: ActionPattern }
  | { readonly kind: "action-arg"; readonly form: ConstraintForm; readonly arg: PatternArg }
  | { readonly kind: "task-name"; readonly form: TaskForm }
  | { readonly kind: "type-name"; readonly form: TypeForm }
  | { readonly kind: "attr"; readonly form: TypeForm; readonly attr: AttrDecl; readonly part: "name" | "type" }
  | { readonly kind: "model-name"; readonly form: ModelForm }
  | { readonly kind: "model-path"; readonly form: ModelForm };

export interface Located {
  /** the top-level form around the offset */
  readonly form?: Form;
  /** the expressions around the offset, outermost first */
  readonly exprs: readonly Expr[];
  readonly target?: Target;
  /** the range of the target (the word or node under the cursor) */
  readonly targetRange?: Range;
}

const NOWHERE: Located = { exprs: [] };

/** The top-level form whose range contains the offset (binary search: forms are in source order). */
export function formAt(doc: CraftDocument, offset: number): Form | undefined {
  const forms = doc.parsed.program.forms;
  let lo = 0;
  let hi = forms.length - 1;
  let found: Form | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = forms[mid]!;
    if (f.range.start <= offset) {
      found = f;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found !== undefined && offset < found.range.end ? found : undefined;
}

/** The innermost node at `offset` (the character after the cursor). */
export function locateStrict(doc: CraftDocument, offset: number): Located {
  const form = formAt(doc, offset);
  if (form === undefined) return NOWHERE;
  const exprs: Expr[] = [];
  const hit = (range: Range | undefined): boolean => range !== undefined && contains(range, offset);
  const done = (target: Target | undefined, targetRange?: Range): Located =>
    target === undefined ? { form, exprs } : { form, exprs, target, targetRange };
  const text = doc.text;

  const inBody = (body: Expr): Located | undefined => {
    const t = exprTarget(body, offset, exprs, text);
    return t === undefined ? (exprs.length > 0 ? { form, exprs } : undefined) : { form, exprs, target: t.target, targetRange: t.range };
  };

  if (hit(formHeadRange(text, form))) return done({ kind: "form-head", form }, formHeadRange(text, form));
  switch (form.kind) {
    case "constraint": {
      if (hit(form.idRange)) return done({ kind: "constraint-id", form }, form.idRange);
      const a = form.action;
      if (a !== undefined && hit(a.range)) {
        if (hit(a.nameRange)) return done({ kind: "action", form, action: a }, a.nameRange);
        for (const arg of a.args) if (hit(arg.range)) return done({ kind: "action-arg", form, arg }, arg.range);
        return done(undefined);
      }
      return inBody(form.body) ?? done(undefined);
    }
    case "define": {
      if (hit(form.nameRange)) return done({ kind: "define-name", form }, form.nameRange);
      for (const param of form.params) {
        if (!hit(param.range)) continue;
        if (hit(param.typeRange)) return done({ kind: "param", form, param, part: "type" }, param.typeRange);
        const nameRange = paramNameRange(text, param);
        return hit(nameRange) ? done({ kind: "param", form, param, part: "name" }, nameRange) : done(undefined);
      }
      return inBody(form.body) ?? done(undefined);
    }
    case "object":
      if (hit(form.nameRange)) return done({ kind: "object-name", form }, form.nameRange);
      if (hit(form.typeRange)) return done({ kind: "object-type", form }, form.typeRange);
      if (hit(form.idRange)) return done({ kind: "object-id", form }, form.idRange);
      return done(undefined);
    case "task":
      return hit(form.nameRange) ? done({ kind: "task-name", form }, form.nameRange) : done(undefined);
    case "type": {
      if (hit(form.nameRange)) return done({ kind: "type-name", form }, form.nameRange);
      for (const attr of form.attrs) {
        if (!hit(attr.range)) continue;
        if (hit(attr.typeRange)) return done({ kind: "attr", form, attr, part: "type" }, attr.typeRange);
        const nameRange = attrNameRange(text, attr);
        return hit(nameRange) ? done({ kind: "attr", form, attr, part: "name" }, nameRange) : done(undefined);
      }
      return done(undefined);
    }
    case "model":
      if (hit(form.nameRange)) return done({ kind: "model-name", form }, form.nameRange);
      if (hit(form.pathRange)) return done({ kind: "model-path", form }, form.pathRange);
      return done(undefined);
  }
}

function exprTarget(e: Expr, offset: number, chain: Expr[], text: string): { target: Target; range: Range } | undefined {
  if (!contains(e.range, offset)) return undefined;
  chain.push(e);
  switch (e.kind) {
    case "call": {
      if (contains(e.opRange, offset)) return { target: { kind: "call", call: e }, range: e.opRange };
      for (const o of e.options) {
        if (contains(o.keywordRange, offset)) return { target: { kind: "option", call: e, option: o }, range: o.keywordRange };
        for (const v of o.values) {
          const t = exprTarget(v, offset, chain, text);
          if (t !== undefined || chain[chain.length - 1] !== e) return t;
        }
      }
      for (const a of e.args) {
        const t = exprTarget(a, offset, chain, text);
        if (t !== undefined || chain[chain.length - 1] !== e) return t;
      }
      return undefined;
    }
    case "quantifier": {
      const head = quantifierHeadRange(text, e);
      if (head !== undefined && contains(head, offset)) return { target: { kind: "quantifier", quantifier: e, part: "head" }, range: head };
      if (contains(e.variableRange, offset)) return { target: { kind: "quantifier", quantifier: e, part: "variable" }, range: e.variableRange };
      if (contains(e.typeRange, offset)) return { target: { kind: "quantifier", quantifier: e, part: "type" }, range: e.typeRange };
      return exprTarget(e.body, offset, chain, text);
    }
    case "name":
      for (let i = 0; i < e.partRanges.length; i++) {
        const r = e.partRanges[i]!;
        if (contains(r, offset)) return { target: { kind: "name", name: e, part: i }, range: r };
      }
      // on a dot: the whole path
      return { target: { kind: "name", name: e, part: e.parts.length - 1 }, range: e.range };
    case "literal":
      return { target: { kind: "literal", literal: e }, range: e.range };
    case "error":
      return undefined;
  }
}

/**
 * The node at a cursor: the one after it, else the one just before it (a
 * cursor at the end of a word still means that word).
 */
export function locate(doc: CraftDocument, offset: number): Located {
  const after = locateStrict(doc, offset);
  if (after.target !== undefined || offset <= 0) return after;
  const before = locateStrict(doc, offset - 1);
  return before.target !== undefined ? before : after;
}

// ---- walking expressions ---------------------------------------------------------


/** The body expression of a form, if it has one. */
export function formBody(form: Form): Expr | undefined {
  return form.kind === "constraint" || form.kind === "define" ? form.body : undefined;
}

// ---- locals ----------------------------------------------------------------------

/** Where a local name (quantifier variable or define parameter) is declared, and the expression it scopes. */
export interface LocalDeclaration {
  readonly name: string;
  readonly range: Range;
  readonly scope: Expr;
  readonly typeName?: string;
  readonly declaredBy: "quantifier" | "parameter";
}

/** The declaration of local `name` as seen from inside the expression chain (innermost binder wins). */
export function findLocal(doc: CraftDocument, located: Located, name: string): LocalDeclaration | undefined {
  for (let i = located.exprs.length - 1; i >= 0; i--) {
    const e = located.exprs[i]!;
    if (e.kind === "quantifier" && e.variable === name) {
      return { name, range: e.variableRange, scope: e.body, typeName: e.typeName, declaredBy: "quantifier" };
    }
  }
  const form = located.form;
  if (form?.kind === "define") {
    const p = form.params.find((x) => x.name === name);
    if (p !== undefined) {
      return { name, range: paramNameRange(doc.text, p), scope: form.body, typeName: p.typeName, declaredBy: "parameter" };
    }
  }
  return undefined;
}

/** Uses of local `name` inside its scope, not counting inner binders of the same name. */
export function localUses(scope: Expr, name: string): NameRef[] {
  const uses: NameRef[] = [];
  walkExpr(scope, (e) => {
    if (e.kind === "quantifier" && e.variable === name) return false;
    if (e.kind === "name" && e.parts[0] === name) uses.push(e);
    return true;
  });
  return uses;
}

// ---- names and types ---------------------------------------------------------------

/** What a bare name stands for, resolved like the checker does (DESIGN.md "Names"). */
export type BaseResolution =
  | { readonly kind: "local"; readonly typeName?: string; readonly type: Type }
  | { readonly kind: "object"; readonly form: ObjectForm; readonly typeName?: string }
  | { readonly kind: "signal"; readonly type: Type }
  | { readonly kind: "object-id"; readonly typeName: string }
  | { readonly kind: "type"; readonly typeName: string; readonly matches: readonly string[] }
  | { readonly kind: "unknown" };

export function resolveBase(doc: CraftDocument, name: string, locals?: ReadonlyMap<string, string | undefined>): BaseResolution {
  if (locals?.has(name)) {
    const typeName = locals.get(name);
    const parsed = typeName === undefined ? undefined : craftTypes.parseType(typeName);
    const type = parsed ?? (typeName === undefined ? craftTypes.Any : craftTypes.obj(typeName));
    const objectType = type.kind === "Obj" ? type.objectType : undefined;
    return objectType !== undefined ? { kind: "local", typeName: objectType, type } : { kind: "local", type };
  }
  const bound = doc.checked.objects.get(name);
  if (bound !== undefined) {
    const typeName = bound.typeName ?? (bound.id !== undefined ? doc.trace?.vocabulary?.objects.get(bound.id) : undefined);
    return typeName !== undefined ? { kind: "object", form: bound, typeName } : { kind: "object", form: bound };
  }
  const vocab = doc.trace?.vocabulary;
  const signal = vocab?.signals.get(name);
  if (signal !== undefined) return { kind: "signal", type: signal };
  const byId = vocab?.objects.get(name);
  if (byId !== undefined) return { kind: "object-id", typeName: byId };
  const key = normalize(name);
  if (vocab !== undefined) {
    const matches: string[] = [];
    let typeName: string | undefined;
    for (const [id, t] of vocab.objects) {
      if (normalize(t) === key) {
        matches.push(id);
        typeName ??= t;
      }
    }
    if (typeName !== undefined) return { kind: "type", typeName, matches };
  }
  const schemaType = findTypeByName(doc.checked.schema, name);
  if (schemaType !== undefined) return { kind: "type", typeName: schemaType.name, matches: [] };
  return { kind: "unknown" };
}

function normalize(name: string): string {
  return name.replace(/_/g, "").toLowerCase();
}

/** The object type a resolution denotes, if any. */
export function objectTypeOf(r: BaseResolution): string | undefined {
  switch (r.kind) {
    case "local":
    case "object":
    case "object-id":
    case "type":
      return r.typeName;
    default:
      return undefined;
  }
}

/** Locals in scope at a located node: quantifier variables and define parameters. */
export function localsAt(located: Located): Map<string, string | undefined> {
  const locals = new Map<string, string | undefined>();
  const form = located.form;
  if (form?.kind === "define") for (const p of form.params) locals.set(p.name, p.typeName);
  for (const e of located.exprs) if (e.kind === "quantifier") locals.set(e.variable, e.typeName);
  return locals;
}

export type AttributeSource = "common" | "schema" | "state" | "trace";

export interface AttributeInfo {
  readonly name: string;
  readonly type: Type;
  readonly source: AttributeSource;
}

/**
 * The attributes objects of a type have: the schema's common ones, the type's
 * own, and those the trace shows on that type.
 */
export function attributesOf(doc: CraftDocument, typeName: string | undefined): Map<string, AttributeInfo> {
  const schema = doc.checked.schema;
  const out = new Map<string, AttributeInfo>();
  for (const [name, type] of schema.commonAttributes) out.set(name, { name, type, source: "common" });
  if (typeName === undefined) return out;
  const info = schema.types.get(typeName);
  if (info !== undefined) for (const [name, type] of info.attributes) if (!out.has(name)) out.set(name, { name, type, source: "schema" });
  const traced = doc.trace?.vocabulary?.attributes.get(typeName);
  if (traced !== undefined) for (const [name, type] of traced) if (!out.has(name)) out.set(name, { name, type, source: "trace" });
  return out;
}

/** The type of `attr` on `typeName` objects, as the checker decides it. */
export function attributeInfo(doc: CraftDocument, typeName: string | undefined, attr: string): AttributeInfo | undefined {
  const found = attributesOf(doc, typeName).get(attr);
  if (found !== undefined) return found;
  const state = doc.checked.schema.stateAttributes?.get(attr);
  return state !== undefined ? { name: attr, type: state, source: "state" } : undefined;
}

export const typeToString: (t: Type) => string = craftTypes.typeToString;

// ---- verdicts ----------------------------------------------------------------------

export interface VerdictSummary {
  readonly id: string;
  readonly verdicts: readonly Verdict[];
  readonly counts: Readonly<Record<Status, number>>;
  /** the status shown: VIOLATED if any, else UNCERTAIN, else SATISFIED, else SKIP */
  readonly status: Status;
  /** verdicts of that status, by step */
  readonly deciding: readonly Verdict[];
}

const verdictIndexes = new WeakMap<readonly Verdict[], Map<string, Verdict[]>>();

/** The verdicts of the last check for one constraint id (empty when none). */
export function verdictsFor(doc: CraftDocument, id: string): readonly Verdict[] {
  const all = doc.trace?.verdicts;
  if (all === undefined || all.length === 0) return [];
  let index = verdictIndexes.get(all);
  if (index === undefined) {
    index = new Map();
    for (const v of all) {
      let list = index.get(v.id);
      if (list === undefined) index.set(v.id, (list = []));
      list.push(v);
    }
    verdictIndexes.set(all, index);
  }
  return index.get(id) ?? [];
}

const STATUS_ORDER: readonly Status[] = ["VIOLATED", "UNCERTAIN", "SATISFIED", "SKIP"];

export function summarizeVerdicts(id: string, verdicts: readonly Verdict[]): VerdictSummary | undefined {
  if (verdicts.length === 0) return undefined;
  const counts: Record<Status, number> = { SATISFIED: 0, VIOLATED: 0, UNCERTAIN: 0, SKIP: 0 };
  for (const v of verdicts) if (counts[v.status] !== undefined) counts[v.status]++;
  const status = STATUS_ORDER.find((s) => counts[s] > 0) ?? "SKIP";
  const deciding = verdicts.filter((v) => v.status === status).sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity));
  return { id, verdicts, counts, status, deciding };
}

export function constraintSummary(doc: CraftDocument, id: string): VerdictSummary | undefined {
  return summarizeVerdicts(id, verdictsFor(doc, id));
}

export function formatConfidence(c: number): string {
  return Number.isFinite(c) ? c.toFixed(2) : String(c);
}

/** Whether a document has verdicts from a check (for code lens, inlay hints and hover). */
export function hasVerdicts(doc: CraftDocument): boolean {
  return (doc.trace?.verdicts?.length ?? 0) > 0;
}

/** A craft string literal for a value. */
export function craftString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r")}"`;
}

// ---- declared symbols: defines, objects, constraints, locals ---------------------------------

export type SymbolKindName = "define" | "object" | "constraint" | "local" | "builtin";

/** A name the cursor is on, with where it is declared. */
export interface CraftSymbol {
  readonly kind: SymbolKindName;
  readonly name: string;
  /** the range under the cursor */
  readonly range: Range;
  /** the declaring name's range; undefined for built-in and extension predicates */
  readonly declaration?: Range;
  /** for locals: the binder and its scope */
  readonly local?: LocalDeclaration;
}

/** The define, object binding, constraint id, local or built-in predicate at an offset. */
export function symbolAt(doc: CraftDocument, offset: number): CraftSymbol | undefined {
  const located = locate(doc, offset);
  const t = located.target;
  const range = located.targetRange;
  if (t === undefined || range === undefined) return referenceAt(doc, offset);
  switch (t.kind) {
    case "call": {
      const d = doc.checked.defines.get(t.call.op);
      if (d !== undefined) return { kind: "define", name: d.name, range, declaration: d.nameRange };
      if (builtinOrExtension(doc, t.call.op)) return { kind: "builtin", name: t.call.op, range };
      return undefined;
    }
    case "define-name":
      return { kind: "define", name: t.form.name, range, declaration: t.form.nameRange };
    case "object-name":
      return { kind: "object", name: t.form.name, range, declaration: t.form.nameRange };
    case "constraint-id":
      return { kind: "constraint", name: t.form.id, range, declaration: t.form.idRange };
    case "action-arg": {
      const o = doc.checked.objects.get(t.arg.name);
      return o !== undefined ? { kind: "object", name: o.name, range, declaration: o.nameRange } : undefined;
    }
    case "name": {
      if (t.part !== 0) return undefined;
      const base = t.name.parts[0]!;
      const binding = doc.checked.names.get(t.name)?.binding;
      const baseRange = t.name.partRanges[0] ?? t.name.range;
      if (binding?.kind === "object") return { kind: "object", name: base, range: baseRange, declaration: binding.form.nameRange };
      const local = findLocal(doc, located, base);
      if (local !== undefined && (binding === undefined || binding.kind === "local")) {
        return { kind: "local", name: base, range: baseRange, declaration: local.range, local };
      }
      return referenceAt(doc, offset);
    }
    case "quantifier": {
      if (t.part !== "variable") return undefined;
      const q = t.quantifier;
      const local: LocalDeclaration = { name: q.variable, range: q.variableRange, scope: q.body, typeName: q.typeName, declaredBy: "quantifier" };
      return { kind: "local", name: q.variable, range, declaration: q.variableRange, local };
    }
    case "param": {
      if (t.part !== "name") return undefined;
      const decl = paramNameRange(doc.text, t.param);
      const local: LocalDeclaration = { name: t.param.name, range: decl, scope: t.form.body, typeName: t.param.typeName, declaredBy: "parameter" };
      return { kind: "local", name: t.param.name, range, declaration: decl, local };
    }
    default:
      return undefined;
  }
}

const builtinNames: ReadonlySet<string> = new Set([...builtins.keys(), "forall", "exists"]);

function builtinOrExtension(doc: CraftDocument, name: string): boolean {
  return builtinNames.has(name) || doc.checked.registry.get(name) !== undefined;
}

/** A use the checker recorded (a `define` call, an object name, a constraint id). */
function referenceAt(doc: CraftDocument, offset: number): CraftSymbol | undefined {
  for (const r of doc.checked.references) {
    if (contains(r.range, offset) || (offset > 0 && contains(r.range, offset - 1))) {
      return { kind: r.kind, name: r.name, range: r.range, declaration: r.declaration };
    }
  }
  return undefined;
}

/** Every occurrence of a symbol: its declaration first, then its uses in source order. */
export function occurrences(doc: CraftDocument, sym: CraftSymbol): Range[] {
  const decl = sym.declaration;
  if (decl === undefined) return [];
  const uses: Range[] = [];
  if (sym.kind === "local") {
    if (sym.local !== undefined) for (const n of localUses(sym.local.scope, sym.name)) uses.push(n.partRanges[0] ?? n.range);
  } else {
    for (const r of doc.checked.references) {
      if (r.kind === sym.kind && r.name === sym.name && r.declaration.start === decl.start) uses.push(r.range);
    }
    if (sym.kind === "object") {
      // action patterns name bound objects too: (PutObject mug coffee_machine)
      for (const c of doc.checked.constraints) for (const a of c.action?.args ?? []) if (a.name === sym.name) uses.push(a.range);
    }
  }
  const seen = new Set<number>([decl.start]);
  const out: Range[] = [decl];
  for (const r of uses.sort((a, b) => a.start - b.start)) {
    if (seen.has(r.start)) continue;
    seen.add(r.start);
    out.push(r);
  }
  return out;
}
