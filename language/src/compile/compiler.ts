// Compiles a checked program into closures, once. Defines are inlined with
// their arguments compiled once per call site; names become per-frame
// resolvers; every atom knows its source text for traces.

import type { CheckedProgram } from "../check/checker.js";
import { builtins, statePredicateFields } from "../check/builtins.js";
import { normalizeTypeKey } from "../check/schema.js";
import { maxArity, minArity } from "../check/signature.js";
import type { ActionPattern, Call, ConstraintForm, Expr, NameRef } from "../syntax/ast.js";
import type { EvalContext, TermValue } from "../eval/context.js";
import { F, T, U, type Aggregation } from "../eval/truth.js";
import type { CompiledTerm, FormulaFn } from "./compiled.js";
import { booleanTermAtom, comparisonAtom, extensionAtom, extensionTerm, holdingOneAtom, relationAtom, statePredicateAtom } from "./atoms.js";
import { junction, negation, quantifier } from "./logic.js";
import { arithmeticTerm, attributeTerm, boundObjectTerm, distanceTerm, globalNameTerm, literalTerm, signalPathTerm, slotTerm } from "./terms.js";
import { TemporalCompiler } from "./temporal.js";
import { AtomMemo, fuse, fuseBatch, type FormulaBatch, type Shape } from "./fuse.js";
import type { AtomSite } from "../eval/atom-site.js";

/** One argument of a compiled `:action` pattern. */
export interface PatternArgMatcher {
  readonly name: string;
  /** slot the matched object is bound to, for the constraint's body */
  readonly slot: number | undefined;
  matches(id: string, type: string | undefined): boolean;
}

export interface CompiledActionPattern {
  readonly name: string;
  readonly args: readonly PatternArgMatcher[];
  readonly text: string;
}

export interface CompiledConstraint {
  readonly form: ConstraintForm;
  readonly formula: FormulaFn;
  readonly action?: CompiledActionPattern;
  /** contains future operators: settles when the trace ends */
  readonly deferred: boolean;
}

export interface CompiledProgram {
  readonly checked: CheckedProgram;
  readonly aggregation: Aggregation;
  readonly constraints: readonly CompiledConstraint[];
  /** number of local slots the evaluation context needs */
  readonly slotCount: number;
  /** stateful temporal operators, stepped once per frame by the monitor */
  readonly temporal: TemporalCompiler;
  /** the invariants without future operators, evaluated together on every frame */
  readonly invariants: InvariantBatch;
}

/** Streaming invariants fused into a batch: formula i is constraints[i]'s. */
export interface InvariantBatch extends FormulaBatch {
  readonly constraints: readonly CompiledConstraint[];
}

export interface CompileOptions {
  readonly aggregation?: Aggregation;
}

/** What a local name stands for while compiling a body. */
type Local =
  /** an action argument or quantifier variable, read from a slot */
  | { readonly kind: "term"; readonly term: CompiledTerm; readonly origin: "action" | "quantifier" }
  /** a define parameter: the call site's argument, compiled lazily once per use kind */
  | { kind: "arg"; readonly expr: Expr; readonly env: Env; formula?: FormulaFn; term?: CompiledTerm };

type Env = ReadonlyMap<string, Local>;

const constantTruth = (t: typeof T | typeof F | typeof U, conf: number): FormulaFn => (ctx) => {
  ctx.conf = conf;
  if (ctx.atoms !== null) ctx.decisive = [];
  return t;
};

class Compiler {
  private slotCount = 0;
  private nextSlot = 0;
  readonly temporal: TemporalCompiler;

  constructor(
    readonly checked: CheckedProgram,
    readonly aggregation: Aggregation,
  ) {
    this.temporal = new TemporalCompiler(aggregation);
  }

  get slots(): number {
    return this.slotCount;
  }

  private allocSlot(): number {
    const s = this.nextSlot++;
    if (this.nextSlot > this.slotCount) this.slotCount = this.nextSlot;
    return s;
  }

  /**
   * Source text of an expression with whitespace collapsed, as atoms show it.
   * Inside an inlined define, parameters read as the call's arguments:
   * `x.isDirty` in `(clean mug)` shows as `mug.isDirty`.
   */
  text(e: Expr, env?: Env): string {
    let text = this.checked.program.text.slice(e.range.start, e.range.end).replace(/\s+/g, " ");
    if (env) {
      for (const [name, local] of env) {
        if (local.kind !== "arg") continue;
        const arg = this.text(local.expr, local.env);
        text = text.replace(new RegExp(`(?<![\\w.'])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=[\\s().]|$)`, "g"), arg);
      }
    }
    return text;
  }

