// The SV physics extension predicates: typing, evaluation on traces, U with
// a reason without weights, --model through the CLI, and teleport detection.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { check, parse, PredicateRegistry, type Frame } from "@craft/language";
import { checkTrace, type TraceResult } from "../src/check/check-runner.js";
import { constraintFileFromText } from "../src/check/constraint-file.js";
import { loadPhysicsModel, NO_PHYSICS_MODEL, num, PhysicsModel, physicsPredicates, thresholdConfidence } from "../src/physics/predicates.js";
import { readSafetensors, serializeSafetensors } from "../src/tensors/safetensors.js";
import { craft } from "./support/cli.js";

const WEIGHTS = resolve("runtime/test/fixtures/physics/sv-random.safetensors");
const dir = mkdtempSync(join(tmpdir(), "craft-physics-pred-"));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Obj {
  id: string;
  position: [number, number, number];
  velocity?: [number, number, number];
}

/** A JSONL trace of `frames` at Δt = `dt`, objects given per step. */
function trace(name: string, steps: number, dt: number, objects: (step: number) => Obj[]): string {
  const lines = [JSON.stringify({ craft_trace: 1, dt })];
  for (let s = 0; s < steps; s++) {
    lines.push(JSON.stringify({ t: s, time: s * dt, objects: objects(s).map((o) => ({ type: "Mug", state: {}, ...o, ...(o.id === "Table_1" ? { type: "DiningTable" } : {}) })) }));
  }
  return file(name, lines.join("\n") + "\n");
}

/** A copy of the fixture weights with calibration metadata. */
async function weightsWith(name: string, metadata: Record<string, string>): Promise<string> {
  const src = await readSafetensors(WEIGHTS);
  const p = join(dir, name);
  writeFileSync(p, serializeSafetensors(src.tensors, metadata));
  return p;
}

const table: Obj = { id: "Table_1", position: [0, 0, 0] };
const smooth = (s: number): Obj[] => [table, { id: "Mug_1", position: [1 + 0.1 * s, 0.5, 0.8], velocity: [1, 0, 0] }];
const smoothTrace = trace("smooth.jsonl", 6, 0.1, smooth);

const CRAFT = `
(object mug Mug)
(constraint P :type invariant :description "the mug moves plausibly" (physically_plausible mug))
(constraint M :type invariant (momentum_conserved))
`;

function verdicts(r: TraceResult, id: string) {
  return r.results.filter((v) => v.id === id);
}

describe("physics predicates: signatures", () => {
  it("type-check as (physically_plausible Obj) -> Bool and (momentum_conserved) -> Bool", () => {
    const registry = new PredicateRegistry();
    for (const p of physicsPredicates({ unavailable: "none" })) registry.register(p);
    const ok = check(parse("(constraint A :type invariant (and (physically_plausible mug) (momentum_conserved)))").program, { registry });
    expect(ok.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const bad = check(parse("(constraint A :type invariant (physically_plausible))").program, { registry });
    expect(bad.diagnostics.some((d) => d.severity === "error")).toBe(true);
  });

  it("reasons print numbers to 3 significant digits", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [0.12345, "0.123"],
      [-12.345, "-12.3"],
      [99.96, "100"],
      [0.99951, "1"],
      [0.00123, "0.00123"],
      [0.0405, "0.0405"],
      [1.5, "1.5"],
      [1234.4, "1234"],
      [1e-4, "1.00e-4"],
      [-5e4, "-5.00e+4"],
      [NaN, "NaN"],
    ];
    for (const [x, text] of cases) expect(num(x), String(x)).toBe(text);
  });

  it("the confidence law is 0 at the threshold, θ = 0.7 at 12% either side and 0.95 at 30%", () => {
    expect(thresholdConfidence(0.5, 0.5)).toBe(0);
    expect(thresholdConfidence(0.5 * (1 - 0.12), 0.5)).toBeCloseTo(1 - Math.exp(-1.2), 12);
    expect(1 - Math.exp(-1.2)).toBeCloseTo(0.7, 1);
    expect(thresholdConfidence(0.35, 0.5)).toBeCloseTo(1 - Math.exp(-3), 12);
    expect(thresholdConfidence(0.65, 0.5)).toBeCloseTo(1 - Math.exp(-3), 12);
    expect(thresholdConfidence(0, 0.5)).toBeGreaterThan(0.9999);
  });
});

