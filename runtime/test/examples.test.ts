// The shipped examples give the verdicts their expected.json files state
// (derived by hand from the semantics, not recorded from a run).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CraftReport } from "../src/report/json-report.js";
import { craft, repoRoot } from "./support/cli.js";

interface ExpectedVerdict {
  id: string;
  step: number | null;
  status: string;
  confidence?: number;
}

interface Expected {
  constraints: string;
  traces: Record<string, { frames: number; exit: number; invariantsHoldElsewhere?: boolean; verdicts: ExpectedVerdict[] }>;
}

const examplesDir = join(repoRoot, "examples");
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .filter((name) => readdirSync(join(examplesDir, name)).includes("expected.json"));

describe("shipped examples", () => {
  it("there are at least three kitchen tasks, the seed example and the physics example", () => {
    expect(examples).toEqual(expect.arrayContaining(["make_coffee", "heat_water", "mug_in_sink", "seed", "physics"]));
  });

  for (const name of examples) {
    const dir = join(examplesDir, name);
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
    for (const [traceName, want] of Object.entries(expected.traces)) {
      it(`${name}/${traceName}`, () => {
        const run = craft(["check", join(dir, expected.constraints), join(dir, "traces", traceName), "--json"]);
        expect(run.stderr.split("\n").filter((l) => / error: /.test(l))).toEqual([]);
        expect(run.status).toBe(want.exit);
        const report = JSON.parse(run.stdout) as CraftReport;
        const trace = report.traces[0]!;
        expect(trace.frames).toBe(want.frames);
        for (const v of want.verdicts) {
          const got = trace.results.find((r) => r.id === v.id && r.step === v.step);
          expect(got, `verdict ${v.id} at step ${v.step}`).toBeDefined();
          expect(got!.status, `${v.id} at step ${v.step}: ${got!.reason}`).toBe(v.status);
          if (v.confidence !== undefined) expect(got!.confidence).toBeCloseTo(v.confidence, 6);
        }
        // every verdict that is not SATISFIED is one the file lists
        for (const r of trace.results) {
          if (r.status === "SATISFIED") continue;
          if (r.type === "invariant" && want.invariantsHoldElsewhere === false) continue;
          const listed = want.verdicts.some((v) => v.id === r.id && v.step === r.step && v.status === r.status);
          expect(listed, `unexpected ${r.status} ${r.id} at step ${r.step}: ${r.reason}`).toBe(true);
        }
      });
    }
  }
});
