// Fuses a constraint's connectives (and, or, not, implies under Kleene
// aggregation) into one generated function. The closure tree stays the
// reference semantics and the path for atom traces; the fused function only
// removes the calls between connectives, so each atom is called from a call
// site of its own that the engine can inline. Where code cannot be generated
// (a page whose content security policy forbids it), the closures run.

import type { EvalContext } from "../eval/context.js";
import type { FormulaFn } from "./compiled.js";

/**
 * An atom shared by several constraints, evaluated once per frame: its
 * last frame and result. The fused code checks it inline.
 */
export interface MemoCell {
  frame: unknown;
  truth: number;
  conf: number;
}

/** A shared atom: the memoising wrapper the closures call, and what fused code needs instead. */
export interface SharedAtom {
  readonly raw: FormulaFn;
  readonly cell: MemoCell;
}

/** The connective structure of a formula node, recorded by the compiler. */
export type Shape = { readonly op: "and" | "or"; readonly children: readonly FormulaFn[] } | { readonly op: "not"; readonly child: FormulaFn };

/** Fuses `root` when it is a connective; returns it unchanged otherwise. */
export function fuse(root: FormulaFn, shapes: ReadonlyMap<FormulaFn, Shape>, shared: ReadonlyMap<FormulaFn, SharedAtom> = new Map()): FormulaFn {
  if (!shapes.has(root)) return root;
  const leaves: FormulaFn[] = [];
  const cells: MemoCell[] = [];
  const lines: string[] = [];
  let vars = 0;
  // emits code leaving the node's truth in t<k> and confidence in c<k>; returns k
  const emit = (f: FormulaFn): number => {
    const shape = shapes.get(f);
    const k = vars++;
    lines.push(`let t${k}, c${k};`);
    if (!shape) {
      const atom = shared.get(f);
      if (atom) {
        // a shared atom: reuse this frame's result, else evaluate and remember it
        const i = leaves.push(atom.raw) - 1;
        const m = cells.push(atom.cell) - 1;
        lines.push(
          `if (M${m}.frame === ctx.frame) { t${k} = M${m}.truth; c${k} = M${m}.conf; }`,
          `else { t${k} = L${i}(ctx); c${k} = ctx.conf; M${m}.frame = ctx.frame; M${m}.truth = t${k}; M${m}.conf = c${k}; }`,
        );
        return k;
      }
      const i = leaves.push(f) - 1;
      lines.push(`t${k} = L${i}(ctx); c${k} = ctx.conf;`);
      return k;
    }
    if (shape.op === "not") {
      const a = emit(shape.child);
      lines.push(`t${k} = t${a} === 2 ? 0 : t${a} === 0 ? 2 : 1; c${k} = c${a};`);
      return k;
    }
    // Kleene and: false wins with the largest false confidence; else unknown (least unknown confidence); else true with the least
    const decider = shape.op === "and" ? 0 : 2;
    const absorbing = 2 - decider;
    const [first, ...rest] = shape.children;
    const a = emit(first!);
    lines.push(`t${k} = t${a}; c${k} = c${a};`);
    for (const child of rest) {
      // a fully confident decider cannot be outdone: skip the remaining children
      lines.push(`if (!(t${k} === ${decider} && c${k} >= 1)) {`);
      const b = emit(child);
      lines.push(
        `if (t${k} === ${decider}) { if (t${b} === ${decider} && c${b} > c${k}) c${k} = c${b}; }`,
        `else if (t${b} === ${decider}) { t${k} = ${decider}; c${k} = c${b}; }`,
        `else if (t${k} === 1) { if (t${b} === 1 && c${b} < c${k}) c${k} = c${b}; }`,
        `else if (t${b} === 1) { t${k} = 1; c${k} = c${b}; }`,
        `else { t${k} = ${absorbing}; if (c${b} < c${k}) c${k} = c${b}; }`,
        `}`,
      );
    }
    return k;
  };
  const result = emit(root);
  const names = [...leaves.map((_, i) => `L${i}`), ...cells.map((_, i) => `M${i}`)];
  const body = `return function fused(ctx) {\nif (ctx.atoms !== null) return traced(ctx);\n${lines.join("\n")}\nctx.conf = c${result};\nreturn t${result};\n};`;
  try {
    const make = new Function("traced", ...names, body) as (traced: FormulaFn, ...rest: unknown[]) => (ctx: EvalContext) => number;
    return make(root, ...leaves, ...cells) as FormulaFn;
  } catch {
    return root;
  }
}
