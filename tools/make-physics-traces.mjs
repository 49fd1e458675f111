#!/usr/bin/env node
// Rigid-body traces for the SV physics model (DESIGN.md "SV physics"; issue
// #5): balls sliding and colliding on a table, simulated with Rapier
// (@dimforge/rapier3d-compat), written as craft JSONL traces.
//
//   node tools/make-physics-traces.mjs            rewrite examples/physics/traces/*.jsonl
//   node tools/make-physics-traces.mjs --check    exit 1 if a trace on disk differs (for CI)
//   node tools/make-physics-traces.mjs --train DIR [--count 300] [--first-seed 1]
//                                                 write a training set (not committed)
//
// The world. Equal soft balls (radius 8 cm, 0.3 kg) on a frictionless table top
// (an air table): the table carries their weight and nothing else touches
// them, so the only forces are ball–ball contacts. That is the world the SV
// network can describe: its forces are pairwise and sum to zero (ΣF = 0), it
// is told no masses (all are equal, so equal and opposite forces are equal
// and opposite accelerations), and it cannot learn gravity or walls, which
// are external forces. Motion is in x–z at height TABLE_Y; y stays constant.
//
// Contacts are compliant: a spring with Hunt–Crossley damping between
// overlapping balls, F = k·δ·(1 − c·v_sep) ≥ 0 along the line of centres (δ
// the overlap, v_sep the separating speed; no friction), lasting about
// CONTACT_TIME (6 frames). Rapier integrates the bodies (semi-implicit Euler
// at SUBSTEPS per frame) and its broad and narrow phase find the touching
// pairs; the overlap of two spheres comes from their centres (Rapier keeps
// contact manifolds between updates, so their distances can be stale). Why
// not Rapier's rigid impulses: an impulse lands wholly in one frame or the
// next depending on where within the frame the balls meet, so a frame's
// acceleration jumps with the state before it, and a smooth model of (x, ẋ)
// errs near that switch on both sides; a compliant contact spreads it over
// frames, continuously in the state. Bodies never sleep: a sleeping ball
// wakes a step after it is hit, and the hitter would bounce off it alone.
//
// What a trace holds: one frame per 1/60 s; each ball's `position` as a
// tracker reports it (rounded to 1 µm) and, from frame 1 on, its `velocity`
// as the tracker estimates it, the backward difference of those positions.
// A detection error therefore shows in both, as it would. `craft train
// physics` and the physics predicates both read the acceleration as the
// difference of successive velocities, (ẋ(t+1) − ẋ(t))/Δt.
//
// Corruptions (the example traces and the tests): a teleport moves one
// ball's detected position by tens of centimetres from some frame on; a
// millimetre jump moves it by 1–2 mm. A jump of δ at 60 fps reads as an
// acceleration of δ·60² (3.6 m/s² per mm) for two frames, far below what a
// collision produces, so only a model of what the scene should do can tell
// the two apart.
//
// Output is deterministic: scenes come from a seeded generator, Rapier's
// WebAssembly arithmetic is IEEE, and every number is rounded before it is
// printed, so the committed traces reproduce byte for byte.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeOrCheck } from "./generated-files.mjs";
import RAPIER from "@dimforge/rapier3d-compat";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const EXAMPLE_DIR = join(ROOT, "examples", "physics", "traces");

export const FPS = 60;
export const SUBSTEPS = 20;
export const RADIUS = 0.08;
export const MASS = 0.3;
/** Height of the balls' centres above the floor: a table top at 0.74 m. */
export const TABLE_Y = 0.8;
/** Duration of a contact between two balls, s. */
export const CONTACT_TIME = 0.1;
/** Spring constant giving CONTACT_TIME for two equal masses (reduced mass m/2), N/m. */
export const STIFFNESS = (Math.PI ** 2 * (MASS / 2)) / CONTACT_TIME ** 2;
/** Hunt–Crossley damping, s/m: head-on, a coefficient of restitution of 0.84 at 0.3 m/s and 0.6 at 1 m/s (overlap 9 and 25 mm). */
export const DAMPING = 1;
/** Frames of a training trajectory (1.5 s). */
export const TRAINING_FRAMES = 90;
/** Training seeds start here; tests draw held-out scenes from HELD_OUT_SEED on. */
export const FIRST_TRAINING_SEED = 1;
export const HELD_OUT_SEED = 100_000;

const round = (x, digits) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

/** mulberry32: a small seeded generator, uniform in [0, 1). */
export function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// Scenes

/**
 * A random scene of 2–8 balls. Two kinds: "scatter" (most balls moving,
 * roughly towards the middle, so they meet) and "break" (a cluster at rest
 * and one ball shot into it). Positions spread over about 1.6 m × 1.6 m.
 */
