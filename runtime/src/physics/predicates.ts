// The SV physics extension predicates (DESIGN.md "Extension predicates",
// "SV physics"): `(physically_plausible x)` and `(momentum_conserved)`.
//
// Kinematics. The verdict at step s judges the transition s−1 → s. With Δt =
// time(s) − time(s−1) (frame `time`, seconds), an object's velocity in a frame
// is its `velocity` when the frame reports one, else the finite difference of
// its positions with the frame before; the observed acceleration is
//
//   a_fd = (ẋ(s) − ẋ(s−1)) / Δt
//
// and the model's prediction â is the SV network's output for the state at
// s−1 (positions and velocities of every object that has both), exactly what
// the training loss compares (L_phys = ‖â(t) − (ẋ(t+1) − ẋ(t))/Δt‖²). So
// with velocities two frames are needed, with positions only three; earlier
// steps are unknown (U). A trace that reports velocities consistent with
// themselves but teleports positions is judged on its velocities.
//
// physically_plausible. The normalised error is
//
//   e = ‖â − a_fd‖ / (‖a_fd‖ + a0),   a0 = 1 m/s² (metadata `craft.plausibility_accel_scale`)
//
// the same error `craft train physics` calibrates its threshold on. e is
// about 1 when the model expects (almost) nothing and the object jumps (a
// teleport: ‖a_fd‖ ≫ a0), and ‖â‖/a0 for smooth motion the model does not
// expect to accelerate; a good model keeps it near 0 for genuine motion,
// collisions included. Value: e ≤ τ, with τ from the weights' safetensors
// metadata `craft.plausibility_threshold`, else DEFAULT_PLAUSIBILITY_THRESHOLD
// (0.5). Confidence:
//
//   c = 1 − exp(−10·|e − τ| / τ)
//
// 0 at the threshold, 0.7 (the default θ) at e = 0.88τ and 1.12τ, 0.95 at
// 0.7τ and 1.3τ, → 1 beyond. Trained thresholds sit with a margin above the
// largest error of genuine held-out motion, so an error 12% either side of
// τ is already a clear verdict; a wider band would leave the top of genuine
// motion, or the smallest detection jumps, UNCERTAIN.
//
// momentum_conserved. The SV network conserves momentum by construction
// (ΣF = 0), so the check is whether the observed motion does too: over the
// objects whose a_fd is known, with mass m_i from state `mass` (else 1),
//
//   e_p = ‖Σ m_i (a_fd_i − â_i)‖ / (Σ m_i ‖a_fd_i − â_i‖ + a0 Σ m_i)
//
// (e_p ∈ [0, 1): 0 when the unexplained accelerations cancel, near 1 when
// they all point one way — a net external force such as gravity on a falling
// body, a push by the robot, or a detection jump). Value: e_p ≤ τ_p, τ_p from
// metadata `craft.momentum_tolerance`, else DEFAULT_MOMENTUM_TOLERANCE (0.5);
// confidence as above with τ_p (e_p ≤ 1, so its "false" side saturates early).
// All objects of the scene are included; scenes under gravity or robot
// contact violate it by design.
//
// Calibration. `craft train physics` writes τ, τ_p and a0 into the
// metadata: τ and τ_p are 1.5 times the largest errors it saw on held-out
// genuine motion (train-command.ts says why), computed exactly as here with
// unit masses. Gravity and other external forces are not in the
// model (ΣF = 0): train on, and check, scenes whose external forces cancel,
// such as objects on a table moving in its plane (examples/physics/).
//
// Batching. The runner feeds every raw frame through `observe` (or, without
// it, the frames the predicates are evaluated on are recorded, and a trace
// checked again under the same key starts afresh at its frame 0); the model
// keeps the last few frames per trace (keyed by traceKey + step) and analyses
// a frame once — one forward pass for all objects, into reused buffers —
// caching the result, so every constraint and argument using a predicate in
// that frame reuses it. This per-frame path (a frame at a time, cached) is
// equivalent to precomputing the whole trace, without holding it in memory.
// Every verdict carries a reason with numbers in it — a 1,000-frame trace of
// 8 objects needs 9,000 — and the standard formatting took nearly a third of
// the check: numbers go through a hand-rolled `num`, and a plausible
// object's reason gives the magnitudes of â and a_fd, an implausible one's
// the vectors.
//
// Missing or broken weights make both predicates U with the reason; nothing
// here throws during evaluation.

