// SV physics (SV seed §5): parameter layout and counts against PyTorch's
// state dicts, forward parity with PyTorch fixtures (tools/sv_fixtures.py),
// strict safetensors loading, ΣF = 0 for any weights, and `craft physics`.
// The forward's tests run on both of SvForward's paths (WebAssembly SIMD and
// TypeScript); physics-sv-wasm.test.ts has the wasm path's own.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runPhysics, parsePhysicsInput } from "../src/cli/physics-command.js";
import type { CommandIO } from "../src/cli/check-command.js";
import { InputError } from "../src/input-error.js";
import { SvForward, svForward, type SvForwardPath } from "../src/physics/sv-forward.js";
import {
  DEFAULT_SV_CONFIG,
  extractorParamSpecs,
  loadSvWeights,
  parameterCount,
  randomSvWeights,
  svParamSpecs,
  svWeightsFromTensors,
  svWeightsToTensors,
  type Mlp,
  type SvConfig,
  type SvWeights,
} from "../src/physics/sv-model.js";
import { parseSafetensors, readSafetensors, serializeSafetensors, type TensorInput } from "../src/tensors/safetensors.js";
import { FIXTURES, fixtures } from "./support/physics.js";

const dir = mkdtempSync(join(tmpdir(), "craft-physics-"));
const PATHS: SvForwardPath[] = ["wasm", "typescript"];

function expectInputError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  const e = caught as InputError;
  expect([e.message, ...e.details].join("\n")).toMatch(pattern);
}

function flat(a: number[][][]): Float32Array {
  return Float32Array.from(a.flat(2));
}

function sumForces(f: Float32Array, frame: number, n: number): [number, number, number] {
  const s: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) s[c] += f[(frame * n + i) * 3 + c]!;
  return s;
}

// A direct transcription of DESIGN.md's formulas (the full 69-wide first
// force layer, no per-node split, every layer's update), in float64.
function reference(w: SvWeights, pos: ArrayLike<number>, vel: ArrayLike<number>, n: number): Float64Array {
  const H = w.config.hidden;
  const run = (m: Mlp, x: number[]): number[] => {
    const a: number[] = [];
    for (let o = 0; o < m.first.outputs; o++) {
      let s = m.first.bias[o]!;
      for (let k = 0; k < m.first.inputs; k++) s += m.first.weight[o * m.first.inputs + k]! * x[k]!;
      a.push(s);
    }
    const mean = a.reduce((p, q) => p + q, 0) / a.length;
    const v = a.reduce((p, q) => p + (q - mean) ** 2, 0) / a.length;
    const r = a.map((q, k) => Math.max(0, ((q - mean) / Math.sqrt(v + 1e-5)) * m.norm.weight[k]! + m.norm.bias[k]!));
    const y: number[] = [];
    for (let o = 0; o < m.last.outputs; o++) {
      let s = m.last.bias[o]!;
      for (let k = 0; k < m.last.inputs; k++) s += m.last.weight[o * m.last.inputs + k]! * r[k]!;
      y.push(s);
    }
    return y;
  };
  type V = [number, number, number];
  const at = (a: ArrayLike<number>, i: number): V => [a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!];
  const sub = (a: V, b: V): V => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const dot = (a: V, b: V) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const scale = (a: V, s: number): V => [a[0] * s, a[1] * s, a[2] * s];
  const cross = (a: V, b: V): V => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const norm = (a: V) => Math.sqrt(dot(a, a));
  const normalize = (a: V): V => scale(a, 1 / (norm(a) + 1e-8));
  let h = Array.from({ length: n }, (_, i) => run(w.encoder, [...at(pos, i), ...at(vel, i)]));
  let F: V[] = [];
  for (const layer of w.layers) {
    F = Array.from({ length: n }, (): V => [0, 0, 0]);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const r = sub(at(pos, j), at(pos, i));
        const d = norm(r);
        const e1 = scale(r, 1 / (d + 1e-8));
        const v = sub(at(vel, j), at(vel, i));
        const vp = sub(v, scale(e1, dot(v, e1)));
        const lambda = norm(vp) > 1e-6 ? 1 : 0;
        const cz = cross(e1, [0, 0, 1]);
        const fall = norm(cz) > 1e-6 ? normalize(cz) : normalize(cross(e1, [0, 1, 0]));
        const e2v = scale(vp, 1 / (norm(vp) + 1e-8));
        const e2: V = [0, 1, 2].map((c) => lambda * e2v[c]! + (1 - lambda) * fall[c]!) as V;
        const e3 = cross(e1, e2);
        const x = [d, dot(v, e1), dot(v, e2), dot(v, e3), norm(v), ...h[i]!.map((q, k) => q + h[j]![k]!), ...h[i]!.map((q, k) => Math.abs(q - h[j]![k]!))];
        const [a1, a2, a3] = run(layer.force, x) as V;
        const f: V = [0, 1, 2].map((c) => a1 * e1[c]! + a2 * e2[c]! + a3 * e3[c]!) as V;
        for (let c = 0; c < 3; c++) {
          F[j]![c] += f[c]!;
          F[i]![c] -= f[c]!;
        }
      }
    }
    h = h.map((hi, i) => {
      const u = run(layer.update, [...hi, ...F[i]!]);
      return hi.map((q, k) => q + u[k]!);
    });
  }
  expect(h[0]?.length ?? H).toBe(H);
  return Float64Array.from(F.flat());
}

