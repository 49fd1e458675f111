// Atoms: the leaves of a formula that look at the scene — comparisons,
// relations, state predicates, Boolean signals and attributes, extension
// predicates. Each returns a Truth with a confidence and, when the run asks
// for atom traces, records what it saw and why.

import type { AtomSource } from "../eval/atom-trace.js";
import type { EvalContext, TermValue } from "../eval/context.js";
import type { SceneObject } from "../eval/frame.js";
import { containment, distance, support } from "../eval/geometry.js";
import { F, T, U, roundConfidence, truthToValue, type Truth } from "../eval/truth.js";
import type { ExtensionArg, ExtensionPredicate } from "../check/registry.js";
import type { AtomFact, AtomSite } from "../eval/atom-site.js";
import { formatValue, isSceneObject, type CompiledTerm, type FormulaFn } from "./compiled.js";

/** Records an atom trace when requested; the caller has set ctx.conf. */
function record(ctx: EvalContext, atom: AtomSite, truth: Truth, source: AtomSource, reason: string, fact?: AtomFact): void {
  const atoms = ctx.atoms!;
  ctx.decisive = [atoms.length];
  if (!Number.isNaN(ctx.staleSince)) {
    // perception memory supplied an object this atom read
    reason += ` (from memory: last seen at t = ${roundConfidence(ctx.staleSince)} s, confidence decayed)`;
    source = "memory";
    ctx.staleSince = NaN;
  }
  atoms.push({ expr: atom.expr, value: truthToValue(truth), confidence: roundConfidence(ctx.conf), source, reason });
  ctx.sites?.push({ site: atom, slots: ctx.slots.map((o) => o?.id), ...(fact ? { fact } : {}) });
}

function unknown(ctx: EvalContext, atom: AtomSite, source: AtomSource): Truth {
  ctx.conf = 0;
  if (ctx.atoms !== null) record(ctx, atom, U, source, ctx.unknownReason);
  return U;
}

// ---- comparisons -------------------------------------------------------------

function valuesEqual(a: TermValue, b: TermValue): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (isSceneObject(a) && isSceneObject(b)) return a.id === b.id;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x: number, i: number) => Math.abs(x - (b[i] as number)) <= 1e-9);
  return a === b;
}

// orderings as small integers, so one compiled closure serves them all without calling out
const LT = 0;
const LE = 1;
const GT = 2;
const GE = 3;

/** the ordering `op` tests; -1 for eq and neq */
function orderingOf(op: string): number {
  switch (op) {
    case "<":
      return LT;
    case "<=":
      return LE;
    case ">":
      return GT;
    case ">=":
      return GE;
    default:
      return -1;
  }
}

/** `(eq a b)`, `(neq a b)`, `(< a b)` …; source state_equality for eq/neq, state_check otherwise. */
export function comparisonAtom(op: string, a: CompiledTerm, b: CompiledTerm, atom: AtomSite): FormulaFn {
  const fa = a.fn;
  const fb = b.fn;
  const source: AtomSource = op === "eq" || op === "neq" ? "state_equality" : "state_check";
  const ordering = orderingOf(op);
  const eq = op === "eq";
  const general: FormulaFn = (ctx) => {
    ctx.staleSince = NaN;
    const va = fa(ctx);
    const ca = ctx.conf;
    if (va === undefined) return unknown(ctx, atom, source);
    const vb = fb(ctx);
    const cb = ctx.conf;
    if (vb === undefined) return unknown(ctx, atom, source);
    let holds: boolean;
    if (ordering >= 0) {
      if (typeof va !== "number" || typeof vb !== "number") {
        ctx.unknownReason = `${op} needs numbers, got ${formatValue(va)} and ${formatValue(vb)}`;
        return unknown(ctx, atom, source);
      }
      holds = ordering === LT ? va < vb : ordering === LE ? va <= vb : ordering === GT ? va > vb : va >= vb;
    } else holds = valuesEqual(va, vb) === eq;
    const truth = holds ? T : F;
    ctx.conf = ca < cb ? ca : cb;
    if (ctx.atoms !== null) record(ctx, atom, truth, source, comparisonReason(ctx, op, a, b, va, vb, holds), comparisonFact(ctx, op, a, b, va, vb));
    return truth;
  };
  const limit = b.value;
  if (ordering < 0 || a.distanceOf === undefined || typeof limit !== "number") return general;
  // `(< (distance x y) 0.5)` and the like: the distance computed here and compared unboxed, the
  // same arithmetic as the general path; anything but two objects with positions, and traces, take that path
  const fx = a.distanceOf[0].fn;
  const fy = a.distanceOf[1].fn;
  return (ctx) => {
    if (ctx.atoms !== null) return general(ctx);
    ctx.staleSince = NaN;
    const ox = fx(ctx);
    const cx = ctx.conf;
    if (ox === undefined) return general(ctx);
    const oy = fy(ctx);
    const cy = ctx.conf;
    if (oy === undefined || !isSceneObject(ox) || !isSceneObject(oy) || !ox.position || !oy.position) return general(ctx);
    const d = distance(ox.position, oy.position);
    // the distance's confidence is the objects' least; the constant's is 1
    const c = Math.min(cx, cy);
    ctx.conf = c < 1 ? c : 1;
    const holds = ordering === LT ? d < limit : ordering === LE ? d <= limit : ordering === GT ? d > limit : d >= limit;
    return holds ? T : F;
  };
}

