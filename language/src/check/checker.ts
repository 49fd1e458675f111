// The binder and type checker: resolves names, checks arity and types of
// every call, attributes against the schema, recursion in `define`, and
// duplicate declarations. It never throws; everything it finds is a
// Diagnostic, and it records the type of every expression for the compiler.

import type {
  Call,
  ConstraintForm,
  DefineForm,
  Expr,
  Form,
  ModelForm,
  NameRef,
  ObjectForm,
  PatternArg,
  Program,
  Quantifier,
  TaskForm,
  TypeForm,
} from "../syntax/ast.js";
import type { Range } from "../syntax/source.js";
import { visitCalls } from "../syntax/walk.js";
import { ai2thorSchema } from "./ai2thor-schema.js";
import { builtins, statePredicateFields, type Builtin } from "./builtins.js";
import type { Diagnostic, DiagnosticSeverity } from "./diagnostics.js";
import { RecordedMap } from "./recorded-map.js";
import { PredicateRegistry } from "./registry.js";
import { attributeType, extendSchema, findTypeByName, normalizeTypeKey, type ObjectTypeInfo, type Schema } from "./schema.js";
import { maxArity, minArity, type OptionSpec, type Signature } from "./signature.js";
import { didYouMean } from "./suggest.js";
import { Any, AnyObj, Bool, Duration, Num, Str, Sym, isAssignable, isComparable, obj, parseType, typeToString, type Type } from "./types.js";
import type { TraceVocabulary } from "./vocabulary.js";

export interface CheckOptions {
  /** defaults to the built-in AI2THOR schema */
  readonly schema?: Schema;
  readonly registry?: PredicateRegistry;
  /** names the trace brings: checking "against a trace" */
  readonly vocabulary?: TraceVocabulary;
}

/** What a name denotes, decided by the checker and used by the compiler. */
export type NameBinding =
  /** a quantifier variable or `define` parameter */
  | { readonly kind: "local"; readonly name: string }
  /** an `(object …)` binding */
  | { readonly kind: "object"; readonly name: string; readonly form: ObjectForm }
  /** a trace signal, object id or object type: resolved on each frame */
  | { readonly kind: "global"; readonly name: string };

export interface NameInfo {
  readonly binding: NameBinding;
  /** for `x.attr`: the attribute read from the object */
  readonly attr?: string;
  /** the whole dotted path is a signal name of the trace (`arm.speed`) */
  readonly signalPath?: boolean;
  readonly type: Type;
}

/** A use of a declared name, for go-to-definition, references and rename. */
export interface Reference {
  readonly name: string;
  readonly kind: "define" | "object" | "constraint";
  readonly range: Range;
  readonly declaration: Range;
}

export interface CheckedProgram {
  readonly program: Program;
  readonly diagnostics: readonly Diagnostic[];
  readonly schema: Schema;
  readonly registry: PredicateRegistry;
  readonly task?: TaskForm;
  readonly constraints: readonly ConstraintForm[];
  readonly defines: ReadonlyMap<string, DefineForm>;
  readonly objects: ReadonlyMap<string, ObjectForm>;
  readonly models: readonly ModelForm[];
  /** the type of every checked expression */
  readonly types: ReadonlyMap<Expr, Type>;
  readonly names: ReadonlyMap<NameRef, NameInfo>;
  readonly references: readonly Reference[];
}

const emptyRegistry = new PredicateRegistry();
const noLocals: ReadonlyMap<string, Type> = new Map();
const noActionArgs: readonly PatternArg[] = [];
const noOptionSpecs: readonly OptionSpec[] = [];
/** the scope of a constraint without an :action pattern */
const topScope: Scope = { locals: noLocals, actionArgs: noActionArgs };

/** What a call's operator name denotes (Checker.operator). */
interface Operator {
  /** a `define` of the file (it comes first) … */
  readonly define: DefineForm | undefined;
  /** … else a built-in … */
  readonly builtin: Builtin | undefined;
  /** … or an extension predicate (sig is the built-in's or the extension's signature; neither: unknown) */
  readonly sig: Signature | undefined;
  readonly min: number;
  readonly max: number;
  readonly options: readonly OptionSpec[];
  readonly temporal: boolean;
  /** eq or neq */
  readonly comparison: boolean;
  /** a state predicate such as is_open */
  readonly state: boolean;
  /** the AI2THOR state field a state predicate reads (none for `visible`) */
  readonly stateField: string | undefined;
  /** per object type: whether that type never has stateField (worked out once; only with a stateField) */
  readonly lacksStateField: Map<string, boolean> | undefined;
}