describe("SV model definition", () => {
  it("has 6,019 parameters for d_h 32, L 1 and 15,619 with the dual-stream extractor, as PyTorch counts", () => {
    expect(parameterCount(svParamSpecs())).toBe(6019);
    expect(parameterCount(extractorParamSpecs())).toBe(15619);
    expect(fixtures.parameter_counts).toEqual({ sv: 6019, extractor: 15619 });
  });

  it("names and shapes are PyTorch's state-dict entries, in order", () => {
    const asRecord = (specs: { name: string; shape: readonly number[] }[]) => Object.fromEntries(specs.map((s) => [s.name, [...s.shape]]));
    expect(Object.entries(asRecord(svParamSpecs()))).toEqual(Object.entries(fixtures.state_dict_names.sv));
    expect(Object.entries(asRecord(svParamSpecs({ hidden: 8, layers: 2 })))).toEqual(Object.entries(fixtures.state_dict_names.sv_h8_l2));
    expect(Object.entries(asRecord(extractorParamSpecs()))).toEqual(Object.entries(fixtures.state_dict_names.extractor));
    const specs = asRecord(svParamSpecs());
    expect(specs["encoder.0.weight"]).toEqual([32, 6]);
    expect(specs["layers.0.force_mlp.0.weight"]).toEqual([32, 69]);
    expect(specs["layers.0.force_mlp.3.weight"]).toEqual([3, 32]);
    expect(specs["layers.0.update_mlp.0.weight"]).toEqual([32, 35]);
    expect(specs["layers.0.update_mlp.3.bias"]).toEqual([32]);
  });

  it("rejects a config that is not positive integers", () => {
    expect(() => svParamSpecs({ hidden: 0, layers: 1 })).toThrow(RangeError);
    expect(() => svParamSpecs({ hidden: 32, layers: 1.5 })).toThrow(RangeError);
  });
});

describe.each(PATHS)("SV forward (%s path): parity with PyTorch", (path) => {
  for (const [model, entry] of Object.entries(fixtures.models)) {
    for (const [name, c] of Object.entries(entry.cases)) {
      it(`${model} / ${name} (B ${c.pos.length}, N ${c.pos[0]!.length}) matches to 1e-5`, async () => {
        const weights = await loadSvWeights(join(FIXTURES, entry.weights));
        const B = c.pos.length;
        const N = c.pos[0]!.length;
        const expected = flat(c.forces);
        const sv = new SvForward(weights, { path });
        expect(sv.path).toBe(path);
        const batch = sv.forwardBatch(flat(c.pos), flat(c.vel), B, N);
        const ref = reference(weights, flat(c.pos.slice(0, 1)), flat(c.vel.slice(0, 1)), N);
        for (let k = 0; k < expected.length; k++) expect(Math.abs(batch[k]! - expected[k]!)).toBeLessThanOrEqual(1e-5);
        for (let k = 0; k < 3 * N; k++) expect(Math.abs(ref[k]! - expected[k]!)).toBeLessThanOrEqual(1e-5);
        // frame by frame through one instance gives the batched result
        for (let b = 0; b < B; b++) {
          const one = sv.forward(flat([c.pos[b]!]), flat([c.vel[b]!]), N);
          expect(Array.from(one)).toEqual(Array.from(batch.subarray(b * N * 3, (b + 1) * N * 3)));
          const s = sumForces(one, 0, N);
          for (const x of s) expect(Math.abs(x)).toBeLessThanOrEqual(1e-5);
        }
      });
    }
  }

  it("gives zeros for N = 0 and N = 1 and checks its input lengths", () => {
    const sv = new SvForward(randomSvWeights(), { path });
    expect(Array.from(sv.forward(new Float32Array(0), new Float32Array(0), 0))).toEqual([]);
    expect(Array.from(sv.forward(Float32Array.of(1, 2, 3), Float32Array.of(1, 0, 0), 1))).toEqual([0, 0, 0]);
    expect(() => sv.forward(new Float32Array(5), new Float32Array(6), 2)).toThrow(/expected 6 position and velocity values/);
    expect(() => sv.forwardBatch(new Float32Array(12), new Float32Array(12), 3, 2)).toThrow(/expected 18/);
  });

  it("switching N on one instance keeps results exact", () => {
    const w = randomSvWeights(DEFAULT_SV_CONFIG, 5);
    const sv = new SvForward(w, { path });
    const p3 = Float32Array.of(0, 0, 0, 1, 0, 0, 0, 2, 1);
    const v3 = Float32Array.of(0.1, 0, 0, 0, -0.2, 0, 0.3, 0.3, 0);
    const first = Array.from(sv.forward(p3, v3, 3));
    sv.forward(new Float32Array(24).fill(0.5), new Float32Array(24), 8);
    expect(Array.from(sv.forward(p3, v3, 3))).toEqual(first);
    expect(Array.from(new SvForward(w, { path }).forward(p3, v3, 3))).toEqual(first);
  });
});

