// The embeddable Monitor, fed one frame at a time, gives the batch
// checker's verdicts on every shipped example — and past-only verdicts
// arrive with the frame they are about.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { check, compile, Monitor, parse, PredicateRegistry, VocabularyBuilder, type Verdict } from "@craft/language";
import { checkTrace } from "../src/check/check-runner.js";
import { constraintFileFromText } from "../src/check/constraint-file.js";
import { loadPhysicsModel, NO_PHYSICS_MODEL, physicsPredicates } from "../src/physics/predicates.js";
import { readTraceFile } from "../src/trace/jsonl-reader.js";
import { repoRoot } from "./support/cli.js";

const examplesDir = join(repoRoot, "examples");
const cases = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => {
    const dir = join(examplesDir, d.name);
    const files = readdirSync(dir);
    const spec = files.find((f) => f.endsWith(".craft"));
    if (!spec || !files.includes("traces")) return [];
    return readdirSync(join(dir, "traces")).map((t) => ({ spec: join(dir, spec), trace: join(dir, "traces", t) }));
  });

/** The physics predicates over the weights the file names, as the batch checker registers them. */
async function registryFor(spec: string, text: string): Promise<PredicateRegistry> {
  const form = parse(text).program.forms.find((f) => f.kind === "model" && f.name === "physics");
  const model = form?.kind === "model" ? await loadPhysicsModel(resolve(dirname(spec), form.path)) : { unavailable: NO_PHYSICS_MODEL };
  const registry = new PredicateRegistry();
  for (const p of physicsPredicates(model)) registry.register(p);
  return registry;
}

const key = (v: Verdict) => `${v.id}@${v.step}:${v.status}:${v.confidence}:${v.reason}`;

describe("Monitor equals the batch checker on every example", () => {
  it("there are examples to compare", () => expect(cases.length).toBeGreaterThanOrEqual(10));

  for (const { spec, trace } of cases) {
    it(`${spec.slice(examplesDir.length + 1)} × ${trace.slice(trace.lastIndexOf("/") + 1)}`, async () => {
      const text = readFileSync(spec, "utf8");
      const batch = await checkTrace([constraintFileFromText(spec, text)], trace);
      const { frames } = await readTraceFile(trace);
      const vocabulary = new VocabularyBuilder(trace);
      vocabulary.add(frames[0]!);
      const registry = await registryFor(spec, text);
      const monitor = new Monitor(compile(check(parse(text).program, { vocabulary: vocabulary.build(), registry })), { traceKey: trace });
      const streamed: Verdict[] = [];
      frames.forEach((frame, k) => {
        for (const v of monitor.push(frame)) {
          // pre verdicts belong to the frame whose action they guard, the others to the frame itself
          expect(v.step).toBe(k);
          streamed.push(v);
        }
      });
      streamed.push(...monitor.finish());
      expect(streamed.map(key).sort()).toEqual(batch.results.map(key).sort());
    });
  }
});