  constraint(form: ConstraintForm): CompiledConstraint {
    this.nextSlot = 0;
    const firstCell = this.temporal.cells.length;
    const env = new Map<string, Local>();
    let action: CompiledActionPattern | undefined;
    if (form.action && (form.type === "pre" || form.type === "post" || form.type === "causal")) {
      action = this.actionPattern(form.action, env);
    }
    const tree = this.formula(form.body, env);
    const deferred = this.temporal.deferIfFuture(firstCell);
    // streaming invariants run fused in the program's batch (invariants()); alone they run only with traces, which take the tree
    const formula = form.type === "invariant" && !deferred ? tree : fuse(tree, this.shapes, this.memo);
    const compiled = action ? { form, formula, action, deferred } : { form, formula, deferred };
    this.trees.set(compiled, tree);
    return compiled;
  }

  /** each constraint's closure tree, which batches fuse afresh */
  private readonly trees = new Map<CompiledConstraint, FormulaFn>();

  /** Fuses what temporal cells run on every frame, once every constraint is compiled. */
  fuseStreaming(): void {
    this.temporal.fuseStreaming(this.shapes, this.memo);
  }

  /** The invariants that settle as frames arrive, fused into batches evaluated on every frame. */
  invariants(constraints: readonly CompiledConstraint[]): InvariantBatch {
    const streaming = constraints.filter((c) => c.form.type === "invariant" && !c.deferred);
    const batch = fuseBatch(streaming.map((c) => this.trees.get(c)!), this.shapes, this.memo);
    return { constraints: streaming, ...batch };
  }

  private actionPattern(p: ActionPattern, env: Map<string, Local>): CompiledActionPattern {
    const args = p.args.map((a): PatternArgMatcher => {
      if (a.name === "_") return { name: a.name, slot: undefined, matches: () => true };
      const slot = this.allocSlot();
      env.set(a.name, { kind: "term", term: slotTerm(a.name, slot), origin: "action" });
      const binding = this.checked.objects.get(a.name);
      if (binding?.id !== undefined) {
        const id = binding.id;
        return { name: a.name, slot, matches: (actual) => actual === id };
      }
      const key = normalizeTypeKey(binding?.typeName ?? a.name);
      return { name: a.name, slot, matches: (actual, type) => actual === a.name || (type !== undefined && normalizeTypeKey(type) === key) };
    });
    const text = this.checked.program.text.slice(p.range.start, p.range.end);
    return { name: p.name, args, text };
  }

  /** connective structure, for fusing each constraint into one function (Kleene only) */
  readonly shapes = new Map<FormulaFn, Shape>();

  private not(child: FormulaFn): FormulaFn {
    const f = negation(child);
    if (this.aggregation === "kleene") this.shapes.set(f, { op: "not", child });
    return f;
  }

  private junction(op: "and" | "or", children: FormulaFn[]): FormulaFn {
    const f = junction(op, children, this.aggregation);
    if (this.aggregation === "kleene" && children.length > 1) this.shapes.set(f, { op, children });
    return f;
  }

  /** Compiles an atom with its site, which explanations use to re-evaluate it on earlier frames. */
  private atom(expr: string, env: Env, build: (site: AtomSite) => FormulaFn): FormulaFn {
    // the same atom in many constraints is evaluated once per frame (when it reads no local bindings)
    const shareable = !envHasSlots(env);
    const shared = shareable ? this.sharedAtoms.get(expr) : undefined;
    if (shared) return shared;
    const site: AtomSite = { expr };
    const cellsBefore = this.temporal.cells.length;
    const f = build(site);
    // atoms that read temporal cells see only the current state: they cannot be replayed
    if (this.temporal.cells.length !== cellsBefore) return f;
    site.probe = f;
    if (!shareable) return f;
    const memoized = this.memo.add(f);
    this.sharedAtoms.set(expr, memoized);
    return memoized;
  }

  private readonly sharedAtoms = new Map<string, FormulaFn>();
  /** the shared atoms' results per frame, which fused code reads inline */
  private readonly memo = new AtomMemo();

  // ---- formulas --------------------------------------------------------------

