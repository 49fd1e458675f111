// The safetensors file format, read strictly and written so that PyTorch's
// safetensors loaders accept it (weights of the SV seed §5 and SA-GR models;
// DESIGN.md "Tensor backends").
//
// Layout: an unsigned 64-bit little-endian header length n; n bytes of UTF-8
// JSON `{NAME: {"dtype", "shape", "data_offsets": [begin, end]}, …,
// "__metadata__"?: {string: string}}` (right-padded with spaces); then the
// byte buffer, which the offsets index relative to its start. Tensors are
// little-endian, row-major, and cover the buffer with neither overlaps nor holes.
//
// Reading accepts F32, and converts F64, F16 and BF16 to Float32Array; every
// other dtype of the format is refused with a message naming it. Every
// problem is an InputError naming the file and the tensor or field.

import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { fileProblem, InputError } from "../input-error.js";

/** Dtypes craft reads (converted to float32). */
export type FloatDType = "F32" | "F64" | "F16" | "BF16";

const FLOAT_SIZES: Readonly<Record<FloatDType, number>> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** Dtypes the format defines that craft does not read. */
const OTHER_DTYPES = new Set(["BOOL", "U8", "I8", "I16", "U16", "I32", "U32", "I64", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"]);

export interface Tensor {
  /** the dtype stored in the file; `data` is always float32 */
  readonly dtype: FloatDType;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  /** in header order */
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** What `serializeSafetensors` writes: float32 data of a given shape. */
export interface TensorInput {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Largest header accepted (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(dtype: FloatDType, bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  if (count === 0) return out;
  if (dtype === "F32" && littleEndian) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32":
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case "F64":
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case "F16":
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case "BF16": {
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, (view.getUint16(2 * i, true) << 16) >>> 0);
        out[i] = word.getFloat32(0);
      }
      break;
    }
  }
  return out;
}

/**
 * Parses safetensors bytes. `file` names the source in error messages (its
 * base name is used). Throws InputError on any malformed header or buffer.
 */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const name = basename(file);
  const fail = (message: string, details: readonly string[] = []): never => {
    throw new InputError(`${name}: ${message}`, details);
  };
  if (bytes.byteLength < 8) fail(`not a safetensors file: ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  const available = BigInt(bytes.byteLength - 8);
  if (headerLength > available) fail(`header length ${headerLength} runs past the end of the file (${available} bytes after the length field)`);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLength);
  if (n < 2) fail(`header length ${n} is too short for a JSON object`);
  const headerBytes = bytes.subarray(8, 8 + n);
  if (headerBytes[0] !== 0x7b) fail("header does not start with '{'");

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    return fail("header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`header is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(header)) return fail("header is not a JSON object");

  const buffer = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, Tensor>();
  const ranges: { name: string; begin: number; end: number }[] = [];

  for (const [key, entry] of Object.entries(header)) {
    if (key === "__metadata__") {
      if (!isRecord(entry)) fail("__metadata__: expected an object of strings");
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`__metadata__.${k}: expected a string, got ${JSON.stringify(v)}`);
        metadata[k] = v as string;
      }
      continue;
    }
    const where = `tensor ${key}`;
    if (key.length === 0) fail("tensor with an empty name");
    if (!isRecord(entry)) return fail(`${where}: expected an object with dtype, shape and data_offsets`);
    for (const field of Object.keys(entry)) {
      if (field !== "dtype" && field !== "shape" && field !== "data_offsets") fail(`${where}: unknown field "${field}" (expected dtype, shape, data_offsets)`);
    }
    const dtype = entry["dtype"];
    if (typeof dtype !== "string") return fail(`${where}: dtype: expected a string such as "F32"`);
    if (!(dtype in FLOAT_SIZES)) {
      if (OTHER_DTYPES.has(dtype)) fail(`${where}: dtype ${dtype} is not supported (craft reads F32, F64, F16, BF16)`);
      fail(`${where}: unknown dtype ${JSON.stringify(dtype)} (craft reads F32, F64, F16, BF16)`);
    }
    const floatType = dtype as FloatDType;
    const shape = entry["shape"];
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) return fail(`${where}: shape: expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
    const offsets = entry["data_offsets"];
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
      return fail(`${where}: data_offsets: expected [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}]: begin is after end`);
    if (end > buffer.byteLength) fail(`${where}: data_offsets [${begin}, ${end}] run past the end of the ${buffer.byteLength}-byte data buffer`);
    const count = elementCount(shape as number[]);
    const size = FLOAT_SIZES[floatType];
    if (!Number.isSafeInteger(count * size)) fail(`${where}: shape ${shapeText(shape as number[])} is too large`);
    if (end - begin !== count * size) {
      fail(`${where}: expected ${count * size} bytes for ${floatType} ${shapeText(shape as number[])}, got ${end - begin}`);
    }
    ranges.push({ name: key, begin, end });
    tensors.set(key, { dtype: floatType, shape: [...(shape as number[])], data: decode(floatType, buffer.subarray(begin, end), count) });
  }

  // The tensors must tile the buffer: sorted by offset, each begins where the
  // previous one ended, and the last ends at the end of the file.
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous = "";
  for (const r of ranges) {
    if (r.begin < at) fail(`tensor ${r.name}: data_offsets [${r.begin}, ${r.end}] overlap tensor ${previous} (which ends at ${at})`);
    if (r.begin > at) fail(`bytes ${at}..${r.begin} of the data buffer belong to no tensor (before tensor ${r.name})`);
    at = r.end;
    previous = r.name;
  }
  if (at !== buffer.byteLength) fail(`bytes ${at}..${buffer.byteLength} of the data buffer belong to no tensor`);
  return { tensors, metadata };
}

/** Reads and parses a safetensors file; a missing file is an InputError too. */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(`${path}: cannot read weights: ${fileProblem(error)}`);
  }
  return parseSafetensors(bytes, path);
}

/**
 * Serializes float32 tensors (in the given order) and optional string
 * metadata. The header is padded with spaces to a multiple of 8 bytes, so the
 * buffer starts 8-byte aligned.
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, TensorInput> | Readonly<Record<string, TensorInput>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, TensorInput>);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header["__metadata__"] = { ...metadata };
  let offset = 0;
  for (const [name, t] of entries) {
    if (name.length === 0 || name === "__metadata__") throw new RangeError(`safetensors: invalid tensor name ${JSON.stringify(name)}`);
    if (!t.shape.every(isNonNegativeInteger)) throw new RangeError(`safetensors: tensor ${name}: bad shape ${shapeText(t.shape)}`);
    if (elementCount(t.shape) !== t.data.length) {
      throw new RangeError(`safetensors: tensor ${name}: shape ${shapeText(t.shape)} holds ${elementCount(t.shape)} values, data has ${t.data.length}`);
    }
    header[name] = { dtype: "F32", shape: [...t.shape], data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + padded);
  let at = 8 + padded;
  for (const [, t] of entries) {
    if (littleEndian) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i]!, true);
    at += t.data.byteLength;
  }
  return out;
}

export async function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, TensorInput> | Readonly<Record<string, TensorInput>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFile(path, serializeSafetensors(tensors, metadata));
}