describe("physics predicates: checking traces", () => {
  it("are U with the reason when no model is given", async () => {
    const r = await checkTrace([constraintFileFromText("p.craft", CRAFT)], smoothTrace);
    const p = verdicts(r, "P");
    expect(p.length).toBeGreaterThan(0);
    for (const v of p) expect(v.status).toBe("UNCERTAIN");
    expect(JSON.stringify(p[p.length - 1])).toContain(NO_PHYSICS_MODEL.slice(0, 20));
  });

  it("are U with the loader's message for a missing weights file (no crash, no exit 2)", async () => {
    const craftFile = constraintFileFromText(join(dir, "missing.craft"), `(model physics "nowhere.safetensors")\n${CRAFT}`);
    const r = await checkTrace([craftFile], smoothTrace);
    const last = verdicts(r, "P").at(-1)!;
    expect(last.status).toBe("UNCERTAIN");
    expect(JSON.stringify(last)).toContain("nowhere.safetensors: cannot read weights");
  });

  it("evaluate with (model physics …) relative to the constraint file", async () => {
    const rel = "../w.safetensors";
    await weightsWith("w.safetensors", { "craft.plausibility_threshold": "0.5" });
    const craftFile = constraintFileFromText(join(dir, "sub", "x.craft"), `(model physics "${rel}")\n${CRAFT}`);
    const warnings: string[] = [];
    const r = await checkTrace([craftFile], smoothTrace, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const p = verdicts(r, "P");
    // step 0 has no earlier frame; every later frame has a verdict from the model
    expect(p[0]!.status).toBe("UNCERTAIN");
    for (const v of p.slice(1)) expect(["SATISFIED", "VIOLATED", "UNCERTAIN"]).toContain(v.status);
    const text = JSON.stringify(p[2]);
    expect(text).toMatch(/Mug_1: predicted (acceleration \(.*\)|\|â\| = [\d.e+-]+) m\/s², observed (\(0, 0, 0\)|\|a_fd\| = 0) m\/s²; normalised error e = /);
    expect(verdicts(r, "M").slice(1).every((v) => v.status !== "UNCERTAIN" || v.confidence === 0)).toBe(true);
  });

  it("explains plausible motion by magnitudes and implausible motion by vectors", async () => {
    const reasonAt = async (tau: string) => {
      const w = await weightsWith(`tau-${tau}.safetensors`, { "craft.plausibility_threshold": tau });
      const r = await checkTrace([constraintFileFromText("r.craft", CRAFT)], smoothTrace, { models: { physics: w } });
      return verdicts(r, "P").find((v) => v.step === 2)!;
    };
    const lenient = await reasonAt("1000");
    expect(lenient.status).toBe("SATISFIED");
    expect(lenient.reason).toMatch(/^Mug_1: predicted \|â\| = [\d.e+-]+ m\/s², observed \|a_fd\| = 0 m\/s²; normalised error e = [\d.e+-]+ ≤ τ = 1000$/);
    const strict = await reasonAt("1e-9");
    expect(strict.status).toBe("VIOLATED");
    expect(strict.reason).toMatch(/^Mug_1: predicted acceleration \([^)]*\) m\/s², observed \(0, 0, 0\) m\/s²; normalised error e = [\d.e+-]+ > τ = 1.00e-9$/);
  });

  it("reads τ from the metadata and runs one forward per frame, however often it is asked", async () => {
    const model = (await loadPhysicsModel(await weightsWith("tau.safetensors", { "craft.plausibility_threshold": "0.25" }))) as PhysicsModel;
    expect(model.threshold).toBe(0.25);
    expect(((await loadPhysicsModel(WEIGHTS)) as PhysicsModel).threshold).toBe(0.5);
    const [plausible, momentum] = physicsPredicates(model);
    for (let s = 0; s < 4; s++) {
      const frame: Frame = { time: s * 0.1, objects: smooth(s).map((o) => ({ ...o, type: "Mug", state: {}, confidence: 1, visible: true })), relations: [], signals: {} };
      const ctx = { frame, step: s, traceKey: "k" };
      for (let i = 0; i < 3; i++) {
        plausible!.evaluate([frame.objects[1]], ctx);
        plausible!.evaluate([frame.objects[0]], ctx);
        momentum!.evaluate([], ctx);
      }
    }
    expect(model.forwardCount).toBe(3); // steps 1–3; step 0 has no earlier frame
  });

  it("warns on an unknown model name", async () => {
    const warnings: string[] = [];
    await checkTrace([constraintFileFromText("u.craft", `(model sagr "x.safetensors")\n${CRAFT}`)], smoothTrace, { onWarning: (w) => warnings.push(w) });
    expect(warnings.join("\n")).toMatch(/unknown model sagr/);
  });
});

