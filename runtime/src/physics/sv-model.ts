// The SV physics network's parameters (SV seed §5.3, §5.5, §5.6, §5.8;
// DESIGN.md "SV physics"): names, shapes and strict loading.
//
// Names are PyTorch state-dict names of these modules (Linear weights are
// [out, in]); every MLP is `nn.Sequential(Linear, LayerNorm, ReLU, Linear)`,
// so its parameters sit at indices 0 (Linear), 1 (LayerNorm) and 3 (Linear):
//
//   encoder               Linear(6, d_h) → LayerNorm → ReLU → Linear(d_h, d_h)
//   layers.{l}.force_mlp  Linear(5 + 2 d_h, d_h) → LayerNorm → ReLU → Linear(d_h, 3)
//   layers.{l}.update_mlp Linear(d_h + 3, d_h) → LayerNorm → ReLU → Linear(d_h, d_h)
//
// d_h = 32, L = 1 has 6,019 parameters. The dual-stream extractor (seed §5.8)
// holds the SV network as the submodule `physics`, plus
//   policy  nn.Sequential(Linear(16, 64), ReLU, Linear(64, 64), ReLU)  → policy.0, policy.2
//   fusion  nn.Sequential(Linear(64 + 3, 64), ReLU)                    → fusion.0
// and has 15,619 parameters in all.

import { InputError } from "../input-error.js";
import { readSafetensors, type TensorInput } from "../tensors/safetensors.js";
import { seededRandom } from "../seeded-random.js";

export interface SvConfig {
  /** d_h, the node embedding width */
  readonly hidden: number;
  /** L, the number of message-passing layers */
  readonly layers: number;
}

export const DEFAULT_SV_CONFIG: SvConfig = { hidden: 32, layers: 1 };

/** Scalars per pair before the node embeddings: d, v_r, v_t, v_b, ‖ẋ_ij‖. */
export const PAIR_SCALARS = 5;

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

function linear(prefix: string, inputs: number, outputs: number): ParamSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [outputs, inputs] },
    { name: `${prefix}.bias`, shape: [outputs] },
  ];
}

function layerNorm(prefix: string, size: number): ParamSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [size] },
    { name: `${prefix}.bias`, shape: [size] },
  ];
}

/** `nn.Sequential(Linear(i, h), LayerNorm(h), ReLU(), Linear(h, o))` */
function mlp(prefix: string, inputs: number, hidden: number, outputs: number): ParamSpec[] {
  return [...linear(`${prefix}.0`, inputs, hidden), ...layerNorm(`${prefix}.1`, hidden), ...linear(`${prefix}.3`, hidden, outputs)];
}

function checkConfig(config: SvConfig): void {
  if (!Number.isSafeInteger(config.hidden) || config.hidden < 1) throw new RangeError(`SV config: hidden (d_h) must be a positive integer, got ${config.hidden}`);
  if (!Number.isSafeInteger(config.layers) || config.layers < 1) throw new RangeError(`SV config: layers (L) must be a positive integer, got ${config.layers}`);
}

/** The SV network's parameters in state-dict order. */
export function svParamSpecs(config: SvConfig = DEFAULT_SV_CONFIG): ParamSpec[] {
  checkConfig(config);
  const h = config.hidden;
  const specs = mlp("encoder", 6, h, h);
  for (let l = 0; l < config.layers; l++) {
    specs.push(...mlp(`layers.${l}.force_mlp`, PAIR_SCALARS + 2 * h, h, 3));
    specs.push(...mlp(`layers.${l}.update_mlp`, h + 3, h, h));
  }
  return specs;
}

export interface ExtractorConfig {
  readonly sv: SvConfig;
  /** observation width of the policy stream */
  readonly observation: number;
  /** features_dim */
  readonly features: number;
}

export const DEFAULT_EXTRACTOR_CONFIG: ExtractorConfig = { sv: DEFAULT_SV_CONFIG, observation: 16, features: 64 };