interface Scope {
  readonly locals: ReadonlyMap<string, Type>;
  /** the enclosing constraint's :action pattern arguments: they settle their names (all but `_`) */
  readonly actionArgs: readonly PatternArg[];
  /** quantifier variables in scope */
  readonly quantified?: ReadonlySet<string>;
  /** quantifier variables bound outside the innermost temporal operator */
  readonly barred?: ReadonlySet<string>;
}

/** Whether the scope's :action pattern settles `name`. */
function settles(scope: Scope, name: string): boolean {
  if (name === "_") return false;
  const args = scope.actionArgs;
  for (let i = 0; i < args.length; i++) if (args[i]!.name === name) return true;
  return false;
}

/**
 * A range object of the checker's own, for diagnostics and references: a
 * parsed node is its own range, and results should neither hold nor
 * serialize whole nodes, nor move when incremental analysis moves the AST.
 */
function ownRange(r: Range): Range {
  return { start: r.start, end: r.end };
}

/** The range of part `i` of a name (a one-part name's part is the name: no partRanges array needed). */
function partRange(n: NameRef, i: number): Range {
  return n.parts.length === 1 ? n.range : (n.partRanges[i] ?? n.range);
}

/**
 * Checks a program's forms. `run` takes a whole program; parse-and-check.ts
 * feeds it form by form instead, as the parser builds them: `declare` each
 * form, `seal` once the declarations are complete, then `checkConstraint`.
 */
export class Checker {
  readonly types = new RecordedMap<Expr, Type>();
  readonly names = new RecordedMap<NameRef, NameInfo>();
  readonly references: Reference[] = [];
  readonly defines = new Map<string, DefineForm>();
  readonly objects = new Map<string, ObjectForm>();
  readonly constraints: ConstraintForm[] = [];
  readonly models: ModelForm[] = [];
  task: TaskForm | undefined;
  schema: Schema;
  /** whether the declarations are settled (seal): constraints can be checked from then on */
  sealed = false;
  /** the declarations' own findings (duplicates), in file order: they come first */
  private readonly declarationFindings: Diagnostic[] = [];
  /** everything else, in the order it was checked */
  private readonly findings: Diagnostic[] = [];
  /** where report() writes */
  private sink: Diagnostic[] = this.findings;
  private readonly typeForms: TypeForm[] = [];
  private readonly constraintIds = new Set<string>();
  private readonly defineResults = new Map<string, Type>();
  private nameCandidates: string[] | undefined;

  constructor(
    baseSchema: Schema,
    readonly registry: PredicateRegistry,
    readonly vocabulary: TraceVocabulary | undefined,
  ) {
    this.schema = baseSchema;
  }

  /** Every finding: the declarations' first, then the rest, each in the order found. */
  get diagnostics(): Diagnostic[] {
    return this.declarationFindings.length === 0 ? this.findings : [...this.declarationFindings, ...this.findings];
  }

  report(severity: DiagnosticSeverity, code: string, range: Range, message: string, suggestion?: string): void {
    const own = ownRange(range);
    this.sink.push(suggestion === undefined ? { severity, code, range: own, message } : { severity, code, range: own, message, suggestion });
  }

  /** Checks a whole program: every declaration, then the define bodies, then the constraints. */
  run(forms: readonly Form[]): void {
    for (const form of forms) this.declare(form);
    this.seal();
    for (const c of this.constraints) this.checkConstraint(c);
  }

  // ---- declarations ------------------------------------------------------