import { types, type ExtensionArg, type ExtensionFrameContext, type ExtensionPredicate, type ExtensionResult, type Frame, type SceneObject } from "@craft/language";
import { readSafetensors } from "../tensors/safetensors.js";
import { SvForward } from "./sv-forward.js";
import { svWeightsFromTensors, type SvWeights } from "./sv-model.js";

export const DEFAULT_PLAUSIBILITY_THRESHOLD = 0.5;
export const DEFAULT_MOMENTUM_TOLERANCE = 0.5;
/** a0, m/s² */
export const DEFAULT_ACCEL_SCALE = 1;
export const THRESHOLD_METADATA_KEY = "craft.plausibility_threshold";
export const MOMENTUM_METADATA_KEY = "craft.momentum_tolerance";
export const ACCEL_SCALE_METADATA_KEY = "craft.plausibility_accel_scale";

export const NO_PHYSICS_MODEL = 'no physics model: add (model physics "…") or --model physics=…';

/** Frames kept per trace behind the newest one. */
const HISTORY = 4;
/** Traces whose state is kept at once. */
const MAX_TRACES = 8;

type V3 = readonly [number, number, number];

export interface PhysicsModelOptions {
  /** τ for physically_plausible */
  readonly threshold?: number;
  /** τ_p for momentum_conserved */
  readonly momentumTolerance?: number;
  /** a0, m/s² */
  readonly accelScale?: number;
  /** where the weights came from, for reasons */
  readonly source?: string;
}

/** One object's accelerations over the transition into a frame. */
export interface ObjectKinematics {
  /** â, m/s² */
  readonly predicted: V3;
  /** a_fd, m/s² */
  readonly observed: V3;
  /** e = ‖â − a_fd‖/(‖a_fd‖ + a0) */
  readonly error: number;
  readonly mass: number;
}

export interface FrameAnalysis {
  /** per object id: kinematics, or why they are unknown */
  readonly objects: ReadonlyMap<string, ObjectKinematics | string>;
  /** why the whole frame is unknown */
  readonly unknown?: string;
}

interface TraceState {
  readonly frames: Map<number, Frame>;
  readonly analyses: Map<number, FrameAnalysis>;
  /** frames come from `observe`; evaluation does not record its own */
  fed: boolean;
  newest: number;
}

/** Confidence of a verdict e ≤ τ: 1 − exp(−10·|e − τ|/τ). */
export function thresholdConfidence(e: number, tau: number): number {
  if (!Number.isFinite(e)) return 1;
  return 1 - Math.exp((-10 * Math.abs(e - tau)) / tau);
}

const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: V3, k: number): V3 => [a[0] * k, a[1] * k, a[2] * k];
// √ of the sum: Math.hypot guards against overflow and is several times slower
const norm = (a: V3): number => Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
const finite = (a: V3): boolean => Number.isFinite(a[0]) && Number.isFinite(a[1]) && Number.isFinite(a[2]);

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5];

/**
 * x to 3 significant digits (whole numbers from 100 to 10⁴, exponents
 * outside [10⁻³, 10⁴)). A reason is built for every verdict (9,000 of them
 * for 8 objects over 1,000 frames), so this rounds to an integer and places
 * the point itself: converting an integer to text is several times faster
 * than toPrecision or a fractional number's shortest form.
 */
export function num(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  let places = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a >= 0.1 ? 3 : a >= 0.01 ? 4 : 5;
  let n = Math.round(a * POW10[places]!);
  while (places > 0 && n % 10 === 0) {
    n /= 10;
    places--;
  }
  let text = String(n);
  if (places > 0) text = text.length > places ? `${text.slice(0, text.length - places)}.${text.slice(text.length - places)}` : `0.${"0".repeat(places - text.length)}${text}`;
  return x < 0 ? `-${text}` : text;
}
const vec = (a: V3): string => `(${num(a[0])}, ${num(a[1])}, ${num(a[2])})`;

