// The craft CLI as a user meets it: report shapes, options, exit codes, and
// clear errors (exit 2, file:line:column, no stack trace) for bad input.

import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CraftReport } from "../src/report/json-report.js";
import { craft, repoRoot } from "./support/cli.js";
import { READ_AHEAD_MIN_BYTES } from "../src/trace/read-ahead.js";

const dir = mkdtempSync(join(tmpdir(), "craft-cli-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const seed = "examples/seed/seed.craft";
const closed = "examples/seed/traces/door_closed.jsonl";
const unsure = "examples/seed/traces/door_unsure.jsonl";

function noStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/internal error/);
}

describe("craft check: reports", () => {
  it("--json prints the craft_report document of DESIGN.md", () => {
    const run = craft(["check", seed, closed, "--json"]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as CraftReport;
    expect(report.craft_report).toBe(1);
    expect(report.traces).toHaveLength(1);
    const t = report.traces[0]!;
    expect(t.trace).toBe(closed);
    expect(t.frames).toBe(3);
    expect(t.summary).toEqual({ SATISFIED: 0, VIOLATED: 1, UNCERTAIN: 0, SKIP: 0 });
    expect(t.results[0]).toEqual({
      id: "C1",
      type: "pre",
      severity: "hard",
      step: 2,
      status: "VIOLATED",
      confidence: 0.95,
      reason: "Microwave_1.isOpen is false but required true",
      atoms: [
        {
          expr: "(eq microwave.isOpen true)",
          value: false,
          confidence: 0.95,
          source: "state_equality",
          reason: "Microwave_1.isOpen is false but required true",
        },
      ],
      action: expect.stringMatching(/^PutObject\(Mug_1, Microwave_1\)/),
      explanation: expect.objectContaining({ hint: expect.stringContaining("open Microwave_1") }),
    });
  });

  it("text report shows violations first with step, confidence, reason and atoms", () => {
    const run = craft(["check", seed, closed]);
    expect(run.status).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`${closed} (3 frames)`);
    expect(lines[1]).toMatch(/^ {2}VIOLATED +C1 pre hard at step 2 PutObject\(Mug_1, Microwave_1\).*confidence 0\.95$/);
    expect(lines[2]!.trim()).toBe("Microwave_1.isOpen is false but required true");
    expect(lines[3]).toContain("(eq microwave.isOpen true) = false (confidence 0.95, state_equality)");
  });

  it("--explain prints the causal chain and a repair hint; --json always carries them", () => {
    const run = craft(["check", seed, closed, "--explain"]);
    expect(run.stdout).toContain("why: (eq microwave.isOpen true) has been false since the first frame");
    expect(run.stdout).toContain("hint: open Microwave_1 before PutObject(Mug_1, Microwave_1)");
    expect(craft(["check", seed, closed]).stdout).not.toContain("hint:");
    const json = JSON.parse(craft(["check", seed, closed, "--json"]).stdout) as CraftReport;
    expect(json.traces[0]!.results[0]!.explanation!.hint).toMatch(/^open Microwave_1 before PutObject\(Mug_1, Microwave_1\)/);
  });

  it("low confidence is UNCERTAIN and exits 0; --threshold lowers θ", () => {
    const run = craft(["check", seed, unsure, "--json"]);
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as CraftReport).traces[0]!.results[0]!.status).toBe("UNCERTAIN");
    const lowered = craft(["check", seed, unsure, "--json", "--threshold", "0.4"]);
    expect(lowered.status).toBe(1);
  });

  it("several traces: one report each; --shard picks a share", () => {
    const run = craft(["check", seed, closed, unsure, "--json"]);
    expect((JSON.parse(run.stdout) as CraftReport).traces.map((t) => t.trace)).toEqual([closed, unsure]);
    const shard = craft(["check", seed, closed, unsure, "--json", "--shard", "2/2"]);
    expect((JSON.parse(shard.stdout) as CraftReport).traces.map((t) => t.trace)).toEqual([unsure]);
    expect(shard.status).toBe(0);
  });

  it("--aggregation minmax is accepted and changes confidences the seeds' way", () => {
    const spec = file("agg.craft", "(constraint A :type invariant (or (dirty mug) (is_open fridge)))\n");
    const trace = file(
      "agg.jsonl",
      JSON.stringify({ objects: [{ id: "Mug_1", type: "Mug", state: { isDirty: false }, confidence: 0.9 }, { id: "Fridge_1", type: "Fridge", state: { isOpen: true }, confidence: 0.6 }], relations: [] }) + "\n",
    );
    const kleene = JSON.parse(craft(["check", spec, trace, "--json"]).stdout) as CraftReport;
    const minmax = JSON.parse(craft(["check", spec, trace, "--json", "--aggregation", "minmax"]).stdout) as CraftReport;
    expect(kleene.traces[0]!.results[0]!.status).toBe("UNCERTAIN");
    expect(minmax.traces[0]!.results[0]!).toMatchObject({ status: "SATISFIED", confidence: 0.9 });
  });
});

