// Temporal operators as cells: each occurrence of `once`, `since`,
// `eventually`, … in a program owns a small state machine that is advanced
// once per frame, innermost first. A formula reads a cell's value at the
// frame it is evaluated on, so evaluation stays a pure function of
// (frame, cell values) and costs O(1) per operator per frame.
//
// Past operators (once historically since prev before) are advanced as
// frames arrive, with memory bounded by their window. Future operators
// (eventually always until next) need frames that have not arrived: the
// constraints that contain them are "deferred" — their cells run backwards
// over the stored trace when it ends (future operators are unknown until the
// trace settles them, and a trace settles them all at its end).

import type { Call, Expr } from "../syntax/ast.js";
import { EvalContext } from "../eval/context.js";
import type { IndexedFrame } from "../eval/scene-index.js";
import { F, T, U, roundConfidence, truthToValue, type Aggregation, type Truth } from "../eval/truth.js";
import { Extremum, Pending, SlidingJunction } from "../eval/window.js";
import type { FormulaFn } from "./compiled.js";
import { fuse, fuseSteps, type AtomMemo, type Shape } from "./fuse.js";

/** A window in frames or seconds: values at distance [lo, hi] back (or ahead). */
export interface Window {
  readonly lo: number;
  readonly hi: number;
  readonly unit: "frames" | "seconds";
}

const unboundedWindow: Window = { lo: 0, hi: Infinity, unit: "frames" };

export function windowOf(c: Call): Window {
  const o = c.options[0];
  if (!o) return unboundedWindow;
  const bound = (e: Expr | undefined): { v: number; seconds: boolean } => {
    if (e?.kind === "literal" && e.literal.type === "duration") return { v: e.literal.seconds, seconds: true };
    if (e?.kind === "literal" && e.literal.type === "num") return { v: e.literal.value, seconds: false };
    return { v: 0, seconds: false };
  };
  const a = bound(o.values[0]);
  switch (o.keyword) {
    case "within":
      return { lo: 0, hi: a.v, unit: a.seconds ? "seconds" : "frames" };
    case "between": {
      const b = bound(o.values[1]);
      return { lo: a.v, hi: b.v, unit: a.seconds ? "seconds" : "frames" };
    }
    case "from":
      return { lo: a.v, hi: Infinity, unit: a.seconds ? "seconds" : "frames" };
    default:
      return unboundedWindow;
  }
}

type Direction = "past" | "future";

/** One temporal operator occurrence and its state. */
abstract class Cell {
  truth: Truth = U;
  conf = 0;
  /** when deferred: the value at every frame, filled when the trace ends */
  truths: Uint8Array | undefined;
  confs: Float64Array | undefined;
  deferred = false;
  private readonly seconds: boolean;
  private readonly past: boolean;

  /**
   * whether the operands may be evaluated before `update`, every frame
   * (false where `advance` evaluates them only while they matter)
   */
  readonly eager: boolean = true;

  /** the operands `advance` evaluates: the closure trees, fused by fuseOperands where advance runs on every frame */
  operands: readonly FormulaFn[];

  constructor(
    readonly direction: Direction,
    /** the operands' closure trees */
    readonly trees: readonly FormulaFn[],
    readonly text: string,
    readonly window: Window,
  ) {
    this.operands = trees;
    this.seconds = window.unit === "seconds";
    this.past = direction === "past";
  }

  /** Fuses the operands, for a cell whose `advance` runs on every frame. */
  fuseOperands(shapes: ReadonlyMap<FormulaFn, Shape>, memo: AtomMemo): void {
    this.operands = this.trees.map((t) => fuse(t, shapes, memo));
  }

  /** position of a frame in processing order: time runs backwards for future operators */
  position(frame: IndexedFrame): number {
    const p = this.seconds ? (frame.frame.time ?? frame.step) : frame.step;
    return this.past ? p : -p;
  }

  abstract reset(): void;