  /** Takes one form's declaration: what later forms may refer to, and duplicates. */
  declare(form: Form): void {
    this.sink = this.declarationFindings;
    switch (form.kind) {
      case "task":
        if (this.task) this.report("error", "duplicate", form.nameRange, `a file has one task; ${this.task.name} is already declared`);
        else this.task = form;
        break;
      case "object":
        if (this.objects.has(form.name)) this.report("error", "duplicate", form.nameRange, `object ${form.name} is already bound`);
        else this.objects.set(form.name, form);
        break;
      case "define":
        if (this.defines.has(form.name)) this.report("error", "duplicate", form.nameRange, `${form.name} is already defined`);
        else if (builtins.has(form.name) || this.registry.get(form.name))
          this.report("error", "duplicate", form.nameRange, `${form.name} is a built-in predicate and cannot be redefined`);
        else this.defines.set(form.name, form);
        break;
      case "constraint": {
        if (this.constraintIds.has(form.id)) this.report("error", "duplicate", form.idRange, `constraint ${form.id} is already declared`);
        else this.constraintIds.add(form.id);
        this.constraints.push(form);
        break;
      }
      case "type":
        this.typeForms.push(form);
        break;
      case "model":
        this.models.push(form);
        break;
    }
    this.sink = this.findings;
  }

  /**
   * Settles what the declarations say: declared types join the schema, object
   * bindings and recursion are checked, and so are the define bodies. Call
   * once, after the last object, define and type form.
   */
  seal(): void {
    this.sealed = true;
    this.schema = extendSchema(this.schema, this.typeForms.map((t) => this.typeInfo(t)));
    for (const o of this.objects.values()) this.checkObjectForm(o);
    this.checkRecursion();
    for (const d of this.defines.values()) this.checkDefine(d);
  }

  private typeInfo(form: TypeForm): ObjectTypeInfo {
    const attributes = new Map<string, Type>();
    for (const a of form.attrs) {
      const t = parseType(a.typeText);
      if (!t) {
        this.report("error", "unknown-type", a.typeRange, `unknown type ${a.typeText}; expected Bool, Num, Str, Sym, Vec3, Duration, Obj<T> or Enum{a,b,…}`);
      }
      attributes.set(a.name, t ?? Any);
    }
    return { name: form.name, attributes, doc: `declared at offset ${form.range.start}` };
  }

  private checkObjectForm(form: ObjectForm): void {
    if (form.typeName !== undefined && form.typeRange && !this.knownType(form.typeName)) {
      this.reportUnknownType(form.typeName, form.typeRange);
    }
    if (form.id !== undefined && form.idRange && this.vocabulary && !this.vocabulary.objects.has(form.id)) {
      this.report("error", "unknown-object", form.idRange, `no object with id "${form.id}" in ${this.vocabulary.source}`, didYouMean(form.id, this.vocabulary.objects.keys()));
    }
  }

  /** the type names the checker knows: schema types and trace types */
  private knownType(name: string): string | undefined {
    if (this.schema.types.has(name)) return name;
    if (this.vocabulary?.attributes.has(name)) return name;
    return undefined;
  }

  private reportUnknownType(name: string, range: Range): void {
    const candidates = [...this.schema.types.keys(), ...(this.vocabulary?.attributes.keys() ?? [])];
    const suggestion = didYouMean(name, candidates);
    // An unknown type is a warning: robots bring their own (DESIGN.md "Types").
    this.report(
      "warning",
      "unknown-type",
      range,
      `unknown object type ${name}${suggestion ? `; did you mean ${suggestion}?` : "; declare it with (type " + name + " :attrs …) or check against a trace that has it"}`,
      suggestion,
    );
  }

  private checkRecursion(): void {
    const calls = new Map<string, string[]>();
    for (const d of this.defines.values()) {
      const out: string[] = [];
      visitCalls(d.body, (c) => {
        if (this.defines.has(c.op)) out.push(c.op);
      });
      calls.set(d.name, out);
    }
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (name: string): void => {
      state.set(name, "visiting");
      stack.push(name);
      for (const next of calls.get(name) ?? []) {
        const s = state.get(next);
        if (s === "visiting") {
          const cycle = [...stack.slice(stack.indexOf(next)), next];
          const d = this.defines.get(next)!;
          this.report("error", "recursion", d.nameRange, `recursive definition ${cycle.join(" → ")}: a define may not call itself, directly or indirectly`);
        } else if (s === undefined) visit(next);
      }
      stack.pop();
      state.set(name, "done");
    };
    for (const name of this.defines.keys()) if (!state.has(name)) visit(name);
    for (const [name, s] of state) if (s !== "done") this.defines.delete(name);
  }