/** The object `id` of a frame; objects usually keep their order from frame to frame, so `hint` is tried first. */
function objectById(frame: Frame, id: string, hint = -1): SceneObject | undefined {
  const at = frame.objects[hint];
  if (at?.id === id) return at;
  for (const o of frame.objects) if (o.id === id) return o;
  return undefined;
}

/** Reused forward inputs and outputs for N objects. */
interface ForwardBuffers {
  readonly pos: Float32Array;
  readonly vel: Float32Array;
  readonly out: Float32Array;
}

/** An SV model with per-trace frame history and per-frame cached analyses. */
export class PhysicsModel {
  readonly threshold: number;
  readonly momentumTolerance: number;
  readonly accelScale: number;
  readonly source: string;
  /** forward passes run so far (one per analysed frame) */
  forwardCount = 0;
  private readonly net: SvForward;
  private readonly traces = new Map<unknown, TraceState>();
  private readonly buffers = new Map<number, ForwardBuffers>();
  private readonly thresholdText: string;
  private readonly toleranceText: string;

  constructor(weights: SvWeights, options: PhysicsModelOptions = {}) {
    this.net = new SvForward(weights);
    this.threshold = positive(options.threshold, DEFAULT_PLAUSIBILITY_THRESHOLD);
    this.momentumTolerance = positive(options.momentumTolerance, DEFAULT_MOMENTUM_TOLERANCE);
    this.accelScale = positive(options.accelScale, DEFAULT_ACCEL_SCALE);
    this.source = options.source ?? "SV weights";
    this.thresholdText = num(this.threshold);
    this.toleranceText = num(this.momentumTolerance);
  }

  /**
   * Feeds a trace's frame (steps in order from 0); step 0 starts the trace
   * afresh. Once a trace is fed, evaluation uses only fed frames.
   */
  observe(frame: Frame, step: number, traceKey: unknown): void {
    let state = this.traces.get(traceKey);
    if (!state || step === 0) state = this.resetTrace(traceKey);
    state.fed = true;
    this.record(state, frame, step);
  }

  /** `(physically_plausible x)` on one frame. */
  plausible(x: ExtensionArg, ctx: ExtensionFrameContext): ExtensionResult {
    if (typeof x !== "object" || x === null || Array.isArray(x) || !("id" in x)) {
      return { value: undefined, confidence: 0, reason: "physically_plausible: the argument is not a scene object" };
    }
    const id = (x as SceneObject).id;
    const a = this.analysis(ctx);
    if (a.unknown !== undefined) return { value: undefined, confidence: 0, reason: `physically_plausible ${id}: ${a.unknown}` };
    const k = a.objects.get(id);
    if (k === undefined) return { value: undefined, confidence: 0, reason: `physically_plausible ${id}: ${id} is not in frames ${ctx.step - 1} and ${ctx.step} with a position` };
    if (typeof k === "string") return { value: undefined, confidence: 0, reason: `physically_plausible ${id}: ${k}` };
    const ok = k.error <= this.threshold;
    // plausible motion (nearly every verdict) gives magnitudes, implausible motion the vectors
    const accelerations = ok
      ? `predicted |â| = ${num(norm(k.predicted))} m/s², observed |a_fd| = ${num(norm(k.observed))} m/s²`
      : `predicted acceleration ${vec(k.predicted)} m/s², observed ${vec(k.observed)} m/s²`;
    return {
      value: ok,
      confidence: thresholdConfidence(k.error, this.threshold),
      reason: `${id}: ${accelerations}; normalised error e = ${num(k.error)} ${ok ? "≤" : ">"} τ = ${this.thresholdText}`,
    };
  }

  /** `(momentum_conserved)` on one frame. */
  momentum(ctx: ExtensionFrameContext): ExtensionResult {
    const a = this.analysis(ctx);
    if (a.unknown !== undefined) return { value: undefined, confidence: 0, reason: `momentum_conserved: ${a.unknown}` };
    let net: V3 = [0, 0, 0];
    let spread = 0;
    let mass = 0;
    let count = 0;
    for (const k of a.objects.values()) {
      if (typeof k === "string") continue;
      const r = scale(sub(k.observed, k.predicted), k.mass);
      net = [net[0] + r[0], net[1] + r[1], net[2] + r[2]];
      spread += norm(r);
      mass += k.mass;
      count++;
    }
    if (count === 0) return { value: undefined, confidence: 0, reason: `momentum_conserved: no object's acceleration is known in frame ${ctx.step}` };
    const e = norm(net) / (spread + this.accelScale * mass);
    const ok = e <= this.momentumTolerance;
    return {
      value: ok,
      confidence: thresholdConfidence(e, this.momentumTolerance),
      reason: `net unexplained force per unit mass ${vec(scale(net, 1 / mass))} m/s² over ${count} object${count === 1 ? "" : "s"} (model ΣF = 0); e = ${num(e)} ${ok ? "≤" : ">"} tolerance ${this.toleranceText}`,
    };
  }

