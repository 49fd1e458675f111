// SV seed §5 as a TensorFlow.js graph (DESIGN.md "Tensor backends", path (c)):
// the SV forward over B frames × N objects with every parameter a tf.Variable,
// the physics losses of §5.5, and an Adam trainer.
//
// The graph is the formula set of sv-forward.ts (see there). Layout, chosen
// for the CPU backend (whose gathers, splits and broadcasting ops are slow,
// and whose matMul is not):
// - node rows are object-major, [N·B, ·]; pair rows pair-major, [P·B, ·] for
//   the P = N(N−1)/2 unordered pairs i < j;
// - pair quantities come from fixed [P, N] matrices: D (−1 at i, +1 at j)
//   gives x_j − x_i, S (+1 at both) gives h_i + h_j;
// - edge-frame geometry runs per component on [P, B] tensors;
// - the antisymmetric scatter F_j += F, F_i −= F is Dᵀ F, so every pair adds
//   +F and −F and ΣF = 0 for any weights;
// - biases, LayerNorm's mean and its per-row scale are broadcast by matMul
//   with ones (an outer product) rather than by broadcasting ops.
//
// Gradients stay finite at degenerate scenes (coincident objects, zero
// relative velocity): norms are "safe" (s ↦ 1[s>0]·√(s + 1[s=0]), so √ never
// sees 0), every division has ε in its denominator, and the switches
// λ = 1[‖v⊥‖ > ε_deg] and ‖e1 × ẑ‖ > ε_deg are tf.step values (gradient 0)
// blending finite branches: λ·a + (1 − λ)·b is exactly a or b. No boolean op
// sits on the gradient path, so gradients with respect to the inputs work too.
//
// Losses (SV seed §5.5, DESIGN.md "SV physics"):
//   L_phys = mean_{b,i} ‖â_i − (ẋ_i(t+1) − ẋ_i(t))/Δt‖²,
//            weight λ_phys(step) = 0.1 · min(1, step / 50,000)
//   L_reg  = mean_b (Σ_i â_i·ẋ_i(t) Δt − ΔKE)²,  KE = ½ Σ_i ‖ẋ_i‖²,  weight 0.01
//
// The caller picks the backend (e.g. `await tf.setBackend("cpu")`); nothing
// here changes it.

import * as tf from "@tensorflow/tfjs";
import { svWeightsFromTensors, type Mlp, type SvConfig, type SvWeights } from "./sv-model.js";
import { LAYER_NORM_EPS, SV_EPS, SV_EPS_DEG } from "./sv-forward.js";

interface LinearVars {
  /** [outputs, inputs], as PyTorch stores it */
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
}

interface MlpVars {
  readonly first: LinearVars;
  readonly normWeight: tf.Variable;
  readonly normBias: tf.Variable;
  readonly last: LinearVars;
}

interface LayerVars {
  readonly force: MlpVars;
  readonly update: MlpVars;
}

interface PairMatrices {
  readonly n: number;
  /** [P, N]: −1 at (p, i), +1 at (p, j) */
  readonly diff: tf.Tensor2D;
  /** [P, N]: +1 at (p, i) and (p, j) */
  readonly sum: tf.Tensor2D;
}

function mlpVars(m: Mlp, trainable: boolean): MlpVars {
  const v = (data: Float32Array, shape: number[]): tf.Variable => tf.variable(tf.tensor(Float32Array.from(data), shape, "float32"), trainable);
  return {
    first: { weight: v(m.first.weight, [m.first.outputs, m.first.inputs]), bias: v(m.first.bias, [m.first.outputs]) },
    normWeight: v(m.norm.weight, [m.norm.size]),
    normBias: v(m.norm.bias, [m.norm.size]),
    last: { weight: v(m.last.weight, [m.last.outputs, m.last.inputs]), bias: v(m.last.bias, [m.last.outputs]) },
  };
}

function mlpList(m: MlpVars): tf.Variable[] {
  return [m.first.weight, m.first.bias, m.normWeight, m.normBias, m.last.weight, m.last.bias];
}

/** [M, K] rows of `v` [K] (an outer product with ones). */
function rowsOf(v: tf.Tensor, m: number): tf.Tensor2D {
  return tf.matMul(tf.ones([m, 1]), tf.reshape(v, [1, v.size]));
}

