// The SV network's forward pass as fused WGSL compute pipelines (DESIGN.md
// "Tensor backends", path b): the same formulas, weights and constants as
// sv-forward.ts (the CPU reference), for B frames × N objects at once.
//
// Pipelines, all in one command buffer per chunk of frames:
//   encoder (one thread per node): h_i = encoder([x_i, ẋ_i]); s_i = W_s·h_i
//   per layer l:
//     pair (one thread per unordered pair i < j of a frame): edge frame with
//       the degenerate fallback, the 5 pair scalars, the force MLP's first
//       Linear as W_σ·σ + s_i + s_j + W_d·|h_i − h_j| + b (W_s·(h_i + h_j) is
//       linear, so it is computed once per node), LayerNorm, ReLU, the last
//       Linear → α, F = α1 e1 + α2 e2 + α3 e3, written to a per-pair buffer;
//     node (one thread per node): F_i = Σ_{j<i} F_(j,i) − Σ_{j>i} F_(i,j)
//       (no float atomics; compensated summation), then either the output
//       (last layer) or h_i += update_mlp([h_i, F_i]) and s_i = W_s'·h_i for
//       the next layer.
// The pair pass caches its layer's weights in workgroup memory when they fit.
// ε = 1e-8, ε_deg = 1e-6, LayerNorm eps 1e-5; arithmetic is float32.

/// <reference types="@webgpu/types" />

import type { Mlp, SvWeights } from "./sv-model.js";
import { PAIR_SCALARS } from "./sv-model.js";
import { LAYER_NORM_EPS, SV_EPS, SV_EPS_DEG } from "./sv-forward.js";

// WebGPU's flag values (fixed by the spec), so this module does not depend on the globals being installed
const USAGE_MAP_READ = 0x0001;
const USAGE_COPY_SRC = 0x0004;
const USAGE_COPY_DST = 0x0008;
const USAGE_UNIFORM = 0x0040;
const USAGE_STORAGE = 0x0080;
const MAP_READ = 0x0001;

const WORKGROUP = 64;
/** at most this many bytes in any one buffer of a chunk, whatever the device allows */
const CHUNK_BYTES = 256 * 1024 * 1024;

interface MlpOffsets {
  readonly w0: number;
  readonly b0: number;
  readonly lnw: number;
  readonly lnb: number;
  readonly w3: number;
  readonly b3: number;
  /** one past the last float */
  readonly end: number;
}

interface Packed {
  readonly data: Float32Array;
  readonly encoder: MlpOffsets;
  readonly force: MlpOffsets[];
  readonly update: MlpOffsets[];
}

function pack(weights: SvWeights): Packed {
  const parts: Float32Array[] = [];
  let at = 0;
  const put = (a: Float32Array): number => {
    parts.push(a);
    const start = at;
    at += a.length;
    return start;
  };
  const mlp = (m: Mlp): MlpOffsets => {
    const w0 = put(m.first.weight);
    const b0 = put(m.first.bias);
    const lnw = put(m.norm.weight);
    const lnb = put(m.norm.bias);
    const w3 = put(m.last.weight);
    const b3 = put(m.last.bias);
    return { w0, b0, lnw, lnb, w3, b3, end: at };
  };
  const encoder = mlp(weights.encoder);
  const force: MlpOffsets[] = [];
  const update: MlpOffsets[] = [];
  for (const layer of weights.layers) {
    force.push(mlp(layer.force));
    update.push(mlp(layer.update));
  }
  const data = new Float32Array(at);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return { data, encoder, force, update };
}

function checkWeights(weights: SvWeights): void {
  const H = weights.config.hidden;
  const L = weights.config.layers;
  if (!Number.isSafeInteger(H) || H < 1 || !Number.isSafeInteger(L) || L < 1 || weights.layers.length !== L) {
    throw new RangeError(`SV WGSL: weights config d_h ${H}, L ${L} does not match ${weights.layers.length} layers`);
  }
  const check = (name: string, m: Mlp, inputs: number, outputs: number): void => {
    const sizes: [string, number, number][] = [
      ["0.weight", m.first.weight.length, H * inputs],
      ["0.bias", m.first.bias.length, H],
      ["1.weight", m.norm.weight.length, H],
      ["1.bias", m.norm.bias.length, H],
      ["3.weight", m.last.weight.length, outputs * H],
      ["3.bias", m.last.bias.length, outputs],
    ];
    for (const [t, got, want] of sizes) if (got !== want) throw new RangeError(`SV WGSL: ${name}.${t} holds ${got} values, expected ${want} (d_h ${H})`);
  };
  check("encoder", weights.encoder, 6, H);
  weights.layers.forEach((l, i) => {
    check(`layers.${i}.force_mlp`, l.force, PAIR_SCALARS + 2 * H, 3);
    check(`layers.${i}.update_mlp`, l.update, H + 3, H);
  });
}