  // ---- define and constraint bodies ---------------------------------------

  private checkDefine(d: DefineForm): void {
    if (this.defineResults.has(d.name)) return;
    this.defineResults.set(d.name, Any); // placeholder while checking (recursion is reported above)
    const locals = new Map<string, Type>();
    for (const p of d.params) {
      if (locals.has(p.name)) this.report("error", "duplicate", p.range, `parameter ${p.name} appears twice`);
      let t: Type = Any;
      if (p.typeName !== undefined && p.typeRange) {
        const parsed = parseType(p.typeName);
        if (parsed) t = parsed;
        else {
          if (!this.knownType(p.typeName)) this.reportUnknownType(p.typeName, p.typeRange);
          t = obj(p.typeName);
        }
      }
      locals.set(p.name, t);
    }
    const result = this.expr(d.body, { locals, actionArgs: noActionArgs });
    this.defineResults.set(d.name, result);
  }

  checkConstraint(c: ConstraintForm): void {
    let scope = topScope;
    if (c.action) {
      if (c.type !== "pre" && c.type !== "post" && c.type !== "causal") {
        this.report("warning", "ignored-action", c.action.range, `:action applies to pre, post and causal constraints; a ${c.type} constraint ignores it`);
      }
      scope = { locals: noLocals, actionArgs: c.action.args };
      // (resolving an argument depends only on whether the scope settles that very name)
      for (const arg of c.action.args) if (arg.name !== "_") this.globalBaseType(arg.name, arg.range, scope);
    }
    const t = this.expr(c.body, scope);
    if (!isAssignable(t, Bool)) this.expectType(t, Bool, c.body.range, `the condition of ${c.id}`);
  }

  // ---- expressions ---------------------------------------------------------

  private expr(e: Expr, scope: Scope): Type {
    const t = this.exprUncached(e, scope);
    this.types.record(e, t);
    return t;
  }

  private exprUncached(e: Expr, scope: Scope): Type {
    switch (e.kind) {
      case "literal":
        switch (e.literal.type) {
          case "num":
            return Num;
          case "str":
            return Str;
          case "sym":
            return Sym;
          case "bool":
            return Bool;
          case "duration":
            return Duration;
        }
      // eslint-disable-next-line no-fallthrough
      case "name":
        return this.name(e, scope);
      case "quantifier":
        return this.quantifier(e, scope);
      case "call":
        return this.call(e, scope);
      case "error":
        return Any;
    }
  }

  private quantifier(q: Quantifier, scope: Scope): Type {
    if (!this.knownType(q.typeName)) {
      const byName = findTypeByName(this.schema, q.typeName);
      if (byName) {
        this.report("error", "unknown-type", q.typeRange, `unknown object type ${q.typeName}; did you mean ${byName.name}?`, byName.name);
      } else this.reportUnknownType(q.typeName, q.typeRange);
    }
    const locals = new Map(scope.locals);
    locals.set(q.variable, obj(q.typeName));
    const quantified = new Set(scope.quantified ?? []).add(q.variable);
    const barred = new Set(scope.barred ?? []);
    barred.delete(q.variable);
    const body = this.expr(q.body, { locals, actionArgs: scope.actionArgs, quantified, barred });
    this.expectType(body, Bool, q.body.range, `the body of ${q.quantifier}`);
    return Bool;
  }

  /**
   * What global names `base` and `base.attr` resolved to without a
   * diagnostic: shared, not rebuilt per use.
   * A name resolves the same in every scope where it is not a local, except
   * that an :action pattern may settle it (no ambiguity warning): those have
   * a cache of their own.
   */
  private readonly globalInfos = new Map<readonly string[], NameInfo>();
  private readonly settledInfos = new Map<readonly string[], NameInfo>();

  private name(n: NameRef, scope: Scope): Type {
    const parts = n.parts;
    const base = parts[0]!;
    if (parts.length > 2 || (scope.locals.size !== 0 && scope.locals.has(base))) return this.resolveName(n, scope).type;
    // keyed by the path array, which the parser shares between uses of the same path
    const cache = settles(scope, base) ? this.settledInfos : this.globalInfos;
    const known = cache.get(parts);
    if (known !== undefined) {
      if (known.binding.kind === "object") this.references.push({ name: base, kind: "object", range: ownRange(partRange(n, 0)), declaration: known.binding.form.nameRange });
      this.names.record(n, known);
      return known.type;
    }
    const reported = this.sink.length;
    const info = this.resolveName(n, scope);
    if (this.sink.length === reported) cache.set(parts, info);
    return info.type;
  }