export function randomScene(seed, frames = TRAINING_FRAMES) {
  const r = rng(seed);
  const n = 2 + Math.floor(r() * 7);
  const centre = [0.8 * (2 * r() - 1), 0.8 * (2 * r() - 1)];
  const spread = 0.15 + 0.06 * n;
  const gap = 2 * RADIUS + 0.02;
  const positions = [];
  while (positions.length < n) {
    const a = 2 * Math.PI * r();
    const d = spread * Math.sqrt(r());
    const p = [centre[0] + d * Math.cos(a), centre[1] + d * Math.sin(a)];
    if (positions.every((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) >= gap)) positions.push(p);
  }
  const kind = r() < 0.35 ? "break" : "scatter";
  let velocities;
  if (kind === "break") {
    velocities = positions.map(() => [0, 0]);
    // the cue ball starts outside the cluster, aimed at one of its balls
    const a = 2 * Math.PI * r();
    const d = spread + 0.1 + 0.2 * r();
    positions[0] = [centre[0] + d * Math.cos(a), centre[1] + d * Math.sin(a)];
    const target = positions[1 + Math.floor(r() * (n - 1))];
    const aim = Math.atan2(target[1] - positions[0][1], target[0] - positions[0][0]) + 0.15 * (2 * r() - 1);
    const speed = 0.5 + 0.5 * r();
    velocities[0] = [speed * Math.cos(aim), speed * Math.sin(aim)];
    // the cue ball must not start on top of a cluster ball
    for (let i = 1; i < n; i++) {
      const q = positions[i];
      if (Math.hypot(positions[0][0] - q[0], positions[0][1] - q[1]) < gap) positions[i] = [q[0] - 2 * gap * Math.cos(a), q[1] - 2 * gap * Math.sin(a)];
    }
  } else {
    velocities = positions.map((p) => {
      if (r() < 0.2) return [0, 0];
      const aim = Math.atan2(centre[1] - p[1], centre[0] - p[0]) + 0.8 * (2 * r() - 1);
      const speed = 0.1 + 0.5 * r();
      return [speed * Math.cos(aim), speed * Math.sin(aim)];
    });
  }
  return { seed, kind, frames, balls: positions.map((p, i) => ({ id: `Ball_${i + 1}`, position: p, velocity: velocities[i] })) };
}

// ---------------------------------------------------------------------------
// Simulation

let rapierReady;

/** Rapier's WebAssembly, loaded once. */
function rapier() {
  rapierReady ??= RAPIER.init();
  return rapierReady;
}

/**
 * Simulates a scene; returns the ids and, per frame, the ball centres in x–z
 * as [n][2] (not rounded).
 */
export async function simulate(scene) {
  await rapier();
  const world = new RAPIER.World({ x: 0, y: 0, z: 0 });
  world.integrationParameters.dt = 1 / FPS / SUBSTEPS;
  const bodies = [];
  const colliders = [];
  for (const b of scene.balls) {
    const body = world.createRigidBody(
      RAPIER.RigidBodyDesc.dynamic()
        .setTranslation(b.position[0], TABLE_Y, b.position[1])
        .setLinvel(b.velocity[0], 0, b.velocity[1])
        .enabledTranslations(true, false, true)
        .lockRotations()
        .setCanSleep(false),
    );
    // solver groups 0: Rapier finds the contacts but applies no impulses; the compliant force below does
    colliders.push(world.createCollider(RAPIER.ColliderDesc.ball(RADIUS).setMass(MASS).setFriction(0).setSolverGroups(0), body));
    bodies.push(body);
  }
  const index = new Map(colliders.map((c, i) => [c.handle, i]));
  const frames = [];
  const record = () => frames.push(bodies.map((b) => [b.translation().x, b.translation().z]));
  record();
  for (let f = 1; f < scene.frames; f++) {
    for (let s = 0; s < SUBSTEPS; s++) {
      for (const b of bodies) b.resetForces(false);
      colliders.forEach((c, i) => {
        world.contactPairsWith(c, (other) => {
          const j = index.get(other.handle);
          if (j !== undefined && j > i) contactForce(bodies[i], bodies[j]);
        });
      });
      world.step();
    }
    record();
  }
  world.free();
  return { ids: scene.balls.map((b) => b.id), frames };
}

/** The compliant contact force between two overlapping balls, applied to both. */
function contactForce(a, b) {
  const pa = a.translation();
  const pb = b.translation();
  const dx = pb.x - pa.x;
  const dz = pb.z - pa.z;
  const d = Math.hypot(dx, dz);
  const overlap = 2 * RADIUS - d;
  if (overlap <= 0 || d === 0) return;
  const nx = dx / d;
  const nz = dz / d;
  const va = a.linvel();
  const vb = b.linvel();
  const separating = (vb.x - va.x) * nx + (vb.z - va.z) * nz;
  const force = Math.max(0, STIFFNESS * overlap * (1 - DAMPING * separating));
  a.addForce({ x: -force * nx, y: 0, z: -force * nz }, true);
  b.addForce({ x: force * nx, y: 0, z: force * nz }, true);
}

// ---------------------------------------------------------------------------
// Corruptions and traces

/**
 * A copy of the frames in which one ball's detected position is off by
 * `offset` [dx, dz] (metres) from frame `from` on: a teleport, or a
 * detection jump.
 */
