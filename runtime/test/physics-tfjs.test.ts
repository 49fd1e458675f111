// SV physics, TensorFlow.js path (DESIGN.md "Tensor backends", path (c)):
// forward parity with the CPU path (and so PyTorch), ΣF = 0 in the graph,
// finite gradients at degenerate scenes, the λ_phys warmup, L_reg by hand,
// a short Adam run on a learnable target, and no tensor leaks.

import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { SvForward } from "../src/physics/sv-forward.js";
import { loadSvWeights, randomSvWeights, svWeightsToTensors, type SvWeights } from "../src/physics/sv-model.js";
import { lambdaPhys, physicsLoss, SvTfModel, SvTrainer, type SvBatch } from "../src/physics/sv-tfjs.js";
import { FIXTURES, fixtures, maxAbsDiff, rng } from "./support/physics.js";




function uniform(n: number, lo: number, hi: number, next: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * next();
  return a;
}

function tfForward(model: SvTfModel, pos: Float32Array, vel: Float32Array, frames: number, n: number): Float32Array {
  const out = tf.tidy(() => model.apply(tf.tensor3d(pos, [frames, n, 3]), tf.tensor3d(vel, [frames, n, 3])));
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return data;
}


/** Degenerate scenes: coincident objects, zero relative velocity, objects stacked on the z axis. */
function degenerateScenes(): { name: string; pos: Float32Array; vel: Float32Array; n: number }[] {
  return [
    { name: "coincident, same velocity", n: 3, pos: new Float32Array(9).fill(0.5), vel: Float32Array.from([1, 2, 3, 1, 2, 3, 1, 2, 3]) },
    { name: "a coincident pair and a third object", n: 3, pos: Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 0, -1]), vel: Float32Array.from([1, 2, 3, 1, 2, 3, 0, 0, 0]) },
    { name: "all at rest at the origin", n: 4, pos: new Float32Array(12), vel: new Float32Array(12) },
    { name: "zero relative velocity", n: 3, pos: Float32Array.from([0, 0, 0, 1, 0, 0, 0, 2, 0]), vel: Float32Array.from([0.3, -0.1, 0.2, 0.3, -0.1, 0.2, 0.3, -0.1, 0.2]) },
    { name: "collinear on z, velocities along z", n: 3, pos: Float32Array.from([0, 0, 0, 0, 0, 1, 0, 0, 3]), vel: Float32Array.from([0, 0, 1, 0, 0, -1, 0, 0, 0]) },
  ];
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