/** [M, K] columns of `c` [M, 1]. */
function columnsOf(c: tf.Tensor2D, k: number): tf.Tensor2D {
  return tf.matMul(c, tf.ones([1, k]));
}

/** x [M, in] → x Wᵀ + b, W [out, in] */
function linear(x: tf.Tensor2D, l: LinearVars): tf.Tensor2D {
  return tf.add(tf.matMul(x, l.weight as tf.Tensor2D, false, true), rowsOf(l.bias, x.shape[0]));
}

/**
 * A Linear layer's input as column blocks, in order: a block is [M, k], or
 * [k, M] when `transposed`. Avoids a concat, whose gradient is a slow split.
 */
interface Block {
  readonly x: tf.Tensor2D;
  readonly transposed?: boolean;
}

function linearBlocks(blocks: readonly Block[], l: LinearVars): tf.Tensor2D {
  const outputs = l.weight.shape[0]!;
  let at = 0;
  let rows = 0;
  const terms = blocks.map((b) => {
    const width = b.transposed ? b.x.shape[0] : b.x.shape[1];
    rows = b.transposed ? b.x.shape[1] : b.x.shape[0];
    const w = tf.slice(l.weight, [0, at], [outputs, width]) as tf.Tensor2D;
    at += width;
    return tf.matMul(b.x, w, b.transposed === true, true);
  });
  if (at !== l.weight.shape[1]) throw new Error(`SvTfModel: ${at} input columns for a Linear of ${l.weight.shape[1]}`);
  return tf.addN([...terms, rowsOf(l.bias, rows)]) as tf.Tensor2D;
}

/** Linear → LayerNorm (eps 1e-5, affine) → ReLU over rows, before the last Linear */
function hiddenOf(x: tf.Tensor2D | readonly Block[], m: MlpVars, centering: tf.Tensor2D): tf.Tensor2D {
  const a = Array.isArray(x) ? linearBlocks(x as readonly Block[], m.first) : linear(x as tf.Tensor2D, m.first);
  const [rows, width] = a.shape;
  const c = tf.matMul(a, centering); // a − mean(a)
  const variance = tf.matMul(tf.square(c), tf.fill([width, 1], 1 / width));
  const normed = tf.mul(c, columnsOf(tf.rsqrt(tf.add(variance, LAYER_NORM_EPS)) as tf.Tensor2D, width));
  return tf.relu(tf.add<tf.Tensor2D>(tf.mul(normed, rowsOf(m.normWeight, rows)), rowsOf(m.normBias, rows)));
}

function applyMlp(x: tf.Tensor2D | readonly Block[], m: MlpVars, centering: tf.Tensor2D): tf.Tensor2D {
  return linear(hiddenOf(x, m, centering), m.last);
}

/** 1 where x > 0, else 0; its gradient is zero. */
function positive(x: tf.Tensor): tf.Tensor {
  return tf.step(x, 0);
}

/** √s for s ≥ 0, with a zero (not infinite) gradient at s = 0. */
function safeSqrt(s: tf.Tensor): tf.Tensor {
  const p = positive(s);
  return tf.mul(p, tf.sqrt(tf.add(s, tf.sub(1, p))));
}

type Vec = [tf.Tensor, tf.Tensor, tf.Tensor];

function dot(a: Vec, b: Vec): tf.Tensor {
  return tf.addN([tf.mul(a[0], b[0]), tf.mul(a[1], b[1]), tf.mul(a[2], b[2])]);
}

function norm(a: Vec): tf.Tensor {
  return safeSqrt(dot(a, a));
}

function scale(a: Vec, s: tf.Tensor): Vec {
  return [tf.mul(a[0], s), tf.mul(a[1], s), tf.mul(a[2], s)];
}

/** v/(‖v‖ + ε) */
function normalize(a: Vec, n: tf.Tensor = norm(a)): Vec {
  return scale(a, tf.reciprocal(tf.add(n, SV_EPS)));
}

function cross(a: Vec, b: Vec): Vec {
  return [
    tf.sub(tf.mul(a[1], b[2]), tf.mul(a[2], b[1])),
    tf.sub(tf.mul(a[2], b[0]), tf.mul(a[0], b[2])),
    tf.sub(tf.mul(a[0], b[1]), tf.mul(a[1], b[0])),
  ];
}