  formula(e: Expr, env: Env): FormulaFn {
    switch (e.kind) {
      case "literal":
        if (e.literal.type === "bool") return constantTruth(e.literal.value ? T : F, 1);
        return this.atom(this.text(e, env), env, (site) => booleanTermAtom(this.term(e, env), site));
      case "name": {
        const local = e.parts.length === 1 ? env.get(e.parts[0]!) : undefined;
        if (local?.kind === "arg") return this.argFormula(local);
        return this.atom(this.text(e, env), env, (site) => booleanTermAtom(this.term(e, env), site));
      }
      case "quantifier": {
        const slot = this.allocSlot();
        const inner = new Map(env);
        inner.set(e.variable, { kind: "term", term: slotTerm(e.variable, slot), origin: "quantifier" });
        const body = this.formula(e.body, inner);
        this.nextSlot--;
        return quantifier(e.quantifier, e.variable, e.typeName, slot, body, this.aggregation);
      }
      case "call":
        return this.callFormula(e, env);
      case "error":
        return unknownFormula("the expression did not parse");
    }
  }

  private argFormula(local: Local & { kind: "arg" }): FormulaFn {
    if (!local.formula) local.formula = this.formula(local.expr, local.env);
    return local.formula;
  }

  private callFormula(c: Call, env: Env): FormulaFn {
    const define = this.checked.defines.get(c.op);
    if (define) return this.formula(define.body, this.defineEnv(c, env));
    const args = c.args;
    const text = this.text(c, env);
    const builtin = builtins.get(c.op);
    if (!arityOk(c, this.checked)) return unknownFormula(`${c.op} has the wrong number of arguments`);
    if (builtin) {
      switch (builtin.kind) {
        case "logic":
          if (c.op === "not") return this.not(this.formula(args[0]!, env));
          if (c.op === "implies") return this.junction("or", [this.not(this.formula(args[0]!, env)), this.formula(args[1]!, env)]);
          return this.junction(c.op as "and" | "or", args.map((a) => this.formula(a, env)));
        case "compare":
          return this.atom(text, env, (site) => comparisonAtom(c.op, this.term(args[0]!, env), this.term(args[1]!, env), site));
        case "relation":
          if (c.op === "holding" && args.length === 1) return this.atom(text, env, (site) => holdingOneAtom(this.term(args[0]!, env), site));
          return this.atom(text, env, (site) => relationAtom(c.op, this.term(args[0]!, env), this.term(args[1]!, env), args[2] && this.term(args[2], env), site));
        case "state": {
          const field = c.op === "visible" ? "visible" : statePredicateFields[c.op]!;
          return this.atom(text, env, (site) => statePredicateAtom(field, this.term(args[0]!, env), args[1] && this.term(args[1], env), site));
        }
        case "temporal": {
          const operandEnv = this.temporalEnv(env);
          // operands run on every frame: fused like whole constraints once all is compiled (fuseStreaming)
          return this.temporal.operator(c, args.map((a) => this.formula(a, operandEnv)), text);
        }
        default:
          break;
      }
    }
    const ext = this.checked.registry.get(c.op);
    if (ext && ext.result.kind === "Bool") return this.atom(text, env, (site) => extensionAtom(ext, args.map((a) => this.term(a, env)), site));
    if (builtin || ext) return this.atom(text, env, (site) => booleanTermAtom(this.term(c, env), site));
    return unknownFormula(`${c.op} is not a predicate`);
  }

  /**
   * Temporal operands are evaluated on every frame, not only where the
   * constraint's action matched: action arguments there resolve by name,
   * as they would outside the pattern.
   */
  private temporalEnv(env: Env): Env {
    const out = new Map<string, Local>();
    for (const [name, local] of env) {
      if (local.kind === "arg") out.set(name, { kind: "arg", expr: local.expr, env: this.temporalEnv(local.env) });
      else if (local.origin === "action") out.set(name, { kind: "term", term: this.globalTerm(name), origin: "action" });
      else out.set(name, local);
    }
    return out;
  }

  /** one resolver per global name, shared by every constraint (it caches per frame) */
  private readonly globals = new Map<string, CompiledTerm>();

  private globalTerm(name: string): CompiledTerm {
    let term = this.globals.get(name);
    if (!term) {
      const binding = this.checked.objects.get(name);
      term = binding ? boundObjectTerm(name, binding.id, binding.typeName) : globalNameTerm(name);
      this.globals.set(name, term);
    }
    return term;
  }

  private defineEnv(c: Call, env: Env): Env {
    const define = this.checked.defines.get(c.op)!;
    const inner = new Map<string, Local>();
    define.params.forEach((p, i) => {
      const arg = c.args[i];
      if (arg) inner.set(p.name, { kind: "arg", expr: arg, env });
    });
    return inner;
  }

  // ---- terms -----------------------------------------------------------------

