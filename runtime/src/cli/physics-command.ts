// `craft physics info|eval --weights W [--input F]` (SV seed §5; DESIGN.md
// "Tools around the language"): interop checks of SV physics weights.
//
// - info: d_h, L, the parameter count, and every tensor's name and shape;
// - eval: reads `{"pos":[B][N][3],"vel":[B][N][3]}` from --input (stdin when
//   omitted) and prints `{"forces":[B][N][3]}`, the predicted accelerations.
//
// Exit 0, or an InputError (exit 2) naming the file and field.

import { readFile } from "node:fs/promises";
import { InputError } from "../input-error.js";
import { SvForward } from "../physics/sv-forward.js";
import { parameterCount, svParamSpecs, svWeightsFromTensors } from "../physics/sv-model.js";
import { readSafetensors } from "../tensors/safetensors.js";
import type { CommandIO } from "./check-command.js";

export interface PhysicsCommandOptions {
  /** --weights: a safetensors file of SV weights */
  readonly weights: string;
  /** --input: a JSON file of cases (eval); stdin when omitted */
  readonly input?: string;
}

export interface PhysicsBatch {
  readonly frames: number;
  readonly objects: number;
  /** frames × objects × 3 */
  readonly pos: Float32Array;
  readonly vel: Float32Array;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

function describe(v: unknown): string {
  const text = JSON.stringify(v);
  if (text === undefined) return String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Checks and flattens `{"pos":[B][N][3],"vel":[B][N][3]}`. `source` names the
 * input in errors, e.g. `cases.json: vel[0][2]: expected [x, y, z] …`.
 */
export function parsePhysicsInput(doc: unknown, source: string): PhysicsBatch {
  const fail = (message: string): never => {
    throw new InputError(`${source}: ${message}`);
  };
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return fail(`expected an object {"pos":[B][N][3],"vel":[B][N][3]}, got ${describe(doc)}`);
  const record = doc as Record<string, unknown>;
  for (const key of Object.keys(record)) if (key !== "pos" && key !== "vel") fail(`unexpected field "${key}" (expected pos and vel)`);
  const read = (field: "pos" | "vel", frames?: number, objects?: number): { frames: number; objects: number; data: Float32Array } => {
    const value = record[field];
    if (value === undefined) return fail(`missing field ${field} (expected [B][N][3] numbers)`);
    if (!Array.isArray(value)) return fail(`${field}: expected an array of B frames, each [N][3] numbers, got ${describe(value)}`);
    if (frames !== undefined && value.length !== frames) fail(`${field}: expected ${frames} frames like pos, got ${value.length}`);
    const b = value.length;
    let n = objects;
    const first = value[0];
    if (n === undefined && Array.isArray(first)) n = first.length;
    const count = n ?? 0;
    const data = new Float32Array(b * count * 3);
    for (let f = 0; f < b; f++) {
      const frame = value[f] as unknown;
      if (!Array.isArray(frame)) return fail(`${field}[${f}]: expected an array of N objects, each [x, y, z], got ${describe(frame)}`);
      if (frame.length !== count) fail(`${field}[${f}]: expected ${count} objects${objects !== undefined ? " like pos" : ` like ${field}[0]`}, got ${frame.length}`);
      for (let i = 0; i < count; i++) {
        const v = frame[i] as unknown;
        if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === "number" && Number.isFinite(Math.fround(x)))) {
          fail(`${field}[${f}][${i}]: expected [x, y, z], 3 finite numbers, got ${describe(v)}`);
        }
        const o = (f * count + i) * 3;
        const xyz = v as number[];
        data[o] = xyz[0]!;
        data[o + 1] = xyz[1]!;
        data[o + 2] = xyz[2]!;
      }
    }
    return { frames: b, objects: count, data };
  };
  const pos = read("pos");
  const vel = read("vel", pos.frames, pos.objects);
  return { frames: pos.frames, objects: pos.objects, pos: pos.data, vel: vel.data };
}

/** The shortest decimal that reads back as the same float32. */
function float32Text(x: number): string {
  if (x === 0) return "0";
  for (let p = 1; p < 9; p++) {
    const t = Number(x.toPrecision(p));
    if (Math.fround(t) === x) return String(t);
  }
  return String(x);
}

export function formatForces(forces: Float32Array, frames: number, objects: number): string {
  const out: string[] = [];
  for (let f = 0; f < frames; f++) {
    const objs: string[] = [];
    for (let i = 0; i < objects; i++) {
      const o = (f * objects + i) * 3;
      objs.push(`[${float32Text(forces[o]!)},${float32Text(forces[o + 1]!)},${float32Text(forces[o + 2]!)}]`);
    }
    out.push(`[${objs.join(",")}]`);
  }
  return `{"forces":[${out.join(",")}]}\n`;
}

export async function runPhysics(sub: "info" | "eval", options: PhysicsCommandOptions, io: CommandIO): Promise<number> {
  const file = await readSafetensors(options.weights);
  const weights = svWeightsFromTensors(file.tensors, options.weights);
  const { hidden, layers } = weights.config;

  if (sub === "info") {
    const specs = svParamSpecs(weights.config);
    const width = Math.max(...specs.map((s) => s.name.length));
    const lines = [`${options.weights}: SV physics, d_h ${hidden}, L ${layers}: ${parameterCount(specs).toLocaleString("en-US")} parameters in ${specs.length} tensors`];
    for (const [k, v] of Object.entries(file.metadata)) lines.push(`  metadata ${k}: ${v}`);
    for (const s of specs) {
      const t = file.tensors.get(s.name)!;
      lines.push(`  ${s.name.padEnd(width)}  ${t.dtype}  [${s.shape.join(", ")}]`);
    }
    io.stdout(`${lines.join("\n")}\n`);
    return 0;
  }

  const source = options.input ?? "<stdin>";
  let text: string;
  if (options.input !== undefined) {
    try {
      text = await readFile(options.input, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(`${options.input}: cannot read input${code ? ` (${code})` : ""}`);
    }
  } else {
    text = await readStdin();
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${source}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const batch = parsePhysicsInput(doc, source);
  const forces = new SvForward(weights).forwardBatch(batch.pos, batch.vel, batch.frames, batch.objects);
  io.stdout(formatForces(forces, batch.frames, batch.objects));
  return 0;
}
