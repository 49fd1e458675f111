// Terms: literals, names resolved against each frame, attribute reads,
// arithmetic and distance. Each returns a value and sets ctx.conf.

import type { EvalContext, TermValue } from "../eval/context.js";
import type { SceneObject } from "../eval/frame.js";
import { distance } from "../eval/geometry.js";
import { normalizeTypeKey } from "../check/schema.js";
import type { IndexedFrame } from "../eval/scene-index.js";
import { formatValue, isSceneObject, type CompiledTerm } from "./compiled.js";

export function literalTerm(value: TermValue, text: string): CompiledTerm {
  return {
    fn: (ctx) => {
      ctx.conf = 1;
      return value;
    },
    describe: () => text,
    literal: true,
    value,
  };
}

/**
 * A bare name resolved on each frame (DESIGN.md "Names"): the trace's signal
 * of that name, else the object with that id, else the one object whose type
 * matches the name.
 */
export function globalNameTerm(name: string): CompiledTerm {
  const key = normalizeTypeKey(name);
  // a name resolves the same way for every constraint on a frame: remember the last frame's answer
  let lastFrame: IndexedFrame | undefined;
  let lastValue: TermValue;
  let lastConf = 0;
  let lastReason = "";
  const resolve = (ctx: EvalContext): TermValue => {
    const f = ctx.frame;
    const signal = f.frame.signals[name];
    // (a typeof check, not hasOwnProperty: `toString` must not find Object.prototype's)
    if (typeof signal === "boolean" || typeof signal === "number" || typeof signal === "string") {
      ctx.conf = 1;
      return signal;
    }
    const byId = f.objectById(name);
    if (byId !== undefined) return seen(ctx, byId);
    const ofType = f.objectsOfTypeKey(key);
    if (ofType.length === 1) return seen(ctx, ofType[0]!);
    ctx.conf = 0;
    ctx.unknownReason =
      ofType.length === 0
        ? `no signal, object or object of type ${name} in frame ${f.step}`
        : `${name} is ambiguous in frame ${f.step}: ${ofType.map((o) => o.id).join(", ")}`;
    return undefined;
  };
  let lastStale = false;
  const fn = (ctx: EvalContext): TermValue => {
    if (ctx.frame !== lastFrame) {
      lastFrame = ctx.frame;
      lastValue = resolve(ctx);
      lastConf = ctx.conf;
      lastReason = lastValue === undefined ? ctx.unknownReason : "";
      lastStale = isSceneObject(lastValue) && lastValue.lastSeen !== undefined;
    }
    ctx.conf = lastConf;
    if (lastValue === undefined) ctx.unknownReason = lastReason;
    else if (lastStale) ctx.staleSince = (lastValue as SceneObject).lastSeen!;
    return lastValue;
  };
  return { fn, describe: (ctx) => describeResolved(fn, ctx, name) };
}

/** An `(object name Type :id "…")` binding: by id when given, else by type. */
export function boundObjectTerm(name: string, id: string | undefined, typeName: string | undefined): CompiledTerm {
  const key = normalizeTypeKey(typeName ?? name);
  const fn = (ctx: EvalContext): TermValue => {
    const f = ctx.frame;
    if (id !== undefined) {
      const o = f.objectById(id);
      if (o !== undefined) return seen(ctx, o);
      ctx.conf = 0;
      ctx.unknownReason = `${name} (id ${id}) is not in frame ${f.step}`;
      return undefined;
    }
    const ofType = f.objectsOfTypeKey(key);
    if (ofType.length === 1) return seen(ctx, ofType[0]!);
    ctx.conf = 0;
    ctx.unknownReason =
      ofType.length === 0
        ? `no ${typeName ?? name} for ${name} in frame ${f.step}`
        : `${name} is ambiguous in frame ${f.step}: ${ofType.map((o) => o.id).join(", ")}; give its :id`;
    return undefined;
  };
  return { fn, describe: (ctx) => describeResolved(fn, ctx, name) };
}

/** A local slot: a quantifier variable or an action argument. */
export function slotTerm(name: string, slot: number): CompiledTerm {
  const fn = (ctx: EvalContext): TermValue => {
    const o = ctx.slots[slot];
    if (o === undefined) {
      ctx.conf = 0;
      ctx.unknownReason = `${name} is not in frame ${ctx.frame.step}`;
      return undefined;
    }
    return seen(ctx, o);
  };
  return { fn, describe: (ctx) => describeResolved(fn, ctx, name) };
}

/** An object read by a term: its confidence, and whether memory supplied it. */
function seen(ctx: EvalContext, o: SceneObject): SceneObject {
  ctx.conf = o.confidence;
  if (o.lastSeen !== undefined) ctx.staleSince = o.lastSeen;
  return o;
}

