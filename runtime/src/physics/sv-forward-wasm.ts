// The SV forward pass on WebAssembly SIMD kernels (sv-kernels.wat): the same
// computation as the TypeScript path in sv-forward.ts, which stays the
// reference and the fallback. SvForward picks this path when the runtime has
// WebAssembly SIMD (Node ≥ 16.4 has).
//
// The linear layers, LayerNorms, the pair inputs and the force aggregation
// run in wasm on float64 (f64x2); the edge frames (sv-edges.ts, shared with
// the TypeScript path) and the little copying around them stay in
// TypeScript, writing straight into the wasm memory. Weights are copied into
// that memory once, transposed to [inputs, outputs] so the kernels vectorise
// over outputs, with d_h padded to Hp, a multiple of 4 (zero weights in the
// padding keep padded lanes 0); row counts are padded to multiples of 4.

import { edgeFrames } from "./sv-edges.js";
import { WASM_BASE64 } from "./sv-kernels.generated.js";
import type { Mlp, SvWeights } from "./sv-model.js";
import { PAIR_SCALARS } from "./sv-model.js";

// The few WebAssembly APIs used here: the runtime's lib has no DOM types, and
// @types/node 20 declares none.
interface WasmModule {
  readonly __wasmModule: never;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { readonly exports: unknown };
};

/** The wasm module's exports; addresses are byte offsets into `memory`. */
interface Kernels {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  linear(a: number, wt: number, bias: number, biasStride: number, c: number, m: number, n: number, K: number): void;
  layerNormRelu(a: number, m: number, n: number, count: number, mask: number, lnw: number, lnb: number): void;
  pairInputs(h: number, s: number, b: number, nodes: number, n: number, base: number, pairIn: number): void;
  forces(hidden: number, w3: number, b3: number, frames: number, f: number, nodes: number, n: number): void;
}

/** Byte addresses of one Linear → LayerNorm → ReLU → Linear in wasm memory. */
interface MlpAt {
  /** first Linear, transposed [inputs, Hp] */
  readonly w0: number;
  readonly b0: number;
  readonly lnw: number;
  readonly lnb: number;
  /** last Linear: transposed [Hp, Hp] (node MLPs), or [3, Hp] as stored (force MLP) */
  readonly w3: number;
  readonly b3: number;
}

interface ForceAt extends MlpAt {
  /** W_s, the first Linear's columns for h_i + h_j, transposed [Hp, Hp] */
  readonly wSum: number;
}

/** Byte addresses of one object count's buffers, and views for the TypeScript side. */
interface Scratch {
  readonly n: number;
  /** n and the pair count, rounded up to multiples of 4 (the linear kernel's row blocks) */
  readonly n4: number;
  readonly pairs4: number;
  /** [n4, 6] encoder inputs */
  readonly nodeIn: number;
  /** [n4, Hp] hidden activations of node MLPs */
  readonly nodeHidden: number;
  /** [n4, Hp] node embeddings */
  readonly h: number;
  /** [n4, Hp] W_s·h_i, then node-update outputs */
  readonly s: number;
  /** [n4, Hp + 3] node-update inputs [h_i, F_i] */
  readonly updateIn: number;
  /** [n4, 3] aggregated forces */
  readonly f: number;
  /** [P, 9] edge frames */
  readonly frames: number;
  /** [P4, 5 + Hp] pair inputs [σ, |h_i − h_j|] */
  readonly pairIn: number;
  /** [P4, Hp] b + W_s·h_i + W_s·h_j per pair */
  readonly base: number;
  /** [P4, Hp] */
  readonly pairHidden: number;
  /** views on the wasm memory (valid until it grows, which only a new Scratch does) */
  readonly mem: Float64Array;
  readonly framesView: Float64Array;
  readonly pairInView: Float64Array;
}

let compiled: WasmModule | null | undefined;

/** The compiled kernels, or undefined where this runtime lacks WebAssembly SIMD. */
function kernelModule(): WasmModule | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(WASM_BASE64, "base64"));
    } catch {
      compiled = null;
    }
  }
  return compiled ?? undefined;
}

/** Whether the WebAssembly SIMD path can run here. */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== undefined;
}

const roundUp4 = (x: number): number => (x + 3) & ~3;

/**
 * The SV forward pass for fixed weights on the wasm kernels. Not
 * re-entrant (scratch lives in its memory); SvForward is the public API.
 */
export class SvForwardWasm {
  private readonly k: Kernels;
  private readonly hidden: number;
  /** d_h padded to a multiple of 4 */
  private readonly hp: number;
  private readonly encoder: MlpAt;
  private readonly force: ForceAt[];
  private readonly update: MlpAt[];
  /** [Hp]: 1 for real lanes, 0 for padding (LayerNorm's variance) */
  private readonly mask: number;
  /** [Hp] zeros: the bias of W_s·h */
  private readonly zeros: number;
  /** first free byte after the weights */
  private readonly weightsEnd: number;
  private scratch: Scratch | undefined;