describe("craft check: long traces, read on a second thread", () => {
  // over READ_AHEAD_MIN_BYTES, so the bundled CLI reads them in its worker
  const rows = Array.from({ length: 90_000 }, (_, i) => `{"time":${(i / 100).toFixed(2)},"p":${i !== 61_234},"speed":${(i % 7) * 0.5},"note":"ok"}`);

  it("ships the reader thread's module beside the bundle's chunks", () => {
    expect(existsSync(join(repoRoot, "runtime/dist/chunks/read-ahead-worker.mjs"))).toBe(true);
  });

  it("finds the violation at its step", () => {
    const trace = file("long.jsonl", rows.join("\n") + "\n");
    expect(statSync(trace).size).toBeGreaterThan(READ_AHEAD_MIN_BYTES);
    const run = craft(["check", file("p.craft", "(constraint C :type invariant p)\n"), trace]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("long.jsonl (90000 frames)");
    expect(run.stdout).toMatch(/VIOLATED +C invariant hard at step 61234,/);
    expect(run.stdout).toContain("summary: 1 violated, 0 uncertain, 89999 satisfied, 0 skipped");
  });

  it("a broken line deep in the trace names its line and prints no report", () => {
    const broken = [...rows];
    broken[80_000] = '{"time":800.00,"p":true,,}';
    const run = craft(["check", file("p.craft", "(constraint C :type invariant p)\n"), file("long-broken.jsonl", broken.join("\n") + "\n"), "--json"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/long-broken\.jsonl:80001:\d+: /);
    noStackTrace(run.stderr);
  });
});

describe("craft check: bad input exits 2 with a clear message", () => {
  it("a broken JSONL line names file, line and column, and prints no partial report", () => {
    const trace = file("broken.jsonl", `{"p": true}\n{"p": true,, "q": 1}\n`);
    const spec = file("p.craft", "(constraint C :type invariant p)\n");
    const run = craft(["check", spec, trace, "--json"]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(new RegExp(`${trace.replace(/[.]/g, "\\.")}:2:12: `));
    noStackTrace(run.stderr);
  });

  it("a wrong field type names the field and what was expected", () => {
    const trace = file("conf.jsonl", JSON.stringify({ objects: [{ id: "Mug_1", type: "Mug", state: {}, confidence: 1.5 }], relations: [] }) + "\n");
    const run = craft(["check", seed, trace]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/conf\.jsonl:1:\d+: objects\[0\]\.confidence: expected .*\[0, 1\].*1\.5/);
    noStackTrace(run.stderr);
  });

  it("an unknown object id in a relation is an error", () => {
    const trace = file("rel.jsonl", JSON.stringify({ objects: [{ id: "Mug_1", type: "Mug", state: {} }], relations: [{ rel: "inside", a: "Mug_1", b: "Sink_9" }] }) + "\n");
    const run = craft(["check", seed, trace]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/rel\.jsonl:1:\d+: relations\[0\]\.b: .*Sink_9/);
  });

  it("a malformed constraint file lists every error with file:line:column", () => {
    const spec = file("bad.craft", "(constraint C1 :type invariant (insde mug sink))\n\n(constraint C2 :type pre (eq mug.isDirty 3)\n");
    const run = craft(["check", spec, closed]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${spec}:1:33: error: unknown predicate insde; did you mean inside?`);
    expect(run.stderr).toMatch(/bad\.craft:3:1: error: unclosed '\('/);
    noStackTrace(run.stderr);
  });

  it("missing files and wrong arguments are usage errors", () => {
    const missing = craft(["check", seed, join(dir, "nope.jsonl")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("nope.jsonl: cannot read trace: no such file");
    expect(craft(["check", join(dir, "nope.craft"), closed]).stderr).toContain("nope.craft: cannot read constraint file: no such file");
    expect(craft(["check", seed]).status).toBe(2);
    expect(craft(["check", seed, "trace.txt"]).stderr).toContain("expected a .craft or seed .json constraint file, or a .jsonl trace");
    expect(craft(["check", seed, closed, "--threshold", "2"]).status).toBe(2);
    expect(craft(["check", seed, closed, "--aggregation", "avg"]).status).toBe(2);
    expect(craft(["frobnicate"]).status).toBe(2);
  });

  it("an empty trace is an error, not an empty report", () => {
    const run = craft(["check", seed, file("empty.jsonl", "\n")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("trace has no frames");
  });
});

describe("craft fmt", () => {
  it("prints the canonical layout; --check lists unformatted files and exits 1", () => {
    const messy = file("messy.craft", "(constraint   C1 :type pre\n:action (PutObject mug sink)    (eq  mug.isDirty false))");
    const out = craft(["fmt", messy]);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("(constraint C1");
    expect(craft(["fmt", "--check", messy]).status).toBe(1);
    const clean = file("clean.craft", out.stdout);
    expect(craft(["fmt", "--check", clean]).status).toBe(0);
  });

  it("refuses to format a file with syntax errors", () => {
    const run = craft(["fmt", file("broken.craft", "(constraint C1 (and a")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("cannot format a file with syntax errors");
  });
});

describe("seed JSON constraints", () => {
  const seedJson = file(
    "seed.json",
    JSON.stringify(
      [{ id: "C1", type: "pre", description: "Machine must be open before inserting a cup", condition_expr: "(eq microwave.isOpen true)", severity: "hard", eval_time: "pre", action: "PutObject mug microwave" }],
      null,
      2,
    ),
  );

  it("craft check accepts them directly and gives the verdicts of the converted file", () => {
    const direct = JSON.parse(craft(["check", seedJson, closed, "--json"]).stdout) as CraftReport;
    const converted = file("converted.craft", craft(["import", seedJson]).stdout);
    const viaCraft = JSON.parse(craft(["check", converted, closed, "--json"]).stdout) as CraftReport;
    expect(direct.traces[0]!.results.map((r) => [r.id, r.step, r.status, r.confidence])).toEqual([["C1", 2, "VIOLATED", 0.95]]);
    expect(viaCraft.traces[0]!.results).toEqual(direct.traces[0]!.results);
  });

  it("craft import prints a formatted .craft file", () => {
    const run = craft(["import", seedJson]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("; imported from seed.json by craft import");
    expect(run.stdout).toContain("(constraint C1");
    expect(craft(["fmt", "--check", file("imported.craft", run.stdout)]).status).toBe(0);
  });

  it("a checker error in a seed JSON file points at its condition_expr", () => {
    const bad = file("bad.json", JSON.stringify([{ id: "C1", type: "invariant", condition_expr: "(insde mug sink)" }]));
    const run = craft(["check", bad, closed]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.json:1:\d+: error: \[0\] \(C1\): unknown predicate insde; did you mean inside\?/);
  });
});