describe("SV forward: weights files", () => {
  it("infers d_h and L from the file", async () => {
    expect((await loadSvWeights(join(FIXTURES, "sv-random.safetensors"))).config).toEqual({ hidden: 32, layers: 1 });
    expect((await loadSvWeights(join(FIXTURES, "sv-random-h8-l2.safetensors"))).config).toEqual({ hidden: 8, layers: 2 });
  });

  it("svForward, the one-shot form, runs the default path", () => {
    const w = randomSvWeights(DEFAULT_SV_CONFIG, 5);
    const p3 = Float32Array.of(0, 0, 0, 1, 0, 0, 0, 2, 1);
    const v3 = Float32Array.of(0.1, 0, 0, 0, -0.2, 0, 0.3, 0.3, 0);
    expect(Array.from(svForward(w, p3, v3, 3))).toEqual(Array.from(new SvForward(w).forward(p3, v3, 3)));
  });
});

describe.each(PATHS)("SV forward (%s path): momentum conservation for any weights", (path) => {
  // coordinates from a small pool, so coincident objects, shared axes and
  // equal velocities (zero relative velocity) are common
  const coord = fc.oneof(fc.constantFrom(0, 1, -1, 0.5, 2), fc.float({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }));
  const vec = fc.tuple(coord, coord, coord);
  const scene = fc.integer({ min: 2, max: 12 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      pos: fc.array(vec, { minLength: n, maxLength: n }),
      vel: fc.array(vec, { minLength: n, maxLength: n }),
      motion: fc.constantFrom("free", "still", "together", "collinear"),
    }),
  );
  const config = fc.record({ hidden: fc.integer({ min: 1, max: 16 }), layers: fc.integer({ min: 1, max: 3 }) }) as fc.Arbitrary<SvConfig>;

  function build(s: { n: number; pos: [number, number, number][]; vel: [number, number, number][]; motion: string }): { pos: Float32Array; vel: Float32Array } {
    const pos = Float32Array.from(s.pos.flat());
    let vel = Float32Array.from(s.vel.flat());
    if (s.motion === "still") vel = new Float32Array(3 * s.n);
    if (s.motion === "together") vel = Float32Array.from(s.pos.flatMap(() => s.vel[0]!));
    if (s.motion === "collinear") {
      // every object on the line through the origin along the first velocity, moving along it
      const dir = s.vel[0]!;
      for (let i = 0; i < s.n; i++) {
        const t = s.pos[i]![0];
        const u = s.vel[i]![1];
        for (let c = 0; c < 3; c++) {
          pos[3 * i + c] = t * dir[c]!;
          vel[3 * i + c] = u * dir[c]!;
        }
      }
    }
    return { pos, vel };
  }

  it("ΣF = 0 (≤ 1e-5), including coincident, collinear and co-moving objects", () => {
    fc.assert(
      fc.property(config, fc.integer({ min: 1, max: 1000 }), scene, (cfg, seed, s) => {
        const { pos, vel } = build(s);
        const out = new SvForward(randomSvWeights(cfg, seed), { path }).forward(pos, vel, s.n);
        for (const x of out) expect(Number.isFinite(x)).toBe(true);
        for (const x of sumForces(out, 0, s.n)) expect(Math.abs(x)).toBeLessThanOrEqual(1e-5);
      }),
      { numRuns: 300 },
    );
  });

  it("the per-node split of the first force layer equals the direct formula", () => {
    fc.assert(
      fc.property(config, fc.integer({ min: 1, max: 1000 }), scene, (cfg, seed, s) => {
        const { pos, vel } = build(s);
        const w = randomSvWeights(cfg, seed);
        const fast = new SvForward(w, { path }).forward(pos, vel, s.n);
        const ref = reference(w, pos, vel, s.n);
        for (let k = 0; k < ref.length; k++) expect(Math.abs(fast[k]! - ref[k]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref[k]!)));
      }),
      { numRuns: 150 },
    );
  });
});

