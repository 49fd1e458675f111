// `craft train physics TRACES... -o model.safetensors` (DESIGN.md "Tools
// around the language"; SV seed §5.5): trains the SV network on frame pairs
// from traces with Adam and writes its weights with calibrated thresholds for
// the physics predicates (predicates.ts). The defaults converge on a few
// hundred simulated trajectories in about 20 epochs (examples/README.md,
// "physics"); smaller datasets want more epochs.
//
// - Split: each trace's samples are cut into runs of HOLD_OUT_RUN consecutive
//   frame pairs; a seeded shuffle of the runs puts `holdOut` of them (at least
//   one) in the held-out split. Whole runs, not single pairs, are held out so
//   that neighbouring, nearly equal frames do not leak across the split.
// - Initialisation: PyTorch's, with the node embeddings started small
//   (initialWeights says why).
// - Each epoch: the training samples in a fresh seeded order, batched by
//   object count, batches in a seeded order, one Adam step per batch; then
//   L_phys on the held-out split. The best held-out L_phys (an improvement
//   is a relative decrease of more than MIN_IMPROVEMENT) keeps its weights;
//   `patience` epochs without one stop training.
// - Learning rate: "cosine" (default) falls from --lr to 1% of it over
//   --epochs, per epoch; "plateau" halves it after PLATEAU_EPOCHS epochs
//   without improvement; "constant" keeps it.
// - λ_phys warms up linearly over `warmupSteps`, by default one epoch's
//   steps. The seed's 50,000 steps belong to a reinforcement-learning run of
//   millions of steps; a run here has a few tens of thousands, and would
//   train mostly on L_reg meanwhile.
// - Thresholds: on the held-out split, with the best weights, each object of
//   each sample has the normalised error e = ‖â − a_fd‖ / (‖a_fd‖ + a0) and
//   each sample the momentum error e_p = ‖Σ(a_fd − â)‖ / (Σ‖a_fd − â‖ + a0·N)
//   (unit masses), a_fd = (ẋ(t+1) − ẋ(t))/Δt in the trace's units (m/s²),
//   a0 = --accel-scale (default 1 m/s², keeping near-rest objects from
//   dominating), exactly as the predicates compute them. τ and τ_p are
//   THRESHOLD_MARGIN (1.5) times the --threshold-quantile of those errors, by
//   default the largest (linear interpolation between order statistics
//   otherwise). A trace is checked at every object and step — 8,000 verdicts
//   for 8 objects over 1,000 frames — so a percentile such as the 99th would
//   flag genuine motion in every long trace, and it would flag collisions
//   first: they are a few percent of the object-steps and the hardest to
//   predict. The margin covers what a few thousand held-out samples do not
//   show: on 100 fresh scenes of the balls example the largest errors were
//   1.06 (e) and 1.22 (e_p) times the held-out ones. Quantiles of the errors
//   go into the metadata too.
// - The model is written to a temporary file beside the output and renamed,
//   so a failure never leaves a half-written model.

