// The TraceError a piece of reading code throws, and what a stream hands out
// before it, for tests to inspect.

import type { Frame } from "@craft/language";
import { TraceError } from "../../src/trace/trace-error.js";

export function errorOf(fn: () => unknown): TraceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TraceError) return e;
    throw e;
  }
  throw new Error("expected a TraceError");
}

/** Every frame a stream hands out, and the error that ends it early, if any. */
export async function drain(stream: { batches: AsyncIterable<Frame[]> }): Promise<{ frames: Frame[]; error: unknown }> {
  const frames: Frame[] = [];
  let error: unknown;
  try {
    for await (const batch of stream.batches) frames.push(...batch);
  } catch (e) {
    error = e;
  }
  return { frames, error };
}
