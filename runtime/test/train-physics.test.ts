// `craft train physics` in-process: training data from traces, training with
// early stopping, metrics.jsonl, the calibrated threshold, and bad input.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/input-error.js";
import { heldOutErrors, initialWeights, INIT_EMBEDDING_SCALE, runTrainPhysics, quantile, scheduledRate, splitSamples, type TrainPhysicsOptions } from "../src/cli/train-command.js";
import type { CommandIO } from "../src/cli/check-command.js";
import { loadSvWeights, randomSvWeights } from "../src/physics/sv-model.js";
import { loadPhysicsModel, PhysicsModel } from "../src/physics/predicates.js";
import { batchSamples, readTraceSamples } from "../src/physics/training-data.js";
import { readSafetensors } from "../src/tensors/safetensors.js";
import type { Frame } from "@craft/language";
import { rng } from "./support/physics.js";

const DT = 0.02;

/**
 * N unit masses joined pairwise by springs (k, rest length 1), integrated by
 * semi-implicit Euler, so (v(t+1) − v(t))/dt is exactly the spring force at x(t).
 */
function springTrajectory(n: number, frames: number, seed: number): { pos: number[][][]; vel: number[][][] } {
  const random = rng(seed);
  const x = Array.from({ length: n }, () => [0, 1, 2].map(() => 2 * random() - 1));
  const v = Array.from({ length: n }, () => [0, 1, 2].map(() => random() - 0.5));
  const pos: number[][][] = [];
  const vel: number[][][] = [];
  for (let f = 0; f < frames; f++) {
    pos.push(x.map((p) => [...p]));
    vel.push(v.map((p) => [...p]));
    const a = x.map(() => [0, 0, 0]);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const r = [0, 1, 2].map((k) => x[j]![k]! - x[i]![k]!);
        const d = Math.hypot(...r);
        const s = (2 * (d - 1)) / d; // k = 2, pulls i towards j when stretched
        for (let k = 0; k < 3; k++) {
          a[i]![k]! += s * r[k]!;
          a[j]![k]! -= s * r[k]!;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        v[i]![k]! += a[i]![k]! * DT;
        x[i]![k]! += v[i]![k]! * DT;
      }
    }
  }
  return { pos, vel };
}

type Fields = "velocity+time" | "time" | "none";

function writeTrace(path: string, n: number, frames: number, seed: number, fields: Fields = "velocity+time"): void {
  const { pos, vel } = springTrajectory(n, frames, seed);
  const lines = pos.map((p, f) =>
    JSON.stringify({
      t: f,
      ...(fields !== "none" ? { time: f * DT } : {}),
      objects: p.map((x, i) => ({ id: `Ball_${i}`, type: "Ball", position: x, ...(fields === "velocity+time" ? { velocity: vel[f]![i] } : {}) })),
    }),
  );
  writeFileSync(path, lines.join("\n") + "\n");
}

function captureIO(): CommandIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), stderrIsTTY: false, stdoutIsTTY: false };
}

let dir: string;
let traces: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "craft-train-"));
  traces = [0, 1, 2].map((i) => join(dir, `springs-${i}.jsonl`));
  traces.forEach((t, i) => writeTrace(t, 4, 90, 10 + i));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quick: Omit<TrainPhysicsOptions, "output"> = { epochs: 12, batchSize: 32, learningRate: 3e-3, warmupSteps: 20, patience: 20, seed: 7 };

