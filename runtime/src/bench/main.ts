// `npm run bench`: the figures the issues name, each with a reference
// measured in the same run. One core; run with --expose-gc for memory.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, compile, Monitor, parse, parseAndCheck, parseExpression, type CompiledProgram, type Frame } from "@craft/language";
import { constraintFile, formula, kitchenFrame, rng, seedJson } from "./workloads.js";
import { fmt, heapUsedMiB, percentile, time, type Timing } from "./measure.js";
import { SvForward } from "../physics/sv-forward.js";
import { physicsCheckBench } from "./physics-check.js";
import { requestGpuDevice } from "../physics/gpu-device.js";
import { SvWgsl } from "../physics/sv-wgsl.js";
import { DEFAULT_SV_CONFIG, randomSvWeights } from "../physics/sv-model.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const cli = fileURLToPath(new URL("../craft.mjs", import.meta.url));
const only = process.argv[2];

function section(title: string): void {
  console.log(`\n## ${title}`);
}

function row(label: string, value: string): void {
  console.log(`  ${label.padEnd(58)} ${value}`);
}

function programOf(src: string): CompiledProgram {
  const parsed = parse(src);
  const checked = check(parsed.program);
  const errors = [...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`benchmark program has errors: ${errors[0]!.message}`);
  return compile(checked);
}

function parseAndCheckBench(): void {
  section("Parse + check (issue 2: ≤ 20 ms median for 5,000 constraints)");
  const text = constraintFile(5000);
  const json = seedJson(5000);
  const parseOnly = (): void => void parse(text);
  const oneByOne = (): void => void parseAndCheck(text);
  const twoPasses = (): void => void check(parse(text).program);
  const reference = (): void => {
    const list = JSON.parse(json) as { condition_expr: string }[];
    for (const c of list) parseExpression(c.condition_expr);
  };
  const [p, b, t, r] = timeInBlocks([parseOnly, oneByOne, twoPasses, reference]);
  const diagnostics = parseAndCheck(text).checked.diagnostics.filter((d) => d.severity === "error").length;
  row("file size", `${(text.length / 1e6).toFixed(2)} MB, ${diagnostics} errors`);
  row("parse + check (parseAndCheck), median of 40 runs", `${b!.median.toFixed(2)} ms (p95 ${b!.p95.toFixed(2)})`);
  row("parse alone; check(parse(text)) in two passes", `${p!.median.toFixed(2)} ms; ${t!.median.toFixed(2)} ms`);
  row("throughput", `${(text.length / 1e6 / (b!.median / 1000)).toFixed(1)} MB/s`);
  row("reference: JSON.parse of seed JSON + parseExpression each", `${r!.median.toFixed(2)} ms`);
  row("ratio parse+check / reference", `${(b!.median / r!.median).toFixed(2)}×`);
}

/**
 * Times each function 40 times, in 4 blocks of 10 back-to-back runs that take
 * turns, after 20 warm-up runs each (the first dozen runs of a process are
 * slower, until the JIT has settled). This VM's memory speed drifts by up to
 * 2× over seconds; taking turns lets every function see the same drift.
 */
function timeInBlocks(fs: (() => void)[]): Timing[] {
  for (const f of fs) for (let i = 0; i < 20; i++) f();
  const samples = fs.map((): number[] => []);
  for (let block = 0; block < 4; block++) {
    fs.forEach((f, k) => {
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        f();
        samples[k]!.push(performance.now() - t0);
      }
    });
  }
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return { median: percentile(s, 0.5), p95: percentile(s, 0.95), runs: s.length };
  });
}

function kitchenFrames(n: number, seed = 7): Frame[] {
  const r = rng(seed);
  const frames: Frame[] = [];
  for (let i = 0; i < n; i++) frames.push(kitchenFrame(r, i));
  return frames;
}

function invariants(n: number, wrap: (f: string, i: number) => string = (f) => f, seed = 3): string {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`(constraint I${i} :type invariant ${wrap(formula(r, 2 + (i % 5)), i)})`);
  return out.join("\n");
}