describe("physics predicates: teleports and smooth motion", () => {
  // positions only, Δt 0.1 s: a_fd from finite differences of positions
  const dt = 0.1;
  const teleportAt = 5;
  const positionsOnly = (s: number): Obj[] => [table, { id: "Mug_1", position: [1 + 0.1 * s + (s >= teleportAt ? 2 : 0), 0.5, 0.8] }];
  const teleport = trace("teleport.jsonl", 9, dt, positionsOnly);
  const steady = trace("steady.jsonl", 9, dt, (s) => [table, { id: "Mug_1", position: [1 + 0.1 * s, 0.5, 0.8] }]);

  it("a 2 m jump is VIOLATED with high confidence; constant velocity is SATISFIED with e small", async () => {
    // the untrained fixture predicts some acceleration â for this scene;
    // a0 twenty times ‖â‖ makes smooth motion's e = ‖â‖/a0 ≈ 0.05 whatever â
    // is (â varies a little as the mug moves)
    const probe = (await loadPhysicsModel(WEIGHTS)) as PhysicsModel;
    expect(probe).toBeInstanceOf(PhysicsModel);
    const frames: Frame[] = [0, 1, 2].map((s) => ({ time: s * dt, objects: positionsOnly(s).map((o) => ({ ...o, type: "Mug", state: {}, confidence: 1, visible: true })), relations: [], signals: {} }));
    for (const [s, f] of frames.entries()) probe.observe(f, s, "probe");
    const kinematics = probe.analysis({ frame: frames[2]!, step: 2, traceKey: "probe" }).objects.get("Mug_1");
    if (kinematics === undefined || typeof kinematics === "string") throw new Error(`no kinematics for Mug_1: ${kinematics}`);
    const ahat = kinematics.predicted;
    const a0 = 20 * Math.max(Math.hypot(...ahat), 1e-3);
    const w = await weightsWith("calibrated.safetensors", { "craft.plausibility_threshold": "0.3", "craft.plausibility_accel_scale": String(a0) });

    const files = [constraintFileFromText("t.craft", CRAFT)];
    const jumped = await checkTrace(files, teleport, { models: { physics: w } });
    const p = verdicts(jumped, "P");
    for (const step of [teleportAt, teleportAt + 1]) {
      const v = p.find((x) => x.step === step)!;
      expect(v.status).toBe("VIOLATED");
      expect(v.confidence).toBeGreaterThan(0.9);
      const e = Number(/e = ([\d.e+-]+) >/.exec(JSON.stringify(v))![1]);
      expect(e).toBeGreaterThan(0.8); // ≈ 1: a_fd ≈ 200 m/s² ≫ a0
    }
    const calm = await checkTrace(files, steady, { models: { physics: w } });
    const q = verdicts(calm, "P").filter((v) => v.step! >= 2);
    expect(q.length).toBeGreaterThan(0);
    for (const v of q) {
      expect(v.status).toBe("SATISFIED");
      const e = Number(/e = ([\d.e+-]+) ≤/.exec(JSON.stringify(v))![1]);
      expect(e).toBeLessThan(0.2);
    }
    // positions only: step 1 cannot know the velocity at step 0
    expect(verdicts(calm, "P").find((v) => v.step === 1)!.status).toBe("UNCERTAIN");
  });

  it("momentum_conserved flags a net unexplained force and accepts opposite accelerations", async () => {
    const w = await weightsWith("mom.safetensors", { "craft.momentum_tolerance": "0.5" });
    const files = [constraintFileFromText("m.craft", "(constraint M :type invariant (momentum_conserved))")];
    // both objects pushed the same way by 2 m/s per frame: a net force
    const push = trace("push.jsonl", 4, dt, (s) => [
      { id: "A_1", position: [0, 0, 0], velocity: [20 * s, 0, 0] },
      { id: "B_1", position: [3, 0, 0], velocity: [20 * s, 0, 0] },
    ]);
    const m = verdicts(await checkTrace(files, push, { models: { physics: w } }), "M");
    expect(m.find((v) => v.step === 2)!.status).toBe("VIOLATED");
    // equal and opposite: the net cancels
    const bounce = trace("bounce.jsonl", 4, dt, (s) => [
      { id: "A_1", position: [0, 0, 0], velocity: [20 * s, 0, 0] },
      { id: "B_1", position: [3, 0, 0], velocity: [-20 * s, 0, 0] },
    ]);
    const b = verdicts(await checkTrace(files, bounce, { models: { physics: w } }), "M");
    expect(b.find((v) => v.step === 2)!.status).toBe("SATISFIED");
  });
});

describe("physics predicates: craft check --model", () => {
  it("--model physics=… loads the weights; without it the verdicts are unknown", () => {
    const c = file("cli.craft", CRAFT);
    const withModel = craft(["check", c, smoothTrace, "--json", "--model", `physics=${WEIGHTS}`]);
    expect(withModel.stderr).toBe("");
    expect([0, 1]).toContain(withModel.status);
    expect(withModel.stdout).toMatch(/predicted (acceleration|\|â\|)/);
    const without = craft(["check", c, smoothTrace, "--json"]);
    expect(without.status).toBe(0);
    expect(without.stdout).toContain("no physics model");
    const missing = craft(["check", c, smoothTrace, "--json", "--model", "physics=nowhere.safetensors"]);
    expect(missing.status).toBe(0);
    expect(missing.stdout).toContain("cannot read weights");
    const bad = craft(["check", c, smoothTrace, "--model", "physics"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/expected name=path/);
  });
});