  /** Evaluates the operands on ctx.frame and moves the state one frame on. */
  advance(ctx: EvalContext, pos: number): void {
    const t0 = this.operands[0]!(ctx);
    const c0 = ctx.conf;
    if (this.operands.length < 2) this.update(pos, t0, c0, U, 0);
    else this.update(pos, t0, c0, this.operands[1]!(ctx), ctx.conf);
  }

  /** Moves the state one frame on, given the operands' values (truth, confidence) at that frame. */
  abstract update(pos: number, t0: Truth, c0: number, t1: Truth, c1: number): void;

  /** what the current value rests on, for reasons */
  abstract describe(): string;
}

function where(pos: number, unit: Window["unit"], direction: Direction): string {
  const p = direction === "past" ? pos : -pos;
  return unit === "seconds" ? `t = ${roundConfidence(p)} s` : `step ${p}`;
}

/** `prev φ` / `next φ`: the operand one frame back (ahead); false at the trace's edge. */
class ShiftCell extends Cell {
  private lastTruth: Truth | -1 = -1;
  private lastConf = 0;

  reset(): void {
    this.lastTruth = -1;
  }

  update(_pos: number, t: Truth, c: number): void {
    if (this.lastTruth === -1) {
      this.truth = F;
      this.conf = 1;
    } else {
      this.truth = this.lastTruth;
      this.conf = this.lastConf;
    }
    this.lastTruth = t;
    this.lastConf = c;
  }

  describe(): string {
    return this.lastTruth === -1 && this.truth === F
      ? `there is no ${this.direction === "past" ? "previous" : "next"} frame`
      : `the operand was ${truthToValue(this.truth) ?? "unknown"} at the ${this.direction === "past" ? "previous" : "next"} frame`;
  }
}

/** `once` / `eventually` (or over the window), `historically` / `always` (and over the window). */
class JunctionCell extends Cell {
  private agg: SlidingJunction;

  constructor(
    direction: Direction,
    trees: readonly FormulaFn[],
    text: string,
    window: Window,
    readonly kind: "or" | "and",
  ) {
    super(direction, trees, text, window);
    this.agg = new SlidingJunction(kind, window.lo, window.hi);
  }

  reset(): void {
    this.agg = new SlidingJunction(this.kind, this.window.lo, this.window.hi);
  }

  update(pos: number, t: Truth, c: number): void {
    this.truth = this.agg.push(pos, t, c);
    this.conf = this.agg.conf;
  }

  describe(): string {
    const w = this.agg.witness;
    const scope = this.window.hi === Infinity && this.window.lo === 0 ? "" : " in the window";
    if (this.kind === "or") {
      if (this.truth === T) return `the operand held at ${where(w, this.window.unit, this.direction)}`;
      if (this.truth === F) return `the operand never held${scope}`;
      return `the operand was unknown${scope} and never clearly held`;
    }
    if (this.truth === F) return `the operand failed at ${where(w, this.window.unit, this.direction)}`;
    if (this.truth === T) return `the operand held throughout${scope}`;
    return `the operand was unknown${scope} and never clearly failed`;
  }
}

/**
 * `(since φ ψ)`: ψ held at some frame i in the window and φ at every frame
 * after i up to now. `(until φ ψ)` is the same looking ahead (φ from now up
 * to, not including, i). The best witness is the most recent eligible one,
 * so the state is a handful of positions: O(1) per frame.
 * Confidence: true → the least of ψ at the witness and φ since; false → the
 * confidence of the φ failure that broke the last witness, or of ψ's
 * failures in the window when it never held.
 */
class SinceCell extends Cell {
  // most recent eligible witnesses (ψ true; ψ true-or-unknown) and their φ chains
  private bestT = NaN;
  private bestTConf = 0;
  private bestP = NaN;
  private bestPConf = 0;
  private lastNonT = -Infinity; // position of the latest φ that was not true
  private lastF = -Infinity; // position of the latest φ that was false
  private lastFConf = 1;
  private killedByF = false;
  // witnesses not yet old enough (window lo > 0): position, ψ truth and confidence
  private pending = new Pending();
  // φ confidences of recent frames, for the chain of a witness that becomes eligible
  private phiConfs = new Extremum(false);
  private psi: SlidingJunction;