  /** Resolves a name and records (and returns) what it denotes. */
  private resolveName(n: NameRef, scope: Scope): NameInfo {
    const base = n.parts[0]!;
    const pathLength = n.parts.length;
    const baseRange = partRange(n, 0);
    let binding: NameBinding;
    let baseType: Type;
    const local = scope.locals.get(base);
    const bound = this.objects.get(base);
    if (pathLength > 1 && local === undefined && this.vocabulary?.signals.has(n.parts.join("."))) {
      const info: NameInfo = { binding: { kind: "global", name: n.parts.join(".") }, signalPath: true, type: this.vocabulary.signals.get(n.parts.join("."))! };
      return this.record(n, info);
    }
    if (local !== undefined && scope.barred?.has(base)) {
      this.report(
        "error",
        "temporal-variable",
        baseRange,
        `${base} is bound by a quantifier outside this temporal operator, which looks at other frames where ${base} has no value; put the quantifier inside the temporal operator`,
      );
    }
    if (local !== undefined) {
      binding = { kind: "local", name: base };
      baseType = local;
    } else if (bound) {
      binding = { kind: "object", name: base, form: bound };
      baseType = bound.typeName !== undefined ? obj(bound.typeName) : this.vocabularyObjectType(bound.id) ?? AnyObj;
      this.references.push({ name: base, kind: "object", range: ownRange(baseRange), declaration: bound.nameRange });
    } else {
      binding = { kind: "global", name: base };
      baseType = this.globalBaseType(base, baseRange, scope);
    }
    if (pathLength === 1) return this.record(n, { binding, type: baseType });
    if (pathLength > 2) {
      this.report("error", "bad-path", n.range, `${n.parts.join(".")}: expected object.attribute (one attribute), or a signal of that name`);
      return this.record(n, { binding, attr: n.parts.slice(1).join("."), type: Any });
    }
    const attr = n.parts[1]!;
    const attrType = this.attribute(baseType, attr, partRange(n, 1), base);
    return this.record(n, { binding, attr, type: attrType });
  }

  private record(n: NameRef, info: NameInfo): NameInfo {
    this.names.record(n, info);
    return info;
  }

  private vocabularyObjectType(id: string | undefined): Type | undefined {
    if (id === undefined) return undefined;
    const t = this.vocabulary?.objects.get(id);
    return t === undefined ? undefined : obj(t);
  }

  /** names that resolved cleanly (no diagnostic), by name: most files use a few names many times */
  private readonly resolvedGlobals = new Map<string, Type>();

  /** The type of a global name: a signal, an object id, or an object type. */
  private globalBaseType(name: string, range: Range, scope: Scope): Type {
    const cached = this.resolvedGlobals.get(name);
    if (cached !== undefined) return cached;
    const reported = this.sink.length;
    const t = this.resolveGlobal(name, range, scope);
    // ambiguity depends on the constraint's action pattern: cache only what no scope can change
    if (this.sink.length === reported && !settles(scope, name)) this.resolvedGlobals.set(name, t);
    return t;
  }