/** WGSL float literal that round-trips */
function f(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

const COMMON = (H: number): string => `
const H: u32 = ${H}u;
const EPS: f32 = ${f(SV_EPS)};
const EPS_DEG: f32 = ${f(SV_EPS_DEG)};
const LN_EPS: f32 = ${f(LAYER_NORM_EPS)};
struct Dims { frames: u32, n: u32, pairs: u32, row: u32 };
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> W: array<f32>;
`;

/** LayerNorm + ReLU in place over a: array<f32, H>, with weights at lnw/lnb in W */
const LN_RELU = `
fn ln_relu(a: ptr<function, array<f32, H>>, lnw: u32, lnb: u32) {
  var mean = 0.0;
  for (var k = 0u; k < H; k++) { mean += (*a)[k]; }
  mean = mean / f32(H);
  var v = 0.0;
  for (var k = 0u; k < H; k++) { let c = (*a)[k] - mean; v += c * c; }
  let inv = 1.0 / sqrt(v / f32(H) + LN_EPS);
  for (var k = 0u; k < H; k++) {
    let y = ((*a)[k] - mean) * inv * W[lnw + k] + W[lnb + k];
    (*a)[k] = max(y, 0.0);
  }
}
`;

/** s = W_s·h, the h_i + h_j columns of a force layer's first Linear (no bias) */
function wsProduct(force: MlpOffsets, H: number): string {
  const K = PAIR_SCALARS + 2 * H;
  return `
  for (var o = 0u; o < H; o++) {
    var acc = 0.0;
    let r = ${force.w0}u + o * ${K}u + ${PAIR_SCALARS}u;
    for (var k = 0u; k < H; k++) { acc += W[r + k] * h[k]; }
    S[base + o] = acc;
  }`;
}

function encoderShader(H: number, p: Packed): string {
  const e = p.encoder;
  return `${COMMON(H)}
@group(0) @binding(2) var<storage, read> pos: array<f32>;
@group(0) @binding(3) var<storage, read> vel: array<f32>;
@group(0) @binding(4) var<storage, read_write> Hn: array<f32>;
@group(0) @binding(5) var<storage, read_write> S: array<f32>;
${LN_RELU}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * dims.row;
  if (t >= dims.frames * dims.n) { return; }
  var x: array<f32, 6>;
  x[0] = pos[3u * t]; x[1] = pos[3u * t + 1u]; x[2] = pos[3u * t + 2u];
  x[3] = vel[3u * t]; x[4] = vel[3u * t + 1u]; x[5] = vel[3u * t + 2u];
  var a: array<f32, H>;
  for (var o = 0u; o < H; o++) {
    var acc = W[${e.b0}u + o];
    for (var k = 0u; k < 6u; k++) { acc += W[${e.w0}u + o * 6u + k] * x[k]; }
    a[o] = acc;
  }
  ln_relu(&a, ${e.lnw}u, ${e.lnb}u);
  var h: array<f32, H>;
  let base = t * H;
  for (var o = 0u; o < H; o++) {
    var acc = W[${e.b3}u + o];
    for (var k = 0u; k < H; k++) { acc += W[${e.w3}u + o * H + k] * a[k]; }
    h[o] = acc;
    Hn[base + o] = acc;
  }
  ${wsProduct(p.force[0]!, H)}
}
`;
}

function pairShader(H: number, m: MlpOffsets, cacheWeights: boolean): string {
  const K = PAIR_SCALARS + 2 * H;
  const size = m.end - m.w0;
  // offsets relative to the force MLP's first float; wf() reads the workgroup copy or W
  const r = (x: number): number => x - m.w0;
  const cache = cacheWeights
    ? `var<workgroup> wc: array<f32, ${size}>;
fn wf(k: u32) -> f32 { return wc[k]; }`
    : `fn wf(k: u32) -> f32 { return W[${m.w0}u + k]; }`;
  const load = cacheWeights
    ? `for (var k = li; k < ${size}u; k += ${WORKGROUP}u) { wc[k] = W[${m.w0}u + k]; }
  workgroupBarrier();`
    : "";
  return `${COMMON(H)}
@group(0) @binding(2) var<storage, read> pos: array<f32>;
@group(0) @binding(3) var<storage, read> vel: array<f32>;
@group(0) @binding(4) var<storage, read> Hn: array<f32>;
@group(0) @binding(5) var<storage, read> S: array<f32>;
@group(0) @binding(6) var<storage, read> pairIdx: array<u32>;
@group(0) @binding(7) var<storage, read_write> PF: array<f32>;
${cache}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) li: u32) {
  ${load}
  let t = gid.x + gid.y * dims.row;
  if (t >= dims.frames * dims.pairs) { return; }
  let b = t / dims.pairs;
  let p = t - b * dims.pairs;
  let ij = pairIdx[p];
  let ni = b * dims.n + (ij & 0xffffu);
  let nj = b * dims.n + (ij >> 16u);
  let xi = vec3f(pos[3u * ni], pos[3u * ni + 1u], pos[3u * ni + 2u]);
  let xj = vec3f(pos[3u * nj], pos[3u * nj + 1u], pos[3u * nj + 2u]);
  let vi = vec3f(vel[3u * ni], vel[3u * ni + 1u], vel[3u * ni + 2u]);
  let vj = vec3f(vel[3u * nj], vel[3u * nj + 1u], vel[3u * nj + 2u]);
  let rv = xj - xi;
  let d = sqrt(dot(rv, rv));
  let e1 = rv * (1.0 / (d + EPS));
  let dv = vj - vi;
  let vr = dot(dv, e1);
  // v⊥ = ẋ_ij − (ẋ_ij·e1) e1, written as e1 × (ẋ_ij × e1) + ẋ_ij (1 − ‖e1‖²) with
  // 1 − ‖e1‖² = ε (2d + ε)/(d + ε)²: the same value, but exactly 0 in float32 for
  // motion along exactly representable lines (axes, diagonals), where the
  // subtraction leaves ~1e-7 ‖ẋ_ij‖ of rounding that could cross ε_deg
  let pv = cross(e1, cross(dv, e1)) + dv * (EPS * (2.0 * d + EPS) / ((d + EPS) * (d + EPS)));
  let pn = sqrt(dot(pv, pv));
  var e2: vec3f;
  if (pn > EPS_DEG) {
    e2 = pv * (1.0 / (pn + EPS));
  } else {
    // e1 × ẑ = (e1y, −e1x, 0); when that vanishes, e1 × ŷ = (−e1z, 0, e1x)
    let cn = sqrt(e1.y * e1.y + e1.x * e1.x);
    if (cn > EPS_DEG) {
      e2 = vec3f(e1.y, -e1.x, 0.0) * (1.0 / (cn + EPS));
    } else {
      e2 = vec3f(-e1.z, 0.0, e1.x) * (1.0 / (sqrt(e1.z * e1.z + e1.x * e1.x) + EPS));
    }
  }
  let e3 = vec3f(e1.y * e2.z - e1.z * e2.y, e1.z * e2.x - e1.x * e2.z, e1.x * e2.y - e1.y * e2.x);
  var sg: array<f32, ${PAIR_SCALARS}>;
  sg[0] = d; sg[1] = vr; sg[2] = dot(dv, e2); sg[3] = dot(dv, e3); sg[4] = sqrt(dot(dv, dv));
  var df: array<f32, H>;
  let hi = ni * H;
  let hj = nj * H;
  for (var k = 0u; k < H; k++) { df[k] = abs(Hn[hi + k] - Hn[hj + k]); }
  var a: array<f32, H>;
  var mean = 0.0;
  for (var o = 0u; o < H; o++) {
    let r = o * ${K}u;
    var acc = wf(${r(m.b0)}u + o) + S[hi + o] + S[hj + o];
    for (var k = 0u; k < ${PAIR_SCALARS}u; k++) { acc += wf(r + k) * sg[k]; }
    let rd = r + ${PAIR_SCALARS}u + H;
    for (var k = 0u; k < H; k++) { acc += wf(rd + k) * df[k]; }
    a[o] = acc;
    mean += acc;
  }
  mean = mean / f32(H);
  var v = 0.0;
  for (var k = 0u; k < H; k++) { let c = a[k] - mean; v += c * c; }
  let inv = 1.0 / sqrt(v / f32(H) + LN_EPS);
  var al = vec3f(wf(${r(m.b3)}u), wf(${r(m.b3)}u + 1u), wf(${r(m.b3)}u + 2u));
  for (var k = 0u; k < H; k++) {
    let y = max((a[k] - mean) * inv * wf(${r(m.lnw)}u + k) + wf(${r(m.lnb)}u + k), 0.0);
    al += vec3f(wf(${r(m.w3)}u + k), wf(${r(m.w3)}u + H + k), wf(${r(m.w3)}u + 2u * H + k)) * y;
  }
  let F = al.x * e1 + al.y * e2 + al.z * e3;
  PF[3u * t] = F.x; PF[3u * t + 1u] = F.y; PF[3u * t + 2u] = F.z;
}
`;
}

function nodeShader(H: number, p: Packed, layer: number): string {
  const last = layer === p.force.length - 1;
  const u = p.update[layer]!;
  const W = H + 3;
  const tail = last
    ? `Out[3u * t] = F.x; Out[3u * t + 1u] = F.y; Out[3u * t + 2u] = F.z;`
    : `
  let base = t * H;
  var x: array<f32, ${W}>;
  for (var k = 0u; k < H; k++) { x[k] = Hn[base + k]; }
  x[H] = F.x; x[H + 1u] = F.y; x[H + 2u] = F.z;
  var a: array<f32, H>;
  for (var o = 0u; o < H; o++) {
    var acc = W[${u.b0}u + o];
    for (var k = 0u; k < ${W}u; k++) { acc += W[${u.w0}u + o * ${W}u + k] * x[k]; }
    a[o] = acc;
  }
  ln_relu(&a, ${u.lnw}u, ${u.lnb}u);
  var h: array<f32, H>;
  for (var o = 0u; o < H; o++) {
    var acc = W[${u.b3}u + o];
    for (var k = 0u; k < H; k++) { acc += W[${u.w3}u + o * H + k] * a[k]; }
    h[o] = x[o] + acc;
  }
  for (var o = 0u; o < H; o++) { Hn[base + o] = h[o]; }
  ${wsProduct(p.force[layer + 1]!, H)}`;
  return `${COMMON(H)}
@group(0) @binding(2) var<storage, read> PF: array<f32>;
${last ? "@group(0) @binding(3) var<storage, read_write> Out: array<f32>;" : "@group(0) @binding(3) var<storage, read_write> Hn: array<f32>;\n@group(0) @binding(4) var<storage, read_write> S: array<f32>;"}
${last ? "" : LN_RELU}
// Neumaier's compensated sum
fn acc3(s: ptr<function, vec3f>, c: ptr<function, vec3f>, x: vec3f) {
  let t = *s + x;
  let big = abs(*s) >= abs(x);
  *c += select((x - t) + *s, (*s - t) + x, big);
  *s = t;
}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * dims.row;
  if (t >= dims.frames * dims.n) { return; }
  let n = dims.n;
  let b = t / n;
  let i = t - b * n;
  let pb = b * dims.pairs;
  var s = vec3f(0.0);
  var c = vec3f(0.0);
  // pairs (j, i), j < i: +F; index of (a, c), a < c: a (2n − a − 1)/2 + c − a − 1
  for (var j = 0u; j < i; j++) {
    let q = 3u * (pb + (j * (2u * n - j - 1u)) / 2u + i - j - 1u);
    acc3(&s, &c, vec3f(PF[q], PF[q + 1u], PF[q + 2u]));
  }
  // pairs (i, j), j > i: −F
  let row = pb + (i * (2u * n - i - 1u)) / 2u - i - 1u;
  for (var j = i + 1u; j < n; j++) {
    let q = 3u * (row + j);
    acc3(&s, &c, -vec3f(PF[q], PF[q + 1u], PF[q + 2u]));
  }
  let F = s + c;
  ${tail}
}
`;
}

interface Buffers {
  readonly n: number;
  readonly frames: number;
  readonly pos: GPUBuffer;
  readonly vel: GPUBuffer;
  readonly h: GPUBuffer;
  readonly s: GPUBuffer;
  readonly pairIdx: GPUBuffer;
  readonly pf: GPUBuffer;
  readonly out: GPUBuffer;
  readonly read: GPUBuffer;
  readonly nodeDims: GPUBuffer;
  readonly pairDims: GPUBuffer;
  readonly encoderGroup: GPUBindGroup;
  readonly pairGroups: GPUBindGroup[];
  readonly nodeGroups: GPUBindGroup[];
}

export interface SvWgslOptions {
  /** the largest buffer one chunk of frames may use (default 256 MiB; the device's limits also apply) */
  readonly maxChunkBytes?: number;
}

/** The SV forward pass on a WebGPU device; one instance serialises its calls. */
export class SvWgsl {
  readonly hidden: number;
  readonly layerCount: number;
  private buffers: Buffers | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;

  private constructor(
    readonly device: GPUDevice,
    private readonly chunkBytes: number,
    private readonly weightBuffer: GPUBuffer,
    private readonly encoder: GPUComputePipeline,
    private readonly pair: GPUComputePipeline[],
    private readonly node: GPUComputePipeline[],
    hidden: number,
    layers: number,
  ) {
    this.hidden = hidden;
    this.layerCount = layers;
  }

  /** Compiles the pipelines for these weights (d_h and L are baked into the shaders). */
  static async create(device: GPUDevice, weights: SvWeights, options: SvWgslOptions = {}): Promise<SvWgsl> {
    checkWeights(weights);
    const chunkBytes = options.maxChunkBytes ?? CHUNK_BYTES;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 16) throw new RangeError(`SV WGSL: maxChunkBytes must be an integer ≥ 16, got ${chunkBytes}`);
    const H = weights.config.hidden;
    const L = weights.config.layers;
    const packed = pack(weights);
    const cacheBytes = (packed.force[0]!.end - packed.force[0]!.w0) * 4;
    const cache = cacheBytes <= device.limits.maxComputeWorkgroupStorageSize;
    device.pushErrorScope("validation");
    const weightBuffer = device.createBuffer({ label: "sv weights", size: packed.data.byteLength, usage: USAGE_STORAGE | USAGE_COPY_DST });
    device.queue.writeBuffer(weightBuffer, 0, packed.data);
    const compile = async (label: string, code: string): Promise<GPUComputePipeline> => {
      const module = device.createShaderModule({ label, code });
      const info = await module.getCompilationInfo();
      const errors = info.messages.filter((m) => m.type === "error");
      if (errors.length > 0) throw new Error(`SV WGSL: shader ${label} does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join("; ")}`);
      return device.createComputePipelineAsync({ label, layout: "auto", compute: { module, entryPoint: "main" } });
    };
    let popped = false;
    try {
      const encoder = compile("sv encoder", encoderShader(H, packed));
      const pair = Array.from({ length: L }, (_, l) => compile(`sv pair ${l}`, pairShader(H, packed.force[l]!, cache)));
      const node = Array.from({ length: L }, (_, l) => compile(`sv node ${l}`, nodeShader(H, packed, l)));
      const [enc, pairs, nodes] = await Promise.all([encoder, Promise.all(pair), Promise.all(node)]);
      popped = true;
      const error = await device.popErrorScope();
      if (error) throw new Error(`SV WGSL: pipeline creation failed: ${error.message}`);
      return new SvWgsl(device, chunkBytes, weightBuffer, enc, pairs, nodes, H, L);
    } catch (error) {
      if (!popped) await device.popErrorScope().catch(() => null);
      weightBuffer.destroy();
      throw error;
    }
  }

  /**
   * B frames of N objects: `pos` and `vel` hold B×N×3 values (frame-major,
   * then object); returns the B×N×3 accelerations (the last layer's F_agg).
   * N = 0 or 1 gives zeros.
   */
  forwardBatch(pos: Float32Array, vel: Float32Array, frames: number, n: number): Promise<Float32Array> {
    if (this.destroyed) return Promise.reject(new Error("SV WGSL: forwardBatch after destroy()"));
    if (!Number.isSafeInteger(frames) || frames < 0) return Promise.reject(new RangeError(`SV WGSL: frame count must be a non-negative integer, got ${frames}`));
    if (!Number.isSafeInteger(n) || n < 0) return Promise.reject(new RangeError(`SV WGSL: object count must be a non-negative integer, got ${n}`));
    if (n > 0xffff) return Promise.reject(new RangeError(`SV WGSL: at most 65535 objects per frame, got ${n}`));
    const size = frames * n * 3;
    if (!(pos instanceof Float32Array) || !(vel instanceof Float32Array)) return Promise.reject(new TypeError("SV WGSL: positions and velocities must be Float32Arrays"));
    if (pos.length !== size || vel.length !== size) {
      return Promise.reject(new RangeError(`SV WGSL: expected ${size} position and velocity values for ${frames}×${n} objects, got ${pos.length} and ${vel.length}`));
    }
    if (n < 2 || frames === 0) return Promise.resolve(new Float32Array(size));
    const run = this.queue.then(() => this.run(pos, vel, frames, n));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Frees the GPU buffers (the device stays the caller's). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.releaseBuffers();
    this.weightBuffer.destroy();
  }

  private releaseBuffers(): void {
    const b = this.buffers;
    if (!b) return;
    for (const x of [b.pos, b.vel, b.h, b.s, b.pairIdx, b.pf, b.out, b.read, b.nodeDims, b.pairDims]) x.destroy();
    this.buffers = undefined;
  }

  /** Frames per chunk for N objects, bounded by the device's buffer limits. */
  private chunkFrames(n: number): number {
    const lim = this.device.limits;
    const cap = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize, this.chunkBytes);
    const pairs = (n * (n - 1)) / 2;
    const perFrame = Math.max(n * this.hidden * 4, pairs * 12, n * 12);
    const frames = Math.floor(cap / perFrame);
    if (frames < 1) throw new RangeError(`SV WGSL: ${n} objects need ${perFrame} bytes per frame, more than this device's ${cap}-byte buffers`);
    return frames;
  }

  private buffersFor(n: number, frames: number): Buffers {
    const have = this.buffers;
    if (have && have.n === n && have.frames >= frames) return have;
    this.releaseBuffers();
    const d = this.device;
    const H = this.hidden;
    const pairs = (n * (n - 1)) / 2;
    const storage = (label: string, floats: number, extra = 0): GPUBuffer => d.createBuffer({ label, size: Math.max(16, floats * 4), usage: USAGE_STORAGE | extra });
    const pos = storage("sv pos", frames * n * 3, USAGE_COPY_DST);
    const vel = storage("sv vel", frames * n * 3, USAGE_COPY_DST);
    const h = storage("sv h", frames * n * H);
    const s = storage("sv s", frames * n * H);
    const pairIdx = storage("sv pair index", pairs, USAGE_COPY_DST);
    const pf = storage("sv pair forces", frames * pairs * 3);
    const out = storage("sv out", frames * n * 3, USAGE_COPY_SRC);
    const read = d.createBuffer({ label: "sv readback", size: Math.max(16, frames * n * 12), usage: USAGE_MAP_READ | USAGE_COPY_DST });
    const nodeDims = d.createBuffer({ label: "sv node dims", size: 16, usage: USAGE_UNIFORM | USAGE_COPY_DST });
    const pairDims = d.createBuffer({ label: "sv pair dims", size: 16, usage: USAGE_UNIFORM | USAGE_COPY_DST });
    const idx = new Uint32Array(pairs);
    let p = 0;
    for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) idx[p++] = i | (j << 16);
    d.queue.writeBuffer(pairIdx, 0, idx);
    // a binding the shader never reads is left out of its "auto" layout, so entries are skipped where null
    const group = (pipeline: GPUComputePipeline, list: (GPUBuffer | null)[]): GPUBindGroup =>
      d.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: list.flatMap((buffer, binding) => (buffer ? [{ binding, resource: { buffer } }] : [])),
      });
    const encoderGroup = group(this.encoder, [nodeDims, this.weightBuffer, pos, vel, h, s]);
    const pairGroups = this.pair.map((pl) => group(pl, [pairDims, this.weightBuffer, pos, vel, h, s, pairIdx, pf]));
    const nodeGroups = this.node.map((pl, l) => group(pl, l === this.layerCount - 1 ? [nodeDims, null, pf, out] : [nodeDims, this.weightBuffer, pf, h, s]));
    const fresh: Buffers = { n, frames, pos, vel, h, s, pairIdx, pf, out, read, nodeDims, pairDims, encoderGroup, pairGroups, nodeGroups };
    this.buffers = fresh;
    return fresh;
  }

  private dispatchSize(threads: number): { x: number; y: number; row: number } {
    const groups = Math.ceil(threads / WORKGROUP);
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(groups, max);
    const y = Math.ceil(groups / x);
    if (y > max) throw new RangeError(`SV WGSL: ${threads} threads exceed the device's dispatch limits`);
    return { x, y, row: x * WORKGROUP };
  }

  /** Writes the chunk's sizes and records the encoder, pair and node passes of one forward. */
  private encodeForward(b: Buffers, count: number, n: number, pairs: number): GPUCommandEncoder {
    const d = this.device;
    const nd = this.dispatchSize(count * n);
    const pd = this.dispatchSize(count * pairs);
    d.queue.writeBuffer(b.nodeDims, 0, new Uint32Array([count, n, pairs, nd.row]));
    d.queue.writeBuffer(b.pairDims, 0, new Uint32Array([count, n, pairs, pd.row]));
    const enc = d.createCommandEncoder({ label: "sv forward" });
    const pass = enc.beginComputePass();
    pass.setPipeline(this.encoder);
    pass.setBindGroup(0, b.encoderGroup);
    pass.dispatchWorkgroups(nd.x, nd.y);
    for (let l = 0; l < this.layerCount; l++) {
      pass.setPipeline(this.pair[l]!);
      pass.setBindGroup(0, b.pairGroups[l]!);
      pass.dispatchWorkgroups(pd.x, pd.y);
      pass.setPipeline(this.node[l]!);
      pass.setBindGroup(0, b.nodeGroups[l]!);
      pass.dispatchWorkgroups(nd.x, nd.y);
    }
    pass.end();
    return enc;
  }

  /**
   * Median milliseconds of one forward over inputs already on the device —
   * no upload, no read-back — the way CUDA timings of PyTorch are taken.
   * For benchmarks; the batch must fit in one chunk.
   */
  timeResident(pos: Float32Array, vel: Float32Array, frames: number, n: number, reps = 30): Promise<number> {
    if (frames > this.chunkFrames(n)) return Promise.reject(new RangeError(`SV WGSL: ${frames} frames of ${n} objects do not fit in one chunk`));
    const run = this.queue.then(async () => {
      const d = this.device;
      const b = this.buffersFor(n, frames);
      const pairs = (n * (n - 1)) / 2;
      d.queue.writeBuffer(b.pos, 0, pos.buffer, pos.byteOffset, frames * n * 12);
      d.queue.writeBuffer(b.vel, 0, vel.buffer, vel.byteOffset, frames * n * 12);
      const samples: number[] = [];
      for (let i = 0; i < reps + 5; i++) {
        const t0 = performance.now();
        d.queue.submit([this.encodeForward(b, frames, n, pairs).finish()]);
        await d.queue.onSubmittedWorkDone();
        if (i >= 5) samples.push(performance.now() - t0);
      }
      samples.sort((x, y) => x - y);
      return samples[samples.length >> 1]!;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(pos: Float32Array, vel: Float32Array, frames: number, n: number): Promise<Float32Array> {
    const d = this.device;
    const result = new Float32Array(frames * n * 3);
    const pairs = (n * (n - 1)) / 2;
    const chunk = Math.min(frames, this.chunkFrames(n));
    const b = this.buffersFor(n, chunk);
    d.pushErrorScope("validation");
    d.pushErrorScope("out-of-memory");
    let failure: unknown;
    try {
      for (let start = 0; start < frames; start += chunk) {
        const count = Math.min(chunk, frames - start);
        const from = start * n * 3;
        const len = count * n * 3;
        d.queue.writeBuffer(b.pos, 0, pos.buffer, pos.byteOffset + from * 4, len * 4);
        d.queue.writeBuffer(b.vel, 0, vel.buffer, vel.byteOffset + from * 4, len * 4);
        const enc = this.encodeForward(b, count, n, pairs);
        enc.copyBufferToBuffer(b.out, 0, b.read, 0, len * 4);
        d.queue.submit([enc.finish()]);
        await b.read.mapAsync(MAP_READ, 0, len * 4);
        result.set(new Float32Array(b.read.getMappedRange(0, len * 4)), from);
        b.read.unmap();
      }
    } catch (error) {
      failure = error;
    }
    const oom = await d.popErrorScope();
    const invalid = await d.popErrorScope();
    if (failure !== undefined) throw failure;
    const error = invalid ?? oom;
    if (error) throw new Error(`SV WGSL: forward failed on the device: ${error.message}`);
    return result;
  }
}
