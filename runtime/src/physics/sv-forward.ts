// SV seed §5.1–§5.7: the SV network's forward pass on the CPU, on
// Float32Array inputs and outputs (the CPU path of DESIGN.md "Tensor
// backends"; the default and the fastest for one frame).
//
// One frame of N objects: positions x_i and velocities ẋ_i → per-object
// accelerations â_i = F_i of the last layer (no decoder):
//
//   h_i = encoder([x_i, ẋ_i])
//   per layer, per unordered pair i < j:
//     e1 = (x_j − x_i)/(‖x_j − x_i‖ + ε),  ẋ_ij = ẋ_j − ẋ_i
//     v⊥ = ẋ_ij − (ẋ_ij·e1) e1,  λ = 1[‖v⊥‖ > ε_deg]
//     e2_fall = normalize(e1 × ẑ), or normalize(e1 × ŷ) when ‖e1 × ẑ‖ ≤ ε_deg
//     e2 = λ v⊥/(‖v⊥‖ + ε) + (1 − λ) e2_fall,  e3 = e1 × e2
//     σ = [d, ẋ_ij·e1, ẋ_ij·e2, ẋ_ij·e3, ‖ẋ_ij‖, h_i + h_j, |h_i − h_j|]
//     (α1, α2, α3) = force_mlp(σ),  F = α1 e1 + α2 e2 + α3 e3
//     F_j += F,  F_i −= F                      (Newton's third law: ΣF = 0)
//   h_i += update_mlp([h_i, F_i])
//
// with normalize(v) = v/(‖v‖ + ε), ε = 1e-8, ε_deg = 1e-6, LayerNorm eps 1e-5.
//
// Two paths compute this: WebAssembly SIMD kernels (sv-forward-wasm.ts), the
// fastest, and the plain TypeScript below, the reference and the fallback
// where WebAssembly SIMD is missing. SvForward picks one; both share the
// edge-frame geometry (sv-edges.ts) and compute in float64, so they agree to
// rounding.
//
// Speed: the first force layer splits into W_σ·σ + W_s·(h_i + h_j) +
// W_d·|h_i − h_j| + b; the W_s part is linear, so W_s·h_i is computed once per
// node and a pair only adds two vectors (into the bias of the per-pair
// Linear); only W_d·|h_i − h_j| costs d_h² per pair. Every linear layer runs
// over all rows at once (nodes, or the N(N−1)/2 pairs) blocked 4 × 4; the
// last layer's node update cannot change the output and is skipped. In plain
// TypeScript the multiply-adds are the floor (≈ 54k for N = 8, d_h 32, about
// 35 µs); f64x2 SIMD in wasm runs the same float64 arithmetic ≈ 4× faster. Weights
// are copied once; scratch buffers are kept per object count, so a frame
// allocates nothing but its output (none when `out` is given).

import type { Mlp, SvWeights } from "./sv-model.js";
import { PAIR_SCALARS } from "./sv-model.js";
import { edgeFrames, LAYER_NORM_EPS } from "./sv-edges.js";
import { SvForwardWasm } from "./sv-forward-wasm.js";

export { LAYER_NORM_EPS, SV_EPS, SV_EPS_DEG } from "./sv-edges.js";

interface DenseMlp {
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
  /** [hidden, inputs] */
  readonly w0: Float64Array;
  readonly b0: Float64Array;
  readonly lnw: Float64Array;
  readonly lnb: Float64Array;
  /** [outputs, hidden] */
  readonly w3: Float64Array;
  readonly b3: Float64Array;
}

interface ForceLayer {
  /** [H, 5 + H]: the first Linear's columns for the pair scalars σ and |h_i − h_j| */
  readonly wPair: Float64Array;
  /** [H, H]: its columns for h_i + h_j */
  readonly wSum: Float64Array;
  readonly b0: Float64Array;
  readonly lnw: Float64Array;
  readonly lnb: Float64Array;
  /** [3, H] */
  readonly w3: Float64Array;
  readonly b3: Float64Array;
}