/** `(eq X.attr literal)`: which attribute of which object, and the value it was compared with. */
function comparisonFact(ctx: EvalContext, op: string, a: CompiledTerm, b: CompiledTerm, va: TermValue, vb: TermValue): AtomFact | undefined {
  const [subject, value] = b.literal ? [a.subject?.(ctx), vb] : a.literal ? [b.subject?.(ctx), va] : [undefined, undefined];
  if (!subject || (typeof value !== "boolean" && typeof value !== "string" && typeof value !== "number")) return undefined;
  return { kind: "compare", op, object: subject.object, attr: subject.attr, value };
}

function comparisonReason(ctx: EvalContext, op: string, a: CompiledTerm, b: CompiledTerm, va: TermValue, vb: TermValue, holds: boolean): string {
  const da = a.describe(ctx);
  const db = b.describe(ctx);
  const relation = op === "eq" ? "" : op === "neq" ? "not " : `${op} `;
  if (b.literal && !a.literal) {
    return holds
      ? `${da} is ${formatValue(va)}, ${relation}${formatValue(vb)} as required`
      : `${da} is ${formatValue(va)} but required ${relation}${formatValue(vb)}`;
  }
  if (a.literal && !b.literal) {
    return holds
      ? `${db} is ${formatValue(vb)}, as required`
      : `${db} is ${formatValue(vb)}, which fails ${formatValue(va)} ${op} ${db}`;
  }
  return `${da} = ${formatValue(va)}, ${db} = ${formatValue(vb)}: (${op} …) is ${holds}`;
}

// ---- Boolean terms used as formulas -------------------------------------------

/** A Boolean signal or attribute used as a formula (`p`, `mug.isDirty`). */
export function booleanTermAtom(term: CompiledTerm, atom: AtomSite): FormulaFn {
  const f = term.fn;
  return (ctx) => {
    ctx.staleSince = NaN;
    const v = f(ctx);
    if (v === true || v === false) {
      const truth = v ? T : F;
      if (ctx.atoms !== null) {
        const subject = term.subject?.(ctx);
        record(ctx, atom, truth, "state_check", `${term.describe(ctx)} is ${v}`, subject && { kind: "state", object: subject.object, field: subject.attr });
      }
      return truth;
    }
    if (v !== undefined) ctx.unknownReason = `${term.describe(ctx)} is ${formatValue(v)}, not true or false`;
    return unknown(ctx, atom, "state_check");
  };
}

// ---- state predicates ------------------------------------------------------------

/** The object an atom is about; undefined (with ctx.unknownReason set) when there is none. */
function objectOperand(ctx: EvalContext, fx: CompiledTerm["fn"]): SceneObject | undefined {
  ctx.staleSince = NaN;
  const o = fx(ctx);
  if (o === undefined) return undefined;
  if (!isSceneObject(o)) {
    ctx.unknownReason = `${formatValue(o)} is not an object`;
    return undefined;
  }
  return o;
}

