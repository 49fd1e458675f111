// `craft train physics TRACES... -o model.safetensors` (DESIGN.md "Tools
// around the language"; SV seed §5.5): trains the SV network on frame pairs
// from traces with Adam and writes its weights with a calibrated plausibility
// threshold.
//
// - Split: each trace's samples are cut into runs of HOLD_OUT_RUN consecutive
//   frame pairs; a seeded shuffle of the runs puts `holdOut` of them (at least
//   one) in the held-out split. Whole runs, not single pairs, are held out so
//   that neighbouring, nearly equal frames do not leak across the split.
// - Each epoch: the training samples in a fresh seeded order, batched by
//   object count, batches in a seeded order, one Adam step per batch; then
//   L_phys on the held-out split. The best held-out L_phys (an improvement
//   is a relative decrease of more than MIN_IMPROVEMENT) keeps its weights;
//   `patience` epochs without one stop training.
// - λ_phys warms up linearly over `warmupSteps` (default the seed's 50,000).
//   A short run on a small dataset takes far fewer steps than that, and
//   would train mostly on L_reg: pass a warmup of a few hundred steps there.
// - Threshold τ: on the held-out split, with the best weights, each object
//   of each sample has the normalised error e = ‖â − a_fd‖ / (‖a_fd‖ + 1),
//   a_fd = (ẋ(t+1) − ẋ(t))/Δt in the trace's units (m/s²), the +1 keeping
//   near-rest objects from dominating; τ is the 99th percentile of e (linear
//   interpolation between order statistics). A predicate can call motion with
//   e > τ implausible; about 1% of genuine held-out motion is above it.
// - The model is written to a temporary file beside the output and renamed,
//   so a failure never leaves a half-written model.

