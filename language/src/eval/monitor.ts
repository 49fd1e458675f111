// The evaluator: takes frames one at a time and returns verdicts as they
// settle (DESIGN.md "Semantics", timing). Memory is flat in trace length:
// it keeps the previous frame only.
//
// Step k takes s(k-1) to s(k) by a(k), the action recorded on frame k.
// pre constraints matching a(k) are evaluated on s(k-1), post on s(k),
// invariants on every state, goals on the final state, causal constraints at
// matching actions (on s(k)) or, without :action, at the end.

import type { CompiledConstraint, CompiledProgram } from "../compile/compiler.js";
import { describeAction, explainVerdict } from "../explain/reason.js";
import type { AtomTrace } from "./atom-trace.js";
import { EvalContext } from "./context.js";
import type { Frame } from "./frame.js";
import { IndexedFrame } from "./scene-index.js";
import { SceneMemory, type MemoryOptions } from "./memory.js";
import { F, T, roundConfidence, statusOf, type Truth } from "./truth.js";
import type { AtomRecord } from "./atom-site.js";
import { describeOrigin, FrameHistory, traceBack } from "../explain/causal-chain.js";
import { remedy, repairHint } from "../explain/repair-hint.js";
import type { Cause, Explanation, Verdict } from "./verdict.js";

export interface MonitorOptions {
  /** θ: confidence needed for SATISFIED / VIOLATED (default 0.7) */
  readonly threshold?: number;
  /**
   * which verdicts carry atom traces and reasons: "all" (default), "failures"
   * (VIOLATED and UNCERTAIN; others re-evaluated only when needed), or "none"
   * (fastest: statuses and confidences only)
   */
  readonly atoms?: "all" | "failures" | "none";
  /** identity of the trace, handed to extension predicates */
  readonly traceKey?: unknown;
  /** perception memory for occluded and missing objects (see memory.ts) */
  readonly memory?: MemoryOptions;
  /**
   * how many frames explanations may look back for the cause of a violation
   * (default 256; 0 turns causal chains and repair hints off)
   */
  readonly explainWindow?: number;
}

export const DEFAULT_THRESHOLD = 0.7;

const noAtoms: readonly AtomTrace[] = Object.freeze([]);

/** Constraints grouped by when they are evaluated. */
class Schedule {
  readonly pre: CompiledConstraint[] = [];
  readonly post: CompiledConstraint[] = [];
  readonly invariants: CompiledConstraint[] = [];
  readonly atEnd: CompiledConstraint[] = [];

  add(c: CompiledConstraint): void {
    switch (c.form.type) {
      case "pre":
        this.pre.push(c);
        break;
      case "post":
        this.post.push(c);
        break;
      case "invariant":
        this.invariants.push(c);
        break;
      case "goal":
        this.atEnd.push(c);
        break;
      case "causal":
        (c.action ? this.post : this.atEnd).push(c);
        break;
    }
  }

  get empty(): boolean {
    return this.pre.length + this.post.length + this.invariants.length + this.atEnd.length === 0;
  }
}

export class Monitor {
  private readonly ctx: EvalContext;
  private readonly threshold: number;
  private readonly atomsMode: "all" | "failures" | "none";
  /** constraints that settle as frames arrive */
  private readonly streaming = new Schedule();
  /** constraints with future operators: settled when the trace ends */
  private readonly deferred = new Schedule();
  /** whether frames are kept: only for deferred constraints */
  private readonly storesFrames: boolean;
  /** frames kept for the deferred constraints (none when there are none) */
  private readonly stored: IndexedFrame[] = [];
  private readonly applied = new Set<CompiledConstraint>();
  /** each constraint's latest violation, so a continuing violation is explained once */
  private readonly lastViolation = new Map<CompiledConstraint, { step: number; reason: string; explanation: Explanation }>();
  private readonly memory: SceneMemory;
  /** recent frames, for causal chains (none when atoms are off) */
  private readonly history: FrameHistory | undefined;
  private previous: IndexedFrame | undefined;
  private count = 0;
  private finished = false;

  constructor(
    readonly program: CompiledProgram,
    options: MonitorOptions = {},
  ) {
    this.ctx = new EvalContext(program.aggregation, options.traceKey);
    for (let i = 0; i < program.slotCount; i++) this.ctx.slots.push(undefined);
    this.threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.atomsMode = options.atoms ?? "all";
    this.memory = new SceneMemory(options.memory);
    const window = options.explainWindow ?? 256;
    this.history = this.atomsMode === "none" || window <= 0 ? undefined : new FrameHistory(window);
    program.temporal.reset();
    for (const c of program.constraints) (c.deferred ? this.deferred : this.streaming).add(c);
    this.storesFrames = !this.deferred.empty;
  }