/** λ·a + (1 − λ)·b for λ ∈ {0, 1} and finite a, b: exactly a or b. */
function blend(lambda: tf.Tensor, a: Vec, b: Vec): Vec {
  const rest = tf.sub(1, lambda);
  return [0, 1, 2].map((k) => tf.add(tf.mul(lambda, a[k]!), tf.mul(rest, b[k]!))) as Vec;
}

/**
 * The SV network as a TensorFlow.js graph. Owns tf.Variables (initialised
 * from SvWeights); call `dispose()` when done.
 */
export class SvTfModel {
  readonly config: SvConfig;
  private readonly encoder: MlpVars;
  private readonly layers: LayerVars[];
  /** [H, H]: I − 1/H, so that a·C = a − mean(a) over each row */
  private readonly centering: tf.Tensor2D;
  private pairMatrices: PairMatrices | undefined;
  private disposed = false;

  constructor(weights: SvWeights) {
    this.config = { ...weights.config };
    const last = weights.layers.length - 1;
    this.encoder = mlpVars(weights.encoder, true);
    // the last layer's node update cannot change the output: it is kept (and
    // exported) but not trainable, as it would get no gradient
    this.layers = weights.layers.map((l, i) => ({ force: mlpVars(l.force, true), update: mlpVars(l.update, i !== last) }));
    const h = this.config.hidden;
    this.centering = tf.tidy(() => tf.sub(tf.eye(h), tf.fill([h, h], 1 / h)) as tf.Tensor2D);
  }

  /** All variables in state-dict order. */
  variables(): tf.Variable[] {
    return [...mlpList(this.encoder), ...this.layers.flatMap((l) => [...mlpList(l.force), ...mlpList(l.update)])];
  }

  /** The variables that the output depends on (all but the last layer's node update). */
  trainableVariables(): tf.Variable[] {
    return this.variables().filter((v) => v.trainable);
  }

