// What the SV physics tests share: the PyTorch fixtures, and comparisons.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

export { rng } from "../../src/bench/workloads.js";

export const FIXTURES = "runtime/test/fixtures/physics";

/** One fixture case: positions, velocities and PyTorch's forces, [B][N][3]. */
export interface Case {
  pos: number[][][];
  vel: number[][][];
  forces: number[][][];
}

export interface FixtureDoc {
  /** PyTorch's own parameter counts */
  parameter_counts: { sv: number; extractor: number };
  /** PyTorch's state_dict() names and shapes */
  state_dict_names: Record<"sv" | "sv_h8_l2" | "extractor", Record<string, number[]>>;
  models: Record<string, { weights: string; cases: Record<string, Case> }>;
}

/** The cases `tools/sv_fixtures.py` wrote, per weights file. */
export const fixtures = JSON.parse(readFileSync(join(FIXTURES, "sv-cases.json"), "utf8")) as FixtureDoc;

/** The largest absolute difference; a NaN anywhere fails. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = d;
  }
  return m;
}
