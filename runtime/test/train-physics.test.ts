// `craft train physics` in-process: training data from traces, training with
// early stopping, metrics.jsonl, the calibrated threshold, and bad input.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../src/input-error.js";
import { runTrainPhysics, quantile, type TrainPhysicsOptions } from "../src/cli/train-command.js";
import type { CommandIO } from "../src/cli/check-command.js";
import { loadSvWeights } from "../src/physics/sv-model.js";
import { batchSamples, readTraceSamples } from "../src/physics/training-data.js";
import { readSafetensors } from "../src/tensors/safetensors.js";
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