interface Scratch {
  readonly n: number;
  /** [N, 6] encoder inputs */
  readonly nodeIn: Float64Array;
  /** [N, H] hidden activations of node MLPs */
  readonly nodeHidden: Float64Array;
  /** [N, H] node embeddings */
  readonly h: Float64Array;
  /** [N, H] W_s·h_i, then node-update outputs */
  readonly hs: Float64Array;
  /** [N, H + 3] node-update inputs [h_i, F_i] */
  readonly updateIn: Float64Array;
  /** [N, 3] aggregated forces */
  readonly f: Float64Array;
  /** [P, 9] edge frames e1, e2, e3 of the P = N(N−1)/2 pairs */
  readonly frames: Float64Array;
  /** [P, 5 + H] pair inputs [σ, |h_i − h_j|] */
  readonly pairIn: Float64Array;
  /** [P, H] b + W_s·h_i + W_s·h_j, the bias of the per-pair Linear */
  readonly base: Float64Array;
  /** [P, H] */
  readonly pairHidden: Float64Array;
}

function dense(m: Mlp): DenseMlp {
  return {
    inputs: m.first.inputs,
    hidden: m.first.outputs,
    outputs: m.last.outputs,
    w0: Float64Array.from(m.first.weight),
    b0: Float64Array.from(m.first.bias),
    lnw: Float64Array.from(m.norm.weight),
    lnb: Float64Array.from(m.norm.bias),
    w3: Float64Array.from(m.last.weight),
    b3: Float64Array.from(m.last.bias),
  };
}

function forceLayer(m: Mlp, h: number): ForceLayer {
  const inputs = m.first.inputs; // 5 + 2H
  const w = m.first.weight;
  const k2 = PAIR_SCALARS + h;
  const wPair = new Float64Array(h * k2);
  const wSum = new Float64Array(h * h);
  for (let o = 0; o < h; o++) {
    for (let k = 0; k < PAIR_SCALARS; k++) wPair[o * k2 + k] = w[o * inputs + k]!;
    for (let k = 0; k < h; k++) {
      wSum[o * h + k] = w[o * inputs + PAIR_SCALARS + k]!;
      wPair[o * k2 + PAIR_SCALARS + k] = w[o * inputs + PAIR_SCALARS + h + k]!;
    }
  }
  return {
    wPair,
    wSum,
    b0: Float64Array.from(m.first.bias),
    lnw: Float64Array.from(m.norm.weight),
    lnb: Float64Array.from(m.norm.bias),
    w3: Float64Array.from(m.last.weight),
    b3: Float64Array.from(m.last.bias),
  };
}

/**
 * C[i, o] = Σ_k A[i, k]·B[o, k] + bias[i·biasStride + o] for i < m, o < n (A
 * [m, K] and B [n, K] row-major, C [m, n]): a linear layer over m rows,
 * blocked 4 × 4 so that each loaded value feeds four multiply-adds.
 * biasStride 0 shares one bias row; n gives each row its own.
 */