  constructor(direction: Direction, trees: readonly FormulaFn[], text: string, window: Window) {
    super(direction, trees, text, window);
    this.psi = new SlidingJunction("or", window.lo, window.hi);
  }

  reset(): void {
    this.bestT = this.bestP = NaN;
    this.lastNonT = this.lastF = -Infinity;
    this.killedByF = false;
    this.pending.clear();
    this.phiConfs.clear();
    this.psi = new SlidingJunction("or", this.window.lo, this.window.hi);
  }

  update(pos: number, phi: Truth, phiConf: number, psi: Truth, psiConf: number): void {
    const { lo, hi } = this.window;
    // φ at `pos` constrains every witness strictly before it
    if (phi !== T) {
      this.lastNonT = pos;
      this.bestT = NaN;
    } else if (!Number.isNaN(this.bestT)) this.bestTConf = Math.min(this.bestTConf, phiConf);
    if (phi === F) {
      if (!Number.isNaN(this.bestP) || this.pending.size > 0) this.killedByF = true;
      this.lastF = pos;
      this.lastFConf = phiConf;
      this.bestP = NaN;
    }
    if (lo > 0) {
      // only chains of witnesses still pending (newer than pos − lo) will ask
      this.phiConfs.expire(pos - lo);
      this.phiConfs.push(pos, phi === T ? phiConf : 1);
      if (psi !== F) this.pending.push(pos, psi, psiConf);
      const q = this.pending;
      const ready = pos - lo;
      while (q.size > 0 && q.frontPos() <= ready) {
        this.admit(q.frontPos(), q.frontTruth(), q.frontConf());
        q.pop();
      }
    } else if (psi !== F) this.admit(pos, psi, psiConf); // no lower bound: eligible at once
    const oldest = pos - hi;
    if (this.bestT < oldest) this.bestT = NaN;
    if (this.bestP < oldest) this.bestP = NaN;
    this.psi.push(pos, psi, psiConf);
    if (!Number.isNaN(this.bestT)) {
      this.truth = T;
      this.conf = this.bestTConf;
    } else if (!Number.isNaN(this.bestP)) {
      this.truth = U;
      this.conf = this.bestPConf;
    } else {
      this.truth = F;
      this.conf = this.killedByF && this.lastF >= oldest ? this.lastFConf : this.psi.empty ? 1 : this.psi.conf;
    }
  }

  /** A witness (ψ not false at p) old enough to join the window; a newer one beats an older one. */
  private admit(p: number, t: Truth, c: number): void {
    if (p < this.lastF) return; // a false φ after it broke its chain
    this.bestP = p;
    this.bestPConf = c;
    if (t === T && p >= this.lastNonT) {
      this.phiConfs.expireThrough(p);
      const chain = this.phiConfs.value();
      this.bestT = p;
      this.bestTConf = Number.isNaN(chain) ? c : Math.min(c, chain);
    }
  }

  describe(): string {
    const u = this.window.unit;
    if (this.truth === T) return `the second operand held at ${where(this.bestT, u, this.direction)} and the first has held since`;
    if (this.truth === U) return `the second operand may have held at ${where(this.bestP, u, this.direction)}, but the first is unknown since`;
    if (this.lastF > -Infinity && this.killedByF) return `the first operand failed at ${where(this.lastF, u, this.direction)}, after the second last held`;
    return "the second operand never held in the window";
  }
}

/**
 * `(before a b)`: b has not held yet, or a first held strictly before b
 * first held — the precedence pattern ("fill the kettle before heating it").
 * If b has happened and a did not precede it, false.
 */
