// The streaming JSONL trace reader (DESIGN.md "Traces"). A file is read in
// chunks and split on '\n' here, one frame per line; memory stays flat in the
// file's size. `readTraceText` runs the same line parser over a string.

import { open, type FileHandle } from "node:fs/promises";
import type { Frame, TraceHeader } from "@craft/language";
import {
  EXPECT,
  craftLineToFrame,
  expectedError,
  parseHeader,
  type LineAdapter,
  type LineContext,
} from "./frame-schema.js";
import { TraceError, explainJsonSyntaxError } from "./trace-error.js";
import { ai2thorAdapter } from "./ai2thor-adapter.js";
import { SignalLineScanner } from "./signal-line-scanner.js";
import { ByteLines } from "./byte-lines.js";

export type { LineAdapter, LineContext } from "./frame-schema.js";
export { lineError, expectedError } from "./frame-schema.js";
export { TraceError } from "./trace-error.js";
import { fileProblem } from "../input-error.js";

export interface ReadTraceOptions {
  /**
   * Readers for other line formats, tried in order before the native craft
   * frame format. Default: the AI2THOR `event.metadata` adapter; `[]` turns
   * it off.
   */
  readonly adapters?: readonly LineAdapter[];
  /** bytes read from the file at a time (default 256 KiB) */
  readonly chunkSize?: number;
}

export interface TraceStream {
  /** the trace file as the caller named it */
  readonly path: string;
  /** the header line, when the trace has one */
  readonly header: TraceHeader | undefined;
  /**
   * The frames, read as they are iterated; iterate once. Bad input throws a
   * TraceError from the iteration, after the good frames before it; a trace
   * with no frames throws at its end. The file closes when iteration ends.
   */
  readonly frames: AsyncIterable<Frame>;
  /**
   * The same frames, a read chunk at a time: far less per-frame overhead for
   * long traces. Iterate either `frames` or `batches`, once.
   */
  readonly batches: AsyncIterable<Frame[]>;
  /** frames read so far */
  readonly frameCount: number;
  /** bytes of the file read so far */
  readonly bytesRead: number;
  /** closes the file early (iterating to the end, or breaking out, closes it too) */
  close(): Promise<void>;
}

const DEFAULT_CHUNK = 256 * 1024;
const LBRACE = 123;
const NEWLINE = 10;
const BOM = 0xfeff;

/**
 * Converts one parsed line into a Frame: the first adapter in `ctx.adapters`
 * that accepts the line reads it, else the native craft format does.
 */
export function lineToFrame(value: object, ctx: LineContext): Frame {
  for (const adapter of ctx.adapters) {
    if (adapter.accepts(value)) return adapter.toFrame(value, ctx);
  }
  return craftLineToFrame(value, ctx);
}

/** Parses lines one at a time: blank lines, the optional header, frames. */
class LineParser {
  readonly ctx: LineContext;
  private lineNo = 0;
  private sawFirst = false;
  /** the signal-line fast path, when every adapter says which flat lines are its own */
  private readonly scanner: SignalLineScanner | undefined;
  frames = 0;

  constructor(file: string, options: ReadTraceOptions) {
    this.ctx = {
      file,
      line: 0,
      text: "",
      index: 0,
      header: undefined,
      seenIds: new Set(),
      // AI2THOR `event.metadata` dumps are read by default
      adapters: options.adapters ?? [ai2thorAdapter],
    };
    const adapters = this.ctx.adapters;
    if (adapters.every((a) => a.flatLineKeys !== undefined)) {
      this.scanner = new SignalLineScanner(new Set(adapters.flatMap((a) => a.flatLineKeys!)));
    }
  }

  get header(): TraceHeader | undefined {
    return this.ctx.header;
  }

  /** whether the first non-blank line (header or frame) has been seen */
  get started(): boolean {
    return this.sawFirst;
  }

