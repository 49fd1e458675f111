// Reading a long trace on a second thread. `openTraceReadAhead` gives the
// same TraceStream as `openTrace` (same frames, same errors at the same
// point), but a worker thread reads and parses the file while this thread
// checks the frames before: for long plain-signal logs parsing costs as much
// as checking, so the two overlap. Short traces, custom line adapters, and a
// missing worker file read in this thread, with `openTrace`.

import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Frame } from "@craft/language";
import { openTrace, type ReadTraceOptions, type TraceStream } from "./jsonl-reader.js";
import { TraceError } from "./trace-error.js";
import { decodeBatch } from "./signal-columns.js";
import type { FromReader, ReaderInput, ToReader } from "./read-ahead-protocol.js";

/** traces smaller than this are read in this thread: starting a worker costs more than it saves */
export const READ_AHEAD_MIN_BYTES = 4 * 1024 * 1024;

// The worker's module: next to this one when compiled by tsc; in the bundled
// CLI, esbuild emits it into the chunks folder, and this code may sit in a
// chunk or in the entry file above it.
const WORKER_CANDIDATES = ["./read-ahead-worker.js", "./read-ahead-worker.mjs", "./chunks/read-ahead-worker.mjs"];

let workerFile: string | null | undefined;
function findWorkerFile(): string | null {
  if (workerFile === undefined) {
    workerFile = null;
    for (const candidate of WORKER_CANDIDATES) {
      const path = fileURLToPath(new URL(candidate, import.meta.url));
      if (existsSync(path)) {
        workerFile = path;
        break;
      }
    }
  }
  return workerFile;
}

/** whether traces can be read on a second thread here (the worker module is found) */
export function readAheadAvailable(): boolean {
  return findWorkerFile() !== null;
}

export interface ReadAheadOptions extends ReadTraceOptions {
  /** read on a second thread from this file size on (default READ_AHEAD_MIN_BYTES) */
  readonly minBytes?: number;
}

/** Opens a trace like `openTrace`, reading it on a worker thread when it is long. */
export async function openTraceReadAhead(path: string, options: ReadAheadOptions = {}): Promise<TraceStream> {
  const file = findWorkerFile();
  const size = await stat(path).then(
    (info) => (info.isFile() ? info.size : 0),
    () => 0, // openTrace says what is wrong with the path
  );
  if (options.adapters !== undefined || file === null || size < (options.minBytes ?? READ_AHEAD_MIN_BYTES)) {
    return openTrace(path, options);
  }
  return new ReaderThread(file, { path, ...(options.chunkSize !== undefined ? { chunkSize: options.chunkSize } : {}) }).opened();
}

function errorOf(message: Extract<FromReader, { type: "error" }>): Error {
  if (message.trace === undefined) return new Error(message.message);
  const info = Object.fromEntries(Object.entries(message.trace).filter(([, value]) => value !== undefined));
  return new TraceError(info as { file: string; detail: string });
}

/** The checking thread's end of one reader thread. */
class ReaderThread {
  private readonly worker: Worker;
  private readonly inbox: FromReader[] = [];
  private waiting: (() => void) | undefined;
  private frameCount = 0;
  private bytesRead = 0;
  private done = false;
  private iterated = false;
  private readonly path: string;

  constructor(file: string, input: ReaderInput) {
    this.path = input.path;
    this.worker = new Worker(file, { workerData: input });
    this.worker.on("message", (message: FromReader) => this.deliver(message));
    this.worker.on("error", (error: Error) => this.deliver({ type: "error", message: `trace reader thread failed: ${error.message}` }));
    this.worker.on("exit", () => this.deliver({ type: "error", message: "trace reader thread stopped early" }));
  }

  private deliver(message: FromReader): void {
    this.inbox.push(message);
    this.waiting?.();
  }

  private async next(): Promise<FromReader> {
    while (this.inbox.length === 0) await new Promise<void>((resolve) => (this.waiting = resolve));
    this.waiting = undefined;
    return this.inbox.shift()!;
  }

  /** Resolves once the header is read; rejects as openTrace would. */
  async opened(): Promise<TraceStream> {
    const first = await this.next();
    if (first.type === "error") {
      await this.close();
      throw errorOf(first);
    }
    if (first.type !== "header") throw new Error("trace reader thread: expected the header first");
    const self = this;
    return {
      path: this.path,
      header: first.header,
      batches: { [Symbol.asyncIterator]: () => this.batches() },
      frames: {
        async *[Symbol.asyncIterator]() {
          for await (const batch of self.batches()) yield* batch;
        },
      },
      get frameCount() {
        return self.frameCount;
      },
      get bytesRead() {
        return self.bytesRead;
      },
      close: () => this.close(),
    };
  }

  private async *batches(): AsyncGenerator<Frame[], void, undefined> {
    if (this.iterated) throw new Error("the frames of a trace can be iterated only once");
    this.iterated = true;
    try {
      for (;;) {
        const message = await this.next();
        if (message.type === "batch") {
          this.frameCount = message.frameCount;
          this.bytesRead = message.bytesRead;
          this.worker.postMessage("took" satisfies ToReader);
          yield decodeBatch(message.batch);
        } else if (message.type === "end") {
          this.frameCount = message.frameCount;
          this.bytesRead = message.bytesRead;
          return;
        } else if (message.type === "error") throw errorOf(message);
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }
}