/** `(dirty x)`, `(is_open x)`, `(filled x 'coffee)`, `(visible x)`: one state field of an object. */
export function statePredicateAtom(field: string | "visible", x: CompiledTerm, liquid: CompiledTerm | undefined, atom: AtomSite): FormulaFn {
  const fx = x.fn;
  return (ctx) => {
    const o = objectOperand(ctx, fx);
    if (o === undefined) return unknown(ctx, atom, "state_check");
    const conf = ctx.conf;
    const v = field === "visible" ? o.visible : o.state[field];
    if (typeof v !== "boolean") {
      ctx.unknownReason = `${o.id} reports no ${field} in frame ${ctx.frame.step}`;
      return unknown(ctx, atom, "state_check");
    }
    let holds = v;
    let detail = `${o.id}.${field} is ${v}`;
    if (liquid && v) {
      const want = liquid.fn(ctx);
      const have = o.state["fillLiquid"];
      holds = have === want;
      detail += `, fillLiquid is ${have ?? "unknown"}${holds ? "" : ` but required ${formatValue(want)}`}`;
    }
    const truth = holds ? T : F;
    if (ctx.atoms !== null) {
      const want = liquid?.fn(ctx);
      ctx.conf = conf;
      record(ctx, atom, truth, "state_check", detail, { kind: "state", object: o.id, field, ...(typeof want === "string" ? { liquid: want } : {}) });
    }
    ctx.conf = conf;
    return truth;
  };
}

// ---- relations ------------------------------------------------------------------

/** Distance within which `near` holds when no edge says so. */
export const NEAR_DEFAULT_THRESHOLD = 0.5;

/**
 * `(inside a b)`, `(on_top_of a b)`, `(near a b [d])`, `(holding agent x)`:
 * the scene graph's edge when present; else geometry (source geometry_iou);
 * else, when the frame states relations at all, the edge's absence is a
 * false with the objects' confidence (closed world).
 */
export function relationAtom(rel: string, a: CompiledTerm, b: CompiledTerm, threshold: CompiledTerm | undefined, atom: AtomSite): FormulaFn {
  // the geometric fallback: containment for inside, support for on_top_of (called directly: each call site sees one function)
  const inside = rel === "inside";
  const geometric = inside || rel === "on_top_of";
  const near = rel === "near";
  const fa = a.fn;
  const fb = b.fn;
  return (ctx) => {
    ctx.staleSince = NaN;
    const oa = fa(ctx);
    const ca = ctx.conf;
    if (oa === undefined) return unknown(ctx, atom, "edge_relation");
    const ob = fb(ctx);
    const cb = ctx.conf;
    if (ob === undefined) return unknown(ctx, atom, "edge_relation");
    if (!isSceneObject(oa) || !isSceneObject(ob)) {
      ctx.unknownReason = `${rel} relates objects, got ${formatValue(oa)} and ${formatValue(ob)}`;
      return unknown(ctx, atom, "edge_relation");
    }
    const edge = ctx.frame.edge(rel, oa.id, ob.id);
    if (edge !== undefined) {
      ctx.conf = edge.confidence;
      if (ctx.atoms !== null) record(ctx, atom, T, "edge_relation", `scene graph has ${rel}(${oa.id}, ${ob.id}) with confidence ${roundConfidence(edge.confidence)}`, { kind: "relation", rel, a: oa.id, b: ob.id });
      return T;
    }
    const objectsConf = ca < cb ? ca : cb;
    if (near) return nearByDistance(ctx, oa, ob, objectsConf, threshold, atom);
    if (geometric && oa.bbox !== undefined && ob.bbox !== undefined) {
      const m = inside ? containment(oa.bbox, ob.bbox) : support(oa.bbox, ob.bbox);
      const holds = m >= 0.5;
      ctx.conf = objectsConf * Math.abs(2 * m - 1);
      if (ctx.atoms !== null) {
        const what = inside ? "of its box lies inside" : "of its footprint rests on";
        record(ctx, atom, holds ? T : F, "geometry_iou", `no ${rel} edge; ${Math.round(m * 100)}% ${what} ${ob.id}'s box: ${oa.id} is ${holds ? "" : "not "}${rel.replace(/_/g, " ")} ${ob.id}`, { kind: "relation", rel, a: oa.id, b: ob.id });
      }
      return holds ? T : F;
    }
    if (!ctx.frame.hasEdges()) {
      ctx.unknownReason = `frame ${ctx.frame.step} states no relations and ${oa.bbox ? ob.id : oa.id} has no bounding box`;
      return unknown(ctx, atom, "edge_relation");
    }
    ctx.conf = objectsConf;
    if (ctx.atoms !== null) record(ctx, atom, F, "edge_relation", `scene graph has no ${rel}(${oa.id}, ${ob.id}) edge`, { kind: "relation", rel, a: oa.id, b: ob.id });
    return F;
  };
}