export function linearRows(A: Float64Array, B: Float64Array, bias: Float64Array, biasStride: number, C: Float64Array, m: number, n: number, K: number): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
    const d0 = i * biasStride, d1 = d0 + biasStride, d2 = d1 + biasStride, d3 = d2 + biasStride;
    let o = 0;
    for (; o + 3 < n; o += 4) {
      const b0 = o * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!, x1 = A[a1 + k]!, x2 = A[a2 + k]!, x3 = A[a3 + k]!;
        const y0 = B[b0 + k]!, y1 = B[b1 + k]!, y2 = B[b2 + k]!, y3 = B[b3 + k]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let r = i * n + o;
      C[r] = c00 + bias[d0 + o]!; C[r + 1] = c01 + bias[d0 + o + 1]!; C[r + 2] = c02 + bias[d0 + o + 2]!; C[r + 3] = c03 + bias[d0 + o + 3]!;
      r += n;
      C[r] = c10 + bias[d1 + o]!; C[r + 1] = c11 + bias[d1 + o + 1]!; C[r + 2] = c12 + bias[d1 + o + 2]!; C[r + 3] = c13 + bias[d1 + o + 3]!;
      r += n;
      C[r] = c20 + bias[d2 + o]!; C[r + 1] = c21 + bias[d2 + o + 1]!; C[r + 2] = c22 + bias[d2 + o + 2]!; C[r + 3] = c23 + bias[d2 + o + 3]!;
      r += n;
      C[r] = c30 + bias[d3 + o]!; C[r + 1] = c31 + bias[d3 + o + 1]!; C[r + 2] = c32 + bias[d3 + o + 2]!; C[r + 3] = c33 + bias[d3 + o + 3]!;
    }
    for (; o < n; o++) {
      const b = o * K;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let k = 0; k < K; k++) {
        const y = B[b + k]!;
        c0 += A[a0 + k]! * y;
        c1 += A[a1 + k]! * y;
        c2 += A[a2 + k]! * y;
        c3 += A[a3 + k]! * y;
      }
      C[i * n + o] = c0 + bias[d0 + o]!;
      C[(i + 1) * n + o] = c1 + bias[d1 + o]!;
      C[(i + 2) * n + o] = c2 + bias[d2 + o]!;
      C[(i + 3) * n + o] = c3 + bias[d3 + o]!;
    }
  }
  // the last m % 4 rows: 4 outputs at a time, so that four independent sums
  // overlap instead of one long chain of dependent adds
  for (; i < m; i++) {
    const a = i * K;
    const d = i * biasStride;
    let o = 0;
    for (; o + 3 < n; o += 4) {
      const b0 = o * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a + k]!;
        c0 += x * B[b0 + k]!;
        c1 += x * B[b1 + k]!;
        c2 += x * B[b2 + k]!;
        c3 += x * B[b3 + k]!;
      }
      const r = i * n + o;
      C[r] = c0 + bias[d + o]!;
      C[r + 1] = c1 + bias[d + o + 1]!;
      C[r + 2] = c2 + bias[d + o + 2]!;
      C[r + 3] = c3 + bias[d + o + 3]!;
    }
    for (; o < n; o++) {
      const b = o * K;
      let c = 0;
      for (let k = 0; k < K; k++) c += A[a + k]! * B[b + k]!;
      C[i * n + o] = c + bias[d + o]!;
    }
  }
}

/** In place: LayerNorm (affine) then ReLU over each of m rows of width n. */
function layerNormReluRows(a: Float64Array, m: number, n: number, w: Float64Array, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const r = i * n;
    let mean = 0;
    for (let k = 0; k < n; k++) mean += a[r + k]!;
    mean /= n;
    let variance = 0;
    for (let k = 0; k < n; k++) {
      const c = a[r + k]! - mean;
      variance += c * c;
    }
    const inv = 1 / Math.sqrt(variance / n + LAYER_NORM_EPS);
    for (let k = 0; k < n; k++) {
      const y = (a[r + k]! - mean) * inv * w[k]! + b[k]!;
      a[r + k] = y > 0 ? y : 0;
    }
  }
}

/**
 * The TypeScript path of the SV forward pass for fixed weights: the
 * reference, and the fallback where WebAssembly SIMD is missing. Not
 * re-entrant (it keeps scratch buffers).
 */
class SvForwardTs {
  private readonly hidden: number;
  private readonly encoder: DenseMlp;
  private readonly force: ForceLayer[];
  private readonly update: DenseMlp[];
  private readonly zeroBias: Float64Array;
  private scratch: Scratch | undefined;

  constructor(weights: SvWeights) {
    this.hidden = weights.config.hidden;
    this.encoder = dense(weights.encoder);
    this.force = weights.layers.map((l) => forceLayer(l.force, this.hidden));
    this.update = weights.layers.map((l) => dense(l.update));
    this.zeroBias = new Float64Array(this.hidden);
  }

  private scratchFor(n: number): Scratch {
    const s = this.scratch;
    if (s && s.n === n) return s;
    const h = this.hidden;
    const pairs = (n * (n - 1)) / 2;
    const fresh: Scratch = {
      n,
      nodeIn: new Float64Array(n * 6),
      nodeHidden: new Float64Array(n * h),
      h: new Float64Array(n * h),
      hs: new Float64Array(n * h),
      updateIn: new Float64Array(n * (h + 3)),
      f: new Float64Array(n * 3),
      frames: new Float64Array(pairs * 9),
      pairIn: new Float64Array(pairs * (PAIR_SCALARS + h)),
      base: new Float64Array(pairs * h),
      pairHidden: new Float64Array(pairs * h),
    };
    this.scratch = fresh;
    return fresh;
  }