  private resolveGlobal(name: string, range: Range, scope: Scope): Type {
    const vocab = this.vocabulary;
    const signal = vocab?.signals.get(name);
    if (signal) return signal;
    const byId = vocab?.objects.get(name);
    if (byId !== undefined) return obj(byId);
    const schemaType = findTypeByName(this.schema, name);
    if (vocab) {
      const key = normalizeTypeKey(name);
      const matches = [...vocab.objects].filter(([, type]) => normalizeTypeKey(type) === key);
      if (matches.length > 1 && !settles(scope, name)) {
        this.report(
          "warning",
          "ambiguous-name",
          range,
          `${name} matches ${matches.length} objects in ${vocab.source} (${matches.map(([id]) => id).slice(0, 5).join(", ")}${matches.length > 5 ? ", …" : ""}); bind one with (object ${name} ${matches[0]![1]} :id "…")`,
        );
      }
      if (matches.length > 0) return obj(matches[0]![1]);
      if (schemaType) {
        this.report("warning", "absent-object", range, `no ${schemaType.name} in ${vocab.source}: ${name} will be unknown`);
        return obj(schemaType.name);
      }
      const suggestion = didYouMean(name, this.candidates(scope));
      this.report(
        "error",
        "unknown-name",
        range,
        `unknown name ${name}: no signal, object id or object type of that name in ${vocab.source}${suggestion ? `; did you mean ${suggestion}?` : ""}`,
        suggestion,
      );
      return Any;
    }
    if (schemaType) return obj(schemaType.name);
    const suggestion = didYouMean(name, this.candidates(scope));
    if (suggestion) {
      this.report("error", "unknown-name", range, `unknown name ${name}; did you mean ${suggestion}?`, suggestion);
    } else {
      this.report(
        "info",
        "trace-name",
        range,
        `${name} is not an object type or binding; it must be a signal or object id of the trace`,
      );
    }
    return Any;
  }

  private candidates(scope: Scope): string[] {
    if (!this.nameCandidates) {
      const names = new Set<string>(this.objects.keys());
      for (const t of this.schema.types.keys()) names.add(snakeCase(t));
      if (this.vocabulary) {
        for (const s of this.vocabulary.signals.keys()) names.add(s);
        for (const [id, t] of this.vocabulary.objects) {
          names.add(id);
          names.add(snakeCase(t));
        }
      }
      this.nameCandidates = [...names];
    }
    return [...scope.locals.keys(), ...this.nameCandidates];
  }

  private attribute(objType: Type, attr: string, range: Range, base: string): Type {
    if (objType.kind === "Any") return Any;
    if (objType.kind !== "Obj") {
      this.report("error", "type", range, `${base} is ${typeToString(objType)}, not an object: it has no attribute ${attr}`);
      return Any;
    }
    const typeName = objType.objectType;
    const fromSchema = attributeType(this.schema, typeName, attr);
    if (fromSchema) return fromSchema;
    const fromTrace = typeName !== undefined ? this.vocabulary?.attributes.get(typeName)?.get(attr) : undefined;
    if (fromTrace) return fromTrace;
    if (typeName === undefined) return Any;
    const stateType = this.schema.stateAttributes?.get(attr);
    if (stateType && this.schema.types.has(typeName)) {
      if (!this.vocabulary) this.report("warning", "never-set", range, `${typeName} objects have no ${attr} in the schema: it is unknown unless the trace sets it`);
      return stateType;
    }
    if (this.schema.types.has(typeName)) {
      const known = [...this.schema.commonAttributes.keys(), ...(this.schema.types.get(typeName)?.attributes.keys() ?? [])];
      const suggestion = didYouMean(attr, known);
      const severity = this.vocabulary?.attributes.has(typeName) ? "error" : this.vocabulary ? "warning" : "error";
      this.report(severity, "unknown-attribute", range, `${typeName} has no attribute ${attr}${suggestion ? `; did you mean ${suggestion}?` : ""}`, suggestion);
    }
    return Any;
  }

  /** what each operator name denotes: worked out on its first call, once the declarations are settled */
  private readonly operators = new Map<string, Operator>();

  private operator(op: string): Operator {
    let o = this.operators.get(op);
    if (o === undefined) {
      const define = this.defines.get(op);
      const builtin = define === undefined ? builtins.get(op) : undefined;
      const sig = define === undefined ? (builtin ?? this.registry.get(op)) : undefined;
      const stateField = builtin?.kind === "state" && op !== "visible" ? statePredicateFields[op] : undefined;
      o = {
        define,
        builtin,
        sig,
        min: sig !== undefined ? minArity(sig) : 0,
        max: sig !== undefined ? maxArity(sig) : 0,
        options: sig?.options ?? noOptionSpecs,
        temporal: builtin?.kind === "temporal",
        comparison: sig !== undefined && (op === "eq" || op === "neq"),
        state: builtin?.kind === "state",
        stateField,
        lacksStateField: stateField !== undefined ? new Map() : undefined,
      };
      this.operators.set(op, o);
    }
    return o;
  }

