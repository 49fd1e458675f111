// Fuses a constraint's connectives (and, or, not, implies under Kleene
// aggregation) into one generated function. The closure tree stays the
// reference semantics and the path for atom traces; the fused function only
// removes the calls between connectives. Where code cannot be generated
// (a page whose content security policy forbids it), the closures run.
//
// What runs on every frame (the streaming invariants, the temporal cells'
// operands) is fused a few dozen formulas per function instead (fuseBatch,
// fuseSteps): one call per chunk rather than one per constraint, each atom
// called from a site of its own.
//
// Atoms shared by several constraints are evaluated once per frame and kept
// in a memo table of typed arrays, keyed by the frame's serial: fused code
// reads a result with two loads, and stores no pointers (no write barriers).

import type { EvalContext } from "../eval/context.js";
import type { Truth } from "../eval/truth.js";
import type { FormulaFn } from "./compiled.js";

/**
 * The results of the atoms shared between constraints, for the frame each
 * was last evaluated on. One per compiled program.
 */
export class AtomMemo {
  /** serial of the frame each result is for (0: none; serials start at 1) */
  stamp = new Float64Array(16);
  truth = new Uint8Array(16);
  conf = new Float64Array(16);
  /** the atoms themselves, evaluated on a miss */
  private readonly atoms: FormulaFn[] = [];
  /** the memoising closure of each atom, for the closure tree; maps back to its index */
  private readonly index = new Map<FormulaFn, number>();

  /** Registers a shared atom; returns the closure that evaluates it at most once per frame. */
  add(atom: FormulaFn): FormulaFn {
    const i = this.atoms.length;
    if (i === this.stamp.length) this.grow();
    this.atoms.push(atom);
    const memoized: FormulaFn = (ctx) => {
      // atom traces re-evaluate it, to record the atom in each constraint's trace
      if (ctx.atoms !== null) return atom(ctx);
      if (this.stamp[i] === ctx.frame.serial) {
        ctx.conf = this.conf[i]!;
        return this.truth[i] as Truth;
      }
      return this.miss(i, ctx);
    };
    this.index.set(memoized, i);
    return memoized;
  }

  /** the atom behind table index i */
  atomAt(i: number): FormulaFn {
    return this.atoms[i]!;
  }

  /** the table index of a memoising closure made by `add` */
  indexOf(f: FormulaFn): number | undefined {
    return this.index.get(f);
  }

  /** Evaluates atom i on ctx.frame and remembers the result (confidence left in ctx.conf). */
  private miss(i: number, ctx: EvalContext): Truth {
    const t = this.atoms[i]!(ctx);
    this.stamp[i] = ctx.frame.serial;
    this.truth[i] = t;
    this.conf[i] = ctx.conf;
    return t;
  }

  private grow(): void {
    const n = this.stamp.length * 2;
    const stamp = new Float64Array(n);
    const truth = new Uint8Array(n);
    const conf = new Float64Array(n);
    stamp.set(this.stamp);
    truth.set(this.truth);
    conf.set(this.conf);
    this.stamp = stamp;
    this.truth = truth;
    this.conf = conf;
  }
}

/** The connective structure of a formula node, recorded by the compiler. */
export type Shape = { readonly op: "and" | "or"; readonly children: readonly FormulaFn[] } | { readonly op: "not"; readonly child: FormulaFn };

/** Fuses `root` when it is a connective; returns it unchanged otherwise. */
export function fuse(root: FormulaFn, shapes: ReadonlyMap<FormulaFn, Shape>, memo: AtomMemo = new AtomMemo()): FormulaFn {
  if (!shapes.has(root)) return root;
  const code = new Emitter(shapes, memo);
  const result = code.emit(root);
  const make = code.compile(`return function fused(ctx) {
if (ctx.atoms !== null) return traced(ctx);
${PROLOGUE}
${code.lines.join("\n")}
ctx.conf = c${result};
return t${result};
};`, "traced");
  return make ? (make(root) as FormulaFn) : root;
}

/** Formulas evaluated together, by generated functions that hold several of them each. */
export interface FormulaBatch {
  /**
   * Evaluates every formula on ctx.frame, without atom traces: formula i's
   * truth in truths[i], its confidence in confs[i].
   */
  readonly run: (ctx: EvalContext) => void;
  readonly truths: Uint8Array;
  readonly confs: Float64Array;
}

/**
 * Fuses several formulas (the constraints evaluated on every frame) into a
 * few generated functions, so evaluating them makes one call per chunk
 * instead of one per constraint, each from a site of its own.
 */
export function fuseBatch(roots: readonly FormulaFn[], shapes: ReadonlyMap<FormulaFn, Shape>, memo: AtomMemo): FormulaBatch {
  const truths = new Uint8Array(roots.length);
  const confs = new Float64Array(roots.length);
  const run = fuseSteps(
    roots.length,
    shapes,
    memo,
    (code, i) => {
      const r = code.emit(roots[i]!);
      code.lines.push(`T[${i}] = t${r}; C[${i}] = c${r};`);
    },
    (ctx, i) => {
      truths[i] = roots[i]!(ctx);
      confs[i] = ctx.conf;
    },
    { T: truths, C: confs },
  );
  return { run, truths, confs };
}

/**
 * About this many formula nodes per generated function. The engine's time to
 * optimise a function grows faster than its size (a few hundred nodes take
 * it hundreds of milliseconds, running slow code meanwhile), and one call per
 * handful of formulas is already cheap.
 */
const CHUNK_NODES = 40;

