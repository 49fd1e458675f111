// Deterministic workloads for the benchmarks: constraint files, scenes and
// signal traces of a given size.

import type { Frame, SceneObject } from "@craft/language";
import { seededRandom } from "../seeded-random.js";

/** A small deterministic PRNG, so every run measures the same work. */
export const rng = seededRandom;

const kinds = ["mug", "sink", "coffee_machine", "microwave", "kettle", "stove_burner", "fridge", "cabinet"] as const;
const types: Record<(typeof kinds)[number], string> = {
  mug: "Mug",
  sink: "Sink",
  coffee_machine: "CoffeeMachine",
  microwave: "Microwave",
  kettle: "Kettle",
  stove_burner: "StoveBurner",
  fridge: "Fridge",
  cabinet: "Cabinet",
};

/** A formula of depth ≤ 6 over the kitchen objects, as craft text. */
export function formula(r: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const leaf = (): string => {
    const a = pick(kinds);
    const b = pick(kinds.filter((k) => k !== a));
    switch (Math.floor(r() * 6)) {
      case 0:
        return `(inside ${a} ${b})`;
      case 1:
        return `(eq ${pick(["fridge", "microwave", "cabinet"])}.isOpen ${r() < 0.5})`;
      case 2:
        return `(dirty mug)`;
      case 3:
        return `(< (distance ${a} ${b}) ${(r() * 2).toFixed(2)})`;
      case 4:
        return `(is_on ${pick(["stove_burner", "coffee_machine", "microwave"])})`;
      default:
        return `(on_top_of ${a} ${b})`;
    }
  };
  if (depth <= 2) return leaf();
  switch (Math.floor(r() * 4)) {
    case 0:
      return `(and ${formula(r, depth - 1)} ${formula(r, depth - 1)})`;
    case 1:
      return `(or ${formula(r, depth - 1)} ${formula(r, depth - 2)})`;
    case 2:
      return `(not ${formula(r, depth - 1)})`;
    default:
      return `(implies ${formula(r, depth - 1)} ${formula(r, depth - 2)})`;
  }
}

/** A constraint file of n constraints, about 100 bytes each (5,000 ≈ 0.5 MB). */
export function constraintFile(n: number, seed = 1): string {
  const r = rng(seed);
  const out: string[] = ["(define (clean x) (not x.isDirty))"];
  const typesList = ["pre", "post", "invariant", "goal"] as const;
  for (let i = 0; i < n; i++) {
    const type = typesList[i % 4]!;
    const action = type === "pre" || type === "post" ? ` :action (PutObject mug ${kinds[1 + (i % 7)]})` : "";
    const description = i % 5 === 0 ? `\n  :description "check ${i}"` : "";
    out.push(`(constraint C${i} :type ${type}${action}${description}\n  ${formula(r, 2 + (i % 3))})`);
  }
  return out.join("\n") + "\n";
}

/** The same constraints as the seeds' JSON (condition_expr strings). */
export function seedJson(n: number, seed = 1): string {
  const r = rng(seed);
  const list = [];
  for (let i = 0; i < n; i++) {
    const type = (["pre", "post", "invariant", "goal"] as const)[i % 4]!;
    list.push({
      id: `C${i}`,
      type,
      description: `constraint number ${i}`,
      condition_expr: formula(r, 2 + (i % 4)),
      severity: i % 3 === 0 ? "soft" : "hard",
      eval_time: type === "goal" ? "final" : type === "invariant" ? "now" : type,
    });
  }
  return JSON.stringify(list);
}

/** A kitchen scene with the eight objects in random states. */
export function kitchenFrame(r: () => number, step: number): Frame {
  const objects: SceneObject[] = kinds.map((k, i) => {
    const x = r() * 2;
    const z = r() * 2;
    return {
      id: `${types[k]}_1`,
      type: types[k],
      state: { isOpen: r() < 0.5, isToggled: r() < 0.3, isDirty: r() < 0.4 },
      position: [x, 0.9 + i * 0.01, z],
      bbox: { min: [x - 0.1, 0.85, z - 0.1], max: [x + 0.1, 1.0, z + 0.1] },
      confidence: 0.8 + r() * 0.2,
      visible: true,
    };
  });
  const relations = r() < 0.5 ? [{ rel: "inside", a: "Mug_1", b: "Sink_1", confidence: 0.9 }] : [];
  return { t: step, time: step * 0.1, objects, relations, signals: {}, ...(step > 0 && step % 5 === 0 ? { action: { name: "PutObject", args: ["Mug_1", "Sink_1"], success: true } } : {}) };
}
