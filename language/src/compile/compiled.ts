// The shapes the compiler produces: small closures the evaluator calls,
// built once so evaluation never looks at the AST again.

import type { EvalContext, TermValue } from "../eval/context.js";
import type { Truth } from "../eval/truth.js";
import type { SceneObject } from "../eval/frame.js";

/** A Bool-valued expression: returns a Truth, leaves confidence in ctx.conf. */
export type FormulaFn = (ctx: EvalContext) => Truth;

/** Any other expression: returns a value (undefined = unknown), leaves confidence in ctx.conf. */
export interface CompiledTerm {
  readonly fn: (ctx: EvalContext) => TermValue;
  /** what the term denotes in this frame, for reasons: `Microwave_1.isOpen`, `0.5` */
  readonly describe: (ctx: EvalContext) => string;
  /** a constant: reasons say "required X" of it */
  readonly literal?: boolean;
  /** a constant's value */
  readonly value?: TermValue;
  /** for `(distance a b)`: its operands, so a comparison can compute the distance itself, unboxed */
  readonly distanceOf?: readonly [CompiledTerm, CompiledTerm];
  /** for `x.attr`: the object and attribute it reads in this frame, for repair hints */
  readonly subject?: (ctx: EvalContext) => { object: string; attr: string } | undefined;
}

export function isSceneObject(v: TermValue): v is SceneObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "id" in v;
}

/** How a value reads in reasons and reports. */
export function formatValue(v: TermValue): string {
  if (v === undefined) return "unknown";
  if (isSceneObject(v)) return v.id;
  if (Array.isArray(v)) return `[${v.map((x: number) => formatNumber(x)).join(", ")}]`;
  if (typeof v === "number") return formatNumber(v);
  return String(v);
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1e4) / 1e4);
}