describe("SV TensorFlow.js forward", () => {
  for (const [modelName, entry] of Object.entries(fixtures.models)) {
    it(`matches the CPU path and PyTorch on every fixture case (${modelName})`, async () => {
      const weights = await loadSvWeights(join(FIXTURES, entry.weights));
      const cpu = new SvForward(weights);
      const model = new SvTfModel(weights);
      try {
        for (const [name, c] of Object.entries(entry.cases)) {
          const frames = c.pos.length;
          const n = c.pos[0]!.length;
          const pos = Float32Array.from(c.pos.flat(2));
          const vel = Float32Array.from(c.vel.flat(2));
          const got = tfForward(model, pos, vel, frames, n);
          const want = cpu.forwardBatch(pos, vel, frames, n);
          expect(maxAbsDiff(got, want), `${modelName}/${name} vs CPU`).toBeLessThanOrEqual(1e-5);
          expect(maxAbsDiff(got, c.forces.flat(2)), `${modelName}/${name} vs PyTorch`).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        model.dispose();
      }
    });
  }

  it("matches the CPU path on a random batch (B = 32, N = 8) and exports its weights unchanged", () => {
    const weights = randomSvWeights(undefined, 7);
    const next = rng(3);
    const pos = uniform(32 * 8 * 3, -1, 1, next);
    const vel = uniform(32 * 8 * 3, -0.5, 0.5, next);
    const model = new SvTfModel(weights);
    try {
      expect(maxAbsDiff(tfForward(model, pos, vel, 32, 8), new SvForward(weights).forwardBatch(pos, vel, 32, 8))).toBeLessThanOrEqual(1e-5);
      const exported = svWeightsToTensors(model.weights());
      for (const [name, t] of svWeightsToTensors(weights)) {
        expect(exported.get(name)!.shape).toEqual(t.shape);
        expect(Array.from(exported.get(name)!.data)).toEqual(Array.from(t.data));
      }
    } finally {
      model.dispose();
    }
  });

  it("gives zeros for N < 2 and ΣF = 0 in the graph for any N ≥ 2, degenerate scenes included", () => {
    const model = new SvTfModel(randomSvWeights({ hidden: 8, layers: 2 }, 5));
    try {
      expect(Array.from(tfForward(model, Float32Array.from([1, 2, 3]), Float32Array.from([0, 1, 0]), 1, 1))).toEqual([0, 0, 0]);
      const next = rng(11);
      const scenes = [
        ...degenerateScenes(),
        ...[2, 3, 5, 9].map((n) => ({ name: `random N = ${n}`, n, pos: uniform(3 * n, -3, 3, next), vel: uniform(3 * n, -2, 2, next) })),
      ];
      for (const s of scenes) {
        const sums = tf.tidy(() => tf.sum(model.apply(tf.tensor3d(s.pos, [1, s.n, 3]), tf.tensor3d(s.vel, [1, s.n, 3])), 1));
        const data = sums.dataSync();
        sums.dispose();
        for (const x of data) expect(Math.abs(x), s.name).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      model.dispose();
    }
  });

  it("has finite, non-trivial gradients at degenerate scenes (coincident objects, zero relative velocity)", () => {
    const model = new SvTfModel(randomSvWeights(undefined, 9));
    try {
      for (const s of degenerateScenes()) {
        const pos = tf.tensor3d(s.pos, [1, s.n, 3]);
        const vel = tf.tensor3d(s.vel, [1, s.n, 3]);
        // gradients with respect to the inputs and to every trainable parameter
        const inputGrads = tf.grads((p: tf.Tensor, v: tf.Tensor) => tf.sum(tf.square(model.apply(p as tf.Tensor3D, v as tf.Tensor3D))))([pos, vel]);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(pos, vel))) as tf.Scalar, model.trainableVariables());
        for (const g of [...inputGrads, ...Object.values(grads)]) {
          for (const x of g.dataSync()) expect(Number.isFinite(x), s.name).toBe(true);
        }
        const total = Object.values(grads).reduce((a, g) => a + (tf.tidy(() => tf.sum(tf.abs(g))).dataSync()[0] ?? 0), 0);
        // with every object coincident and equally fast, every edge frame is zero and so is F, for any weights
        if (s.name === "coincident, same velocity" || s.name === "all at rest at the origin") expect(total, s.name).toBe(0);
        else expect(total, s.name).toBeGreaterThan(0);
        tf.dispose([pos, vel, value, ...inputGrads, ...Object.values(grads)]);
      }
    } finally {
      model.dispose();
    }
  });
});

describe("SV losses", () => {
  it("warms λ_phys up linearly to 0.1 over 50,000 steps", () => {
    expect(lambdaPhys(0)).toBe(0);
    expect(lambdaPhys(25_000)).toBeCloseTo(0.05, 12);
    expect(lambdaPhys(50_000)).toBeCloseTo(0.1, 12);
    expect(lambdaPhys(1_000_000)).toBeCloseTo(0.1, 12);
    expect(lambdaPhys(10, 0.1, 100)).toBeCloseTo(0.01, 12);
  });

  it("computes L_phys and L_reg as a hand computation does", () => {
    // B = 2 frames, N = 2 objects, Δt = 0.5
    const batch: SvBatch = {
      frames: 2,
      objects: 2,
      dt: 0.5,
      pos: new Float32Array(12),
      vel: Float32Array.from([1, 0, 0, 0, 2, 0, /* frame 1 */ 0, 0, 1, 1, 1, 0]),
      nextVel: Float32Array.from([2, 0, 0, 0, 1, 0, /* frame 1 */ 0, 0, 0, 1, 1, 1]),
    };
    const accel = Float32Array.from([1, 0, 0, 0, -1, 0, /* frame 1 */ 0, 1, 0, 0, 0, 2]);
    const { lPhys, lReg } = tf.tidy(() => {
      const t = physicsLoss(tf.tensor3d(accel, [2, 2, 3]), batch);
      return { lPhys: t.lPhys.dataSync()[0]!, lReg: t.lReg.dataSync()[0]! };
    });
    // targets (ẋ' − ẋ)/Δt: (2,0,0), (0,−2,0) | (0,0,−2), (0,0,2)
    // errors²: 1 + 1 | (1 + 4) + 0 → L_phys = 7 / 4
    expect(lPhys).toBeCloseTo(7 / 4, 6);
    // frame 0: Σ â·ẋ Δt = (1 − 2)·0.5 = −0.5; KE 2.5 → 2.5, ΔKE = 0 → (−0.5)² = 0.25
    // frame 1: Σ â·ẋ Δt = (0 + 0)·0.5 = 0; KE 1.5 → 1.5, ΔKE = 0 → 0
    expect(lReg).toBeCloseTo(0.25 / 2, 6);
    // a second case with ΔKE ≠ 0: frame 0 only, nextVel scaled by 2 → KE 10, ΔKE = 7.5
    const one: SvBatch = { ...batch, frames: 1, pos: new Float32Array(6), vel: batch.vel.slice(0, 6), nextVel: Float32Array.from([2, 0, 0, 0, 4, 0]) };
    const reg = tf.tidy(() => physicsLoss(tf.tensor3d(accel.slice(0, 6), [1, 2, 3]), one).lReg.dataSync()[0]!);
    expect(reg).toBeCloseTo((-0.5 - 7.5) ** 2, 4);
  });
});