  /** Undefined where WebAssembly SIMD is not available. */
  static create(weights: SvWeights): SvForwardWasm | undefined {
    const module = kernelModule();
    return module ? new SvForwardWasm(weights, new WebAssembly.Instance(module).exports as unknown as Kernels) : undefined;
  }

  private constructor(weights: SvWeights, kernels: Kernels) {
    this.k = kernels;
    const H = weights.config.hidden;
    const Hp = roundUp4(H);
    this.hidden = H;
    this.hp = Hp;

    // lay the weights out once: a bump allocator over 16-byte-aligned blocks
    const blocks: [number, Float64Array][] = [];
    let top = 0;
    const put = (a: Float64Array): number => {
      const at = top;
      blocks.push([at, a]);
      top += Math.ceil(a.length / 2) * 16;
      return at;
    };
    const padded = (v: Float32Array, size = Hp): Float64Array => {
      const out = new Float64Array(size);
      out.set(v);
      return out;
    };
    // Wt[row(k), o] = W[o, k] for the inputs k that `row` maps to a row ≥ 0; other rows stay 0
    const transposed = (w: Float32Array, outputs: number, inputs: number, rows: number, row: (k: number) => number): Float64Array => {
      const out = new Float64Array(rows * Hp);
      for (let k = 0; k < inputs; k++) {
        const r = row(k);
        if (r >= 0) for (let o = 0; o < outputs; o++) out[r * Hp + o] = w[o * inputs + k]!;
      }
      return out;
    };
    const nodeMlp = (m: Mlp, inputRows: number, row: (k: number) => number): MlpAt => ({
      w0: put(transposed(m.first.weight, H, m.first.inputs, inputRows, row)),
      b0: put(padded(m.first.bias)),
      lnw: put(padded(m.norm.weight)),
      lnb: put(padded(m.norm.bias)),
      w3: put(transposed(m.last.weight, H, H, Hp, (k) => k)),
      b3: put(padded(m.last.bias)),
    });

    this.encoder = nodeMlp(weights.encoder, 6, (k) => k);
    // the force MLP's first Linear takes [σ (5), h_i + h_j (H), |h_i − h_j| (H)]:
    // W_s (the middle columns) runs per node, the rest per pair over [σ, |h_i − h_j| padded to Hp]
    this.force = weights.layers.map(({ force: m }) => {
      const w3 = new Float64Array(3 * Hp);
      for (let a = 0; a < 3; a++) for (let k = 0; k < H; k++) w3[a * Hp + k] = m.last.weight[a * H + k]!;
      return {
        w0: put(transposed(m.first.weight, H, PAIR_SCALARS + 2 * H, PAIR_SCALARS + Hp, (k) => (k < PAIR_SCALARS ? k : k < PAIR_SCALARS + H ? -1 : k - H))),
        wSum: put(transposed(m.first.weight, H, PAIR_SCALARS + 2 * H, Hp, (k) => (k >= PAIR_SCALARS && k < PAIR_SCALARS + H ? k - PAIR_SCALARS : -1))),
        b0: put(padded(m.first.bias)),
        lnw: put(padded(m.norm.weight)),
        lnb: put(padded(m.norm.bias)),
        w3: put(w3),
        b3: put(padded(m.last.bias, 4)),
      };
    });
    // the update MLP's input [h_i (H), F_i (3)] is laid out as [h_i padded to Hp, F_i]
    this.update = weights.layers.map(({ update: m }) => nodeMlp(m, Hp + 3, (k) => (k < H ? k : Hp + k - H)));
    const mask = new Float64Array(Hp);
    mask.fill(1, 0, H);
    this.mask = put(mask);
    this.zeros = put(new Float64Array(Hp));
    this.weightsEnd = top;

    this.grow(top);
    const mem = new Float64Array(this.k.memory.buffer);
    for (const [at, a] of blocks) mem.set(a, at / 8);
  }

  /** Grows the wasm memory to hold `bytes`. */
  private grow(bytes: number): void {
    const memory = this.k.memory;
    const missing = bytes - memory.buffer.byteLength;
    if (missing <= 0) return;
    const pages = Math.ceil(missing / 65536);
    try {
      memory.grow(pages);
    } catch (error) {
      throw new RangeError(`SV forward: cannot grow WebAssembly memory to ${Math.ceil(bytes / 2 ** 20)} MiB: ${(error as Error).message}`);
    }
  }