import { access, appendFile, constants, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { Presets, SingleBar } from "cli-progress";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../input-error.js";
import { SvForward } from "../physics/sv-forward.js";
import { DEFAULT_SV_CONFIG, PAIR_SCALARS, randomSvWeights, svWeightsToTensors, type SvConfig, type SvWeights } from "../physics/sv-model.js";
import { LAMBDA_PHYS_WARMUP_STEPS, SvTrainer, type SvBatch } from "../physics/sv-tfjs.js";
import { batchSamples, readTrainingData, type SvSample } from "../physics/training-data.js";
import { serializeSafetensors } from "../tensors/safetensors.js";
import type { CommandIO } from "./check-command.js";
import { seededRandom } from "../seeded-random.js";

export type LearningRateSchedule = "cosine" | "plateau" | "constant";

export interface TrainPhysicsOptions {
  /** the .safetensors file to write */
  readonly output: string;
  /** most epochs (default 20) */
  readonly epochs?: number;
  /** frames per Adam step (default 32) */
  readonly batchSize?: number;
  /** Adam's initial learning rate (default 5e-3) */
  readonly learningRate?: number;
  /** how the learning rate falls (default cosine; see the header) */
  readonly schedule?: LearningRateSchedule;
  /** fraction of frame-pair runs held out, in (0, 1) (default 0.1) */
  readonly holdOut?: number;
  /** epochs without a held-out improvement before stopping (default 8) */
  readonly patience?: number;
  /** seeds the initial weights, the split and every shuffle (default 0) */
  readonly seed?: number;
  /** linear λ_phys warmup in Adam steps (default one epoch's steps, at most the seed's 50,000) */
  readonly warmupSteps?: number;
  /** a0 of the normalised error, m/s² (default 1) */
  readonly accelScale?: number;
  /** the quantile of held-out errors that becomes τ and τ_p, in (0, 1] (default 1, the largest) */
  readonly thresholdQuantile?: number;
  /** the per-epoch metrics file (default `<output>.metrics.jsonl`) */
  readonly metrics?: string;
  /** d_h and L (default 32 and 1) */
  readonly config?: SvConfig;
}

export const TRAIN_DEFAULTS = { epochs: 20, batchSize: 32, learningRate: 5e-3, schedule: "cosine", holdOut: 0.1, patience: 8, seed: 0, accelScale: 1 } as const;

const SCHEDULES: readonly LearningRateSchedule[] = ["cosine", "plateau", "constant"];

/** consecutive frame pairs held out together */
export const HOLD_OUT_RUN = 16;
/** relative decrease of held-out L_phys that counts as an improvement */
export const MIN_IMPROVEMENT = 1e-4;
/**
 * the quantile of held-out errors that becomes τ (and τ_p): 1, the largest,
 * so that no genuine held-out motion is flagged (see the header)
 */
export const THRESHOLD_QUANTILE = 1;
/** τ and τ_p are this many times that quantile (see the header) */
export const THRESHOLD_MARGIN = 1.5;
/** the cosine schedule ends at this fraction of the initial learning rate */
export const COSINE_FLOOR = 0.01;
/** plateau schedule: halve the learning rate after this many epochs without improvement */
export const PLATEAU_EPOCHS = 2;
const EVAL_BATCH = 256;

/** scale of the encoder's output layer at initialisation (see initialWeights) */
export const INIT_EMBEDDING_SCALE = 0.01;
/** scale of the force MLPs' node-embedding columns at initialisation */
export const INIT_EMBEDDING_COLUMNS_SCALE = 0.1;

/**
 * Initial weights: PyTorch's initialisation (randomSvWeights), then the
 * encoder's output layer and the force MLPs' columns for h_i + h_j and
 * |h_i − h_j| scaled down. Node embeddings come from absolute positions and
 * velocities; at full scale they make up 64 of the force MLP's 69 inputs and,
 * through its LayerNorm, drown the pair scalars σ (distance, relative
 * velocity) that contact forces depend on, and training spends many epochs
 * before finding them. Starting small, the embeddings grow only as far as
 * they help (on the balls example: held-out L_phys 0.009 after 12 epochs
 * instead of 0.034).
 */
export function initialWeights(config: SvConfig, seed: number): SvWeights {
  const weights = randomSvWeights(config, seed);
  const last = weights.encoder.last;
  for (const a of [last.weight, last.bias]) for (let i = 0; i < a.length; i++) a[i]! *= INIT_EMBEDDING_SCALE;
  for (const layer of weights.layers) {
    const first = layer.force.first;
    for (let o = 0; o < first.outputs; o++) {
      for (let k = PAIR_SCALARS; k < first.inputs; k++) first.weight[o * first.inputs + k]! *= INIT_EMBEDDING_COLUMNS_SCALE;
    }
  }
  return weights;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InputError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new InputError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** Held-out and training samples (see the header). */
export function splitSamples(samples: readonly SvSample[], holdOut: number, seed: number): { train: SvSample[]; val: SvSample[] } {
  const runs: SvSample[][] = [];
  let run: SvSample[] = [];
  for (const s of samples) {
    if (run.length === HOLD_OUT_RUN || (run.length > 0 && run[0]!.trace !== s.trace)) {
      runs.push(run);
      run = [];
    }
    run.push(s);
  }
  if (run.length > 0) runs.push(run);
  if (runs.length < 2) {
    throw new InputError(`too few frame pairs to hold some out: ${samples.length} (need more than ${HOLD_OUT_RUN}; held out in runs of ${HOLD_OUT_RUN})`);
  }
  const order = shuffle(runs.map((_, i) => i), seededRandom(seed ^ 0x5eed));
  const count = Math.min(runs.length - 1, Math.max(1, Math.round(holdOut * runs.length)));
  const held = new Set(order.slice(0, count));
  const train: SvSample[] = [];
  const val: SvSample[] = [];
  runs.forEach((r, i) => (held.has(i) ? val : train).push(...r));
  return { train, val };
}

/** The q-quantile of values (linear interpolation between order statistics). */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Held-out errors with the CPU forward, as the predicates compute them (masses 1). */
export interface HeldOutErrors {
  /** e = ‖â − a_fd‖/(‖a_fd‖ + a0) per object of each sample */
  readonly plausibility: Float64Array;
  /** e_p = ‖Σ(a_fd − â)‖/(Σ‖a_fd − â‖ + a0·N) per sample */
  readonly momentum: Float64Array;
}

export function heldOutErrors(weights: SvWeights, batches: readonly SvBatch[], accelScale: number): HeldOutErrors {
  const forward = new SvForward(weights);
  const plausibility: number[] = [];
  const momentum: number[] = [];
  for (const b of batches) {
    const accel = forward.forwardBatch(b.pos, b.vel, b.frames, b.objects);
    for (let f = 0; f < b.frames; f++) {
      const dt = typeof b.dt === "number" ? b.dt : b.dt[f]!;
      const net = [0, 0, 0];
      let spread = 0;
      for (let i = 0; i < b.objects; i++) {
        const at = (f * b.objects + i) * 3;
        let diff = 0;
        let target = 0;
        for (let k = 0; k < 3; k++) {
          const a = (b.nextVel[at + k]! - b.vel[at + k]!) / dt;
          const r = a - accel[at + k]!;
          target += a * a;
          diff += r * r;
          net[k]! += r;
        }
        plausibility.push(Math.sqrt(diff) / (Math.sqrt(target) + accelScale));
        spread += Math.sqrt(diff);
      }
      momentum.push(Math.hypot(net[0]!, net[1]!, net[2]!) / (spread + accelScale * b.objects));
    }
  }
  return { plausibility: Float64Array.from(plausibility), momentum: Float64Array.from(momentum) };
}

/**
 * The learning rate in epoch `epoch` (1-based) of `epochs` for the
 * schedules that depend on the epoch alone: cosine falls from `rate` to
 * rate·COSINE_FLOOR over the run; constant stays.
 */
export function scheduledRate(schedule: "cosine" | "constant", rate: number, epoch: number, epochs: number): number {
  if (schedule === "constant" || epochs <= 1) return rate;
  const progress = (epoch - 1) / (epochs - 1);
  return rate * (COSINE_FLOOR + ((1 - COSINE_FLOOR) * (1 + Math.cos(Math.PI * progress))) / 2);
}

/** Mean L_phys and L_reg over batches, weighted by frames. */
function evaluate(trainer: SvTrainer, batches: readonly SvBatch[]): { lPhys: number; lReg: number } {
  let lPhys = 0;
  let lReg = 0;
  let frames = 0;
  for (const b of batches) {
    const r = trainer.evaluate(b);
    lPhys += r.l_phys * b.frames;
    lReg += r.l_reg * b.frames;
    frames += b.frames;
  }
  return { lPhys: lPhys / frames, lReg: lReg / frames };
}

async function checkWritable(path: string, what: string): Promise<void> {
  const dir = dirname(path);
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new InputError(`${what} ${path}: ${dir} is not a directory`);
    await access(dir, constants.W_OK);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    throw new InputError(`${what} ${path}: cannot write there (${code === "ENOENT" ? "no such directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : String(code ?? error)})`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new InputError(`${what} ${path}: it is a directory`);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

export async function runTrainPhysics(traces: readonly string[], options: TrainPhysicsOptions, io: CommandIO): Promise<number> {
  const epochs = positiveInteger("--epochs", options.epochs ?? TRAIN_DEFAULTS.epochs);
  const batchSize = positiveInteger("--batch-size", options.batchSize ?? TRAIN_DEFAULTS.batchSize);
  const patience = positiveInteger("--patience", options.patience ?? TRAIN_DEFAULTS.patience);
  const seed = nonNegativeInteger("--seed", options.seed ?? TRAIN_DEFAULTS.seed);
  if (options.warmupSteps !== undefined) nonNegativeInteger("--warmup-steps", options.warmupSteps);
  const learningRate = options.learningRate ?? TRAIN_DEFAULTS.learningRate;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new InputError(`--lr must be a positive number, got ${learningRate}`);
  const schedule = options.schedule ?? TRAIN_DEFAULTS.schedule;
  if (!SCHEDULES.includes(schedule)) throw new InputError(`--schedule must be one of ${SCHEDULES.join(", ")}, got ${String(schedule)}`);
  const holdOut = options.holdOut ?? TRAIN_DEFAULTS.holdOut;
  if (!(holdOut > 0 && holdOut < 1)) throw new InputError(`--hold-out must be a fraction in (0, 1), got ${holdOut}`);
  const accelScale = options.accelScale ?? TRAIN_DEFAULTS.accelScale;
  if (!(accelScale > 0 && Number.isFinite(accelScale))) throw new InputError(`--accel-scale must be a positive number (m/s²), got ${accelScale}`);
  const thresholdQuantile = options.thresholdQuantile ?? THRESHOLD_QUANTILE;
  if (!(thresholdQuantile > 0 && thresholdQuantile <= 1)) throw new InputError(`--threshold-quantile must be in (0, 1], got ${thresholdQuantile}`);
  const config = options.config ?? DEFAULT_SV_CONFIG;
  const output = options.output;
  const metricsPath = options.metrics ?? `${output}.metrics.jsonl`;
  await checkWritable(output, "output");
  await checkWritable(metricsPath, "metrics file");

  const data = await readTrainingData(traces);
  const { train, val } = splitSamples(data.samples, holdOut, seed);
  const valBatches = batchSamples(val, EVAL_BATCH);
  const skipped = data.traces.reduce((a, t) => a + t.skippedSetChanges, 0);
  // one epoch's Adam steps (batches are cut per object count, so a few more than train/batchSize)
  const stepsPerEpoch = batchSamples(train, batchSize).length;
  const warmupSteps = options.warmupSteps ?? Math.min(LAMBDA_PHYS_WARMUP_STEPS, stepsPerEpoch);
  io.stderr(
    `training SV physics (d_h ${config.hidden}, L ${config.layers}) on ${data.samples.length} frame pairs from ${traces.length} trace(s): ${train.length} train, ${val.length} held out` +
      (skipped > 0 ? `; ${skipped} pairs skipped where the object set changes` : "") +
      `; ${stepsPerEpoch} steps per epoch, learning rate ${fmt(learningRate)} (${schedule}), λ_phys warmup ${warmupSteps} steps\n`,
  );

  await tf.setBackend("cpu");
  await writeFile(metricsPath, "");
  const random = seededRandom(seed);
  const trainer = new SvTrainer(initialWeights(config, seed + 1), { learningRate, warmupSteps });
  const bar = io.stderrIsTTY
    ? new SingleBar({ format: "training {bar} {value}/{total} epochs | val L_phys {val} | best {best}", clearOnComplete: true, stream: process.stderr }, Presets.shades_classic)
    : undefined;
  let best = { lPhys: Infinity, epoch: 0, weights: trainer.weights() };
  let epoch = 0;
  let rate = learningRate;
  let lastCut = 0;
  const started = performance.now();
  try {
    const first = evaluate(trainer, valBatches);
    bar?.start(epochs, 0, { val: fmt(first.lPhys), best: "-" });
    for (epoch = 1; epoch <= epochs; epoch++) {
      const epochStarted = performance.now();
      if (schedule === "plateau") {
        // halve after PLATEAU_EPOCHS epochs without improvement (counting from the last cut too)
        if (epoch - 1 - Math.max(best.epoch, lastCut) >= PLATEAU_EPOCHS) {
          rate /= 2;
          lastCut = epoch - 1;
        }
      } else rate = scheduledRate(schedule, learningRate, epoch, epochs);
      trainer.setLearningRate(rate);
      const batches = shuffle(batchSamples(shuffle([...train], random), batchSize), random);
      let loss = 0;
      let lPhys = 0;
      let lReg = 0;
      let lambda = 0;
      let frames = 0;
      for (const b of batches) {
        const r = trainer.step(b);
        loss += r.loss * b.frames;
        lPhys += r.l_phys * b.frames;
        lReg += r.l_reg * b.frames;
        lambda = r.lambda_phys;
        frames += b.frames;
      }
      const v = evaluate(trainer, valBatches);
      const seconds = (performance.now() - epochStarted) / 1000;
      const improved = v.lPhys < best.lPhys * (1 - MIN_IMPROVEMENT);
      if (improved) best = { lPhys: v.lPhys, epoch, weights: trainer.weights() };
      const line = {
        epoch,
        step: trainer.steps,
        "train/loss": loss / frames,
        "train/l_phys": lPhys / frames,
        "train/l_reg": lReg / frames,
        "train/lambda_phys": lambda,
        "train/learning_rate": rate,
        "val/l_phys": v.lPhys,
        "val/l_reg": v.lReg,
        "val/best_l_phys": best.lPhys,
        "debug/timing/epoch_s": seconds,
        "debug/timing/step_ms": (1000 * seconds) / Math.max(1, batches.length),
      };
      await appendFile(metricsPath, JSON.stringify(line) + "\n");
      if (bar) bar.update(epoch, { val: fmt(v.lPhys), best: fmt(best.lPhys) });
      else io.stderr(`epoch ${epoch}/${epochs}: lr ${fmt(rate)} loss ${fmt(line["train/loss"])} L_phys ${fmt(line["train/l_phys"])} L_reg ${fmt(line["train/l_reg"])} | val L_phys ${fmt(v.lPhys)}${improved ? " *" : ""} (${seconds.toFixed(2)} s)\n`);
      if (epoch - best.epoch >= patience) break;
    }
  } finally {
    bar?.stop();
    trainer.dispose();
  }
  const epochsRun = Math.min(epoch, epochs);
  const trainSeconds = (performance.now() - started) / 1000;
  if (epochsRun < epochs) io.stderr(`stopped early after epoch ${epochsRun}: no held-out improvement for ${patience} epochs\n`);

  const errors = heldOutErrors(best.weights, valBatches, accelScale);
  const threshold = THRESHOLD_MARGIN * quantile(errors.plausibility, thresholdQuantile);
  const tolerance = THRESHOLD_MARGIN * quantile(errors.momentum, thresholdQuantile);
  const stat = (values: Float64Array, q: number): string => String(quantile(values, q));
  const metadata: Record<string, string> = {
    "craft.kind": "sv-physics",
    "craft.hidden": String(config.hidden),
    "craft.layers": String(config.layers),
    "craft.plausibility_threshold": String(threshold),
    "craft.momentum_tolerance": String(tolerance),
    "craft.plausibility_accel_scale": String(accelScale),
    "craft.plausibility_error": `|a_pred - a_fd| / (|a_fd| + ${accelScale}) per object, a_fd = (v(t+1) - v(t)) / dt`,
    "craft.momentum_error": `|sum(a_fd - a_pred)| / (sum |a_fd - a_pred| + ${accelScale} N) per frame, unit masses`,
    "craft.threshold_quantile": String(thresholdQuantile),
    "craft.threshold_margin": String(THRESHOLD_MARGIN),
    "craft.val_error_p50": stat(errors.plausibility, 0.5),
    "craft.val_error_p99": stat(errors.plausibility, 0.99),
    "craft.val_error_p999": stat(errors.plausibility, 0.999),
    "craft.val_error_max": stat(errors.plausibility, 1),
    "craft.val_momentum_error_p99": stat(errors.momentum, 0.99),
    "craft.val_momentum_error_max": stat(errors.momentum, 1),
    "craft.val_l_phys": String(best.lPhys),
    "craft.best_epoch": String(best.epoch),
    "craft.epochs": String(epochsRun),
    "craft.learning_rate": String(learningRate),
    "craft.schedule": schedule,
    "craft.batch_size": String(batchSize),
    "craft.seed": String(seed),
    "craft.train_pairs": String(train.length),
    "craft.val_pairs": String(val.length),
    "craft.train_seconds": trainSeconds.toFixed(0),
    "craft.trained_on": JSON.stringify(traces.map((t) => basename(t))),
  };
  await writeModel(output, best.weights, metadata);
  io.stdout(
    `wrote ${output}: best held-out L_phys ${fmt(best.lPhys)} at epoch ${best.epoch} of ${epochsRun} (${trainSeconds.toFixed(0)} s); τ = ${fmt(threshold)}, τ_p = ${fmt(tolerance)} (${THRESHOLD_MARGIN} × ${thresholdQuantile === 1 ? "the largest" : `the ${fmt(100 * thresholdQuantile)}th percentile of`} held-out errors); metrics in ${metricsPath}\n`,
  );
  return 0;
}

/** Writes to a temporary file beside `path`, then renames it into place. */
async function writeModel(path: string, weights: SvWeights, metadata: Record<string, string>): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(temp, serializeSafetensors(svWeightsToTensors(weights), metadata));
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new InputError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