function nearByDistance(ctx: EvalContext, oa: SceneObject, ob: SceneObject, conf: number, threshold: CompiledTerm | undefined, atom: AtomSite): Truth {
  let limit = NEAR_DEFAULT_THRESHOLD;
  if (threshold) {
    const t = threshold.fn(ctx);
    if (typeof t !== "number") {
      ctx.unknownReason = `near threshold is ${formatValue(t)}, not a number`;
      return unknown(ctx, atom, "geometry_iou");
    }
    limit = t;
  }
  if (!oa.position || !ob.position) {
    ctx.unknownReason = `${!oa.position ? oa.id : ob.id} has no position in frame ${ctx.frame.step}`;
    return unknown(ctx, atom, "geometry_iou");
  }
  const d = distance(oa.position, ob.position);
  const truth = d <= limit ? T : F;
  ctx.conf = conf;
  if (ctx.atoms !== null) record(ctx, atom, truth, "geometry_iou", `${oa.id} is ${formatValue(d)} m from ${ob.id} (near means ≤ ${limit} m)`, { kind: "relation", rel: "near", a: oa.id, b: ob.id });
  return truth;
}

/** `(holding x)`: the robot holds x — its isPickedUp state, else any `holding` edge to x. */
export function holdingOneAtom(x: CompiledTerm, atom: AtomSite): FormulaFn {
  const fx = x.fn;
  return (ctx) => {
    const o = objectOperand(ctx, fx);
    if (o === undefined) return unknown(ctx, atom, "state_check");
    const conf = ctx.conf;
    for (const r of ctx.frame.frame.relations) {
      if (r.rel === "holding" && r.b === o.id) {
        ctx.conf = r.confidence;
        if (ctx.atoms !== null) record(ctx, atom, T, "edge_relation", `scene graph has holding(${r.a}, ${o.id})`, { kind: "state", object: o.id, field: "isPickedUp" });
        return T;
      }
    }
    const picked = o.state["isPickedUp"];
    if (typeof picked === "boolean") {
      ctx.conf = conf;
      const truth = picked ? T : F;
      if (ctx.atoms !== null) record(ctx, atom, truth, "state_check", `${o.id}.isPickedUp is ${picked}`, { kind: "state", object: o.id, field: "isPickedUp" });
      return truth;
    }
    ctx.unknownReason = `${o.id} reports no isPickedUp and no holding edge`;
    return unknown(ctx, atom, "state_check");
  };
}

// ---- extension predicates -------------------------------------------------------------

/** Calls a registered predicate; a predicate that throws yields unknown, never a crash. */
export function extensionCall(pred: ExtensionPredicate, args: readonly CompiledTerm[]): (ctx: EvalContext) => { value: boolean | number | undefined; reason: string } {
  const fs = args.map((a) => a.fn);
  return (ctx) => {
    const values: ExtensionArg[] = [];
    let conf = 1;
    for (const f of fs) {
      const v = f(ctx);
      if (ctx.conf < conf) conf = ctx.conf;
      values.push(v);
    }
    try {
      const r = pred.evaluate(values, { frame: ctx.frame.frame, step: ctx.frame.step, traceKey: ctx.traceKey });
      ctx.conf = Math.min(conf, r.confidence);
      if (r.value === undefined) ctx.conf = 0;
      return { value: r.value, reason: r.reason };
    } catch (err) {
      ctx.conf = 0;
      return { value: undefined, reason: `${pred.name} failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
}

export function extensionAtom(pred: ExtensionPredicate, args: readonly CompiledTerm[], atom: AtomSite): FormulaFn {
  const call = extensionCall(pred, args);
  const source: AtomSource = `extension:${pred.name}`;
  return (ctx) => {
    const r = call(ctx);
    const truth = r.value === true ? T : r.value === false ? F : U;
    if (truth === U) ctx.conf = 0;
    if (ctx.atoms !== null) record(ctx, atom, truth, source, r.reason);
    return truth;
  };
}

export function extensionTerm(pred: ExtensionPredicate, args: readonly CompiledTerm[], expr: string): CompiledTerm {
  const call = extensionCall(pred, args);
  return {
    fn: (ctx) => {
      const r = call(ctx);
      if (typeof r.value !== "number") {
        ctx.conf = 0;
        ctx.unknownReason = r.reason;
        return undefined;
      }
      return r.value;
    },
    describe: () => expr,
  };
}