  private resetTrace(traceKey: unknown): TraceState {
    this.traces.delete(traceKey);
    const state: TraceState = { frames: new Map(), analyses: new Map(), fed: false, newest: -1 };
    this.traces.set(traceKey, state);
    if (this.traces.size > MAX_TRACES) this.traces.delete(this.traces.keys().next().value);
    return state;
  }

  private record(state: TraceState, frame: Frame, step: number): void {
    if (state.frames.get(step) === frame) return;
    state.frames.set(step, frame);
    for (let s = step; s <= step + 2; s++) state.analyses.delete(s);
    if (step > state.newest) {
      state.newest = step;
      for (const s of state.frames.keys()) if (s < step - HISTORY) state.frames.delete(s);
      for (const s of state.analyses.keys()) if (s < step - HISTORY) state.analyses.delete(s);
    }
  }

  /**
   * The kinematics both predicates judge in a frame: per object id its
   * accelerations and error, or why they are unknown. Cached per frame.
   */
  analysis(ctx: ExtensionFrameContext): FrameAnalysis {
    let state = this.traces.get(ctx.traceKey);
    // a trace checked again under the same key starts afresh at its first frame
    if (!state || (!state.fed && ctx.step === 0 && state.frames.get(0) !== ctx.frame)) state = this.resetTrace(ctx.traceKey);
    if (!state.fed) this.record(state, ctx.frame, ctx.step);
    const cached = state.analyses.get(ctx.step);
    if (cached) return cached;
    const fresh = this.analyse(state, ctx.step);
    state.analyses.set(ctx.step, fresh);
    return fresh;
  }

  /** One frame's kinematics and one forward pass for all its objects. */
  private analyse(state: TraceState, step: number): FrameAnalysis {
    const f1 = state.frames.get(step);
    if (!f1) return { objects: new Map(), unknown: `frame ${step} is no longer kept` };
    if (step === 0) return { objects: new Map(), unknown: "the first frame has no earlier frame to difference" };
    const f0 = state.frames.get(step - 1);
    if (!f0) return { objects: new Map(), unknown: `frame ${step - 1} was not seen` };
    const dt = timeStep(f0, f1);
    if (typeof dt === "string") return { objects: new Map(), unknown: dt };
    const fm = state.frames.get(step - 2);
    const dtPrev = fm ? timeStep(fm, f0) : `frame ${step - 2} was not seen`;

    // the state at s−1: every object with a position and a velocity
    const objects = new Map<string, ObjectKinematics | string>();
    const known: { o0: SceneObject; at: number; v0: V3 }[] = [];
    f0.objects.forEach((o0, at) => {
      if (!o0.position || !finite(o0.position)) return;
      let v0: V3 | string;
      if (o0.velocity && finite(o0.velocity)) v0 = o0.velocity;
      else if (typeof dtPrev === "string") v0 = `no velocity in frame ${step - 1} and none from positions (${dtPrev})`;
      else {
        const om = objectById(fm!, o0.id, at);
        v0 = om?.position && finite(om.position) ? scale(sub(o0.position, om.position), 1 / dtPrev) : `no velocity in frame ${step - 1} and no position in frame ${step - 2}`;
      }
      if (typeof v0 === "string") objects.set(o0.id, `needs its velocity at step ${step - 1}: ${v0}`);
      else known.push({ o0, at, v0 });
    });
    const n = known.length;
    if (n === 0) return { objects };
    const { pos, vel, out } = this.buffersFor(n);
    known.forEach(({ o0, v0 }, i) => {
      pos.set(o0.position!, 3 * i);
      vel.set(v0, 3 * i);
    });
    const predicted = this.net.forward(pos, vel, n, out);
    this.forwardCount++;
    known.forEach(({ o0, at, v0 }, i) => {
      const o1 = objectById(f1, o0.id, at);
      if (!o1?.position || !finite(o1.position)) {
        objects.set(o0.id, `no position in frame ${step}`);
        return;
      }
      const v1: V3 = o1.velocity && finite(o1.velocity) ? o1.velocity : scale(sub(o1.position, o0.position!), 1 / dt);
      const observed: V3 = [(v1[0] - v0[0]) / dt, (v1[1] - v0[1]) / dt, (v1[2] - v0[2]) / dt];
      const p: V3 = [predicted[3 * i]!, predicted[3 * i + 1]!, predicted[3 * i + 2]!];
      const dx = p[0] - observed[0];
      const dy = p[1] - observed[1];
      const dz = p[2] - observed[2];
      const error = Math.sqrt(dx * dx + dy * dy + dz * dz) / (norm(observed) + this.accelScale);
      const m = o1.state["mass"];
      objects.set(o0.id, { predicted: p, observed, error, mass: typeof m === "number" && m > 0 ? m : 1 });
    });
    return { objects };
  }