  /** The frame on the next line, or undefined for a blank or header line. */
  line(text: string): Frame | undefined {
    const lineNo = ++this.lineNo;
    if (text.length === 0) return undefined;
    let first = text.charCodeAt(0);
    if (first === BOM && lineNo === 1) {
      text = text.slice(1);
      first = text.charCodeAt(0);
    }
    if (first !== LBRACE && text.trim() === "") return undefined;

    const ctx = this.ctx;
    ctx.line = lineNo;
    ctx.text = text;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const problem = explainJsonSyntaxError(text, error);
      throw new TraceError({
        file: ctx.file,
        line: lineNo,
        ...(problem.column !== undefined ? { column: problem.column } : {}),
        detail: problem.detail,
        cause: error,
      });
    }
    return this.value(value);
  }

  /**
   * Many lines at once (text without its final newline): one JSON.parse for
   * all of them, which is much cheaper than one per line. Any line that is
   * blank or wrong takes the line-by-line path, which says exactly what is
   * wrong where.
   */
  lines(region: string, out: Frame[]): void {
    let values: unknown[] | undefined;
    if (this.sawFirst && region.indexOf("\n\n") < 0 && region.charCodeAt(0) === LBRACE) {
      try {
        values = JSON.parse("[" + region.replaceAll("\n", ",") + "]") as unknown[];
      } catch {
        values = undefined;
      }
    }
    if (values === undefined || values.length !== countLines(region)) {
      for (const text of region.split("\n")) {
        const frame = this.line(text);
        if (frame !== undefined) out.push(frame);
      }
      return;
    }
    const firstLine = this.lineNo;
    const ctx = this.ctx;
    for (let i = 0; i < values.length; i++) {
      this.lineNo = firstLine + i + 1;
      ctx.line = this.lineNo;
      ctx.text = "";
      let frame: Frame | undefined;
      try {
        frame = this.value(values[i]);
      } catch {
        // read the line again on its own, for the exact error and column
        this.lineNo = firstLine + i;
        frame = this.line(region.split("\n", i + 1)[i]!);
      }
      if (frame !== undefined) out.push(frame);
    }
  }

  /**
   * The lines of bytes[start, end) (UTF-8, without the last newline): the
   * leading ones the signal-line scanner understands are read in place, the
   * rest as text by `lines`.
   */
  bytes(bytes: Buffer, start: number, end: number, out: Frame[]): void {
    if (this.sawFirst && this.scanner !== undefined) {
      start = this.signalLines(this.scanner, bytes, start, end, out);
      if (start > end) return;
    }
    this.lines(bytes.toString("utf8", start, end), out);
  }

  /** Reads lines with the scanner until one it does not understand; returns where that line starts (past `end` when none). */
  private signalLines(scanner: SignalLineScanner, bytes: Buffer, pos: number, end: number, out: Frame[]): number {
    const ctx = this.ctx;
    for (;;) {
      let nl = pos;
      while (nl < end && bytes[nl] !== NEWLINE) nl++;
      ctx.index = this.frames;
      ctx.line = this.lineNo + 1;
      const frame = scanner.scan(bytes, pos, nl, ctx);
      if (frame === undefined) return pos;
      this.lineNo++;
      this.frames++;
      out.push(frame);
      pos = nl + 1;
      if (pos > end) return pos;
    }
  }

  /** The frame a parsed line holds. */
  private value(value: unknown): Frame | undefined {
    const ctx = this.ctx;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw expectedError(ctx, [], EXPECT.frame, value);
    }
    if (!this.sawFirst) {
      this.sawFirst = true;
      if (Object.prototype.hasOwnProperty.call(value, "craft_trace")) {
        ctx.header = parseHeader(value, ctx);
        return undefined;
      }
    }
    ctx.index = this.frames;
    const frame = lineToFrame(value, ctx);
    const objects = frame.objects;
    for (let i = 0; i < objects.length; i++) ctx.seenIds.add(objects[i]!.id);
    this.frames++;
    return frame;
  }

  /** Call at the end of input. */
  finish(): void {
    if (this.frames === 0) {
      throw new TraceError({ file: this.ctx.file, detail: "trace has no frames" });
    }
  }
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Parses a whole trace held in memory (tests, the language server). */
export function readTraceText(
  text: string,
  name: string,
  options: ReadTraceOptions = {},
): { header: TraceHeader | undefined; frames: Frame[] } {
  const parser = new LineParser(name, options);
  const frames: Frame[] = [];
  for (const line of text.split("\n")) {
    const frame = parser.line(line);
    if (frame !== undefined) frames.push(frame);
  }
  parser.finish();
  return { header: parser.header, frames };
}