import { access, appendFile, constants, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { Presets, SingleBar } from "cli-progress";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../input-error.js";
import { SvForward } from "../physics/sv-forward.js";
import { DEFAULT_SV_CONFIG, randomSvWeights, svWeightsToTensors, type SvConfig, type SvWeights } from "../physics/sv-model.js";
import { LAMBDA_PHYS_WARMUP_STEPS, SvTrainer, type SvBatch } from "../physics/sv-tfjs.js";
import { batchSamples, readTrainingData, type SvSample } from "../physics/training-data.js";
import { serializeSafetensors } from "../tensors/safetensors.js";
import type { CommandIO } from "./check-command.js";

export interface TrainPhysicsOptions {
  /** the .safetensors file to write */
  readonly output: string;
  /** most epochs (default 200) */
  readonly epochs?: number;
  /** frames per Adam step (default 32) */
  readonly batchSize?: number;
  /** Adam learning rate (default 1e-3) */
  readonly learningRate?: number;
  /** fraction of frame-pair runs held out, in (0, 1) (default 0.1) */
  readonly holdOut?: number;
  /** epochs without a held-out improvement before stopping (default 10) */
  readonly patience?: number;
  /** seeds the initial weights, the split and every shuffle (default 0) */
  readonly seed?: number;
  /** linear λ_phys warmup in Adam steps (default 50,000, the seed's) */
  readonly warmupSteps?: number;
  /** the per-epoch metrics file (default `<output>.metrics.jsonl`) */
  readonly metrics?: string;
  /** d_h and L (default 32 and 1) */
  readonly config?: SvConfig;
}

export const TRAIN_DEFAULTS = { epochs: 200, batchSize: 32, learningRate: 1e-3, holdOut: 0.1, patience: 10, seed: 0, warmupSteps: LAMBDA_PHYS_WARMUP_STEPS } as const;

/** consecutive frame pairs held out together */
export const HOLD_OUT_RUN = 16;
/** relative decrease of held-out L_phys that counts as an improvement */
export const MIN_IMPROVEMENT = 1e-4;
/** the quantile of held-out normalised errors that becomes τ */
export const THRESHOLD_QUANTILE = 0.99;
const EVAL_BATCH = 256;

/** mulberry32: a small seeded generator, uniform in [0, 1) */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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

/** e = ‖â − a_fd‖/(‖a_fd‖ + 1) per object of each sample, with the CPU forward. */
export function normalisedErrors(weights: SvWeights, batches: readonly SvBatch[]): Float64Array {
  const forward = new SvForward(weights);
  const out: number[] = [];
  for (const b of batches) {
    const accel = forward.forwardBatch(b.pos, b.vel, b.frames, b.objects);
    for (let f = 0; f < b.frames; f++) {
      const dt = typeof b.dt === "number" ? b.dt : b.dt[f]!;
      for (let i = 0; i < b.objects; i++) {
        const at = (f * b.objects + i) * 3;
        let diff = 0;
        let target = 0;
        for (let k = 0; k < 3; k++) {
          const a = (b.nextVel[at + k]! - b.vel[at + k]!) / dt;
          target += a * a;
          diff += (accel[at + k]! - a) ** 2;
        }
        out.push(Math.sqrt(diff) / (Math.sqrt(target) + 1));
      }
    }
  }
  return Float64Array.from(out);
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
  const warmupSteps = nonNegativeInteger("--warmup-steps", options.warmupSteps ?? TRAIN_DEFAULTS.warmupSteps);
  const learningRate = options.learningRate ?? TRAIN_DEFAULTS.learningRate;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new InputError(`--lr must be a positive number, got ${learningRate}`);
  const holdOut = options.holdOut ?? TRAIN_DEFAULTS.holdOut;
  if (!(holdOut > 0 && holdOut < 1)) throw new InputError(`--hold-out must be a fraction in (0, 1), got ${holdOut}`);
  const config = options.config ?? DEFAULT_SV_CONFIG;
  const output = options.output;
  const metricsPath = options.metrics ?? `${output}.metrics.jsonl`;
  await checkWritable(output, "output");
  await checkWritable(metricsPath, "metrics file");

  const data = await readTrainingData(traces);
  const { train, val } = splitSamples(data.samples, holdOut, seed);
  const valBatches = batchSamples(val, EVAL_BATCH);
  const skipped = data.traces.reduce((a, t) => a + t.skippedSetChanges, 0);
  io.stderr(
    `training SV physics (d_h ${config.hidden}, L ${config.layers}) on ${data.samples.length} frame pairs from ${traces.length} trace(s): ${train.length} train, ${val.length} held out` +
      (skipped > 0 ? `; ${skipped} pairs skipped where the object set changes` : "") +
      "\n",
  );

  await tf.setBackend("cpu");
  await writeFile(metricsPath, "");
  const random = seededRandom(seed);
  const trainer = new SvTrainer(randomSvWeights(config, seed + 1), { learningRate, warmupSteps });
  const bar = io.stderrIsTTY
    ? new SingleBar({ format: "training {bar} {value}/{total} epochs | val L_phys {val} | best {best}", clearOnComplete: true, stream: process.stderr }, Presets.shades_classic)
    : undefined;
  let best = { lPhys: Infinity, epoch: 0, weights: trainer.weights() };
  let epoch = 0;
  try {
    const first = evaluate(trainer, valBatches);
    bar?.start(epochs, 0, { val: fmt(first.lPhys), best: "-" });
    for (epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
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
      const seconds = (performance.now() - started) / 1000;
      const improved = v.lPhys < best.lPhys * (1 - MIN_IMPROVEMENT);
      if (improved) best = { lPhys: v.lPhys, epoch, weights: trainer.weights() };
      const line = {
        epoch,
        step: trainer.steps,
        "train/loss": loss / frames,
        "train/l_phys": lPhys / frames,
        "train/l_reg": lReg / frames,
        "train/lambda_phys": lambda,
        "val/l_phys": v.lPhys,
        "val/l_reg": v.lReg,
        "val/best_l_phys": best.lPhys,
        "debug/timing/epoch_s": seconds,
        "debug/timing/step_ms": (1000 * seconds) / Math.max(1, batches.length),
      };
      await appendFile(metricsPath, JSON.stringify(line) + "\n");
      if (bar) bar.update(epoch, { val: fmt(v.lPhys), best: fmt(best.lPhys) });
      else io.stderr(`epoch ${epoch}/${epochs}: loss ${fmt(line["train/loss"])} L_phys ${fmt(line["train/l_phys"])} L_reg ${fmt(line["train/l_reg"])} | val L_phys ${fmt(v.lPhys)}${improved ? " *" : ""} (${seconds.toFixed(2)} s)\n`);
      if (epoch - best.epoch >= patience) break;
    }
  } finally {
    bar?.stop();
    trainer.dispose();
  }
  const epochsRun = Math.min(epoch, epochs);
  if (epochsRun < epochs) io.stderr(`stopped early after epoch ${epochsRun}: no held-out improvement for ${patience} epochs\n`);

  const errors = normalisedErrors(best.weights, valBatches);
  const threshold = quantile(errors, THRESHOLD_QUANTILE);
  const metadata: Record<string, string> = {
    "craft.kind": "sv-physics",
    "craft.hidden": String(config.hidden),
    "craft.layers": String(config.layers),
    "craft.plausibility_threshold": String(threshold),
    "craft.plausibility_error": "|a_pred - a_fd| / (|a_fd| + 1) per object, a_fd = (v(t+1) - v(t)) / dt",
    "craft.plausibility_quantile": String(THRESHOLD_QUANTILE),
    "craft.val_l_phys": String(best.lPhys),
    "craft.best_epoch": String(best.epoch),
    "craft.epochs": String(epochsRun),
    "craft.seed": String(seed),
    "craft.train_pairs": String(train.length),
    "craft.val_pairs": String(val.length),
    "craft.trained_on": JSON.stringify(traces.map((t) => basename(t))),
  };
  await writeModel(output, best.weights, metadata);
  io.stdout(
    `wrote ${output}: best held-out L_phys ${fmt(best.lPhys)} at epoch ${best.epoch} of ${epochsRun}; plausibility threshold τ = ${fmt(threshold)} (99th percentile of held-out errors); metrics in ${metricsPath}\n`,
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