class BeforeCell extends Cell {
  private aAt = NaN;
  private aConf = 1;
  private bAt = NaN;
  private bConf = 1;
  private bMaybe = false;
  private bNotConf = 1;

  reset(): void {
    this.aAt = this.bAt = NaN;
    this.bMaybe = false;
    this.bNotConf = 1;
  }

  // the operands matter only until b first holds: evaluated only until then
  override readonly eager = false;

  override advance(ctx: EvalContext, pos: number): void {
    if (Number.isNaN(this.bAt)) super.advance(ctx, pos);
    else this.update(pos, U, 0, U, 0);
  }

  update(pos: number, a: Truth, aConf: number, b: Truth, bConf: number): void {
    if (Number.isNaN(this.bAt)) {
      if (b === T) {
        this.bAt = pos;
        this.bConf = bConf;
      } else if (b === U) this.bMaybe = true;
      else this.bNotConf = Math.min(this.bNotConf, bConf);
      // a counts only strictly before b's first occurrence
      if (Number.isNaN(this.aAt) && a === T && this.bAt !== pos) {
        this.aAt = pos;
        this.aConf = aConf;
      }
    }
    if (!Number.isNaN(this.aAt)) {
      this.truth = T;
      this.conf = this.aConf;
    } else if (!Number.isNaN(this.bAt)) {
      this.truth = F;
      this.conf = this.bConf;
    } else if (this.bMaybe) {
      this.truth = U;
      this.conf = 0;
    } else {
      this.truth = T;
      this.conf = this.bNotConf;
    }
  }

  describe(): string {
    const u = this.window.unit;
    if (!Number.isNaN(this.aAt)) return `the first operand held at ${where(this.aAt, u, "past")}${Number.isNaN(this.bAt) ? "" : `, before the second at ${where(this.bAt, u, "past")}`}`;
    if (!Number.isNaN(this.bAt)) return `the second operand held at ${where(this.bAt, u, "past")} before the first ever held`;
    return this.truth === U ? "the second operand may have held already" : "the second operand has not held yet";
  }
}

export class TemporalCompiler {
  readonly cells: Cell[] = [];
  private readonly ctx: EvalContext;

  constructor(aggregation: Aggregation) {
    this.ctx = new EvalContext(aggregation);
  }

  /** The stepping context needs as many slots as any constraint uses. */
  ensureSlots(n: number): void {
    while (this.ctx.slots.length < n) this.ctx.slots.push(undefined);
  }

  /** Creates the cell for one operator occurrence (its operands' closure trees); returns the formula that reads it. */
  operator(c: Call, trees: readonly FormulaFn[], text: string): FormulaFn {
    const window = windowOf(c);
    let cell: Cell;
    switch (c.op) {
      case "prev":
        cell = new ShiftCell("past", trees, text, window);
        break;
      case "next":
        cell = new ShiftCell("future", trees, text, window);
        break;
      case "once":
        cell = new JunctionCell("past", trees, text, window, "or");
        break;
      case "historically":
        cell = new JunctionCell("past", trees, text, window, "and");
        break;
      case "eventually":
        cell = new JunctionCell("future", trees, text, window, "or");
        break;
      case "always":
        cell = new JunctionCell("future", trees, text, window, "and");
        break;
      case "since":
        cell = new SinceCell("past", trees, text, window);
        break;
      case "until":
        cell = new SinceCell("future", trees, text, window);
        break;
      default:
        cell = new BeforeCell("past", trees, text, window);
        break;
    }
    this.cells.push(cell);
    return readCell(cell);
  }

  /** Marks cells created since `from` as deferred when any of them looks ahead; returns whether so. */
  deferIfFuture(from: number): boolean {
    const own = this.cells.slice(from);
    if (!own.some((c) => c.direction === "future")) return false;
    for (const c of own) c.deferred = true;
    return true;
  }

  get hasDeferred(): boolean {
    return this.cells.some((c) => c.deferred);
  }