/** The dual-stream extractor's parameters: `physics.*` (the SV network), `policy.0`, `policy.2`, `fusion.0`. */
export function extractorParamSpecs(config: ExtractorConfig = DEFAULT_EXTRACTOR_CONFIG): ParamSpec[] {
  const f = config.features;
  return [
    ...svParamSpecs(config.sv).map((s) => ({ name: `physics.${s.name}`, shape: s.shape })),
    ...linear("policy.0", config.observation, f),
    ...linear("policy.2", f, f),
    ...linear("fusion.0", f + 3, f),
  ];
}

export function parameterCount(specs: readonly ParamSpec[]): number {
  let total = 0;
  for (const s of specs) total += s.shape.reduce((a, b) => a * b, 1);
  return total;
}

/** Seed §2.3 (SPEC): 6,019 for d_h 32, L 1; 15,619 with the dual-stream extractor. */
export const SV_PARAMETER_COUNT = 6019;
export const EXTRACTOR_PARAMETER_COUNT = 15619;

{
  const sv = parameterCount(svParamSpecs());
  const ex = parameterCount(extractorParamSpecs());
  if (sv !== SV_PARAMETER_COUNT || ex !== EXTRACTOR_PARAMETER_COUNT) {
    throw new Error(`SV model definition drifted: ${sv} / ${ex} parameters, expected ${SV_PARAMETER_COUNT} / ${EXTRACTOR_PARAMETER_COUNT}`);
  }
}

