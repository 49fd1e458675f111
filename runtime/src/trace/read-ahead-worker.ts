// The reader thread of `openTraceReadAhead`: reads and parses the trace with
// `openTrace` and posts its batches, signal-only ones as columns, to the
// checking thread, at most READ_AHEAD_BATCHES ahead of it.

import { parentPort, workerData } from "node:worker_threads";
import { openTrace } from "./jsonl-reader.js";
import { TraceError } from "./trace-error.js";
import { encodeBatch, transferables } from "./signal-columns.js";
import { READ_AHEAD_BATCHES, type FromReader, type ReaderInput } from "./read-ahead-protocol.js";

const port = parentPort!;
const input = workerData as ReaderInput;

let credits = READ_AHEAD_BATCHES;
let wake: (() => void) | undefined;
const onCredit = (): void => {
  credits++;
  wake?.();
};
port.on("message", onCredit);

function post(message: FromReader, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function failure(error: unknown): FromReader {
  if (error instanceof TraceError) {
    const { file, line, column, field, detail, expected, found } = error;
    return { type: "error", trace: { file, line, column, field, detail, expected, found } };
  }
  return { type: "error", message: error instanceof Error ? error.message : String(error) };
}

try {
  const stream = await openTrace(input.path, input.chunkSize !== undefined ? { chunkSize: input.chunkSize } : {});
  post({ type: "header", header: stream.header });
  for await (const frames of stream.batches) {
    const batch = encodeBatch(frames);
    post({ type: "batch", batch, frameCount: stream.frameCount, bytesRead: stream.bytesRead }, transferables(batch));
    if (--credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  post({ type: "end", frameCount: stream.frameCount, bytesRead: stream.bytesRead });
} catch (error) {
  post(failure(error));
}
// with nothing left to listen for, the thread ends once its messages are out
port.off("message", onCredit);