function metricsOf(path: string): Record<string, number>[] {
  return readFileSync(path, "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, number>);
}

describe("training data", () => {
  it("reads one sample per frame pair, from velocities or finite differences", async () => {
    const withVel = await readTraceSamples(traces[0]!);
    expect(withVel.samples.length).toBe(89);
    expect(withVel.samples[0]!.objects).toBe(4);
    expect(withVel.samples[0]!.dt).toBeCloseTo(DT, 12);

    const fdPath = join(dir, "fd.jsonl");
    writeTrace(fdPath, 4, 90, 10, "time");
    const fd = await readTraceSamples(fdPath);
    // the first pair has no earlier frame for ẋ(t)
    expect(fd.samples.length).toBe(88);
    // semi-implicit Euler: (x(t) − x(t−1))/dt is v(t) of the integrator
    const s = fd.samples[0]!;
    const ref = withVel.samples[1]!;
    for (let k = 0; k < s.vel.length; k++) {
      expect(s.vel[k]).toBeCloseTo(ref.vel[k]!, 4);
      expect(s.nextVel[k]).toBeCloseTo(ref.nextVel[k]!, 4);
    }
  });

  it("skips and counts pairs where the object set changes; batches by object count", async () => {
    const path = join(dir, "changing.jsonl");
    const { pos, vel } = springTrajectory(3, 10, 3);
    const lines = pos.map((p, f) => {
      const objects = p.map((x, i) => ({ id: `B${i}`, type: "Ball", position: x, velocity: vel[f]![i] }));
      return JSON.stringify({ time: f * DT, objects: f < 5 ? objects : objects.slice(0, 2) });
    });
    writeFileSync(path, lines.join("\n") + "\n");
    const r = await readTraceSamples(path);
    expect(r.summary.skippedSetChanges).toBe(1);
    expect(r.samples.length).toBe(8);
    const batches = batchSamples(r.samples, 3);
    expect(batches.map((b) => [b.objects, b.frames])).toEqual([[3, 3], [3, 1], [2, 3], [2, 1]]);
  });
});

describe("craft train physics", () => {
  it("trains, writes weights with a threshold, and logs metrics per epoch", async () => {
    const output = join(dir, "model.safetensors");
    const io = captureIO();
    expect(await runTrainPhysics(traces, { ...quick, output }, io)).toBe(0);

    const weights = await loadSvWeights(output);
    expect(weights.config).toEqual({ hidden: 32, layers: 1 });
    const { metadata } = await readSafetensors(output);
    expect(metadata["craft.kind"]).toBe("sv-physics");
    expect(metadata["craft.hidden"]).toBe("32");
    expect(metadata["craft.layers"]).toBe("1");
    const tau = Number(metadata["craft.plausibility_threshold"]);
    expect(tau).toBeGreaterThan(0);
    expect(Number.isFinite(Number(metadata["craft.val_l_phys"]))).toBe(true);
    expect(JSON.parse(metadata["craft.trained_on"]!)).toEqual(["springs-0.jsonl", "springs-1.jsonl", "springs-2.jsonl"]);

    const lines = metricsOf(`${output}.metrics.jsonl`);
    expect(lines.map((l) => l["epoch"])).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (const l of lines) {
      for (const key of ["train/loss", "train/l_phys", "train/l_reg", "train/lambda_phys", "val/l_phys", "debug/timing/epoch_s"]) {
        expect(Number.isFinite(l[key]), key).toBe(true);
      }
    }
    const first = lines[0]!["val/l_phys"]!;
    const best = Math.min(...lines.map((l) => l["val/l_phys"]!));
    expect(best).toBeLessThan(0.8 * first);
    expect(Number(metadata["craft.val_l_phys"])).toBeCloseTo(best, 5);
    expect(io.out.join("")).toMatch(/wrote .*model\.safetensors/);
    expect(io.err.join("")).toMatch(/epoch 12\/12/);
    // no temporary file left behind
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("stops early when held-out L_phys stops improving", async () => {
    const output = join(dir, "early.safetensors");
    const metrics = join(dir, "early-metrics.jsonl");
    const io = captureIO();
    // a learning rate this small changes nothing measurable: no epoch improves on the first
    await runTrainPhysics(traces.slice(0, 1), { ...quick, epochs: 20, learningRate: 1e-12, patience: 2, output, metrics }, io);
    expect(metricsOf(metrics).length).toBe(3);
    expect(io.err.join("")).toMatch(/stopped early after epoch 3/);
    expect(existsSync(output)).toBe(true);
  });

  it("gives InputErrors for bad input and writes no model", async () => {
    const output = join(dir, "bad.safetensors");
    const run = (files: string[], out = output) => runTrainPhysics(files, { ...quick, epochs: 1, output: out }, captureIO());

    await expect(run([join(dir, "missing.jsonl")])).rejects.toThrow(InputError);
    await expect(run([join(dir, "missing.jsonl")])).rejects.toThrow(/missing\.jsonl/);

    const bare = join(dir, "bare.jsonl");
    writeTrace(bare, 3, 10, 5, "none");
    await expect(run([bare])).rejects.toThrow(/bare\.jsonl: frame \d+ has no time/);

    const still = join(dir, "single.jsonl");
    writeFileSync(still, JSON.stringify({ time: 0, objects: [{ id: "a", type: "Ball", position: [0, 0, 0] }] }) + "\n");
    await expect(run([still])).rejects.toThrow(/single\.jsonl: no usable frame pairs/);

    await expect(run(traces, join(dir, "no-such-dir", "m.safetensors"))).rejects.toThrow(InputError);
    await expect(run(traces, dir)).rejects.toThrow(/is a directory/);
    await expect(runTrainPhysics(traces, { output, holdOut: 1.5 }, captureIO())).rejects.toThrow(/--hold-out/);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(join(dir, "no-such-dir"))).toBe(false);
  });

  it("takes the 99th percentile by linear interpolation", () => {
    const values = Float64Array.from({ length: 101 }, (_, i) => 100 - i);
    expect(quantile(values, 0.99)).toBeCloseTo(99, 12);
    expect(quantile(Float64Array.of(0, 1), 0.5)).toBeCloseTo(0.5, 12);
  });
});

describe("craft train physics: schedule, seed and calibration", () => {
  it("the cosine schedule falls from --lr to 1% of it; plateau halves after 2 epochs without improvement", async () => {
    expect(scheduledRate("cosine", 0.01, 1, 5)).toBeCloseTo(0.01, 12);
    expect(scheduledRate("cosine", 0.01, 3, 5)).toBeCloseTo(0.00505, 12);
    expect(scheduledRate("cosine", 0.01, 5, 5)).toBeCloseTo(1e-4, 12);
    expect(scheduledRate("constant", 0.01, 5, 5)).toBe(0.01);

    const cosine = join(dir, "cosine.safetensors");
    await runTrainPhysics(traces.slice(0, 1), { ...quick, epochs: 4, learningRate: 4e-3, output: cosine }, captureIO());
    const rates = metricsOf(`${cosine}.metrics.jsonl`).map((l) => l["train/learning_rate"]!);
    expect(rates[0]).toBeCloseTo(4e-3, 12);
    expect(rates[3]).toBeCloseTo(4e-5, 12);
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeLessThan(rates[i - 1]!);

    // a learning rate this small improves nothing after the first epoch
    const plateau = join(dir, "plateau.safetensors");
    const io = captureIO();
    await runTrainPhysics(traces.slice(0, 1), { ...quick, epochs: 10, learningRate: 1e-12, schedule: "plateau", patience: 5, output: plateau }, io);
    const halved = metricsOf(`${plateau}.metrics.jsonl`).map((l) => l["train/learning_rate"]! / 1e-12);
    expect(halved.map((r) => Number(r.toFixed(6)))).toEqual([1, 1, 1, 0.5, 0.5, 0.25]);
    expect(io.err.join("")).toMatch(/stopped early after epoch 6/);
  });

  it("the same --seed gives the same weights, another seed other weights", async () => {
    const run = async (name: string, seed: number) => {
      const output = join(dir, name);
      await runTrainPhysics(traces.slice(0, 1), { ...quick, epochs: 2, seed, output }, captureIO());
      return (await readSafetensors(output)).tensors;
    };
    const a = await run("seed-a.safetensors", 3);
    const b = await run("seed-b.safetensors", 3);
    const c = await run("seed-c.safetensors", 4);
    for (const [name, t] of a) expect(Array.from(b.get(name)!.data), name).toEqual(Array.from(t.data));
    expect(Array.from(c.get("encoder.0.weight")!.data)).not.toEqual(Array.from(a.get("encoder.0.weight")!.data));
  });

  it("starts the node embeddings small", () => {
    const plain = randomSvWeights(undefined, 5);
    const init = initialWeights({ hidden: 32, layers: 1 }, 5);
    expect(init.encoder.last.weight[7]).toBeCloseTo(plain.encoder.last.weight[7]! * INIT_EMBEDDING_SCALE, 7);
    expect(init.encoder.first.weight).toEqual(plain.encoder.first.weight);
    // the force MLP's pair-scalar columns stay, its embedding columns shrink
    const f0 = init.layers[0]!.force.first.weight;
    const p0 = plain.layers[0]!.force.first.weight;
    expect(f0[3]).toBe(p0[3]);
    expect(Math.abs(f0[40]!)).toBeLessThan(Math.abs(p0[40]!));
  });

  it("writes τ and τ_p as 1.5 × the largest held-out errors, computed as the predicates compute them", async () => {
    const output = join(dir, "calibrated.safetensors");
    await runTrainPhysics(traces, { ...quick, epochs: 3, accelScale: 0.5, output }, captureIO());
    const { metadata } = await readSafetensors(output);
    const tau = Number(metadata["craft.plausibility_threshold"]);
    expect(Number(metadata["craft.plausibility_accel_scale"])).toBe(0.5);
    expect(tau).toBeCloseTo(1.5 * Number(metadata["craft.val_error_max"]), 12);
    expect(Number(metadata["craft.momentum_tolerance"])).toBeCloseTo(1.5 * Number(metadata["craft.val_momentum_error_max"]), 12);
    expect(tau).toBeGreaterThan(Number(metadata["craft.val_error_p99"]));

    // the held-out split again, and the errors of its samples
    const data = await Promise.all(traces.map((t, i) => readTraceSamples(t, i)));
    const { val } = splitSamples(data.flatMap((d) => d.samples), 0.1, quick.seed!);
    const weights = await loadSvWeights(output);
    const errors = heldOutErrors(weights, batchSamples(val, 256), 0.5);
    expect(1.5 * Math.max(...errors.plausibility)).toBeCloseTo(tau, 12);

    // the predicate on the same frames gives the same errors
    const model = (await loadPhysicsModel(output)) as PhysicsModel;
    expect(model).toBeInstanceOf(PhysicsModel);
    expect(model.threshold).toBe(tau);
    expect(model.accelScale).toBe(0.5);
    const lines = readFileSync(traces[0]!, "utf8").trimEnd().split("\n");
    const frames = lines.map((l) => {
      const f = JSON.parse(l) as { time: number; objects: Frame["objects"] };
      return { time: f.time, objects: f.objects.map((o) => ({ ...o, state: {}, confidence: 1, visible: true })), relations: [], signals: {} } as Frame;
    });
    const fromPredicate: number[] = [];
    frames.forEach((frame, step) => {
      model.observe(frame, step, "agree");
      for (const k of model.analysis({ frame, step, traceKey: "agree" }).objects.values()) if (typeof k !== "string") fromPredicate.push(k.error);
    });
    const all = heldOutErrors(weights, batchSamples(data[0]!.samples, 256), 0.5).plausibility;
    expect(fromPredicate.length).toBe(all.length);
    // float32 forward inputs in both; the predicate reads the trace's float64 velocities
    fromPredicate.forEach((e, i) => expect(e).toBeCloseTo(all[i]!, 4));
  });

  it("rejects a bad schedule, accel scale or threshold quantile", async () => {
    const output = join(dir, "never.safetensors");
    const bad = (o: Partial<TrainPhysicsOptions>) => runTrainPhysics(traces, { ...quick, epochs: 1, output, ...o }, captureIO());
    await expect(bad({ schedule: "linear" as never })).rejects.toThrow(/--schedule must be one of cosine, plateau, constant/);
    await expect(bad({ accelScale: 0 })).rejects.toThrow(/--accel-scale/);
    await expect(bad({ thresholdQuantile: 1.5 })).rejects.toThrow(/--threshold-quantile/);
    expect(existsSync(output)).toBe(false);
  });
});
