// The SV forward's WebAssembly SIMD path (sv-forward-wasm.ts, sv-kernels.wat):
// the embedded binary is the assembled .wat, SvForward picks it, and it
// agrees with the TypeScript path. PyTorch parity and ΣF = 0 run on both
// paths in physics-sv.test.ts.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SvForward, type SvForwardPath } from "../src/physics/sv-forward.js";
import { wasmSimdAvailable } from "../src/physics/sv-forward-wasm.js";
import { DEFAULT_SV_CONFIG, loadSvWeights, randomSvWeights, type SvConfig } from "../src/physics/sv-model.js";
// @ts-expect-error: a plain .mjs build tool, no type declarations
import { KERNELS, assemble, moduleText } from "../../tools/build-wasm.mjs";
import { FIXTURES, fixtures, rng } from "./support/physics.js";

const PATHS: SvForwardPath[] = ["wasm", "typescript"];

function scene(n: number, seed: number, frames = 1): { pos: Float32Array; vel: Float32Array } {
  const r = rng(seed);
  return {
    pos: Float32Array.from({ length: frames * n * 3 }, () => r() * 4 - 2),
    vel: Float32Array.from({ length: frames * n * 3 }, () => r() * 2 - 1),
  };
}

/** |a − b| ≤ tol·max(1, |b|) everywhere */
function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < b.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[k]!)));
}

describe("SV forward: the WebAssembly SIMD path", () => {
  it("embeds the binary assembled from sv-kernels.wat (run `node tools/build-wasm.mjs` after editing it)", async () => {
    for (const k of KERNELS as { wat: string; out: string }[]) {
      const binary = await assemble(readFileSync(k.wat, "utf8"), k.wat);
      expect(readFileSync(k.out, "utf8")).toBe(moduleText(k.wat, binary));
    }
  });

  it("is the path SvForward picks on Node (WebAssembly SIMD since 16.4); the TypeScript path on request", () => {
    expect(wasmSimdAvailable()).toBe(true);
    const w = randomSvWeights();
    expect(new SvForward(w).path).toBe("wasm");
    expect(new SvForward(w, { path: "auto" }).path).toBe("wasm");
    expect(new SvForward(w, { path: "typescript" }).path).toBe("typescript");
  });

  it("agrees with the TypeScript path to float32 rounding, for any d_h (padded to 4 lanes) and L", () => {
    const config = fc.record({ hidden: fc.integer({ min: 1, max: 40 }), layers: fc.integer({ min: 1, max: 3 }) }) as fc.Arbitrary<SvConfig>;
    fc.assert(
      fc.property(config, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 3 }), (cfg, seed, n, frames) => {
        const w = randomSvWeights(cfg, seed);
        const { pos, vel } = scene(n, seed, frames);
        const wasm = new SvForward(w, { path: "wasm" }).forwardBatch(pos, vel, frames, n);
        const ts = new SvForward(w, { path: "typescript" }).forwardBatch(pos, vel, frames, n);
        expectClose(wasm, ts, 1e-6);
      }),
      { numRuns: 120 },
    );
  });

  it("grows its memory for a larger N and keeps results exact when N changes back", () => {
    const w = randomSvWeights(DEFAULT_SV_CONFIG, 3);
    const sv = new SvForward(w, { path: "wasm" });
    const ts = new SvForward(w, { path: "typescript" });
    const small = scene(5, 1);
    const first = sv.forward(small.pos, small.vel, 5);
    // 120 objects: 7,140 pairs, several MiB of scratch beyond the initial memory
    const big = scene(120, 2);
    expectClose(sv.forward(big.pos, big.vel, 120), ts.forward(big.pos, big.vel, 120), 1e-6);
    expect(Array.from(sv.forward(small.pos, small.vel, 5))).toEqual(Array.from(first));
  });

  it("matches the PyTorch fixture of d_h 8, L 2 frame by frame after other object counts", async () => {
    const c = fixtures.models["sv-random-h8-l2"]!.cases["n16"]!;
    const sv = new SvForward(await loadSvWeights(join(FIXTURES, "sv-random-h8-l2.safetensors")), { path: "wasm" });
    const other = scene(7, 4);
    sv.forward(other.pos, other.vel, 7);
    const got = sv.forward(Float32Array.from(c.pos.flat(2)), Float32Array.from(c.vel.flat(2)), 16);
    const want = c.forces.flat(2);
    for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(1e-5);
  });
});

describe.each(PATHS)("SV forward (%s path): bad input", (path) => {
  const sv = new SvForward(randomSvWeights(), { path });
  const good = scene(4, 9);

  it("names what was expected, and the instance still works afterwards", () => {
    const before = Array.from(sv.forward(good.pos, good.vel, 4));
    expect(() => sv.forward(good.pos, good.vel, 3)).toThrow(/^SV forward: expected 9 position and velocity values for 3 objects, got 12 and 12$/);
    expect(() => sv.forward(good.pos, good.vel.subarray(0, 9), 4)).toThrow(/expected 12 position and velocity values for 4 objects, got 12 and 9/);
    expect(() => sv.forward(good.pos, good.vel, 4.5)).toThrow(/object count must be a non-negative integer, got 4.5/);
    expect(() => sv.forward(good.pos, good.vel, -4)).toThrow(/object count must be a non-negative integer, got -4/);
    expect(() => sv.forward(good.pos, good.vel, NaN)).toThrow(/object count must be a non-negative integer, got NaN/);
    expect(() => sv.forward(good.pos, good.vel, 4, new Float32Array(11))).toThrow(/^SV forward: output holds 11 values, expected 12$/);
    expect(() => sv.forwardBatch(good.pos, good.vel, 2, 4)).toThrow(/expected 24 position and velocity values for 2×4 objects, got 12 and 12/);
    expect(() => sv.forwardBatch(good.pos, good.vel, -1, 4)).toThrow(/frame count must be a non-negative integer, got -1/);
    expect(() => sv.forwardBatch(good.pos, good.vel, 1, 4, new Float32Array(13))).toThrow(/output holds 13 values, expected 12/);
    for (const bad of [-1, 2.5]) expect(() => sv.forward(good.pos, good.vel, bad)).toThrow(RangeError);
    expect(Array.from(sv.forward(good.pos, good.vel, 4))).toEqual(before);
  });

  it("writes into `out` at the frame's place and nowhere else", () => {
    const out = new Float32Array(12).fill(7);
    expect(sv.forward(good.pos, good.vel, 4, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(sv.forward(good.pos, good.vel, 4)));
    const batch = new Float32Array(24).fill(7);
    const two = scene(4, 10, 2);
    sv.forwardBatch(two.pos, two.vel, 2, 4, batch);
    expect(Array.from(batch.subarray(12))).toEqual(Array.from(sv.forward(two.pos.subarray(12), two.vel.subarray(12), 4)));
  });
});