function fileError(path: string, error: unknown): TraceError {
  return new TraceError({ file: path, detail: `cannot read trace: ${fileProblem(error)}`, cause: error });
}

/**
 * Opens a JSONL trace for streaming. Resolves once the header (if any) is
 * read; rejects with a TraceError when the file cannot be read, is empty, or
 * its first line is broken. Frames are read as `frames` is iterated.
 */
export async function openTrace(path: string, options: ReadTraceOptions = {}): Promise<TraceStream> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
    const info = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (info.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    }
  } catch (error) {
    throw fileError(path, error);
  }

  const chunkSize = Math.max(1024, options.chunkSize ?? DEFAULT_CHUNK);
  const lines = new ByteLines(chunkSize);
  const parser = new LineParser(path, options);
  let bytesRead = 0;
  let closed = false;
  let iterated = false;
  // a frame read while looking for the header, handed out first
  let pending: Frame | undefined;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };

  /** Reads the next chunk into `lines`; false at the end of the file. */
  const fill = async (): Promise<boolean> => {
    let n: number;
    try {
      const { buffer, offset } = lines.room(chunkSize);
      ({ bytesRead: n } = await handle.read(buffer, offset, chunkSize, null));
    } catch (error) {
      await close();
      throw fileError(path, error);
    }
    if (n === 0) {
      lines.end();
      return false;
    }
    bytesRead += n;
    lines.filled(n);
    return true;
  };

  // read up to the first non-blank line: the header, or the first frame
  try {
    for (;;) {
      const line = lines.next();
      if (line !== undefined) {
        pending = parser.line(line);
        if (parser.started) break;
        continue;
      }
      if (lines.ended) break;
      await fill();
    }
    if (!parser.started) parser.finish(); // no frames at all
  } catch (error) {
    await close();
    throw error;
  }

  async function* iterateBatches(): AsyncGenerator<Frame[], void, undefined> {
    if (iterated) throw new Error(`the frames of ${path} can be iterated only once`);
    iterated = true;
    try {
      if (pending !== undefined) {
        const first = pending;
        pending = undefined;
        yield [first];
      }
      for (;;) {
        const batch: Frame[] = [];
        let failure: unknown;
        try {
          const region = lines.region();
          if (region !== undefined) parser.bytes(lines.bytes, region.start, region.end, batch);
          // the last line of a file may have no newline
          if (lines.ended) for (let line = lines.next(); line !== undefined; line = lines.next()) {
            const frame = parser.line(line);
            if (frame !== undefined) batch.push(frame);
          }
        } catch (error) {
          failure = error;
        }
        // the good frames before a bad line are handed out first
        if (batch.length > 0) yield batch;
        if (failure !== undefined) throw failure;
        if (lines.ended) break;
        await fill();
      }
      parser.finish();
    } finally {
      await close();
    }
  }

  async function* iterate(): AsyncGenerator<Frame, void, undefined> {
    for await (const batch of iterateBatches()) yield* batch;
  }

  return {
    path,
    header: parser.header,
    frames: { [Symbol.asyncIterator]: iterate },
    batches: { [Symbol.asyncIterator]: iterateBatches },
    get frameCount() {
      return parser.frames;
    },
    get bytesRead() {
      return bytesRead;
    },
    close,
  };
}

/** Reads a whole trace file into memory (small traces, CLI conveniences). */
export async function readTraceFile(
  path: string,
  options: ReadTraceOptions = {},
): Promise<{ header: TraceHeader | undefined; frames: Frame[] }> {
  const stream = await openTrace(path, options);
  const frames: Frame[] = [];
  for await (const frame of stream.frames) frames.push(frame);
  return { header: stream.header, frames };
}
