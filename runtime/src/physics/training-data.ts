// Training samples for the SV network from traces (SV seed §5.5; DESIGN.md
// "SV physics", "Tools around the language": `craft train physics`).
//
// One sample per consecutive frame pair (t, t+1) whose object sets match (by
// id; objects are put in id order): positions x_i(t), velocities ẋ_i(t),
// next velocities ẋ_i(t+1) and Δt = time(t+1) − time(t). A velocity comes
// from the object's `velocity` when the frame has one, else from a backward
// finite difference (x_i(t) − x_i(t−1)) / (time(t) − time(t−1)); with
// finite differences a sample therefore needs three frames of one object set,
// and its target (ẋ(t+1) − ẋ(t))/Δt is the second difference of positions.
// Frame times come from `time`, or from the header's dt (the reader fills
// that in); a trace with neither is an error, since Δt is needed.
//
// Pairs are skipped, and counted, where the object set changes, an object has
// no position, fewer than two objects are present (the network's ΣF = 0
// leaves nothing to learn), or time does not increase.

import { InputError } from "../input-error.js";
import { openTrace, TraceError } from "../trace/jsonl-reader.js";
import type { Frame } from "@craft/language";
import type { SvBatch } from "./sv-tfjs.js";

/** One frame pair of N objects (flat [N, 3] arrays, objects in id order). */
export interface SvSample {
  readonly objects: number;
  readonly pos: Float32Array;
  readonly vel: Float32Array;
  readonly nextVel: Float32Array;
  readonly dt: number;
  /** index of the trace it came from, in the order given */
  readonly trace: number;
}

/** What one trace gave. */
export interface TraceSampleSummary {
  readonly file: string;
  readonly frames: number;
  readonly samples: number;
  /** frame pairs skipped because the object set changed between them */
  readonly skippedSetChanges: number;
  /** frame pairs skipped for other reasons (missing positions, < 2 objects, time not increasing, no earlier frame for a finite difference) */
  readonly skippedOther: number;
}

export interface TrainingData {
  readonly samples: SvSample[];
  readonly traces: TraceSampleSummary[];
}

/** A frame reduced to what training needs. */
interface FrameRecord {
  readonly index: number;
  /** object ids in id order, joined: equal keys mean equal object sets */
  readonly key: string;
  readonly n: number;
  readonly time: number | undefined;
  /** [N, 3] in id order; undefined when an object has no position */
  readonly pos: Float64Array | undefined;
  /** [N, 3] in id order; NaN where the frame gives no velocity */
  readonly vel: Float64Array;
}

function record(frame: Frame, index: number): FrameRecord {
  const objects = [...frame.objects].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const n = objects.length;
  let pos: Float64Array | undefined = new Float64Array(3 * n);
  const vel = new Float64Array(3 * n).fill(NaN);
  objects.forEach((o, i) => {
    if (o.position && pos) pos.set(o.position, 3 * i);
    else pos = undefined;
    if (o.velocity) vel.set(o.velocity, 3 * i);
  });
  return { index, key: objects.map((o) => o.id).join("\u0000"), n, time: frame.time, pos, vel };
}

function needTime(file: string, r: FrameRecord): number {
  if (r.time === undefined) {
    throw new InputError(`${file}: frame ${r.index + 1} has no time and the header gives no dt; training needs Δt between frames`);
  }
  return r.time;
}

/**
 * Velocities of `cur` ([N, 3]): the frame's own where given, else backward
 * differences from `prev`; undefined when a difference is needed but `prev`
 * cannot give one.
 */
function velocities(file: string, prev: FrameRecord | undefined, cur: FrameRecord): Float64Array | undefined {
  if (!cur.vel.some(Number.isNaN)) return cur.vel;
  if (!prev || prev.key !== cur.key || !prev.pos || !cur.pos) return undefined;
  const dt = needTime(file, cur) - needTime(file, prev);
  if (!(dt > 0)) return undefined;
  const out = new Float64Array(cur.vel);
  for (let k = 0; k < out.length; k++) if (Number.isNaN(out[k]!)) out[k] = (cur.pos[k]! - prev.pos[k]!) / dt;
  return out;
}

/** Reads one trace's samples; `trace` is its index for SvSample.trace. */
export async function readTraceSamples(file: string, trace = 0): Promise<{ samples: SvSample[]; summary: TraceSampleSummary }> {
  const samples: SvSample[] = [];
  let skippedSetChanges = 0;
  let skippedOther = 0;
  let frames = 0;
  // frames t−1 and t
  let before: FrameRecord | undefined;
  let prev: FrameRecord | undefined;
  try {
    const stream = await openTrace(file);
    for await (const batch of stream.batches) {
      for (const frame of batch) {
        const cur = record(frame, frames++);
        if (prev) {
          if (prev.key !== cur.key) skippedSetChanges++;
          else if (!prev.pos || !cur.pos || cur.n < 2) skippedOther++;
          else {
            const dt = needTime(file, cur) - needTime(file, prev);
            const vel = dt > 0 ? velocities(file, before, prev) : undefined;
            const nextVel = vel ? velocities(file, prev, cur) : undefined;
            if (!vel || !nextVel) skippedOther++;
            else {
              samples.push({ objects: cur.n, pos: Float32Array.from(prev.pos), vel: Float32Array.from(vel), nextVel: Float32Array.from(nextVel), dt, trace });
            }
          }
        }
        before = prev;
        prev = cur;
      }
    }
  } catch (error) {
    if (error instanceof TraceError) throw new InputError(error.message);
    throw error;
  }
  const summary: TraceSampleSummary = { file, frames, samples: samples.length, skippedSetChanges, skippedOther };
  if (samples.length === 0) {
    throw new InputError(
      `${file}: no usable frame pairs for physics training (${frames} frames; ${skippedSetChanges} pairs where the object set changes, ${skippedOther} without positions, with fewer than 2 objects, without increasing time, or without velocities)`,
    );
  }
  return { samples, summary };
}

/** Reads every trace's samples; any trace without usable frame pairs is an InputError naming it. */
export async function readTrainingData(files: readonly string[]): Promise<TrainingData> {
  if (files.length === 0) throw new InputError("no trace given (expected at least one .jsonl trace)");
  const samples: SvSample[] = [];
  const traces: TraceSampleSummary[] = [];
  for (let i = 0; i < files.length; i++) {
    const r = await readTraceSamples(files[i]!, i);
    for (const s of r.samples) samples.push(s);
    traces.push(r.summary);
  }
  return { samples, traces };
}

/**
 * Batches of at most `batchSize` samples of one object count N each, in the
 * order the samples come (group by N first, then cut).
 */
export function batchSamples(samples: readonly SvSample[], batchSize: number): SvBatch[] {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const byCount = new Map<number, SvSample[]>();
  for (const s of samples) {
    const group = byCount.get(s.objects);
    if (group) group.push(s);
    else byCount.set(s.objects, [s]);
  }
  const batches: SvBatch[] = [];
  for (const [n, group] of byCount) {
    for (let at = 0; at < group.length; at += batchSize) {
      const part = group.slice(at, at + batchSize);
      const size = n * 3;
      const pos = new Float32Array(part.length * size);
      const vel = new Float32Array(part.length * size);
      const nextVel = new Float32Array(part.length * size);
      const dt = new Float32Array(part.length);
      part.forEach((s, b) => {
        pos.set(s.pos, b * size);
        vel.set(s.vel, b * size);
        nextVel.set(s.nextVel, b * size);
        dt[b] = s.dt;
      });
      batches.push({ frames: part.length, objects: n, pos, vel, nextVel, dt });
    }
  }
  return batches;
}