  private scratchFor(n: number): Scratch {
    const s = this.scratch;
    if (s && s.n === n) return s;
    const Hp = this.hp;
    const n4 = roundUp4(n);
    const pairs = (n * (n - 1)) / 2;
    const pairs4 = roundUp4(pairs);
    let top = this.weightsEnd;
    const alloc = (doubles: number): number => {
      const at = top;
      top += Math.ceil(doubles / 2) * 16;
      return at;
    };
    const layout = {
      n,
      n4,
      pairs4,
      nodeIn: alloc(n4 * 6),
      nodeHidden: alloc(n4 * Hp),
      h: alloc(n4 * Hp),
      s: alloc(n4 * Hp),
      updateIn: alloc(n4 * (Hp + 3)),
      f: alloc(n4 * 3),
      frames: alloc(pairs * 9),
      pairIn: alloc(pairs4 * (PAIR_SCALARS + Hp)),
      base: alloc(pairs4 * Hp),
      pairHidden: alloc(pairs4 * Hp),
    };
    this.grow(top);
    const buffer = this.k.memory.buffer;
    const fresh: Scratch = {
      ...layout,
      mem: new Float64Array(buffer),
      framesView: new Float64Array(buffer, layout.frames, pairs * 9),
      pairInView: new Float64Array(buffer, layout.pairIn, pairs4 * (PAIR_SCALARS + Hp)),
    };
    this.scratch = fresh;
    return fresh;
  }

  /** One frame of n ≥ 2 objects at `at` in pos/vel → 3n accelerations at `outAt` in out. */
  frame(pos: Float32Array, vel: Float32Array, at: number, n: number, out: Float32Array, outAt: number): void {
    const k = this.k;
    const H = this.hidden;
    const Hp = this.hp;
    const K2 = PAIR_SCALARS + Hp;
    const s = this.scratchFor(n);
    const { mem, n4, pairs4 } = s;
    const pairs = (n * (n - 1)) / 2;

    // encoder on [x_i, ẋ_i]
    const nodeIn = s.nodeIn / 8;
    for (let i = 0; i < n; i++) {
      const p = at + 3 * i;
      const r = nodeIn + 6 * i;
      mem[r] = pos[p]!;
      mem[r + 1] = pos[p + 1]!;
      mem[r + 2] = pos[p + 2]!;
      mem[r + 3] = vel[p]!;
      mem[r + 4] = vel[p + 1]!;
      mem[r + 5] = vel[p + 2]!;
    }
    const enc = this.encoder;
    k.linear(s.nodeIn, enc.w0, enc.b0, 0, s.nodeHidden, n4, Hp, 6);
    k.layerNormRelu(s.nodeHidden, n, Hp, H, this.mask, enc.lnw, enc.lnb);
    k.linear(s.nodeHidden, enc.w3, enc.b3, 0, s.h, n4, Hp, Hp);

    // edge frames and the pair scalars σ (the same in every layer), into the first columns of pairIn
    edgeFrames(pos, vel, at, n, s.framesView, s.pairInView, K2);

    const layers = this.force.length;
    for (let l = 0; l < layers; l++) {
      const fl = this.force[l]!;
      // the first force Linear: W_s·h_i per node, then per pair b + s_i + s_j as
      // the bias of W·[σ, |h_i − h_j|]
      k.linear(s.h, fl.wSum, this.zeros, 0, s.s, n4, Hp, Hp);
      k.pairInputs(s.h, s.s, fl.b0, n, Hp, s.base, s.pairIn);
      k.linear(s.pairIn, fl.w0, s.base, Hp, s.pairHidden, pairs4, Hp, K2);
      k.layerNormRelu(s.pairHidden, pairs, Hp, H, this.mask, fl.lnw, fl.lnb);
      k.forces(s.pairHidden, fl.w3, fl.b3, s.frames, s.f, n, Hp);

      // node update h += update_mlp([h, F]); the last layer's cannot change the output
      if (l === layers - 1) break;
      const up = this.update[l]!;
      const W = Hp + 3;
      const h = s.h / 8, u = s.updateIn / 8, f = s.f / 8, o = s.s / 8;
      for (let i = 0; i < n; i++) {
        mem.copyWithin(u + i * W, h + i * Hp, h + i * Hp + Hp);
        mem[u + i * W + Hp] = mem[f + 3 * i]!;
        mem[u + i * W + Hp + 1] = mem[f + 3 * i + 1]!;
        mem[u + i * W + Hp + 2] = mem[f + 3 * i + 2]!;
      }
      k.linear(s.updateIn, up.w0, up.b0, 0, s.nodeHidden, n4, Hp, W);
      k.layerNormRelu(s.nodeHidden, n, Hp, H, this.mask, up.lnw, up.lnb);
      k.linear(s.nodeHidden, up.w3, up.b3, 0, s.s, n4, Hp, Hp);
      for (let q = 0; q < n * Hp; q++) mem[h + q] += mem[o + q]!;
    }

    const f = s.f / 8;
    for (let q = 0; q < 3 * n; q++) out[outAt + q] = mem[f + q]!;
  }
}
