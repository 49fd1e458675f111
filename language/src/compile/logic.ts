// Connectives and quantifiers over three-valued truth with confidence
// (DESIGN.md "Semantics"). The fast paths allocate nothing; when atom traces
// are being recorded, each connective also says which atoms decided it.

import { normalizeTypeKey } from "../check/schema.js";
import type { EvalContext } from "../eval/context.js";
import type { SceneObject } from "../eval/frame.js";
import { F, T, U, type Aggregation, type Truth } from "../eval/truth.js";
import type { FormulaFn } from "./compiled.js";

/**
 * Kleene `and`: any false → false with the largest confidence among the
 * false children; else any unknown → unknown; else true with the smallest
 * confidence. "minmax" keeps the truth table but takes the plain minimum.
 * `or` is the dual (swap T/F, largest/smallest).
 */
export function junction(kind: "and" | "or", children: readonly FormulaFn[], aggregation: Aggregation): FormulaFn {
  const decider: Truth = kind === "and" ? F : T; // the value that decides
  const absorbing: Truth = kind === "and" ? T : F; // the value that needs every child
  const minmax = aggregation === "minmax";
  const n = children.length;
  if (n === 1) return children[0]!;
  if (n === 2 && !minmax) return kleenePair(kind, children[0]!, children[1]!, decider, absorbing, children);
  return (ctx) => {
    if (ctx.atoms !== null) return junctionTraced(ctx, decider, absorbing, children, minmax, kind);
    let decided = -1; // best confidence among deciding children
    let sawUnknown = false;
    let unknownConf = 1;
    let allConf = 1; // least confidence among absorbing children (Kleene) / among all (minmax)
    let maxConf = 0;
    for (let i = 0; i < n; i++) {
      const t = children[i]!(ctx);
      const c = ctx.conf;
      if (c < allConf && (minmax || t === absorbing)) allConf = c;
      if (c > maxConf) maxConf = c;
      if (t === decider) {
        if (c > decided) decided = c;
        if (c >= 1 && !minmax) break;
      } else if (t === U) {
        sawUnknown = true;
        if (c < unknownConf) unknownConf = c;
      }
    }
    if (decided >= 0) {
      ctx.conf = minmax ? (kind === "and" ? allConf : maxConf) : decided;
      return decider;
    }
    if (sawUnknown) {
      ctx.conf = unknownConf;
      return U;
    }
    ctx.conf = minmax && kind === "or" ? maxConf : allConf;
    return absorbing;
  };
}

/** The common case, two children under Kleene aggregation, without the loop. */
function kleenePair(kind: "and" | "or", a: FormulaFn, b: FormulaFn, decider: Truth, absorbing: Truth, children: readonly FormulaFn[]): FormulaFn {
  return (ctx) => {
    if (ctx.atoms !== null) return junctionTraced(ctx, decider, absorbing, children, false, kind);
    const ta = a(ctx);
    const ca = ctx.conf;
    if (ta === decider && ca >= 1) return decider;
    const tb = b(ctx);
    const cb = ctx.conf;
    if (ta === decider) {
      ctx.conf = tb === decider && cb > ca ? cb : ca;
      return decider;
    }
    if (tb === decider) return decider; // ctx.conf is already b's
    if (ta === U || tb === U) {
      ctx.conf = ta === U ? (tb === U && cb < ca ? cb : ca) : cb;
      return U;
    }
    ctx.conf = ca < cb ? ca : cb;
    return absorbing;
  };
}

function junctionTraced(ctx: EvalContext, decider: Truth, absorbing: Truth, children: readonly FormulaFn[], minmax: boolean, kind: "and" | "or"): Truth {
  let best = -1;
  let bestWhy: number[] = [];
  const unknownWhy: number[] = [];
  const allWhy: number[] = [];
  let sawUnknown = false;
  let unknownConf = 1;
  let allConf = 1;
  let maxConf = 0;
  for (const child of children) {
    const t = child(ctx);
    const c = ctx.conf;
    const why = ctx.decisive;
    if (c < allConf && (minmax || t === absorbing)) allConf = c;
    if (c > maxConf) maxConf = c;
    if (t === decider) {
      if (c > best) {
        best = c;
        bestWhy = why;
      }
    } else if (t === U) {
      sawUnknown = true;
      unknownWhy.push(...why);
      if (c < unknownConf) unknownConf = c;
    } else allWhy.push(...why);
  }
  if (best >= 0) {
    ctx.conf = minmax ? (kind === "and" ? allConf : maxConf) : best;
    ctx.decisive = bestWhy;
    return decider;
  }
  if (sawUnknown) {
    ctx.conf = unknownConf;
    ctx.decisive = unknownWhy;
    return U;
  }
  ctx.conf = minmax && kind === "or" ? maxConf : allConf;
  ctx.decisive = allWhy;
  return absorbing;
}

export function negation(child: FormulaFn): FormulaFn {
  return (ctx) => {
    const t = child(ctx);
    return t === T ? F : t === F ? T : U;
  };
}

/**
 * `(forall (x T) φ)` / `(exists (x T) φ)` over the frame's objects of type T:
 * `and` / `or` over the instances. An empty domain makes forall true and
 * exists false, with full confidence.
 */
export function quantifier(kind: "forall" | "exists", variable: string, typeName: string, slot: number, body: FormulaFn, aggregation: Aggregation): FormulaFn {
  const empty: Truth = kind === "forall" ? T : F;
  const key = normalizeTypeKey(typeName);
  const junctionKind = kind === "forall" ? "and" : "or";
  // one instance closure, reading the object to bind from the domain being walked
  let domain: readonly SceneObject[] = [];
  let next = 0;
  const instance: FormulaFn = (c) => {
    const o = domain[next++]!;
    c.slots[slot] = o;
    if (c.atoms === null) return body(c);
    // name the object in the atoms this instance records: the witness or counterexample
    const from = c.atoms.length;
    const t = body(c);
    for (let i = from; i < c.atoms.length; i++) {
      const a = c.atoms[i]!;
      c.atoms[i] = { ...a, reason: `${variable} = ${o.id}: ${a.reason}` };
    }
    return t;
  };
  const instancesOf = new Map<number, FormulaFn>();
  return (ctx) => {
    const objects = ctx.frame.objectsOfTypeKey(key);
    if (objects.length === 0) {
      ctx.conf = 1;
      if (ctx.atoms !== null) ctx.decisive = [];
      return empty;
    }
    // a junction over n copies of the instance closure, built once per domain size
    let combined = instancesOf.get(objects.length);
    if (!combined) instancesOf.set(objects.length, (combined = junction(junctionKind, new Array<FormulaFn>(objects.length).fill(instance), aggregation)));
    const savedDomain = domain;
    const savedNext = next;
    const savedSlot = ctx.slots[slot];
    domain = objects;
    next = 0;
    const result = combined(ctx);
    domain = savedDomain;
    next = savedNext;
    ctx.slots[slot] = savedSlot;
    return result;
  };
}
