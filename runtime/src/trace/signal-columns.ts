// Batches of plain-signal frames as columns of typed arrays, so that a reader
// thread can hand them to the checking thread without the structured clone of
// one object per frame (which costs about what parsing them did). Any batch
// that is not a run of signal-only frames of one shape travels as frames.

import type { Frame, SignalValue } from "@craft/language";
import { signalFrameAt } from "./frame-schema.js";

/** One column: booleans as 0/1 bytes, numbers as doubles, strings as they are. */
type Column = Uint8Array | Float64Array | string[];

export interface SignalColumns {
  readonly kind: "columns";
  readonly count: number;
  /** signal names, in the frames' key order */
  readonly names: readonly string[];
  readonly columns: readonly Column[];
  /** per frame `t`, NaN where the frame has none */
  readonly t: Float64Array;
  /** per frame `time`, NaN where the frame has none */
  readonly time: Float64Array;
}

export interface FrameList {
  readonly kind: "frames";
  readonly frames: readonly Frame[];
}

export type EncodedBatch = SignalColumns | FrameList;

const FRAME_KEYS = new Set(["objects", "relations", "signals", "t", "time"]);

function isSignalOnly(frame: Frame): boolean {
  if (frame.objects.length > 0 || frame.relations.length > 0) return false;
  for (const key in frame) if (!FRAME_KEYS.has(key)) return false;
  return true;
}

function newColumn(value: SignalValue, count: number): Column {
  switch (typeof value) {
    case "boolean":
      return new Uint8Array(count);
    case "number":
      return new Float64Array(count);
    default:
      return new Array<string>(count);
  }
}

/** Stores value at row i; false when its type is not the column's. */
function store(column: Column, i: number, value: SignalValue | undefined): boolean {
  if (column instanceof Uint8Array) {
    if (typeof value !== "boolean") return false;
    column[i] = value ? 1 : 0;
  } else if (column instanceof Float64Array) {
    if (typeof value !== "number") return false;
    column[i] = value;
  } else {
    if (typeof value !== "string") return false;
    column[i] = value;
  }
  return true;
}

/** Columns when every frame holds signals only, with one key order and one type per signal; else the frames. */
export function encodeBatch(frames: readonly Frame[]): EncodedBatch {
  const asFrames: FrameList = { kind: "frames", frames };
  const first = frames[0];
  if (first === undefined || !isSignalOnly(first)) return asFrames;
  const names = Object.keys(first.signals);
  // an object literal cannot hold an own "__proto__" key: such frames travel as they are
  if (names.includes("__proto__")) return asFrames;
  const count = frames.length;
  const columns = names.map((name) => newColumn(first.signals[name]!, count));
  const t = new Float64Array(count);
  const time = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const frame = frames[i]!;
    if (i > 0 && !isSignalOnly(frame)) return asFrames;
    const signals = frame.signals;
    let k = 0;
    for (const name in signals) {
      if (name !== names[k] || !store(columns[k]!, i, signals[name])) return asFrames;
      k++;
    }
    if (k !== names.length) return asFrames;
    t[i] = frame.t ?? NaN;
    time[i] = frame.time ?? NaN;
  }
  return { kind: "columns", count, names, columns, t, time };
}

/** The buffers of an encoded batch that can be moved rather than copied. */
export function transferables(batch: EncodedBatch): ArrayBuffer[] {
  if (batch.kind === "frames") return [];
  const buffers: ArrayBuffer[] = [batch.t.buffer as ArrayBuffer, batch.time.buffer as ArrayBuffer];
  for (const column of batch.columns) if (!Array.isArray(column)) buffers.push(column.buffer as ArrayBuffer);
  return buffers;
}

type RowReader = (columns: readonly Column[], i: number) => Record<string, SignalValue>;

const rowReaders = new Map<string, RowReader>();

/**
 * A function that builds row i's signals as one object literal with the
 * names as constant keys: V8 then creates every row's object with one shape
 * in one step, far cheaper than adding keys one by one. Cached per name list
 * and column types.
 */
function rowReader(names: readonly string[], columns: readonly Column[]): RowReader {
  const types = columns.map((c) => (c instanceof Uint8Array ? "b" : "v")).join("");
  const key = `${types}\u0000${names.join("\u0000")}`;
  let reader = rowReaders.get(key);
  if (reader === undefined) {
    const fields = names.map((name, k) => `${JSON.stringify(name)}: c[${k}][i]${types[k] === "b" ? " === 1" : ""}`);
    reader = new Function("c", "i", `return { ${fields.join(", ")} };`) as RowReader;
    rowReaders.set(key, reader);
  }
  return reader;
}

/** The frames of an encoded batch, as the reader built them. */
export function decodeBatch(batch: EncodedBatch): Frame[] {
  if (batch.kind === "frames") return batch.frames as Frame[];
  const { count, names, columns, t, time } = batch;
  const frames = new Array<Frame>(count);
  const read = rowReader(names, columns);
  for (let i = 0; i < count; i++) {
    const signals = read(columns, i);
    const ti = t[i]!;
    const timei = time[i]!;
    frames[i] = signalFrameAt(signals, Number.isNaN(ti) ? undefined : ti, Number.isNaN(timei) ? undefined : timei);
  }
  return frames;
}