export interface Linear {
  readonly inputs: number;
  readonly outputs: number;
  /** [outputs, inputs], row-major */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

export interface LayerNorm {
  readonly size: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/** Linear → LayerNorm → ReLU → Linear */
export interface Mlp {
  readonly first: Linear;
  readonly norm: LayerNorm;
  readonly last: Linear;
}

export interface SvLayerWeights {
  readonly force: Mlp;
  readonly update: Mlp;
}

export interface SvWeights {
  readonly config: SvConfig;
  readonly encoder: Mlp;
  readonly layers: readonly SvLayerWeights[];
}

/** Tensors by name; what `parseSafetensors` returns satisfies it. */
export type TensorMap = ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Strictly matches tensors against specs: returns one line per missing,
 * unexpected or mis-shaped tensor (empty when they match exactly).
 */
export function tensorProblems(tensors: TensorMap, specs: readonly ParamSpec[]): string[] {
  const problems: string[] = [];
  const wanted = new Set(specs.map((s) => s.name));
  for (const s of specs) {
    const t = tensors.get(s.name);
    if (!t) problems.push(`missing tensor ${s.name} [${s.shape.join(", ")}]`);
    else if (!sameShape(t.shape, s.shape)) problems.push(`tensor ${s.name}: expected shape [${s.shape.join(", ")}], got [${t.shape.join(", ")}]`);
  }
  for (const name of tensors.keys()) if (!wanted.has(name)) problems.push(`unexpected tensor ${name}`);
  return problems;
}

/** d_h from `encoder.0.weight`, L from the highest `layers.{l}.` index; defaults where absent. */
export function inferSvConfig(tensors: TensorMap): SvConfig {
  const enc = tensors.get("encoder.0.weight");
  const hidden = enc && enc.shape.length === 2 && enc.shape[0]! > 0 ? enc.shape[0]! : DEFAULT_SV_CONFIG.hidden;
  let layers = 0;
  for (const name of tensors.keys()) {
    const m = /^layers\.(\d+)\./.exec(name);
    if (m && m[1]!.length < 6) layers = Math.max(layers, Number(m[1]) + 1);
  }
  return { hidden, layers: layers || DEFAULT_SV_CONFIG.layers };
}

/**
 * Builds SV weights from named tensors. With no config, d_h and L are read
 * from the tensors' names and shapes. Missing, extra or mis-shaped tensors
 * are an InputError naming `file` and listing every problem.
 */
export function svWeightsFromTensors(tensors: TensorMap, file: string, config?: SvConfig): SvWeights {
  const cfg = config ?? inferSvConfig(tensors);
  const specs = svParamSpecs(cfg);
  const problems = tensorProblems(tensors, specs);
  if (problems.length > 0) {
    const summary = problems.length === 1 ? problems[0]! : `${problems.length} problems`;
    throw new InputError(`${file}: not SV physics weights (d_h ${cfg.hidden}, L ${cfg.layers}): ${summary}`, problems.length === 1 ? [] : problems);
  }
  const get = (name: string): Float32Array => tensors.get(name)!.data;
  const lin = (prefix: string, inputs: number, outputs: number): Linear => ({ inputs, outputs, weight: get(`${prefix}.weight`), bias: get(`${prefix}.bias`) });
  const m = (prefix: string, inputs: number, hidden: number, outputs: number): Mlp => ({
    first: lin(`${prefix}.0`, inputs, hidden),
    norm: { size: hidden, weight: get(`${prefix}.1.weight`), bias: get(`${prefix}.1.bias`) },
    last: lin(`${prefix}.3`, hidden, outputs),
  });
  const h = cfg.hidden;
  const layers: SvLayerWeights[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    layers.push({ force: m(`layers.${l}.force_mlp`, PAIR_SCALARS + 2 * h, h, 3), update: m(`layers.${l}.update_mlp`, h + 3, h, h) });
  }
  return { config: cfg, encoder: m("encoder", 6, h, h), layers };
}

/** Loads SV weights from a safetensors file (strict; see svWeightsFromTensors). */
export async function loadSvWeights(path: string, config?: SvConfig): Promise<SvWeights> {
  const file = await readSafetensors(path);
  return svWeightsFromTensors(file.tensors, path, config);
}

/** The weights as named tensors in state-dict order, e.g. for writeSafetensors. */
export function svWeightsToTensors(weights: SvWeights): Map<string, TensorInput> {
  const out = new Map<string, TensorInput>();
  const put = (prefix: string, m: Mlp): void => {
    out.set(`${prefix}.0.weight`, { shape: [m.first.outputs, m.first.inputs], data: m.first.weight });
    out.set(`${prefix}.0.bias`, { shape: [m.first.outputs], data: m.first.bias });
    out.set(`${prefix}.1.weight`, { shape: [m.norm.size], data: m.norm.weight });
    out.set(`${prefix}.1.bias`, { shape: [m.norm.size], data: m.norm.bias });
    out.set(`${prefix}.3.weight`, { shape: [m.last.outputs, m.last.inputs], data: m.last.weight });
    out.set(`${prefix}.3.bias`, { shape: [m.last.outputs], data: m.last.bias });
  };
  put("encoder", weights.encoder);
  weights.layers.forEach((layer, l) => {
    put(`layers.${l}.force_mlp`, layer.force);
    put(`layers.${l}.update_mlp`, layer.update);
  });
  return out;
}

/**
 * Deterministic random weights (mulberry32 from `seed`): Linear weights and
 * biases uniform in ±1/√fan_in as PyTorch initialises them, LayerNorm
 * weights 1 ± 0.2 and biases ± 0.2. For tests and benchmarks.
 */
export function randomSvWeights(config: SvConfig = DEFAULT_SV_CONFIG, seed = 1): SvWeights {
  const next = seededRandom(seed);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  let lastFanIn = 1;
  for (const s of svParamSpecs(config)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const isNorm = /\.1\.(weight|bias)$/.test(s.name);
    const fanIn = s.name.endsWith(".weight") && s.shape.length === 2 ? s.shape[1]! : 0;
    // a Linear bias uses its weight's fan-in, which precedes it in the specs
    const bound = isNorm ? 0.2 : 1 / Math.sqrt(fanIn || lastFanIn);
    if (fanIn) lastFanIn = fanIn;
    for (let i = 0; i < n; i++) data[i] = (isNorm && s.name.endsWith(".weight") ? 1 : 0) + (2 * next() - 1) * bound;
    tensors.set(s.name, { shape: [...s.shape], data });
  }
  return svWeightsFromTensors(tensors, "random", config);
}
