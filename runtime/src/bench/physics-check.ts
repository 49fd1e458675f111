// Issue 5's end-to-end figure: checking a 1,000-frame, 8-object trace with the
// physics predicates on CPU, after the model is loaded (target < 50 ms).
//
// What is timed: `checkTrace` on a JSONL file — reading and parsing the
// trace, one SV forward per frame, `(physically_plausible b)` for each of the
// 8 balls and `(momentum_conserved)` at every frame, and the report — with
// the weights already in memory (passed in through the registry, so the
// runner loads nothing). Loading the weights is timed apart.
//
// The weights are the shipped examples/models/sv-balls.safetensors when it is
// there, else random ones (the forward costs the same). The trace is 8 balls
// on an air table at 60 fps, written with positions and velocities; with the
// shipped model every verdict is SATISFIED, as on a genuine trace.

import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PredicateRegistry } from "@craft/language";
import { checkTrace } from "../check/check-runner.js";
import { constraintFileFromText } from "../check/constraint-file.js";
import { loadPhysicsModel, PhysicsModel, physicsPredicates } from "../physics/predicates.js";
import { DEFAULT_SV_CONFIG, randomSvWeights } from "../physics/sv-model.js";
import { percentile } from "./measure.js";
import { rng } from "./workloads.js";

const FRAMES = 1000;
const OBJECTS = 8;
const FPS = 60;
const SHIPPED = fileURLToPath(new URL("../../../examples/models/sv-balls.safetensors", import.meta.url));

const CONSTRAINTS = `
(constraint P :type invariant :description "every ball moves as the model predicts" (forall (b Ball) (physically_plausible b)))
(constraint M :type invariant (momentum_conserved))
`;
/** the reference: the same check with an invariant over the balls that needs no model */
const REFERENCE = `(constraint D :type invariant (forall (b Ball) (< (distance b b) 1)))`;

/**
 * 8 balls rolling on parallel lanes 20 cm apart across the table the shipped
 * model was trained on (within ±1 m of its centre): JSONL text.
 */
export function ballTrace(frames = FRAMES, objects = OBJECTS, seed = 5): string {
  const r = rng(seed);
  const balls = Array.from({ length: objects }, (_, i) => ({ x: -0.8 + 0.2 * r(), z: 0.2 * (i - (objects - 1) / 2), vx: 0.05 + 0.05 * r() }));
  const lines = [JSON.stringify({ craft_trace: 1, task: "bench", dt: 1 / FPS })];
  for (let t = 0; t < frames; t++) {
    const time = t / FPS;
    const objs = balls.map((b, i) => ({
      id: `Ball_${i + 1}`,
      type: "Ball",
      state: {},
      position: [+(b.x + b.vx * time).toFixed(6), 0.8, +b.z.toFixed(6)],
      velocity: [b.vx, 0, 0],
    }));
    lines.push(JSON.stringify({ t, time: +time.toFixed(6), objects: objs }));
  }
  return lines.join("\n") + "\n";
}

function row(label: string, value: string): void {
  console.log(`  ${label.padEnd(58)} ${value}`);
}

export interface PhysicsCheckTiming {
  /** median wall time of one check, ms */
  readonly medianMs: number;
  readonly p95Ms: number;
  /** loading the weights, ms */
  readonly loadMs: number;
  /** the weights used */
  readonly weights: string;
  readonly verdicts: number;
}

/**
 * Times the check (runs after warm-up); prints nothing. `reference` checks
 * REFERENCE instead: reading the trace and running the monitor without the
 * physics predicates.
 */
export async function timePhysicsCheck(runs = 20, warmup = 5, mode: "text" | "json" = "text", reference = false): Promise<PhysicsCheckTiming> {
  const dir = mkdtempSync(join(tmpdir(), "craft-physics-bench-"));
  try {
    const trace = join(dir, "balls.jsonl");
    writeFileSync(trace, ballTrace());
    const t0 = performance.now();
    const loaded = existsSync(SHIPPED) ? await loadPhysicsModel(SHIPPED) : new PhysicsModel(randomSvWeights(DEFAULT_SV_CONFIG, 1));
    const loadMs = performance.now() - t0;
    if (!(loaded instanceof PhysicsModel)) throw new Error(`physics bench: ${loaded.unavailable}`);
    const registry = new PredicateRegistry();
    for (const p of physicsPredicates(loaded)) registry.register(p);
    const files = [constraintFileFromText(join(dir, "balls.craft"), reference ? REFERENCE : CONSTRAINTS)];
    // `craft check` prints text with atoms for failures only; --json keeps every atom
    const options = mode === "text" ? { registry, atoms: "failures" as const, keep: "episodes" as const } : { registry };
    const samples: number[] = [];
    let verdicts = 0;
    for (let i = 0; i < warmup + runs; i++) {
      const start = performance.now();
      const result = await checkTrace(files, trace, options);
      const ms = performance.now() - start;
      if (i >= warmup) samples.push(ms);
      verdicts = Object.values(result.summary).reduce((a, b) => a + b, 0);
      if (result.frames !== FRAMES) throw new Error(`physics bench: checked ${result.frames} frames, expected ${FRAMES}`);
    }
    samples.sort((a, b) => a - b);
    return { medianMs: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), loadMs, weights: existsSync(SHIPPED) ? "examples/models/sv-balls.safetensors" : "random weights", verdicts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench` section: prints the figure and its parts. */
export async function physicsCheckBench(): Promise<void> {
  console.log(`\n## Physics predicates end to end: ${FRAMES.toLocaleString("en-US")} frames × ${OBJECTS} objects on CPU (issue 5: < 50 ms after model load)`);
  const text = await timePhysicsCheck(20, 5, "text");
  row(`weights`, `${text.weights}, loaded in ${text.loadMs.toFixed(1)} ms`);
  row(`craft check (text report: atoms for failures), median of 20`, `${text.medianMs.toFixed(1)} ms, p95 ${text.p95Ms.toFixed(1)} ms`);
  const json = await timePhysicsCheck(20, 5, "json");
  row(`craft check --json (every atom kept), median of 20`, `${json.medianMs.toFixed(1)} ms, p95 ${json.p95Ms.toFixed(1)} ms`);
  const reference = await timePhysicsCheck(20, 5, "text", true);
  row(`reference: the same check with (distance b b) for the predicates`, `${reference.medianMs.toFixed(1)} ms, p95 ${reference.p95Ms.toFixed(1)} ms`);
}