/**
 * A function running `count` steps in order, generated a chunk of steps per
 * function: `emitStep` writes step i's statements (in a block of their own),
 * `runStep` runs step i where code cannot be generated. `params` are bound by
 * name in the generated code.
 */
export function fuseSteps(
  count: number,
  shapes: ReadonlyMap<FormulaFn, Shape>,
  memo: AtomMemo,
  emitStep: (code: Emitter, i: number) => void,
  runStep: (ctx: EvalContext, i: number) => void,
  params: Readonly<Record<string, unknown>> = {},
): (ctx: EvalContext) => void {
  const chunks: ((ctx: EvalContext) => void)[] = [];
  let code = new Emitter(shapes, memo);
  let from = 0;
  const flush = (to: number): void => {
    if (to === from) return;
    const make = code.compile(`return function steps(ctx) {\n${PROLOGUE}\n${code.lines.join("\n")}\n};`, ...Object.keys(params));
    const start = from;
    chunks.push(
      make
        ? (make(...Object.values(params)) as (ctx: EvalContext) => void)
        : (ctx) => {
            for (let i = start; i < to; i++) runStep(ctx, i);
          },
    );
    code = new Emitter(shapes, memo);
    from = to;
  };
  for (let i = 0; i < count; i++) {
    if (code.nodes >= CHUNK_NODES) flush(i);
    code.lines.push("{");
    emitStep(code, i);
    code.lines.push("}");
  }
  flush(count);
  if (chunks.length === 1) return chunks[0]!;
  return (ctx) => {
    for (let i = 0; i < chunks.length; i++) chunks[i]!(ctx);
  };
}

/** What generated code reads first: the frame's serial and the memo table's arrays (replaced when it grows during compilation). */
const PROLOGUE = "const e = ctx.frame.serial, S = A.stamp, TV = A.truth, CV = A.conf;";

/** Generates the code of formulas: connectives inline, atoms called, shared atoms through the memo table. */
export class Emitter {
  readonly lines: string[] = [];
  /** what the code refers to (the atoms it calls, …), as L0, L1, …, and their numbers */
  private readonly refs: unknown[] = [];
  private readonly refIndex = new Map<unknown, number>();
  /** formula nodes emitted so far (the size of the code, roughly) */
  nodes = 0;

  constructor(
    private readonly shapes: ReadonlyMap<FormulaFn, Shape>,
    private readonly memo: AtomMemo,
  ) {}

  /** Emits code leaving f's truth in t<k> and its confidence in c<k>; returns k. */
  emit(f: FormulaFn): number {
    const lines = this.lines;
    const shape = this.shapes.get(f);
    const k = this.nodes++;
    lines.push(`let t${k}, c${k};`);
    if (!shape) {
      const m = this.memo.indexOf(f);
      if (m !== undefined) {
        // a shared atom: this frame's result, else evaluate and remember it
        const atom = this.ref(this.memo.atomAt(m));
        lines.push(
          `if (S[${m}] === e) { t${k} = TV[${m}]; c${k} = CV[${m}]; }`,
          `else { t${k} = ${atom}(ctx); c${k} = ctx.conf; S[${m}] = e; TV[${m}] = t${k}; CV[${m}] = c${k}; }`,
        );
        return k;
      }
      lines.push(`t${k} = ${this.ref(f)}(ctx); c${k} = ctx.conf;`);
      return k;
    }
    if (shape.op === "not") {
      const a = this.emit(shape.child);
      lines.push(`t${k} = t${a} === 2 ? 0 : t${a} === 0 ? 2 : 1; c${k} = c${a};`);
      return k;
    }
    // Kleene and: false wins with the largest false confidence; else unknown (least unknown confidence); else true with the least
    const decider = shape.op === "and" ? 0 : 2;
    const absorbing = 2 - decider;
    const [first, ...rest] = shape.children;
    const a = this.emit(first!);
    lines.push(`t${k} = t${a}; c${k} = c${a};`);
    for (const child of rest) {
      // a fully confident decider cannot be outdone: skip the remaining children
      lines.push(`if (!(t${k} === ${decider} && c${k} >= 1)) {`);
      const b = this.emit(child);
      lines.push(
        `if (t${k} === ${decider}) { if (t${b} === ${decider} && c${b} > c${k}) c${k} = c${b}; }`,
        `else if (t${b} === ${decider}) { t${k} = ${decider}; c${k} = c${b}; }`,
        `else if (t${k} === 1) { if (t${b} === 1 && c${b} < c${k}) c${k} = c${b}; }`,
        `else if (t${b} === 1) { t${k} = 1; c${k} = c${b}; }`,
        `else { t${k} = ${absorbing}; if (c${b} < c${k}) c${k} = c${b}; }`,
        `}`,
      );
    }
    return k;
  }

  /** The name generated code knows `value` by. */
  ref(value: unknown): string {
    let i = this.refIndex.get(value);
    if (i === undefined) {
      i = this.refs.push(value) - 1;
      this.refIndex.set(value, i);
    }
    return `L${i}`;
  }

  /**
   * Compiles `body` (which returns the function) with the memo table as A and
   * the refs as L0, L1, …; returns a maker taking `params`, or undefined
   * where code cannot be generated.
   */
  compile(body: string, ...params: string[]): ((...args: unknown[]) => unknown) | undefined {
    const names = this.refs.map((_, i) => `L${i}`);
    try {
      const make = new Function(...params, "A", ...names, `"use strict";\n${body}`) as (...args: unknown[]) => unknown;
      return (...args) => make(...args, this.memo, ...this.refs);
    } catch {
      return undefined;
    }
  }
}