describe("SV trainer (Adam)", () => {
  /** A learnable target: accelerations of a fixed random "teacher" network, ẋ(t+1) = ẋ + â Δt. */
  function teacherBatches(teacher: SvWeights, count: number, frames: number, n: number, seed: number): SvBatch[] {
    const next = rng(seed);
    const cpu = new SvForward(teacher);
    const dt = 0.05;
    const out: SvBatch[] = [];
    for (let k = 0; k < count; k++) {
      const pos = uniform(frames * n * 3, -1, 1, next);
      const vel = uniform(frames * n * 3, -0.5, 0.5, next);
      const accel = cpu.forwardBatch(pos, vel, frames, n);
      const nextVel = vel.map((v, i) => v + accel[i]! * dt);
      out.push({ frames, objects: n, pos, vel, nextVel, dt });
    }
    return out;
  }

  it("reduces L_phys by more than half in a few hundred steps, without leaking tensors", () => {
    const teacher = randomSvWeights(undefined, 21);
    const batches = teacherBatches(teacher, 4, 32, 8, 5);
    const heldOut = teacherBatches(teacher, 1, 32, 8, 99)[0]!;
    // a short warmup so that L_phys carries weight within the run
    const trainer = new SvTrainer(randomSvWeights(undefined, 22), { learningRate: 3e-3, warmupSteps: 10 });
    try {
      const before = trainer.evaluate(heldOut).l_phys;
      const first = trainer.step(batches[0]!);
      expect(first.step).toBe(0);
      expect(first.lambda_phys).toBe(0);
      expect(first.loss).toBeCloseTo(0.01 * first.l_reg, 6);
      const tensors = tf.memory().numTensors;
      const started = performance.now();
      const steps = 200;
      let last = first;
      for (let s = 1; s <= steps; s++) {
        last = trainer.step(batches[s % batches.length]!);
        expect(Number.isFinite(last.loss)).toBe(true);
        if (s === 1) expect(tf.memory().numTensors).toBe(tensors);
      }
      const msPerStep = (performance.now() - started) / steps;
      expect(tf.memory().numTensors).toBe(tensors);
      expect(last.lambda_phys).toBeCloseTo(0.1, 12);
      const after = trainer.evaluate(heldOut).l_phys;
      console.log(`SV tfjs training (cpu backend, B = 32, N = 8): ${msPerStep.toFixed(1)} ms/step; held-out L_phys ${before.toFixed(4)} → ${after.toFixed(4)}`);
      expect(after).toBeLessThan(0.5 * before);

      // the exported weights are the trained ones and run on the CPU path
      const trained = trainer.weights();
      const check = teacherBatches(teacher, 1, 4, 8, 123)[0]!;
      expect(maxAbsDiff(tfForward(trainer.model, check.pos, check.vel, 4, 8), new SvForward(trained).forwardBatch(check.pos, check.vel, 4, 8))).toBeLessThanOrEqual(1e-5);
    } finally {
      trainer.dispose();
    }
  }, 60_000);
});