function describeResolved(fn: (ctx: EvalContext) => TermValue, ctx: EvalContext, name: string): string {
  const v = fn(ctx);
  return isSceneObject(v) ? v.id : name;
}

/** Fields every object has besides its `state`. */
function objectField(o: SceneObject, attr: string): TermValue {
  switch (attr) {
    case "id":
      return o.id;
    case "type":
      return o.type;
    case "position":
      return o.position;
    case "rotation":
      return o.rotation;
    case "velocity":
      return o.velocity;
    case "visible":
      return o.visible;
    case "confidence":
      return o.confidence;
    default:
      return undefined;
  }
}

/** `x.attr`: the object's state field, or one of its own fields. */
export function attributeTerm(base: CompiledTerm, attr: string): CompiledTerm {
  const fn = (ctx: EvalContext): TermValue => {
    const o = base.fn(ctx);
    if (o === undefined) return undefined;
    if (!isSceneObject(o)) {
      ctx.conf = 0;
      ctx.unknownReason = `${formatValue(o)} is not an object, so it has no ${attr}`;
      return undefined;
    }
    const v = Object.prototype.hasOwnProperty.call(o.state, attr) ? o.state[attr] : objectField(o, attr);
    if (v === undefined || v === null) {
      ctx.conf = 0;
      ctx.unknownReason = `${o.id} reports no ${attr} in frame ${ctx.frame.step}`;
      return undefined;
    }
    return v;
  };
  const subject = (ctx: EvalContext) => {
    const o = base.fn(ctx);
    return isSceneObject(o) ? { object: o.id, attr } : undefined;
  };
  return { fn, describe: (ctx) => `${base.describe(ctx)}.${attr}`, subject };
}

/** The whole dotted path is a signal name (`arm.speed`). */
export function signalPathTerm(path: string): CompiledTerm {
  return {
    fn: (ctx) => {
      const v = ctx.frame.frame.signals[path];
      if (typeof v !== "boolean" && typeof v !== "number" && typeof v !== "string") {
        ctx.conf = 0;
        ctx.unknownReason = `no signal ${path} in frame ${ctx.frame.step}`;
        return undefined;
      }
      ctx.conf = 1;
      return v;
    },
    describe: () => path,
  };
}

type NumOp = (a: number, b: number) => number;

const numOps: Record<string, NumOp> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
};

/** `(+ a b …)`, `(- a b)`, `(- a)`, `(* …)`, `(/ a b)`, `(abs a)`; confidence is the least of the operands'. */
export function arithmeticTerm(op: string, args: readonly CompiledTerm[], text: string): CompiledTerm {
  const fs = args.map((a) => a.fn);
  const combine = numOps[op];
  const fn = (ctx: EvalContext): TermValue => {
    let acc = 0;
    let conf = 1;
    for (let i = 0; i < fs.length; i++) {
      const v = fs[i]!(ctx);
      if (typeof v !== "number") {
        if (v !== undefined) ctx.unknownReason = `${op} needs numbers, got ${formatValue(v)}`;
        ctx.conf = 0;
        return undefined;
      }
      if (ctx.conf < conf) conf = ctx.conf;
      acc = i === 0 ? v : combine!(acc, v);
    }
    if (op === "abs") acc = Math.abs(acc);
    else if (op === "-" && fs.length === 1) acc = -acc;
    ctx.conf = conf;
    if (!Number.isFinite(acc)) {
      ctx.conf = 0;
      ctx.unknownReason = `${text} is not a finite number (division by zero?)`;
      return undefined;
    }
    return acc;
  };
  return { fn, describe: () => text };
}

/** `(distance a b)` between object positions. */
export function distanceTerm(a: CompiledTerm, b: CompiledTerm, text: string): CompiledTerm {
  const fn = (ctx: EvalContext): TermValue => {
    const oa = a.fn(ctx);
    const ca = ctx.conf;
    if (oa === undefined) return undefined;
    const ob = b.fn(ctx);
    const cb = ctx.conf;
    if (ob === undefined) return undefined;
    const pa = isSceneObject(oa) ? oa.position : undefined;
    const pb = isSceneObject(ob) ? ob.position : undefined;
    if (!pa || !pb) {
      ctx.conf = 0;
      ctx.unknownReason = `${!pa ? formatValue(oa) : formatValue(ob)} has no position in frame ${ctx.frame.step}`;
      return undefined;
    }
    ctx.conf = Math.min(ca, cb);
    return distance(pa, pb);
  };
  return { fn, describe: () => text, distanceOf: [a, b] };
}
