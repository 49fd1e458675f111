// The SV network's WGSL path (DESIGN.md "Tensor backends", path b) against the
// CPU path (SvForward, itself matched to PyTorch) and the PyTorch fixtures
// (tools/sv_fixtures.py): ≤ 1e-5 on every fixture case and on random scenes
// with coincident, collinear and relatively resting objects; ΣF = 0 per frame.
// Without a WebGPU adapter (e.g. no Vulkan driver) the tests skip and say why.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestGpuDevice } from "../src/physics/gpu-device.js";
import { SvForward } from "../src/physics/sv-forward.js";
import { loadSvWeights, randomSvWeights, type SvWeights } from "../src/physics/sv-model.js";
import { SvWgsl } from "../src/physics/sv-wgsl.js";
import { FIXTURES, fixtures, maxAbsDiff, rng } from "./support/physics.js";

const TOL = 1e-5;


const gpu = await requestGpuDevice();
const skipReason = "unavailable" in gpu ? gpu.unavailable : undefined;
if (skipReason) console.warn(`physics-wgsl: skipping the WGSL tests: ${skipReason}`);
const device = "device" in gpu ? gpu.device : undefined;


/** the largest |ΣF| component over frames, summed in float64 */
function maxNetForce(f: Float32Array, frames: number, n: number): number {
  let worst = 0;
  for (let b = 0; b < frames; b++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += f[(b * n + i) * 3 + c]!;
      worst = Math.max(worst, Math.abs(s));
    }
  }
  return worst;
}


/**
 * B random frames of N objects; frame b picks a kind by b mod 6: generic,
 * coincident pairs, collinear along z, collinear along x, collinear on a
 * diagonal with velocities along it, everything at one velocity.
 */
function scenes(frames: number, n: number, seed: number): { pos: Float32Array; vel: Float32Array } {
  const r = rng(seed);
  const u = (s: number): number => (2 * r() - 1) * s;
  const pos = new Float32Array(frames * n * 3);
  const vel = new Float32Array(frames * n * 3);
  for (let b = 0; b < frames; b++) {
    const kind = b % 6;
    const common = [u(1), u(1), u(1)];
    for (let i = 0; i < n; i++) {
      const k = (b * n + i) * 3;
      let p = [u(2), u(2), u(2)];
      let v = [u(1), u(1), u(1)];
      const t = u(2);
      if (kind === 1 && i % 3 === 2) {
        p = [pos[k - 3]!, pos[k - 2]!, pos[k - 1]!]; // coincident with the previous object
        if (i % 2 === 0) v = [vel[k - 3]!, vel[k - 2]!, vel[k - 1]!];
      } else if (kind === 2) {
        p = [0.5, -0.25, t];
        v = [0, 0, u(1)];
      } else if (kind === 3) {
        p = [t, 0.75, 0.1];
        v = [u(1), 0, 0];
      } else if (kind === 4) {
        p = [t, t, t];
        const s = u(1);
        v = [s, s, s];
      } else if (kind === 5) {
        v = common;
      }
      pos.set(p, k);
      vel.set(v, k);
    }
  }
  return { pos, vel };
}