/** One full pass of a Monitor over the frames (ms). */
function evalPass(program: CompiledProgram, frames: readonly Frame[]): number {
  const t0 = performance.now();
  const m = new Monitor(program, { atoms: "none" });
  for (const f of frames) m.push(f);
  m.finish();
  return performance.now() - t0;
}

function evaluation(): void {
  section("Evaluation (issue 2: ≥ 5 M (constraint, frame) evaluations/s; issue 3: temporal within 2×)");
  const frames = kitchenFrames(2000);
  const temporalWrap = (f: string, i: number) =>
    i % 3 === 0 ? `(once :within 10 ${f})` : i % 3 === 1 ? `(historically :within 100 ${f})` : `(since ${f} (dirty mug))`;
  const programs = [programOf(invariants(100)), programOf(invariants(100, temporalWrap))];
  // interleaved rounds, so both see the same machine: the ratio is taken per round
  for (let i = 0; i < 8; i++) for (const p of programs) evalPass(p, frames);
  const single: number[] = [];
  const temporal: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 15; round++) {
    const a = evalPass(programs[0]!, frames);
    const b = evalPass(programs[1]!, frames);
    single.push(a);
    temporal.push(b);
    ratios.push(b / a);
  }
  const perSecond = (ms: number) => (100 * frames.length) / (ms / 1000);
  row("single-state, 100 invariants of depth ≤ 6, 8 objects", `${fmt(perSecond(median(single)))} evaluations/s`);
  row("temporal (once/historically/since around each)", `${fmt(perSecond(median(temporal)))} evaluations/s`);
  row("ratio temporal time / single-state time (median per round)", `${median(ratios).toFixed(2)}× (target ≤ 2×)`);
}

function memoryFlat(): void {
  section("Memory in trace length (issue 2: flat for pre/post/invariant/goal)");
  const src = `${invariants(20)}
(constraint P :type pre :action (PutObject mug sink) (not (dirty mug)))
(constraint Q :type post :action (PutObject mug sink) (inside mug sink))
(constraint G :type goal (inside mug sink))
(constraint H :type invariant (historically :within 50 (not (broken mug))))`;
  const program = programOf(src);
  const r = rng(11);
  const base = heapUsedMiB();
  const m = new Monitor(program, { atoms: "none" });
  const marks: [number, number][] = [];
  for (let i = 1; i <= 200_000; i++) {
    m.push(kitchenFrame(r, i));
    if (i === 20_000 || i === 200_000) marks.push([i, heapUsedMiB() - base]);
  }
  m.finish();
  for (const [n, mib] of marks) row(`heap growth after ${fmt(n, 0)} frames`, `${mib.toFixed(2)} MiB`);
  row("growth from 20k to 200k frames", `${(marks[1]![1] - marks[0]![1]).toFixed(2)} MiB`);
}

function median(samples: number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 0.5);
}

function cliStartup(): void {
  section("craft check on a small example (issue 2: < 250 ms wall from process start)");
  const args = [cli, "check", "examples/seed/seed.craft", "examples/seed/traces/door_closed.jsonl"];
  const walls: number[] = [];
  const nodeOnly: number[] = [];
  for (let i = 0; i < 12; i++) {
    let t0 = performance.now();
    spawnSync(process.execPath, args, { cwd: repo, encoding: "utf8" });
    walls.push(performance.now() - t0);
    t0 = performance.now();
    spawnSync(process.execPath, ["-e", ""], { encoding: "utf8" });
    nodeOnly.push(performance.now() - t0);
  }
  row("craft check examples/seed (median of 12)", `${median(walls).toFixed(1)} ms`);
  row("reference: node -e '' (median of 12)", `${median(nodeOnly).toFixed(1)} ms`);
}