  private pairs(n: number): PairMatrices {
    const cached = this.pairMatrices;
    if (cached && cached.n === n) return cached;
    if (cached) tf.dispose([cached.diff, cached.sum]);
    const count = (n * (n - 1)) / 2;
    const diff = new Float32Array(count * n);
    const sum = new Float32Array(count * n);
    let p = 0;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++, p++) {
        diff[p * n + i] = -1;
        diff[p * n + j] = 1;
        sum[p * n + i] = 1;
        sum[p * n + j] = 1;
      }
    }
    const fresh: PairMatrices = { n, diff: tf.keep(tf.tensor2d(diff, [count, n])), sum: tf.keep(tf.tensor2d(sum, [count, n])) };
    this.pairMatrices = fresh;
    return fresh;
  }

  /**
   * Accelerations â [B, N, 3] (the last layer's F_agg) for positions and
   * velocities [B, N, 3]. Creates intermediate tensors: call inside tf.tidy
   * (or a gradient function).
   */
  apply(pos: tf.Tensor3D, vel: tf.Tensor3D): tf.Tensor3D {
    if (this.disposed) throw new Error("SvTfModel: used after dispose()");
    if (pos.rank !== 3 || pos.shape[2] !== 3 || vel.shape.join() !== pos.shape.join()) {
      throw new RangeError(`SvTfModel: expected pos and vel of one shape [B, N, 3], got [${pos.shape.join(", ")}] and [${vel.shape.join(", ")}]`);
    }
    const [frames, n] = pos.shape;
    if (n < 2 || frames === 0) return tf.zerosLike(pos);
    const H = this.config.hidden;
    const { diff, sum } = this.pairs(n);
    const count = (n * (n - 1)) / 2;
    const rows = count * frames;
    const C = this.centering;

    // encoder on [x_i, ẋ_i], rows (i, b)
    const nodeRows = (t: tf.Tensor3D): tf.Tensor => tf.reshape(tf.transpose(t, [1, 0, 2]), [n * frames, 3]);
    let h = applyMlp(tf.concat([nodeRows(pos), nodeRows(vel)], 1) as tf.Tensor2D, this.encoder, C);

    // edge frames per component on [P, B]
    const pairDiffs = (t: tf.Tensor3D): Vec => tf.unstack(tf.transpose(t, [2, 1, 0])).map((c) => tf.matMul(diff, c as tf.Tensor2D)) as Vec;
    const r = pairDiffs(pos);
    const dv = pairDiffs(vel);
    const d = norm(r);
    const e1 = normalize(r, d);
    const vr = dot(dv, e1);
    const vPerp: Vec = [tf.sub(dv[0], tf.mul(vr, e1[0])), tf.sub(dv[1], tf.mul(vr, e1[1])), tf.sub(dv[2], tf.mul(vr, e1[2]))];
    const pn = norm(vPerp);
    // e1 × ẑ = (e1y, −e1x, 0); when that vanishes, e1 × ŷ = (−e1z, 0, e1x)
    const zero = tf.zerosLike(d);
    const cz: Vec = [e1[1], tf.neg(e1[0]), zero];
    const cy: Vec = [tf.neg(e1[2]), zero, e1[0]];
    const czn = norm(cz);
    const e2Fall = blend(positive(tf.sub(czn, SV_EPS_DEG)), normalize(cz, czn), normalize(cy));
    const e2 = blend(positive(tf.sub(pn, SV_EPS_DEG)), normalize(vPerp, pn), e2Fall);
    const e3 = cross(e1, e2);
    // σ as [5, P·B] (stacked, not concatenated: see linearBlocks)
    const sigma = tf.reshape(tf.stack([d, vr, dot(dv, e2), dot(dv, e3), norm(dv)]), [5, rows]) as tf.Tensor2D;

    let forces: tf.Tensor[] = [];
    this.layers.forEach((layer, l) => {
      const hNodes = tf.reshape(h, [n, frames * H]);
      const hSum = tf.reshape(tf.matMul(sum, hNodes), [rows, H]) as tf.Tensor2D;
      const hDiff = tf.abs(tf.reshape(tf.matMul(diff, hNodes), [rows, H])) as tf.Tensor2D;
      const hidden = hiddenOf([{ x: sigma, transposed: true }, { x: hSum }, { x: hDiff }], layer.force, C);
      // α as [3, P·B] = W3 hiddenᵀ + b3, then per component [P, B]
      const last = layer.force.last;
      const alphaT = tf.add(tf.matMul(last.weight as tf.Tensor2D, hidden, false, true), columnsOf(tf.reshape(last.bias, [3, 1]), rows));
      const alpha = tf.unstack(tf.reshape(alphaT, [3, count, frames]));
      // F = α1 e1 + α2 e2 + α3 e3; F_j += F, F_i −= F as Dᵀ F, per component [N, B]
      forces = [0, 1, 2].map((k) =>
        tf.matMul(diff, tf.addN([tf.mul(alpha[0]!, e1[k]!), tf.mul(alpha[1]!, e2[k]!), tf.mul(alpha[2]!, e3[k]!)]) as tf.Tensor2D, true, false),
      );
      if (l < this.layers.length - 1) {
        const agg = tf.reshape(tf.stack(forces, 2), [n * frames, 3]) as tf.Tensor2D;
        h = tf.add(h, applyMlp([{ x: h }, { x: agg }], layer.update, C));
      }
    });
    // [3, N, B] → [B, N, 3]
    return tf.transpose(tf.stack(forces), [2, 1, 0]) as tf.Tensor3D;
  }

  /** The current parameters as SvWeights (copies). */
  weights(): SvWeights {
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    const put = (prefix: string, m: MlpVars): void => {
      const set = (name: string, v: tf.Variable): void => {
        tensors.set(`${prefix}.${name}`, { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
      };
      set("0.weight", m.first.weight);
      set("0.bias", m.first.bias);
      set("1.weight", m.normWeight);
      set("1.bias", m.normBias);
      set("3.weight", m.last.weight);
      set("3.bias", m.last.bias);
    };
    put("encoder", this.encoder);
    this.layers.forEach((layer, l) => {
      put(`layers.${l}.force_mlp`, layer.force);
      put(`layers.${l}.update_mlp`, layer.update);
    });
    return svWeightsFromTensors(tensors, "SvTfModel", this.config);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([...this.variables(), this.centering]);
    if (this.pairMatrices) tf.dispose([this.pairMatrices.diff, this.pairMatrices.sum]);
    this.pairMatrices = undefined;
  }
}

/** One training batch: B frames of N objects, object-major flat arrays of B×N×3 values. */
export interface SvBatch {
  readonly frames: number;
  readonly objects: number;
  /** x_i(t) */
  readonly pos: Float32Array;
  /** ẋ_i(t) */
  readonly vel: Float32Array;
  /** ẋ_i(t + 1) */
  readonly nextVel: Float32Array;
  /** Δt in seconds: one for all frames, or one per frame */
  readonly dt: number | Float32Array;
}

export interface PhysicsLossTerms {
  /** mean_{b,i} ‖â_i − (ẋ_i(t+1) − ẋ_i(t))/Δt‖² (scalar) */
  readonly lPhys: tf.Scalar;
  /** mean_b (Σ_i â_i·ẋ_i Δt − ΔKE)² (scalar) */
  readonly lReg: tf.Scalar;
}

export const LAMBDA_PHYS = 0.1;
export const LAMBDA_PHYS_WARMUP_STEPS = 50_000;
export const LAMBDA_REG = 0.01;

/** λ_phys(step) = max · min(1, step / warmup), linear warmup (SV seed §5.5). */
export function lambdaPhys(step: number, max = LAMBDA_PHYS, warmupSteps = LAMBDA_PHYS_WARMUP_STEPS): number {
  if (!(step > 0)) return 0;
  if (!(warmupSteps > 0)) return max;
  return max * Math.min(1, step / warmupSteps);
}

function checkBatch(batch: SvBatch): void {
  const { frames, objects } = batch;
  if (!Number.isSafeInteger(frames) || frames < 1) throw new RangeError(`SV batch: frame count must be a positive integer, got ${frames}`);
  if (!Number.isSafeInteger(objects) || objects < 1) throw new RangeError(`SV batch: object count must be a positive integer, got ${objects}`);
  const size = frames * objects * 3;
  for (const key of ["pos", "vel", "nextVel"] as const) {
    if (batch[key].length !== size) throw new RangeError(`SV batch: ${key} holds ${batch[key].length} values, expected ${size} for ${frames}×${objects} objects`);
  }
  if (typeof batch.dt === "number" ? !(batch.dt > 0) : batch.dt.length !== frames || batch.dt.some((x) => !(x > 0))) {
    throw new RangeError(`SV batch: dt must be positive, one value or one per frame`);
  }
}

/** Δt as a [B, 1, 1] tensor. */
function dtTensor(batch: SvBatch): tf.Tensor3D {
  return typeof batch.dt === "number" ? tf.fill([batch.frames, 1, 1], batch.dt) : tf.tensor3d(batch.dt, [batch.frames, 1, 1]);
}

/**
 * The physics loss terms for predicted accelerations `accel` [B, N, 3] on a
 * batch (unit masses). Creates tensors: call inside tf.tidy.
 */
export function physicsLoss(accel: tf.Tensor3D, batch: SvBatch): PhysicsLossTerms {
  checkBatch(batch);
  const shape: [number, number, number] = [batch.frames, batch.objects, 3];
  if (accel.shape.join() !== shape.join()) throw new RangeError(`physicsLoss: accelerations of shape [${accel.shape.join(", ")}], expected [${shape.join(", ")}]`);
  const vel = tf.tensor3d(batch.vel, shape);
  const next = tf.tensor3d(batch.nextVel, shape);
  const dt = dtTensor(batch);
  const target = tf.div(tf.sub(next, vel), dt);
  const lPhys = tf.mean(tf.sum(tf.square(tf.sub(accel, target)), 2)) as tf.Scalar;
  // per frame: Σ_i â_i·ẋ_i Δt − (KE(t+1) − KE(t))
  const work = tf.mul(tf.sum(tf.mul(accel, vel), [1, 2]), tf.reshape(dt, [batch.frames]));
  const dKe = tf.mul(0.5, tf.sub(tf.sum(tf.square(next), [1, 2]), tf.sum(tf.square(vel), [1, 2])));
  const lReg = tf.mean(tf.square(tf.sub(work, dKe))) as tf.Scalar;
  return { lPhys, lReg };
}

export interface SvTrainerOptions {
  /** Adam learning rate (default 1e-3) */
  readonly learningRate?: number;
  /** λ_phys after warmup (default 0.1) */
  readonly lambdaPhys?: number;
  /** linear warmup steps of λ_phys (default 50,000) */
  readonly warmupSteps?: number;
  /** weight of L_reg (default 0.01) */
  readonly lambdaReg?: number;
  /** the step count to start from, e.g. when resuming (default 0) */
  readonly initialStep?: number;
}

export interface SvStepResult {
  /** the step's index (0 for the first) */
  readonly step: number;
  /** λ_phys · L_phys + λ_reg · L_reg */
  readonly loss: number;
  readonly l_phys: number;
  readonly l_reg: number;
  readonly lambda_phys: number;
}

/** Adam on the SV losses. Owns a model and an optimizer: call `dispose()` when done. */
export class SvTrainer {
  readonly model: SvTfModel;
  readonly lambdaPhysMax: number;
  readonly warmupSteps: number;
  readonly lambdaReg: number;
  private readonly optimizer: tf.AdamOptimizer;
  private stepCount: number;
  private rate: number;

  constructor(weights: SvWeights, options: SvTrainerOptions = {}) {
    this.rate = options.learningRate ?? 1e-3;
    this.lambdaPhysMax = options.lambdaPhys ?? LAMBDA_PHYS;
    this.warmupSteps = options.warmupSteps ?? LAMBDA_PHYS_WARMUP_STEPS;
    this.lambdaReg = options.lambdaReg ?? LAMBDA_REG;
    this.stepCount = options.initialStep ?? 0;
    if (!(this.rate > 0)) throw new RangeError(`SvTrainer: learning rate must be positive, got ${this.rate}`);
    if (!Number.isSafeInteger(this.stepCount) || this.stepCount < 0) throw new RangeError(`SvTrainer: initial step must be a non-negative integer, got ${this.stepCount}`);
    this.model = new SvTfModel(weights);
    this.optimizer = tf.train.adam(this.rate);
  }

  /** Adam's current learning rate. */
  get learningRate(): number {
    return this.rate;
  }

  /** Changes the learning rate from the next step on (a schedule); Adam's moments are kept. */
  setLearningRate(rate: number): void {
    if (!(rate > 0 && Number.isFinite(rate))) throw new RangeError(`SvTrainer: learning rate must be positive, got ${rate}`);
    this.rate = rate;
    // tfjs's AdamOptimizer reads its learningRate field at every applyGradients
    (this.optimizer as unknown as { learningRate: number }).learningRate = rate;
  }

  /** Steps taken so far (including initialStep). */
  get steps(): number {
    return this.stepCount;
  }

  /** The loss terms on a batch without updating (e.g. for a held-out split). */
  evaluate(batch: SvBatch): SvStepResult {
    checkBatch(batch);
    const lam = lambdaPhys(this.stepCount, this.lambdaPhysMax, this.warmupSteps);
    const values = tf.tidy(() => {
      const { lPhys, lReg } = this.terms(batch);
      return tf.stack([lPhys, lReg]);
    });
    const [lPhys, lReg] = values.dataSync();
    values.dispose();
    return { step: this.stepCount, loss: lam * lPhys! + this.lambdaReg * lReg!, l_phys: lPhys!, l_reg: lReg!, lambda_phys: lam };
  }

  /** One Adam step on `λ_phys(step) · L_phys + λ_reg · L_reg`. */
  step(batch: SvBatch): SvStepResult {
    checkBatch(batch);
    const step = this.stepCount;
    const lam = lambdaPhys(step, this.lambdaPhysMax, this.warmupSteps);
    let kept: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const { lPhys, lReg } = this.terms(batch);
      kept = tf.keep(tf.stack([lPhys, lReg]));
      return tf.add(tf.mul(lPhys, lam), tf.mul(lReg, this.lambdaReg)) as tf.Scalar;
    }, this.model.trainableVariables());
    this.optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    const loss = value.dataSync()[0]!;
    const [lPhys, lReg] = kept!.dataSync();
    tf.dispose([value, kept!, ...Object.values(grads)]);
    this.stepCount++;
    return { step, loss, l_phys: lPhys!, l_reg: lReg!, lambda_phys: lam };
  }

  weights(): SvWeights {
    return this.model.weights();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }

  private terms(batch: SvBatch): PhysicsLossTerms {
    const shape: [number, number, number] = [batch.frames, batch.objects, 3];
    const accel = this.model.apply(tf.tensor3d(batch.pos, shape), tf.tensor3d(batch.vel, shape));
    return physicsLoss(accel, batch);
  }
}