  /** frames pushed so far */
  get frames(): number {
    return this.count;
  }

  /** Evaluates everything that settles at this frame. */
  push(frame: Frame): Verdict[] {
    if (this.finished) throw new Error("Monitor.push after finish()");
    const step = this.count++;
    const current = new IndexedFrame(this.memory.apply(frame, step), step);
    if (this.storesFrames) this.stored.push(current);
    const out: Verdict[] = [];
    // the action as verdicts name it, for pre and post constraints only
    const action = frame.action && this.streaming.pre.length + this.streaming.post.length > 0 ? describeAction(frame.action) : undefined;
    this.runPre(this.streaming, current, this.previous, action, out);
    this.program.temporal.step(current);
    this.runPost(this.streaming, current, action, out);
    this.history?.push(current);
    this.previous = current;
    return out;
  }

  /** Settles what only the end of the trace decides: goals, deferred constraints, SKIPs. */
  finish(): Verdict[] {
    if (this.finished) return [];
    this.finished = true;
    const out: Verdict[] = [];
    const last = this.previous;
    if (last) this.runAtEnd(this.streaming, last, out);
    if (!this.deferred.empty && last) {
      this.program.temporal.settle(this.stored);
      let previous: IndexedFrame | undefined;
      for (const current of this.stored) {
        const action = current.frame.action && describeAction(current.frame.action);
        this.runPre(this.deferred, current, previous, action, out);
        this.runPost(this.deferred, current, action, out);
        previous = current;
      }
      this.runAtEnd(this.deferred, last, out);
    }
    for (const c of this.program.constraints) {
      if (!this.applied.has(c)) out.push(this.skip(c));
    }
    return out;
  }

  private runPre(s: Schedule, current: IndexedFrame, previous: IndexedFrame | undefined, action: string | undefined, out: Verdict[]): void {
    if (action === undefined) return;
    for (const c of s.pre) {
      if (!this.matchAction(c, current, previous ?? current)) continue;
      this.applied.add(c);
      if (previous === undefined) {
        out.push(this.verdictWithoutState(c, current.step, action, "no state before the first frame to check a precondition on"));
      } else out.push(this.evaluate(c, previous, current.step, action));
    }
  }

  private runPost(s: Schedule, current: IndexedFrame, action: string | undefined, out: Verdict[]): void {
    if (action !== undefined) {
      for (const c of s.post) {
        if (!this.matchAction(c, current, current)) continue;
        this.applied.add(c);
        out.push(this.evaluate(c, current, current.step, action));
      }
    }
    // invariants apply at every frame: mark them once
    if (current.step === 0) for (const c of s.invariants) this.applied.add(c);
    if (s === this.streaming && this.atomsMode !== "all") {
      // the streaming invariants, in order, are the program's batch: evaluated together, without a call per constraint
      const { run, constraints, truths, confs } = this.program.invariants;
      this.ctx.frame = current;
      run(this.ctx);
      for (let i = 0; i < constraints.length; i++) out.push(this.settle(constraints[i]!, current, current.step, truths[i] as Truth, confs[i]!));
    } else for (const c of s.invariants) out.push(this.evaluate(c, current, current.step));
  }

  private runAtEnd(s: Schedule, last: IndexedFrame, out: Verdict[]): void {
    for (const c of s.atEnd) {
      this.applied.add(c);
      out.push(this.evaluate(c, last, last.step));
    }
  }

  /** Does the frame's action match c's pattern? Binds the pattern's slots from `state`. */
  private matchAction(c: CompiledConstraint, current: IndexedFrame, state: IndexedFrame): boolean {
    const pattern = c.action;
    if (!pattern) return true;
    const action = current.frame.action!;
    if (action.name !== pattern.name || action.args.length < pattern.args.length) return false;
    for (let i = 0; i < pattern.args.length; i++) {
      const id = action.args[i]!;
      const type = (state.byId.get(id) ?? current.byId.get(id))?.type;
      if (!pattern.args[i]!.matches(id, type)) return false;
    }
    for (let i = 0; i < pattern.args.length; i++) {
      const slot = pattern.args[i]!.slot;
      if (slot !== undefined) this.ctx.slots[slot] = state.byId.get(action.args[i]!);
    }
    return true;
  }