  private call(c: Call, scope: Scope): Type {
    const operator = this.operator(c.op);
    const define = operator.define;
    if (define) {
      this.references.push({ name: c.op, kind: "define", range: c.opRange, declaration: define.nameRange });
      this.checkOptions(c, noOptionSpecs);
      if (c.argCount !== define.params.length) {
        this.report("error", "arity", c.opRange, `${c.op} takes ${define.params.length} argument${define.params.length === 1 ? "" : "s"}, got ${c.argCount}`);
      }
      for (let i = 0; i < c.argCount; i++) {
        const a = c.arg(i);
        const t = this.expr(a, scope);
        const p = define.params[i];
        if (p?.typeName !== undefined) {
          const expected = parseType(p.typeName) ?? obj(p.typeName);
          this.expectType(t, expected, a.range, `argument ${p.name} of ${c.op}`);
        }
      }
      this.checkDefine(define);
      return this.defineResults.get(c.op) ?? Any;
    }
    const sig = operator.sig;
    if (!sig) {
      for (let i = 0; i < c.argCount; i++) this.expr(c.arg(i), scope);
      const known = [...builtins.keys(), ...this.defines.keys(), ...this.registry.names()];
      const suggestion = didYouMean(c.op, known);
      this.report("error", "unknown-predicate", c.opRange, `unknown predicate ${c.op}${suggestion ? `; did you mean ${suggestion}?` : ""}`, suggestion);
      return Any;
    }
    this.checkOptions(c, operator.options);
    const { min, max } = operator;
    if (c.argCount < min || c.argCount > max) {
      const expected = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
      this.report("error", "arity", c.opRange, `${c.op} takes ${expected} argument${expected === "1" ? "" : "s"}, got ${c.argCount}`);
    }
    const argScope: Scope =
      operator.temporal && scope.quantified?.size
        ? { ...scope, barred: new Set([...(scope.barred ?? []), ...scope.quantified]), quantified: new Set() }
        : scope;
    // the first two argument types are all the checks below read
    let first: Type | undefined;
    let second: Type | undefined;
    for (let i = 0; i < c.argCount; i++) {
      const a = c.arg(i);
      const t = this.expr(a, argScope);
      const p = i < sig.params.length ? sig.params[i] : sig.rest;
      if (p && !isAssignable(t, p.type)) this.expectType(t, p.type, a.range, `argument ${p.name} of ${c.op}`);
      if (i === 0) first = t;
      else if (i === 1) second = t;
    }
    if (operator.comparison && c.argCount === 2) this.checkComparison(c, first!, second!);
    if (operator.state) this.checkStatePredicate(c, operator, first);
    return sig.result;
  }

  private checkOptions(c: Call, allowed: readonly OptionSpec[]): void {
    if (c.options.length === 0) return;
    for (const o of c.options) {
      const spec = allowed.find((s) => s.keyword === o.keyword);
      if (!spec) {
        const suggestion = didYouMean(o.keyword, allowed.map((s) => s.keyword));
        const list = allowed.length ? `; ${c.op} accepts ${allowed.map((s) => ":" + s.keyword).join(", ")}` : `; ${c.op} takes no options`;
        this.report("error", "unknown-option", o.keywordRange, `unknown option :${o.keyword}${suggestion ? ` (did you mean :${suggestion}?)` : list}`, suggestion && ":" + suggestion);
        continue;
      }
      if (o.values.length !== spec.arity) {
        this.report("error", "arity", o.keywordRange, `:${o.keyword} takes ${spec.arity} value${spec.arity === 1 ? "" : "s"}, got ${o.values.length}`);
      }
      for (const v of o.values) {
        if (v.kind !== "literal" || (v.literal.type !== "num" && v.literal.type !== "duration") || (v.literal.type === "num" && (v.literal.value < 0 || !Number.isInteger(v.literal.value)))) {
          this.report("error", "type", v.range, `:${o.keyword} expects a whole number of frames (10) or a duration (5s, 200ms)`);
        } else this.types.record(v, v.literal.type === "num" ? Num : Duration);
      }
      if (o.values.length === 2) {
        const [lo, hi] = o.values.map(windowBoundSeconds);
        const units = o.values.map((v) => (v.kind === "literal" ? v.literal.type : ""));
        if (units[0] !== units[1]) this.report("error", "type", o.range, `:${o.keyword} bounds must use the same unit (both frames or both durations)`);
        else if (lo !== undefined && hi !== undefined && lo > hi) this.report("error", "type", o.range, `:${o.keyword} ${lo} is after ${hi}: the window is empty`);
      }
    }
    const keywords = c.options.map((o) => o.keyword);
    if (keywords.length > 1) this.report("error", "unknown-option", c.options[1]!.keywordRange, `${c.op} takes one window option, got ${keywords.map((k) => ":" + k).join(" and ")}`);
  }