describe.skipIf(skipReason !== undefined)(`SV WGSL path${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  const models = new Map<string, { weights: SvWeights; gpu: SvWgsl; cpu: SvForward }>();

  beforeAll(async () => {
    for (const [name, model] of Object.entries(fixtures.models)) {
      const weights = await loadSvWeights(join(FIXTURES, model.weights));
      models.set(name, { weights, gpu: await SvWgsl.create(device!, weights), cpu: new SvForward(weights) });
    }
    const random = randomSvWeights({ hidden: 32, layers: 1 }, 7);
    models.set("random-h32-l1", { weights: random, gpu: await SvWgsl.create(device!, random), cpu: new SvForward(random) });
    const deep = randomSvWeights({ hidden: 16, layers: 3 }, 11);
    models.set("random-h16-l3", { weights: deep, gpu: await SvWgsl.create(device!, deep), cpu: new SvForward(deep) });
  });

  afterAll(() => {
    for (const m of models.values()) m.gpu.destroy();
    device?.destroy();
  });

  it("matches the PyTorch fixtures and the CPU path on every case", async () => {
    for (const [name, model] of Object.entries(fixtures.models)) {
      const m = models.get(name)!;
      for (const [caseName, c] of Object.entries(model.cases)) {
        const frames = c.pos.length;
        const n = c.pos[0]!.length;
        const pos = Float32Array.from(c.pos.flat(2));
        const vel = Float32Array.from(c.vel.flat(2));
        const out = await m.gpu.forwardBatch(pos, vel, frames, n);
        const label = `${name}/${caseName}`;
        expect(maxAbsDiff(out, c.forces.flat(2)), `${label} vs PyTorch`).toBeLessThanOrEqual(TOL);
        expect(maxAbsDiff(out, m.cpu.forwardBatch(pos, vel, frames, n)), `${label} vs CPU`).toBeLessThanOrEqual(TOL);
        expect(maxNetForce(out, frames, n), `${label} ΣF`).toBeLessThanOrEqual(TOL);
      }
    }
  });

  it("matches the CPU path on random scenes (B ≤ 64, N ≤ 32, degenerate geometry) with ΣF = 0", async () => {
    const shapes: [number, number][] = [
      [64, 32],
      [12, 2],
      [18, 3],
      [30, 17],
      [6, 8],
    ];
    let seed = 100;
    for (const name of models.keys()) {
      const m = models.get(name)!;
      for (const [frames, n] of shapes) {
        const { pos, vel } = scenes(frames, n, seed++);
        const out = await m.gpu.forwardBatch(pos, vel, frames, n);
        const ref = m.cpu.forwardBatch(pos, vel, frames, n);
        const label = `${name} B=${frames} N=${n}`;
        expect(maxAbsDiff(out, ref), `${label} vs CPU`).toBeLessThanOrEqual(TOL);
        expect(maxNetForce(out, frames, n), `${label} ΣF`).toBeLessThanOrEqual(TOL);
        let moving = 0;
        for (const x of out) moving = Math.max(moving, Math.abs(x));
        expect(moving, `${label} is not trivially zero`).toBeGreaterThan(1e-3);
      }
    }
  });

  it("splits large batches into chunks without changing the result", async () => {
    const m = models.get("random-h16-l3")!;
    const chunked = await SvWgsl.create(device!, m.weights, { maxChunkBytes: 4096 });
    try {
      const frames = 40;
      const n = 9; // 36 pairs × 12 bytes per frame: 9 frames per chunk
      const { pos, vel } = scenes(frames, n, 5);
      const out = await chunked.forwardBatch(pos, vel, frames, n);
      expect(maxAbsDiff(out, m.cpu.forwardBatch(pos, vel, frames, n))).toBeLessThanOrEqual(TOL);
      // concurrent calls are serialised and each gets its own result
      const [a, b] = await Promise.all([chunked.forwardBatch(pos, vel, frames, n), chunked.forwardBatch(pos.subarray(0, 81), vel.subarray(0, 81), 3, n)]);
      expect(maxAbsDiff(a, out)).toBe(0);
      expect(maxAbsDiff(b, out.subarray(0, 81))).toBe(0);
    } finally {
      chunked.destroy();
    }
  });

  it("gives zeros for N < 2 and B = 0, and validates shapes", async () => {
    const m = models.get("sv-random")!;
    expect(Array.from(await m.gpu.forwardBatch(new Float32Array(6), new Float32Array(6), 2, 1))).toEqual([0, 0, 0, 0, 0, 0]);
    expect((await m.gpu.forwardBatch(new Float32Array(0), new Float32Array(0), 0, 5)).length).toBe(0);
    await expect(m.gpu.forwardBatch(new Float32Array(12), new Float32Array(12), 2, 3)).rejects.toThrow(/expected 18 position and velocity values for 2×3 objects, got 12 and 12/);
    await expect(m.gpu.forwardBatch(new Float32Array(18), new Float32Array(17), 2, 3)).rejects.toThrow(RangeError);
    await expect(m.gpu.forwardBatch(new Float32Array(0), new Float32Array(0), -1, 3)).rejects.toThrow(/frame count/);
    await expect(m.gpu.forwardBatch(new Float32Array(0), new Float32Array(0), 1, 1.5)).rejects.toThrow(/object count/);
    const bad = { ...m.weights, config: { hidden: 16, layers: 1 } };
    await expect(SvWgsl.create(device!, bad)).rejects.toThrow(/encoder\.0\.weight holds 192 values, expected 96/);
  });
});