export function jump(sim, { ball, from, offset }) {
  const i = sim.ids.indexOf(ball);
  if (i < 0) throw new Error(`no ball ${ball} in the scene`);
  return { ...sim, frames: sim.frames.map((f, k) => (k < from ? f : f.map((p, j) => (j === i ? [p[0] + offset[0], p[1] + offset[1]] : p)))) };
}

/** A unit direction in the plane from two uniform numbers, and a length in [lo, hi]. */
export function randomOffset(r, lo, hi) {
  const a = 2 * Math.PI * r();
  const length = lo + (hi - lo) * r();
  return [length * Math.cos(a), length * Math.sin(a)];
}

/**
 * The JSONL text of a simulation: a header line, then one frame per line
 * with each ball's position (1 µm) and, from frame 1, the backward-difference
 * velocity of those positions (1 µm/s).
 */
export function traceText(sim, { task, instruction }) {
  const lines = [JSON.stringify({ craft_trace: 1, task, instruction, dt: round(1 / FPS, 9) })];
  let previous;
  sim.frames.forEach((frame, t) => {
    const positions = frame.map((p) => [round(p[0], 6), TABLE_Y, round(p[1], 6)]);
    const objects = positions.map((p, i) => {
      const o = { id: sim.ids[i], type: "Ball", state: {}, position: p };
      if (previous) o.velocity = [0, 1, 2].map((k) => round((p[k] - previous[i][k]) * FPS, 6));
      return o;
    });
    lines.push(JSON.stringify({ t, time: round(t / FPS, 6), objects }));
    previous = positions;
  });
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------
// The example traces (examples/physics/traces/)

export const TASK = { task: "balls_on_table", instruction: "watch balls collide on an air table" };

/**
 * Eight balls, a break shot into a rack: the cue ball and the rack collide
 * for most of the first second. The corrupted traces are this one with one
 * ball's detection moved from frame 70 on: Ball_3 by 40 cm away from the
 * rack (a teleport), Ball_5 by 1.5 mm while it rolls freely. Both detections
 * stay clear of every other ball, so only the jump itself is implausible.
 */
function exampleScene() {
  // a rack of rows of 1, 2 and 3 balls, 1 cm apart, and one behind it
  const cluster = [];
  for (let row = 0; row < 3; row++) for (let k = 0; k <= row; k++) cluster.push([0.15 * row, 0.18 * (k - row / 2)]);
  cluster.push([0.45, 0.09]);
  const balls = [{ id: "Ball_1", position: [-0.7, 0.01], velocity: [0.9, 0] }, ...cluster.map((p, i) => ({ id: `Ball_${i + 2}`, position: p, velocity: [0, 0] }))];
  return { seed: 0, kind: "break", frames: 120, balls };
}

/** The example traces by file name. */
export async function exampleTraces() {
  const sim = await simulate(exampleScene());
  return {
    "collisions.jsonl": traceText(sim, TASK),
    "teleport.jsonl": traceText(jump(sim, { ball: "Ball_3", from: 70, offset: [0, -0.4] }), TASK),
    "mm_jump.jsonl": traceText(jump(sim, { ball: "Ball_5", from: 70, offset: [0.0015, 0] }), TASK),
  };
}

// ---------------------------------------------------------------------------
// Main

function usage() {
  process.stderr.write("usage: node tools/make-physics-traces.mjs [--check | --train DIR [--count N] [--first-seed S]]\n");
  return 2;
}

async function writeTrainingSet(dir, count, firstSeed) {
  mkdirSync(dir, { recursive: true });
  let frames = 0;
  for (let k = 0; k < count; k++) {
    const seed = firstSeed + k;
    const sim = await simulate(randomScene(seed));
    writeFileSync(join(dir, `balls-${String(seed).padStart(6, "0")}.jsonl`), traceText(sim, TASK));
    frames += sim.frames.length;
  }
  process.stdout.write(`wrote ${count} trajectories (${frames} frames, seeds ${firstSeed}–${firstSeed + count - 1}) under ${dir}\n`);
  return 0;
}

async function main(argv) {
  if (argv[0] === "--train") {
    const dir = argv[1];
    if (!dir || dir.startsWith("--")) return usage();
    let count = 300;
    let firstSeed = FIRST_TRAINING_SEED;
    for (let i = 2; i < argv.length; i += 2) {
      const value = Number(argv[i + 1]);
      if (!Number.isSafeInteger(value) || value < (argv[i] === "--count" ? 1 : 0)) return usage();
      if (argv[i] === "--count") count = value;
      else if (argv[i] === "--first-seed") firstSeed = value;
      else return usage();
    }
    return writeTrainingSet(resolve(dir), count, firstSeed);
  }
  const check = argv.includes("--check");
  if (argv.some((a) => a !== "--check")) return usage();
  const files = new Map(Object.entries(await exampleTraces()).map(([name, text]) => [join(EXAMPLE_DIR, name), text]));
  return writeOrCheck(files, { check, root: ROOT, dirs: [EXAMPLE_DIR], command: "node tools/make-physics-traces.mjs" });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