  term(e: Expr, env: Env): CompiledTerm {
    switch (e.kind) {
      case "literal": {
        const l = e.literal;
        const value: TermValue = l.type === "duration" ? l.seconds : l.value;
        return literalTerm(value, l.type === "sym" ? `'${l.value}` : this.text(e, env));
      }
      case "name":
        return this.nameTerm(e, env);
      case "call":
        return this.callTerm(e, env);
      case "quantifier":
        return formulaAsTerm(this.formula(e, env), this.text(e, env));
      case "error":
        return unknownTerm("the expression did not parse", "?");
    }
  }

  private nameTerm(n: NameRef, env: Env): CompiledTerm {
    const info = this.checked.names.get(n);
    const base = n.parts[0]!;
    if (info?.signalPath) return signalPathTerm(n.parts.join("."));
    let baseTerm: CompiledTerm;
    const local = env.get(base);
    if (local?.kind === "term") baseTerm = local.term;
    else if (local?.kind === "arg") {
      if (!local.term) local.term = this.term(local.expr, local.env);
      baseTerm = local.term;
    } else baseTerm = this.globalTerm(base);
    if (n.parts.length === 1) return baseTerm;
    return attributeTerm(baseTerm, n.parts.slice(1).join("."));
  }

  private callTerm(c: Call, env: Env): CompiledTerm {
    const text = this.text(c, env);
    const define = this.checked.defines.get(c.op);
    if (define) {
      const inner = this.defineEnv(c, env);
      const t = this.checked.types.get(define.body);
      return t?.kind === "Bool" ? formulaAsTerm(this.formula(define.body, inner), text) : this.term(define.body, inner);
    }
    const builtin = builtins.get(c.op);
    if (!arityOk(c, this.checked)) return unknownTerm(`${c.op} has the wrong number of arguments`, text);
    if (builtin?.kind === "arith") return arithmeticTerm(c.op, c.args.map((a) => this.term(a, env)), text);
    if (builtin?.kind === "geometry") return distanceTerm(this.term(c.args[0]!, env), this.term(c.args[1]!, env), text);
    const ext = this.checked.registry.get(c.op);
    if (ext && ext.result.kind !== "Bool") return extensionTerm(ext, c.args.map((a) => this.term(a, env)), text);
    if (builtin || ext) return formulaAsTerm(this.callFormula(c, env), text);
    return unknownTerm(`${c.op} is not a predicate`, text);
  }
}

/** Does anything in scope come from a slot (an action argument or quantifier variable)? */
function envHasSlots(env: Env): boolean {
  for (const local of env.values()) {
    if (local.kind === "term" || envHasSlots(local.env)) return true;
  }
  return false;
}

/** Calls the checker rejected for arity compile to unknown rather than to a crash. */
function arityOk(c: Call, checked: CheckedProgram): boolean {
  const sig = builtins.get(c.op) ?? checked.registry.get(c.op);
  if (!sig) return true;
  return c.args.length >= minArity(sig) && c.args.length <= maxArity(sig);
}

/** What a program with errors evaluates to where the error is: unknown, with why. */
function unknownTerm(reason: string, text: string): CompiledTerm {
  return {
    fn: (ctx) => {
      ctx.conf = 0;
      ctx.unknownReason = reason;
      return undefined;
    },
    describe: () => text,
  };
}

function unknownFormula(reason: string): FormulaFn {
  return (ctx) => {
    ctx.conf = 0;
    if (ctx.atoms !== null) {
      ctx.decisive = [ctx.atoms.length];
      ctx.atoms.push({ expr: "?", value: null, confidence: 0, source: "state_check", reason });
    }
    return U;
  };
}

/** A formula used where a value is expected (`(eq (inside a b) true)`). */
function formulaAsTerm(f: FormulaFn, text: string): CompiledTerm {
  return {
    fn: (ctx: EvalContext) => {
      const t = f(ctx);
      if (t === U) {
        ctx.unknownReason = `${text} is unknown`;
        return undefined;
      }
      return t === T;
    },
    describe: () => text,
  };
}

export function compile(checked: CheckedProgram, options: CompileOptions = {}): CompiledProgram {
  const aggregation = options.aggregation ?? "kleene";
  const compiler = new Compiler(checked, aggregation);
  const constraints = checked.constraints.map((c) => compiler.constraint(c));
  compiler.temporal.ensureSlots(compiler.slots);
  compiler.fuseStreaming();
  const invariants = compiler.invariants(constraints);
  return { checked, aggregation, constraints, invariants, slotCount: compiler.slots, temporal: compiler.temporal };
}