  private buffersFor(n: number): ForwardBuffers {
    let b = this.buffers.get(n);
    if (!b) {
      b = { pos: new Float32Array(3 * n), vel: new Float32Array(3 * n), out: new Float32Array(3 * n) };
      this.buffers.set(n, b);
    }
    return b;
  }
}

function positive(x: number | undefined, fallback: number): number {
  return x !== undefined && Number.isFinite(x) && x > 0 ? x : fallback;
}

function timeStep(a: Frame, b: Frame): number | string {
  if (a.time === undefined || b.time === undefined) return "frames carry no time, so Δt is unknown";
  const dt = b.time - a.time;
  return dt > 0 && Number.isFinite(dt) ? dt : `non-increasing frame time (Δt = ${dt} s)`;
}

/** A model, or why there is none. */
export type PhysicsModelOrReason = PhysicsModel | { readonly unavailable: string };

/** The two predicates over a model; without one both are U with its reason. */
export function physicsPredicates(model: PhysicsModelOrReason): ExtensionPredicate[] {
  const missing = (name: string): ExtensionResult => ({ value: undefined, confidence: 0, reason: `${name}: ${"unavailable" in model ? model.unavailable : ""}` });
  return [
    {
      name: "physically_plausible",
      params: [{ name: "x", type: types.AnyObj }],
      result: types.Bool,
      doc: "x's observed (finite-difference) acceleration agrees with the SV physics model's prediction: e = ‖â − a_fd‖/(‖a_fd‖ + a0) ≤ τ",
      evaluate: (args, ctx) => (model instanceof PhysicsModel ? model.plausible(args[0], ctx) : missing("physically_plausible")),
    },
    {
      name: "momentum_conserved",
      params: [],
      result: types.Bool,
      doc: "the scene's observed accelerations, beyond the SV model's (ΣF = 0), carry no net force",
      evaluate: (_args, ctx) => (model instanceof PhysicsModel ? model.momentum(ctx) : missing("momentum_conserved")),
    },
  ];
}

function metadataNumber(metadata: Readonly<Record<string, string>>, key: string): number | undefined {
  const v = metadata[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Loads SV weights and their calibration (safetensors metadata) into a model;
 * a missing or broken file gives the loader's message instead of throwing.
 */
export async function loadPhysicsModel(path: string): Promise<PhysicsModelOrReason> {
  try {
    const file = await readSafetensors(path);
    const weights = svWeightsFromTensors(file.tensors, path);
    const md = file.metadata;
    const opts: { threshold?: number; momentumTolerance?: number; accelScale?: number } = {};
    const t = metadataNumber(md, THRESHOLD_METADATA_KEY);
    const m = metadataNumber(md, MOMENTUM_METADATA_KEY);
    const a = metadataNumber(md, ACCEL_SCALE_METADATA_KEY);
    if (t !== undefined) opts.threshold = t;
    if (m !== undefined) opts.momentumTolerance = m;
    if (a !== undefined) opts.accelScale = a;
    return new PhysicsModel(weights, { ...opts, source: path });
  } catch (error) {
    return { unavailable: `physics model unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