  private evaluate(c: CompiledConstraint, frame: IndexedFrame, step: number, action?: string): Verdict {
    const ctx = this.ctx;
    if (ctx.frame !== frame) ctx.frame = frame;
    if (this.atomsMode === "all") return this.traced(c, frame, step, action);
    const truth = c.formula(ctx);
    return this.settle(c, frame, step, truth, ctx.conf, action);
  }

  /**
   * The verdict from a result evaluated without traces (ctx.frame is `frame`);
   * with atoms "failures", what did not hold is evaluated again with them.
   */
  private settle(c: CompiledConstraint, frame: IndexedFrame, step: number, truth: Truth, conf: number, action?: string): Verdict {
    const status = statusOf(truth, conf, this.threshold);
    if (this.atomsMode !== "none" && status !== "SATISFIED") return this.traced(c, frame, step, action);
    const form = c.form;
    const verdict: Verdict = { id: form.id, type: form.type, severity: form.severity, step, status, confidence: roundConfidence(conf), reason: "", atoms: noAtoms };
    if (action !== undefined) (verdict as { action?: string }).action = action;
    return verdict;
  }

  /** Evaluates c on ctx.frame (`frame`) recording atom traces: the verdict with its reason and, when violated, explanation. */
  private traced(c: CompiledConstraint, frame: IndexedFrame, step: number, action: string | undefined): Verdict {
    const ctx = this.ctx;
    ctx.atoms = [];
    ctx.sites = [];
    const truth = c.formula(ctx);
    const conf = ctx.conf;
    const status = statusOf(truth, conf, this.threshold);
    const atoms = ctx.atoms;
    const sites = ctx.sites;
    const decisive = ctx.decisive;
    ctx.atoms = null;
    ctx.sites = null;
    const reason = explainVerdict(truth, status, conf, this.threshold, atoms, decisive);
    const verdict: Verdict = { id: c.form.id, type: c.form.type, severity: c.form.severity, step, status, confidence: roundConfidence(conf), reason, atoms };
    if (action !== undefined) (verdict as { action?: string }).action = action;
    if (status === "VIOLATED" && this.history) {
      // a violation that continues from the previous frame has the same causes: explain it once
      const prior = this.lastViolation.get(c);
      const explanation = prior && prior.step === step - 1 && prior.reason === reason ? prior.explanation : this.explain(c, frame, atoms, sites, decisive, action);
      this.lastViolation.set(c, { step, reason, explanation });
      (verdict as { explanation?: Explanation }).explanation = explanation;
    }
    return verdict;
  }

  /** The causal chain of each deciding atom, and a repair hint. */
  private explain(c: CompiledConstraint, frame: IndexedFrame, atoms: readonly AtomTrace[], sites: readonly AtomRecord[], decisive: readonly number[], action: string | undefined): Explanation {
    const history = this.history!;
    const causes: Cause[] = [];
    const remedies: string[] = [];
    for (const i of new Set(decisive)) {
      const atom = atoms[i];
      const record = sites[i];
      if (!atom || !record || atom.value === null) continue;
      remedies.push(remedy(record.fact, atom.expr, !atom.value));
      const origin = traceBack(this.ctx, record, atom.value ? T : F, frame.step, history);
      if (!origin) continue;
      const originAction = (origin.since === frame.step ? frame : history.at(origin.since))?.frame.action;
      const cause: Cause = {
        atom: atom.expr,
        value: atom.value,
        since: origin.since,
        fromStart: origin.fromStart,
        ...(originAction && !origin.fromStart ? { action: describeAction(originAction) } : {}),
        text: describeOrigin(atom.expr, atom.value ? T : F, origin, originAction && describeAction(originAction), history.oldest),
      };
      causes.push(cause);
    }
    const first = causes.find((x) => !x.fromStart);
    const hint = repairHint(remedies, c.form.type, action, first ? { step: first.since, ...(first.action ? { action: first.action } : {}) } : undefined);
    return { causes, hint };
  }

  private verdictWithoutState(c: CompiledConstraint, step: number, action: string, reason: string): Verdict {
    return { id: c.form.id, type: c.form.type, severity: c.form.severity, step, status: "UNCERTAIN", confidence: 0, reason, atoms: [], action };
  }

  private skip(c: CompiledConstraint): Verdict {
    const reason =
      c.form.type === "goal" || c.form.type === "causal"
        ? "the trace has no frames"
        : c.action
          ? `no ${c.action.text} action in the trace`
          : "the trace has no actions";
    return { id: c.form.id, type: c.form.type, severity: c.form.severity, step: null, status: "SKIP", confidence: 1, reason, atoms: [] };
  }
}
