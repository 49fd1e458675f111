// The SV forward on a GPU through WebGPU (Dawn): B = 1024 frames × N = 32
// objects, pairs per second, as JSON — run on the device machine, beside
// PyTorch eager and torch.compile of the same definitions
// (`tools/sv_fixtures.py --bench-gpu`). Also checks the GPU's forces against
// the TypeScript path, so a fast wrong kernel cannot pass unnoticed.

import { requestGpuDevice } from "../physics/gpu-device.js";
import { SvForward } from "../physics/sv-forward.js";
import { DEFAULT_SV_CONFIG, randomSvWeights } from "../physics/sv-model.js";
import { SvWgsl } from "../physics/sv-wgsl.js";
import { rng } from "./workloads.js";

const frames = Number(process.argv[2] ?? 1024);
const n = Number(process.argv[3] ?? 32);
const gpu = await requestGpuDevice();
if ("unavailable" in gpu) {
  console.log(JSON.stringify({ wgsl: null, unavailable: gpu.unavailable }));
  process.exit(0);
}
const weights = randomSvWeights(DEFAULT_SV_CONFIG, 1);
const wgsl = await SvWgsl.create(gpu.device, weights);
const r = rng(9);
const pos = Float32Array.from({ length: frames * n * 3 }, () => r() * 4 - 2);
const vel = Float32Array.from({ length: frames * n * 3 }, () => r() * 2 - 1);
const pairs = (frames * n * (n - 1)) / 2;
for (let i = 0; i < 5; i++) await wgsl.forwardBatch(pos, vel, frames, n);
const samples: number[] = [];
let out: Float32Array = new Float32Array(0);
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  out = await wgsl.forwardBatch(pos, vel, frames, n);
  samples.push(performance.now() - t0);
}
samples.sort((a, b) => a - b);
const ms = samples[samples.length >> 1]!;
// the same forward with the inputs resident on the device, as PyTorch's CUDA timings are taken
const resident = await wgsl.timeResident(pos, vel, frames, n);
const check = new SvForward(weights).forwardBatch(pos.subarray(0, 8 * n * 3), vel.subarray(0, 8 * n * 3), 8, n);
let maxError = 0;
for (let i = 0; i < check.length; i++) maxError = Math.max(maxError, Math.abs(check[i]! - out[i]!));
console.log(
  JSON.stringify({
    adapter: gpu.info.name,
    frames,
    objects: n,
    median_ms: ms,
    pairs_per_s: pairs / (ms / 1000),
    resident_median_ms: resident,
    resident_pairs_per_s: pairs / (resident / 1000),
    max_error_vs_cpu: maxError,
  }),
);
wgsl.destroy();
process.exit(0);
