// Messages between `openTraceReadAhead` and its reader thread.

import type { TraceHeader } from "@craft/language";
import type { EncodedBatch } from "./signal-columns.js";
import type { TraceErrorInfo } from "./trace-error.js";

/** batches the reader may post before the checking thread has taken them */
export const READ_AHEAD_BATCHES = 4;

/** what the reader thread is started with */
export interface ReaderInput {
  readonly path: string;
  readonly chunkSize?: number;
}

type Optional<T> = { readonly [K in keyof T]: T[K] | undefined };

export type FromReader =
  | { readonly type: "header"; readonly header: TraceHeader | undefined }
  | { readonly type: "batch"; readonly batch: EncodedBatch; readonly frameCount: number; readonly bytesRead: number }
  | { readonly type: "end"; readonly frameCount: number; readonly bytesRead: number }
  | { readonly type: "error"; readonly trace: Optional<Omit<TraceErrorInfo, "cause">> & { readonly file: string; readonly detail: string } }
  | { readonly type: "error"; readonly message: string; readonly trace?: undefined };

/** the checking thread's only message: it took a batch */
export type ToReader = "took";