  get hasStreaming(): boolean {
    return this.cells.some((c) => !c.deferred);
  }

  /** the streaming cells' steps fused into generated code (see fuseStreaming) */
  private streaming: ((ctx: EvalContext) => void) | undefined;

  /**
   * Fuses what runs on every frame, once all cells are compiled: the steps
   * of the streaming cells (each cell's operands inline, then its update, so
   * stepping makes no call per operand and no dispatch per cell), and the
   * operands of the cells that evaluate them themselves.
   */
  fuseStreaming(shapes: ReadonlyMap<FormulaFn, Shape>, memo: AtomMemo): void {
    for (const cell of this.cells) if (cell.deferred || !cell.eager) cell.fuseOperands(shapes, memo);
    const cells = this.cells.filter((c) => !c.deferred);
    this.streaming = fuseSteps(
      cells.length,
      shapes,
      memo,
      (code, i) => {
        const cell = cells[i]!;
        const k = code.ref(cell);
        const pos = `${k}.position(ctx.frame)`;
        if (!cell.eager) {
          code.lines.push(`${k}.advance(ctx, ${pos});`);
          return;
        }
        const a = code.emit(cell.trees[0]!);
        const b = cell.trees.length < 2 ? undefined : code.emit(cell.trees[1]!);
        code.lines.push(`${k}.update(${pos}, t${a}, c${a}, ${b === undefined ? `${U}, 0` : `t${b}, c${b}`});`);
      },
      (ctx, i) => cells[i]!.advance(ctx, cells[i]!.position(ctx.frame)),
    );
  }

  /** Advances every streaming (past-only) cell to this frame, innermost first. */
  step(frame: IndexedFrame): void {
    const ctx = this.ctx;
    ctx.frame = frame;
    if (this.streaming !== undefined) this.streaming(ctx);
    else {
      for (const cell of this.cells) {
        if (!cell.deferred) cell.advance(ctx, cell.position(frame));
      }
    }
  }

  /** Computes deferred cells' values at every frame of the finished trace. */
  settle(frames: readonly IndexedFrame[]): void {
    const ctx = this.ctx;
    for (const cell of this.cells) {
      if (!cell.deferred) continue;
      cell.reset();
      const truths = new Uint8Array(frames.length);
      const confs = new Float64Array(frames.length);
      // readers of inner deferred cells index by step; fill this cell's arrays as we go
      cell.truths = undefined;
      const forward = cell.direction === "past";
      for (let k = 0; k < frames.length; k++) {
        const i = forward ? k : frames.length - 1 - k;
        const frame = frames[i]!;
        ctx.frame = frame;
        cell.advance(ctx, cell.position(frame));
        truths[i] = cell.truth;
        confs[i] = cell.conf;
      }
      cell.truths = truths;
      cell.confs = confs;
    }
  }

  /** Forgets all state, for a new trace. */
  reset(): void {
    for (const cell of this.cells) {
      cell.reset();
      cell.truth = U;
      cell.conf = 0;
      cell.truths = cell.confs = undefined;
    }
  }
}

function readCell(cell: Cell): FormulaFn {
  return (ctx) => {
    let t: Truth;
    if (cell.truths !== undefined) {
      const i = ctx.frame.step;
      t = cell.truths[i] as Truth;
      ctx.conf = cell.confs![i]!;
    } else if (cell.deferred) {
      // a deferred cell read before the trace ended: unknown
      t = U;
      ctx.conf = 0;
    } else {
      t = cell.truth;
      ctx.conf = cell.conf;
    }
    if (ctx.atoms !== null) {
      ctx.decisive = [ctx.atoms.length];
      const reason = cell.truths !== undefined ? `${cell.text} is ${truthToValue(t) ?? "unknown"} at step ${ctx.frame.step}` : cell.describe();
      ctx.atoms.push({ expr: cell.text, value: truthToValue(t), confidence: roundConfidence(ctx.conf), source: "memory", reason });
    }
    return t;
  };
}