  /** One frame of n ≥ 2 objects at `at` in pos/vel → 3n accelerations at `outAt` in out. */
  frame(pos: Float32Array, vel: Float32Array, at: number, n: number, out: Float32Array, outAt: number): void {
    const H = this.hidden;
    const K2 = PAIR_SCALARS + H;
    const s = this.scratchFor(n);
    const { nodeIn, nodeHidden, h, hs, updateIn, f, frames, pairIn, base, pairHidden } = s;
    const pairs = (n * (n - 1)) / 2;

    // encoder on [x_i, ẋ_i]
    for (let i = 0; i < n; i++) {
      const p = at + 3 * i;
      nodeIn[6 * i] = pos[p]!;
      nodeIn[6 * i + 1] = pos[p + 1]!;
      nodeIn[6 * i + 2] = pos[p + 2]!;
      nodeIn[6 * i + 3] = vel[p]!;
      nodeIn[6 * i + 4] = vel[p + 1]!;
      nodeIn[6 * i + 5] = vel[p + 2]!;
    }
    const enc = this.encoder;
    linearRows(nodeIn, enc.w0, enc.b0, 0, nodeHidden, n, H, 6);
    layerNormReluRows(nodeHidden, n, H, enc.lnw, enc.lnb);
    linearRows(nodeHidden, enc.w3, enc.b3, 0, h, n, H, H);

    // edge frames and the pair scalars σ (the same in every layer), into the first columns of pairIn
    edgeFrames(pos, vel, at, n, frames, pairIn, K2);

    const layers = this.force.length;
    for (let l = 0; l < layers; l++) {
      const { wPair, wSum, b0, lnw, lnb, w3, b3 } = this.force[l]!;

      // the first force Linear: W_s·h_i per node, then per pair b + s_i + s_j
      // as the bias of W·[σ, |h_i − h_j|]
      linearRows(h, wSum, this.zeroBias, 0, hs, n, H, H);
      let p = 0;
      for (let i = 0; i < n - 1; i++) {
        const hi = i * H;
        for (let j = i + 1; j < n; j++, p++) {
          const hj = j * H;
          const q = p * K2 + PAIR_SCALARS;
          const r = p * H;
          for (let k = 0; k < H; k++) {
            const c = h[hi + k]! - h[hj + k]!;
            pairIn[q + k] = c < 0 ? -c : c;
            base[r + k] = b0[k]! + hs[hi + k]! + hs[hj + k]!;
          }
        }
      }
      linearRows(pairIn, wPair, base, H, pairHidden, pairs, H, K2);
      layerNormReluRows(pairHidden, pairs, H, lnw, lnb);

      // α = last Linear; F = α1 e1 + α2 e2 + α3 e3; F_j += F, F_i −= F
      f.fill(0);
      p = 0;
      for (let i = 0; i < n - 1; i++) {
        for (let j = i + 1; j < n; j++, p++) {
          const r = p * H;
          let a1 = b3[0]!, a2 = b3[1]!, a3 = b3[2]!;
          for (let k = 0; k < H; k++) {
            const t = pairHidden[r + k]!;
            a1 += w3[k]! * t;
            a2 += w3[H + k]! * t;
            a3 += w3[2 * H + k]! * t;
          }
          const fr = 9 * p;
          const fx = a1 * frames[fr]! + a2 * frames[fr + 3]! + a3 * frames[fr + 6]!;
          const fy = a1 * frames[fr + 1]! + a2 * frames[fr + 4]! + a3 * frames[fr + 7]!;
          const fz = a1 * frames[fr + 2]! + a2 * frames[fr + 5]! + a3 * frames[fr + 8]!;
          f[3 * j] += fx;
          f[3 * j + 1] += fy;
          f[3 * j + 2] += fz;
          f[3 * i] -= fx;
          f[3 * i + 1] -= fy;
          f[3 * i + 2] -= fz;
        }
      }

      // node update h += update_mlp([h, F]); the last layer's cannot change the output
      if (l === layers - 1) break;
      const up = this.update[l]!;
      const W = H + 3;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < H; k++) updateIn[i * W + k] = h[i * H + k]!;
        updateIn[i * W + H] = f[3 * i]!;
        updateIn[i * W + H + 1] = f[3 * i + 1]!;
        updateIn[i * W + H + 2] = f[3 * i + 2]!;
      }
      linearRows(updateIn, up.w0, up.b0, 0, nodeHidden, n, H, W);
      layerNormReluRows(nodeHidden, n, H, up.lnw, up.lnb);
      linearRows(nodeHidden, up.w3, up.b3, 0, hs, n, H, H);
      for (let k = 0; k < n * H; k++) h[k] += hs[k]!;
    }

    for (let k = 0; k < 3 * n; k++) out[outAt + k] = f[k]!;
  }
}

