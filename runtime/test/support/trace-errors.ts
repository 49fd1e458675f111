// The TraceError a piece of reading code throws, for tests to inspect.

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