async function writeSignalTrace(path: string, frames: number): Promise<void> {
  const out = createWriteStream(path);
  const r = rng(5);
  let buf = "";
  // the property holds throughout, for every window bound measured: q is rare,
  // and after it p stays down for longer than the largest window
  let quiet = 0;
  for (let i = 0; i < frames; i++) {
    let q = false;
    let p: boolean;
    if (quiet > 0) {
      p = false;
      quiet--;
    } else {
      q = r() < 0.001;
      p = q ? false : r() < 0.7;
      if (q) quiet = 1100;
    }
    buf += `{"time":${(i / 100).toFixed(2)},"p":${p},"q":${q}}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once("drain", () => res()));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise<void>((res) => out.end(() => res()));
}

async function signals(): Promise<void> {
  section("Plain signals from disk (issue 3: ≥ 1 M frames/s end to end; flat in the window bound)");
  const dir = mkdtempSync(join(tmpdir(), "craft-bench-"));
  try {
    const trace = join(dir, "signals.jsonl");
    const n = 1_000_000;
    await writeSignalTrace(trace, n);
    for (const w of [10, 100, 1000]) {
      const spec = join(dir, `w${w}.craft`);
      writeFileSync(spec, `(constraint S :type invariant (historically (implies (once :within ${w} q) (since (not p) q))))\n`);
      const walls: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const run = spawnSync(process.execPath, [cli, "check", spec, trace], { encoding: "utf8", maxBuffer: 1 << 26 });
        walls.push(performance.now() - t0);
        if (run.status !== 0) throw new Error(`craft check failed or found a violation: ${run.stderr}${run.stdout.slice(0, 400)}`);
      }
      const ms = median(walls);
      row(`1M frames, window ${w}: wall (median of 3), frames/s`, `${ms.toFixed(0)} ms, ${fmt(n / (ms / 1000))} frames/s`);
    }
    const parseOnly: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, ["-e", `const fs=require('fs');const t=fs.readFileSync(${JSON.stringify(trace)},'utf8');let n=0;for(const l of t.split('\\n'))if(l)JSON.parse(l),n++;`], { encoding: "utf8" });
      parseOnly.push(performance.now() - t0);
    }
    row("reference: node reading the file and JSON.parse per line", `${median(parseOnly).toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function monitorLatency(): void {
  section("Monitor per-frame update (issue 3: < 100 µs median for 100 constraints incl. temporal)");
  const wrap = (f: string, i: number) => (i % 2 === 0 ? f : i % 4 === 1 ? `(once :within 10 ${f})` : `(since ${f} (dirty mug))`);
  const frames = kitchenFrames(3000, 9);
  const modes: [string, ConstructorParameters<typeof Monitor>[1]][] = [
    ["verdicts and confidences (atoms off)", { atoms: "none" }],
    ["atom traces for failures, no causal chains", { atoms: "failures", explainWindow: 0 }],
    ["atom traces, causal chains and hints for failures", { atoms: "failures" }],
  ];
  for (const [label, options] of modes) {
    const m = new Monitor(programOf(invariants(100, wrap)), options);
    const samples: number[] = [];
    let failures = 0;
    frames.forEach((f, i) => {
      const t0 = performance.now();
      const out = m.push(f);
      if (i >= 500) samples.push((performance.now() - t0) * 1000);
      for (const v of out) if (v.status !== "SATISFIED") failures++;
    });
    samples.sort((a, b) => a - b);
    row(`per push, 100 constraints (50 temporal): ${label}`, `median ${percentile(samples, 0.5).toFixed(1)} µs, p95 ${percentile(samples, 0.95).toFixed(1)} µs`);
    if (options?.atoms === "none") row("  share of verdicts that are not SATISFIED in this workload", `${((100 * failures) / (frames.length * 100)).toFixed(0)}%`);
  }
}

function physics(): void {
  section("SV physics, forward, one frame, N = 8 (issue 5: ≤ 20 µs median; PyTorch eager CPU in the same run)");
  const weights = randomSvWeights(DEFAULT_SV_CONFIG, 1);
  // SvForward's own pick (WebAssembly SIMD where available), and the TypeScript reference path, interleaved
  const paths = [new SvForward(weights), new SvForward(weights, { path: "typescript" })];
  const r = rng(7);
  const n = 8;
  const pos = Float32Array.from({ length: n * 3 }, () => r() * 4 - 2);
  const vel = Float32Array.from({ length: n * 3 }, () => r() * 2 - 1);
  const out = new Float32Array(n * 3);
  for (const forward of paths) for (let i = 0; i < 2000; i++) forward.forward(pos, vel, n, out);
  const samples: number[][] = paths.map(() => []);
  for (let block = 0; block < 20; block++) {
    paths.forEach((forward, p) => {
      for (let i = 0; i < 500; i++) {
        const t0 = performance.now();
        forward.forward(pos, vel, n, out);
        samples[p]!.push((performance.now() - t0) * 1000);
      }
    });
  }
  paths.forEach((forward, p) => {
    const s = samples[p]!.sort((a, b) => a - b);
    const label = p === 0 ? `SvForward (${forward.path} path)` : "reference: TypeScript path";
    row(`${label}, 10,000 calls after warm-up`, `median ${percentile(s, 0.5).toFixed(1)} µs, p95 ${percentile(s, 0.95).toFixed(1)} µs`);
  });
  // Debian's python3 with python3-torch, when installed: the same network in PyTorch eager, one thread
  const torch = spawnSync("/usr/bin/python3", [join(repo, "tools/sv_fixtures.py"), "--bench"], { encoding: "utf8" });
  if (torch.status === 0) {
    const t = JSON.parse(torch.stdout.trim().split("\n").pop()!) as { torch: string; median_us: number };
    row(`reference: PyTorch ${t.torch} eager, 1 thread`, `median ${t.median_us.toFixed(1)} µs`);
  } else row("reference: PyTorch eager", "not measured (no /usr/bin/python3 with torch here)");
}

async function physicsGpu(): Promise<void> {
  section("SV physics, B = 1024 frames × N = 32 objects: WGSL through Dawn vs the TypeScript path (issue 5; the H100 figures need the device)");
  const gpu = await requestGpuDevice();
  if ("unavailable" in gpu) {
    row("WGSL", `not measured: ${gpu.unavailable}`);
    return;
  }
  const weights = randomSvWeights(DEFAULT_SV_CONFIG, 1);
  const wgsl = await SvWgsl.create(gpu.device, weights);
  const cpu = new SvForward(weights);
  const frames = 1024;
  const n = 32;
  const pairs = (frames * n * (n - 1)) / 2;
  const r = rng(9);
  const pos = Float32Array.from({ length: frames * n * 3 }, () => r() * 4 - 2);
  const vel = Float32Array.from({ length: frames * n * 3 }, () => r() * 2 - 1);
  const timeIt = async (f: () => unknown, reps: number): Promise<number> => {
    await f();
    const samples: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await f();
      samples.push((performance.now() - t0) / 1000);
    }
    return median(samples);
  };
  const g = await timeIt(() => wgsl.forwardBatch(pos, vel, frames, n), 5);
  const c = await timeIt(() => cpu.forwardBatch(pos, vel, frames, n), 3);
  row(`WGSL on ${gpu.info.name}`, `${(g * 1e3).toFixed(1)} ms, ${fmt(pairs / g)} pairs/s`);
  row("reference: TypeScript forwardBatch, one core", `${(c * 1e3).toFixed(1)} ms, ${fmt(pairs / c)} pairs/s`);
  wgsl.destroy();
}

const sections: Record<string, () => void | Promise<void>> = {
  parse: parseAndCheckBench,
  eval: evaluation,
  memory: memoryFlat,
  cli: cliStartup,
  monitor: monitorLatency,
  signals,
  physics,
  "physics-check": physicsCheckBench,
  "physics-gpu": physicsGpu,
};

console.log(`craft bench — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(sections)) {
  if (only && only !== name) continue;
  await run();
}