/** Which implementation an SvForward runs: WebAssembly SIMD kernels, or plain TypeScript. */
export type SvForwardPath = "wasm" | "typescript";

export interface SvForwardOptions {
  /** "auto" (the default): wasm where the runtime has WebAssembly SIMD, else typescript; "wasm" throws where it has not */
  readonly path?: SvForwardPath | "auto";
}

/**
 * The SV forward pass for fixed weights, on the fastest path this runtime
 * has (see `path`). Not re-entrant: one instance keeps scratch buffers, so
 * use one instance per concurrent caller.
 */
export class SvForward {
  readonly hidden: number;
  readonly layerCount: number;
  readonly path: SvForwardPath;
  private readonly impl: SvForwardTs | SvForwardWasm;

  constructor(weights: SvWeights, options: SvForwardOptions = {}) {
    this.hidden = weights.config.hidden;
    this.layerCount = weights.config.layers;
    const wanted = options.path ?? "auto";
    const wasm = wanted === "typescript" ? undefined : SvForwardWasm.create(weights);
    if (wanted === "wasm" && !wasm) throw new Error("SV forward: this runtime has no WebAssembly SIMD");
    this.path = wasm ? "wasm" : "typescript";
    this.impl = wasm ?? new SvForwardTs(weights);
  }

  /**
   * One frame: `pos` and `vel` hold N×3 values (object-major); returns N×3
   * accelerations, written into `out` when given. N = 0 or 1 gives zeros.
   */
  forward(pos: Float32Array, vel: Float32Array, n: number, out?: Float32Array): Float32Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`SV forward: object count must be a non-negative integer, got ${n}`);
    if (pos.length !== 3 * n || vel.length !== 3 * n) throw new RangeError(`SV forward: expected ${3 * n} position and velocity values for ${n} objects, got ${pos.length} and ${vel.length}`);
    const result = out ?? new Float32Array(3 * n);
    if (result.length !== 3 * n) throw new RangeError(`SV forward: output holds ${result.length} values, expected ${3 * n}`);
    this.frame(pos, vel, 0, n, result, 0);
    return result;
  }

  /**
   * B frames of N objects each: `pos` and `vel` hold B×N×3 values; returns
   * B×N×3 accelerations.
   */
  forwardBatch(pos: Float32Array, vel: Float32Array, frames: number, n: number, out?: Float32Array): Float32Array {
    if (!Number.isSafeInteger(frames) || frames < 0) throw new RangeError(`SV forward: frame count must be a non-negative integer, got ${frames}`);
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`SV forward: object count must be a non-negative integer, got ${n}`);
    const size = frames * n * 3;
    if (pos.length !== size || vel.length !== size) throw new RangeError(`SV forward: expected ${size} position and velocity values for ${frames}×${n} objects, got ${pos.length} and ${vel.length}`);
    const result = out ?? new Float32Array(size);
    if (result.length !== size) throw new RangeError(`SV forward: output holds ${result.length} values, expected ${size}`);
    for (let b = 0; b < frames; b++) this.frame(pos, vel, b * n * 3, n, result, b * n * 3);
    return result;
  }

  private frame(pos: Float32Array, vel: Float32Array, at: number, n: number, out: Float32Array, outAt: number): void {
    if (n < 2) out.fill(0, outAt, outAt + 3 * n);
    else this.impl.frame(pos, vel, at, n, out, outAt);
  }
}

/** One-shot convenience: builds an SvForward and runs one frame. */
export function svForward(weights: SvWeights, pos: Float32Array, vel: Float32Array, n: number): Float32Array {
  return new SvForward(weights).forward(pos, vel, n);
}