  private checkComparison(c: Call, a: Type, b: Type): void {
    if (!isComparable(a, b)) {
      this.report("error", "type", c.range, `cannot compare ${typeToString(a)} with ${typeToString(b)}`);
      return;
    }
    const x = c.arg(0);
    const y = c.arg(1);
    this.checkEnumLiteral(a, y);
    this.checkEnumLiteral(b, x);
  }

  /** `(eq x.temperature 'Hott)`: a symbol that is no value of the enum. */
  private checkEnumLiteral(t: Type, e: Expr): void {
    if (t.kind !== "Enum" || e.kind !== "literal" || (e.literal.type !== "sym" && e.literal.type !== "str")) return;
    const value = e.literal.value;
    if (t.values.includes(value)) return;
    const suggestion = didYouMean(value, t.values);
    this.report("error", "enum-value", e.range, `${value} is not one of ${t.values.join(", ")}${suggestion ? `; did you mean '${suggestion}?` : ""}`, suggestion && `'${suggestion}`);
  }

  /** `(is_open mug)`: a state the object's type never has. */
  private checkStatePredicate(c: Call, o: Operator, t: Type | undefined): void {
    const field = o.stateField;
    if (field && t?.kind === "Obj" && t.objectType !== undefined) {
      let lacks = o.lacksStateField!.get(t.objectType);
      if (lacks === undefined) {
        lacks =
          this.schema.types.has(t.objectType) &&
          !attributeType(this.schema, t.objectType, field) &&
          !this.vocabulary?.attributes.get(t.objectType)?.has(field);
        o.lacksStateField!.set(t.objectType, lacks);
      }
      if (lacks) this.report("warning", "never-set", c.range, `${t.objectType} objects have no ${field}: (${c.op} …) will be unknown`);
    }
    if (c.op === "filled" && c.argCount === 2 && t?.kind === "Obj") {
      const liquid = attributeType(this.schema, t.objectType, "fillLiquid");
      if (liquid) this.checkEnumLiteral(liquid, c.arg(1));
    }
  }

  private expectType(actual: Type, expected: Type, range: Range, what: string): void {
    if (!isAssignable(actual, expected)) {
      this.report("error", "type", range, `${what} must be ${typeToString(expected)}, but this is ${typeToString(actual)}`);
    }
  }
}

function windowBoundSeconds(e: Expr): number | undefined {
  if (e.kind !== "literal") return undefined;
  if (e.literal.type === "num") return e.literal.value;
  if (e.literal.type === "duration") return e.literal.seconds;
  return undefined;
}

/** "CoffeeMachine" → "coffee_machine" */
export function snakeCase(typeName: string): string {
  return typeName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2").toLowerCase();
}


/** Checks a parsed program against a schema (and optionally a trace's names). */
export function check(program: Program, options: CheckOptions = {}): CheckedProgram {
  const checker = newChecker(options);
  checker.run(program.forms);
  return checkedProgram(program, checker);
}

export function newChecker(options: CheckOptions): Checker {
  return new Checker(options.schema ?? ai2thorSchema, options.registry ?? emptyRegistry, options.vocabulary);
}

/** What a checker found about a program, once it has checked all of it. */
export function checkedProgram(program: Program, checker: Checker): CheckedProgram {
  return {
    program,
    diagnostics: checker.diagnostics,
    schema: checker.schema,
    registry: checker.registry,
    ...(checker.task ? { task: checker.task } : {}),
    constraints: checker.constraints,
    defines: checker.defines,
    objects: checker.objects,
    models: checker.models,
    types: checker.types,
    names: checker.names,
    references: checker.references,
  };
}