describe("safetensors", () => {
  const fixtureBytes = readFileSync(join(FIXTURES, "sv-random.safetensors"));

  function withHeader(header: unknown, buffer: Uint8Array = new Uint8Array(0), raw?: string): Uint8Array {
    const json = new TextEncoder().encode(raw ?? JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + buffer.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(buffer, 8 + json.length);
    return out;
  }

  it("round-trips tensors and metadata; the header is padded to 8 bytes", () => {
    const tensors = new Map<string, TensorInput>([
      ["a", { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -6.5) }],
      ["b.scalar", { shape: [], data: Float32Array.of(7) }],
      ["empty", { shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = serializeSafetensors(tensors, { format: "pt" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const back = parseSafetensors(bytes, "x.safetensors");
    expect(back.metadata).toEqual({ format: "pt" });
    expect([...back.tensors.keys()]).toEqual(["a", "b.scalar", "empty"]);
    expect(back.tensors.get("a")).toEqual({ dtype: "F32", shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -6.5) });
    expect(back.tensors.get("b.scalar")!.shape).toEqual([]);
    expect(back.tensors.get("empty")!.data.length).toBe(0);
    expect(() => serializeSafetensors({ bad: { shape: [2], data: new Float32Array(3) } })).toThrow(RangeError);
  });

  it("reads the fixture written by the Python generator and writes back the same tensors", async () => {
    const file = await readSafetensors(join(FIXTURES, "sv-random.safetensors"));
    expect(file.metadata["generator"]).toBe("tools/sv_fixtures.py");
    const w = svWeightsFromTensors(file.tensors, "sv-random.safetensors");
    const again = parseSafetensors(serializeSafetensors(svWeightsToTensors(w)), "again.safetensors");
    for (const [name, t] of file.tensors) expect(again.tensors.get(name)).toEqual(t);
  });

  it("converts F64, F16 and BF16 to float32", () => {
    const f64 = new Float64Array([1.5, -2.25]);
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00]); // 1, -2, 2^-24, +inf
    const bf16 = new Uint16Array([0x3f80, 0xc040]); // 1, -3
    const buffer = new Uint8Array(16 + 8 + 4);
    buffer.set(new Uint8Array(f64.buffer), 0);
    buffer.set(new Uint8Array(f16.buffer), 16);
    buffer.set(new Uint8Array(bf16.buffer), 24);
    const file = parseSafetensors(
      withHeader(
        {
          a: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
          b: { dtype: "F16", shape: [4], data_offsets: [16, 24] },
          c: { dtype: "BF16", shape: [2], data_offsets: [24, 28] },
        },
        buffer,
      ),
      "mixed.safetensors",
    );
    expect(Array.from(file.tensors.get("a")!.data)).toEqual([1.5, -2.25]);
    expect(file.tensors.get("a")!.dtype).toBe("F64");
    expect(Array.from(file.tensors.get("b")!.data)).toEqual([1, -2, 2 ** -24, Infinity]);
    expect(Array.from(file.tensors.get("c")!.data)).toEqual([1, -3]);
  });

  it("refuses malformed files with the file and tensor named", () => {
    const e = (bytes: Uint8Array, pattern: RegExp) => expectInputError(() => parseSafetensors(bytes, "/some/dir/rigid.safetensors"), pattern);
    e(new Uint8Array(5), /^rigid\.safetensors: not a safetensors file: 5 bytes/);
    e(fixtureBytes.subarray(0, 100), /rigid\.safetensors: header length \d+ runs past the end of the file/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    e(huge, /header length 9223372036854775808 runs past the end/);
    // truncated data buffer: the last tensor's offsets run past the end
    e(fixtureBytes.subarray(0, fixtureBytes.length - 4), /tensor [\w.]+: data_offsets \[\d+, \d+\] run past the end of the \d+-byte data buffer/);
    e(withHeader(null, undefined, '{"a": '), /header is not valid JSON/);
    e(withHeader(null, undefined, "[1, 2]   "), /header does not start with '\{'/);
    e(withHeader(null, undefined, '{"a": 1}'), /tensor a: expected an object with dtype, shape and data_offsets/);
    e(withHeader({ "encoder.0.weight": { dtype: "Q4", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor encoder\.0\.weight: unknown dtype "Q4"/);
    e(withHeader({ w: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor w: dtype I64 is not supported/);
    e(withHeader({ w: { dtype: "F32", shape: [2, -1], data_offsets: [0, 0] } }), /tensor w: shape: expected an array of non-negative integers, got \[2,-1\]/);
    e(withHeader({ w: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor w: shape/);
    e(withHeader({ w: { dtype: "F32", shape: [1], data_offsets: [0] } }, new Uint8Array(4)), /tensor w: data_offsets: expected \[begin, end\]/);
    e(withHeader({ w: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4)), /tensor w: data_offsets \[4, 0\]: begin is after end/);
    e(
      withHeader({ "encoder.0.weight": { dtype: "F32", shape: [32, 6], data_offsets: [0, 760] } }, new Uint8Array(760)),
      /^rigid\.safetensors: tensor encoder\.0\.weight: expected 768 bytes for F32 \[32, 6\], got 760$/,
    );
    e(
      withHeader({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
      /tensor b: data_offsets \[4, 12\] overlap tensor a/,
    );
    e(withHeader({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /bytes 0\.\.4 of the data buffer belong to no tensor/);
    e(withHeader({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /bytes 4\.\.8 of the data buffer belong to no tensor/);
    e(withHeader({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4], extra: 1 } }, new Uint8Array(4)), /tensor a: unknown field "extra"/);
    e(withHeader({ __metadata__: { n: 3 } }), /__metadata__\.n: expected a string, got 3/);
    e(withHeader({ __metadata__: [] }), /__metadata__: expected an object of strings/);
    const badUtf8 = withHeader(null, undefined, '{"a":"xx"}');
    badUtf8[8 + 6] = 0xff;
    e(badUtf8, /header is not valid UTF-8/);
  });

  it("a missing file is an InputError", async () => {
    await expect(readSafetensors(join(dir, "nope.safetensors"))).rejects.toThrow(/nope\.safetensors: cannot read weights: no such file/);
  });

  const python = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
  it.skipIf(python.status !== 0)("files we write load in the Python generator's reader (needs /usr/bin/python3 with torch)", () => {
    const path = join(dir, "ours.safetensors");
    writeFileSync(path, serializeSafetensors(svWeightsToTensors(randomSvWeights({ hidden: 4, layers: 1 }, 3)), { by: "craft" }));
    const run = spawnSync("/usr/bin/python3", ["tools/sv_fixtures.py", "--read", path], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain('metadata {"by": "craft"}');
    expect(run.stdout).toContain("layers.0.force_mlp.0.weight [4, 13]");
  });
});

describe("strict weight loading", () => {
  const good = () => svWeightsToTensors(randomSvWeights());

  it("lists missing, extra and mis-shaped tensors", () => {
    const t = good();
    t.delete("layers.0.force_mlp.3.bias");
    t.set("decoder.weight", { shape: [3, 32], data: new Float32Array(96) });
    t.set("encoder.3.weight", { shape: [32, 31], data: new Float32Array(32 * 31) });
    expectInputError(() => svWeightsFromTensors(t, "rigid.safetensors"), /rigid\.safetensors: not SV physics weights \(d_h 32, L 1\): 3 problems/);
    expectInputError(() => svWeightsFromTensors(t, "rigid.safetensors"), /missing tensor layers\.0\.force_mlp\.3\.bias \[3\]/);
    expectInputError(() => svWeightsFromTensors(t, "rigid.safetensors"), /unexpected tensor decoder\.weight/);
    expectInputError(() => svWeightsFromTensors(t, "rigid.safetensors"), /tensor encoder\.3\.weight: expected shape \[32, 32\], got \[32, 31\]/);
  });

  it("one problem is named in the message itself", () => {
    const t = good();
    t.delete("encoder.1.bias");
    expectInputError(() => svWeightsFromTensors(t, "w.safetensors"), /^w\.safetensors: not SV physics weights \(d_h 32, L 1\): missing tensor encoder\.1\.bias \[32\]$/);
  });

  it("an explicit config is enforced", () => {
    expectInputError(() => svWeightsFromTensors(good(), "w.safetensors", { hidden: 32, layers: 2 }), /missing tensor layers\.1\.force_mlp\.0\.weight \[32, 69\]/);
  });

  it("an empty or foreign file is refused, not guessed", async () => {
    const path = join(dir, "foreign.safetensors");
    writeFileSync(path, serializeSafetensors({ "model.fc.weight": { shape: [2, 2], data: new Float32Array(4) } }));
    await expect(loadSvWeights(path)).rejects.toThrow(InputError);
    await expect(loadSvWeights(path)).rejects.toThrow(/foreign\.safetensors: not SV physics weights .*19 problems/);
  });
});

describe("craft physics info|eval", () => {
  function capture(): CommandIO & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), stderrIsTTY: false, stdoutIsTTY: false };
  }
  const weights = join(FIXTURES, "sv-random.safetensors");

  it("info prints the parameter count and every tensor's shape", async () => {
    const io = capture();
    expect(await runPhysics("info", { weights }, io)).toBe(0);
    const text = io.out.join("");
    expect(text).toContain("d_h 32, L 1: 6,019 parameters in 18 tensors");
    expect(text).toMatch(/layers\.0\.force_mlp\.0\.weight\s+F32\s+\[32, 69\]/);
    expect(text).toMatch(/encoder\.0\.weight\s+F32\s+\[32, 6\]/);
    expect(text).toContain("metadata generator: tools/sv_fixtures.py");
  });

  it("eval prints PyTorch's forces for the fixture inputs", async () => {
    const c = fixtures.models["sv-random"]!.cases["batch"]!;
    const input = join(dir, "cases.json");
    writeFileSync(input, JSON.stringify({ pos: c.pos, vel: c.vel }));
    const io = capture();
    expect(await runPhysics("eval", { weights, input }, io)).toBe(0);
    const out = JSON.parse(io.out.join("")) as { forces: number[][][] };
    expect(out.forces.length).toBe(c.forces.length);
    const got = out.forces.flat(2);
    const want = c.forces.flat(2);
    expect(got.length).toBe(want.length);
    for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(1e-5);
  });

  it("bad input names the field and what was expected", async () => {
    const p = (doc: unknown, pattern: RegExp) => expectInputError(() => parsePhysicsInput(doc, "cases.json"), pattern);
    p([], /^cases\.json: expected an object \{"pos":\[B\]\[N\]\[3\],"vel":\[B\]\[N\]\[3\]\}/);
    p({ pos: [[[0, 0, 0]]] }, /cases\.json: missing field vel/);
    p({ pos: [[[0, 0, 0]]], vel: [[[0, 0, 0]]], mass: 1 }, /unexpected field "mass"/);
    p({ pos: [[[0, 0]]], vel: [[[0, 0, 0]]] }, /cases\.json: pos\[0\]\[0\]: expected \[x, y, z\], 3 finite numbers, got \[0,0\]/);
    p({ pos: [[[0, 0, 0]], [[0, 0, 0], [1, 1, 1]]], vel: [[[0, 0, 0]], [[0, 0, 0]]] }, /pos\[1\]: expected 1 objects like pos\[0\], got 2/);
    p({ pos: [[[0, 0, 0]]], vel: [[[0, 0, 0]], [[0, 0, 0]]] }, /vel: expected 1 frames like pos, got 2/);
    p({ pos: [[[0, 0, 0]]], vel: [[[0, "1", 0]]] }, /vel\[0\]\[0\]: expected \[x, y, z\]/);
    p({ pos: [[[0, 0, 0]]], vel: [[[0, 1e300, 0]]] }, /vel\[0\]\[0\]: expected \[x, y, z\]/);
    p({ pos: [[0, 0, 0]], vel: [[[0, 0, 0]]] }, /pos\[0\]\[0\]: expected \[x, y, z\]/);
    const input = join(dir, "bad.json");
    writeFileSync(input, "{pos:");
    await expect(runPhysics("eval", { weights, input }, capture())).rejects.toThrow(/bad\.json: not valid JSON/);
    await expect(runPhysics("eval", { weights, input: join(dir, "none.json") }, capture())).rejects.toThrow(/none\.json: cannot read input \(ENOENT\)/);
  });
});
