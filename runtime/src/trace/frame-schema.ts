// The JSONL trace format (DESIGN.md "Traces"): valibot schemas for the header
// line and for frame lines, the conversion of a validated line into the
// language's Frame model, and the mapping of validation issues to TraceErrors
// that name line, column and field.

import * as v from "valibot";
import type {
  Action,
  BBox,
  Frame,
  Relation,
  SceneObject,
  SignalValue,
  TraceHeader,
  Vec3,
} from "@craft/language";
import {
  TraceError,
  describeValue,
  formatPath,
  locateJsonPath,
  type PathSegment,
} from "./trace-error.js";

// ---------------------------------------------------------------------------
// What each field expects, in words. Messages read `expected <phrase>, got
// <value>`. The hand-written fast paths below never report errors themselves:
// a line they do not accept goes through the schemas, so every line that is
// wrong gets the same message whichever path it took.

export const EXPECT = {
  version: "1 (the trace format version this craft reads)",
  headerText: "a string",
  dt: "a finite number of seconds > 0",
  frameNumber: "a whole number >= 0 (the frame's step number)",
  time: "a finite number of seconds",
  finiteNumber: "a finite number",
  unit: "a number in [0, 1]",
  boolean: "true or false",
  string: "a string",
  vec3: "[x, y, z] (3 finite numbers)",
  numberArray: "an array of finite numbers",
  objectId: "a non-empty string (the object's id)",
  objectType: "a non-empty string (the object's type, e.g. \"Mug\")",
  stateValue: "a boolean, finite number, string or null",
  state: "an object of state fields, e.g. {\"isOpen\": true}",
  bbox: "a bounding box {\"min\": [x, y, z], \"max\": [x, y, z]}",
  object: "a scene object {\"id\": …, \"type\": …}",
  objects: "an array of scene objects",
  relation: "a relation {\"rel\": …, \"a\": …, \"b\": …}",
  relations: "an array of relations",
  relName: "a non-empty string (the relation's name, e.g. \"inside\")",
  endpoint: "a non-empty string (an object id)",
  action: "an action {\"name\": …, \"args\": […]} or null",
  actionName: "a non-empty string (the action's name)",
  actionArgs: "an array of strings",
  actionArg: "a string",
  signal: "a boolean, finite number or string (a signal value)",
  signals: "an object of signals, e.g. {\"speed\": 0.4}",
  header: "a header object {\"craft_trace\": 1, …}",
  frame: "a JSON object (one frame per line)",
} as const;

/** Said after errors about top-level fields that were taken for signals. */
export const SIGNAL_HINT =
  "fields of a frame other than t, time, action, objects, relations, signals and robot are signals";

/**
 * Top-level keys that are not plain signals: frame fields, the header's
 * marker, and "__proto__" (which a plain object cannot hold as its own key).
 * The signal-only fast paths leave lines with them to the general path.
 */
export function isReservedTopLevelKey(key: string): boolean {
  return FRAME_FIELDS.has(key) || key === "craft_trace" || key === "__proto__";
}

/** The fields of a frame line that are not signals. */
export const FRAME_FIELDS: ReadonlySet<string> = new Set([
  "t",
  "time",
  "action",
  "objects",
  "relations",
  "signals",
  "robot",
]);

// ---------------------------------------------------------------------------
// Schemas

const finiteNumber = (message: string) =>
  v.pipe(v.number(message), v.finite(message));

const nonEmptyString = (message: string) =>
  v.pipe(v.string(message), v.nonEmpty(message));

const Unit = v.pipe(
  v.number(EXPECT.unit),
  v.finite(EXPECT.unit),
  v.minValue(0, EXPECT.unit),
  v.maxValue(1, EXPECT.unit),
);

const Vec3Schema = v.pipe(
  v.array(finiteNumber(EXPECT.finiteNumber), EXPECT.vec3),
  v.length(3, EXPECT.vec3),
);

const NumberArray = v.array(finiteNumber(EXPECT.finiteNumber), EXPECT.numberArray);

export const SignalValueSchema = v.union(
  [v.boolean(), v.pipe(v.number(), v.finite(EXPECT.signal)), v.string()],
  EXPECT.signal,
);

const StateValue = v.union(
  [v.boolean(), v.pipe(v.number(), v.finite(EXPECT.stateValue)), v.string(), v.null()],
  EXPECT.stateValue,
);

// valibot's object and record schemas take arrays too; JSON objects only here
const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

const jsonObject = <const TSchema extends v.GenericSchema>(schema: TSchema, message: string) =>
  v.pipe(v.custom<unknown>(isPlainObject, message), schema);

export const BBoxSchema = v.strictObject({ min: Vec3Schema, max: Vec3Schema }, EXPECT.bbox);

export const SceneObjectSchema = v.strictObject(
  {
    id: nonEmptyString(EXPECT.objectId),
    type: nonEmptyString(EXPECT.objectType),
    state: v.optional(jsonObject(v.record(v.string(), StateValue, EXPECT.state), EXPECT.state)),
    position: v.optional(Vec3Schema),
    rotation: v.optional(Vec3Schema),
    velocity: v.optional(Vec3Schema),
    bbox: v.optional(jsonObject(BBoxSchema, EXPECT.bbox)),
    confidence: v.optional(Unit, 1),
    visible: v.optional(v.boolean(EXPECT.boolean), true),
  },
  EXPECT.object,
);

export const RelationSchema = v.strictObject(
  {
    rel: nonEmptyString(EXPECT.relName),
    a: nonEmptyString(EXPECT.endpoint),
    b: nonEmptyString(EXPECT.endpoint),
    confidence: v.optional(Unit, 1),
  },
  EXPECT.relation,
);

export const ActionSchema = v.strictObject(
  {
    name: nonEmptyString(EXPECT.actionName),
    args: v.optional(v.array(v.string(EXPECT.actionArg), EXPECT.actionArgs), []),
    success: v.optional(v.boolean(EXPECT.boolean)),
    errorMessage: v.optional(v.string(EXPECT.string)),
    vector: v.optional(NumberArray),
  },
  EXPECT.action,
);

/** A frame line; fields not named here are signals. */
export const FrameSchema = v.objectWithRest(
  {
    t: v.optional(
      v.pipe(
        v.number(EXPECT.frameNumber),
        v.finite(EXPECT.frameNumber),
        v.integer(EXPECT.frameNumber),
        v.minValue(0, EXPECT.frameNumber),
      ),
    ),
    time: v.optional(finiteNumber(EXPECT.time)),
    action: v.nullish(jsonObject(ActionSchema, EXPECT.action)),
    objects: v.optional(v.array(jsonObject(SceneObjectSchema, EXPECT.object), EXPECT.objects)),
    relations: v.optional(v.array(jsonObject(RelationSchema, EXPECT.relation), EXPECT.relations)),
    signals: v.optional(jsonObject(v.record(v.string(), SignalValueSchema, EXPECT.signals), EXPECT.signals)),
    robot: v.optional(NumberArray),
  },
  SignalValueSchema,
  EXPECT.frame,
);

/** The optional first line. Unknown header fields are allowed and ignored. */
export const HeaderSchema = v.looseObject(
  {
    craft_trace: v.literal(1, EXPECT.version),
    task: v.optional(v.string(EXPECT.headerText)),
    instruction: v.optional(v.string(EXPECT.headerText)),
    dt: v.optional(
      v.pipe(v.number(EXPECT.dt), v.finite(EXPECT.dt), v.gtValue(0, EXPECT.dt)),
    ),
    tensors: v.optional(v.string(EXPECT.headerText)),
  },
  EXPECT.header,
);

/** A scene object as written in a frame line that passed validation. */
interface ObjectLine {
  readonly id: string;
  readonly type: string;
  readonly state?: Readonly<Record<string, boolean | number | string | null>>;
  readonly position?: Vec3;
  readonly rotation?: Vec3;
  readonly velocity?: Vec3;
  readonly bbox?: BBox;
  readonly confidence?: number;
  readonly visible?: boolean;
}

interface RelationLine {
  readonly rel: string;
  readonly a: string;
  readonly b: string;
  readonly confidence?: number;
}

interface ActionLine {
  readonly name: string;
  readonly args?: readonly string[];
  readonly success?: boolean;
  readonly errorMessage?: string;
  readonly vector?: readonly number[];
}

/** A frame line that passed validation (signals are the other fields). */
interface FrameLine {
  readonly t?: number;
  readonly time?: number;
  readonly action?: ActionLine | null;
  readonly objects?: readonly ObjectLine[];
  readonly relations?: readonly RelationLine[];
  readonly signals?: Readonly<Record<string, SignalValue>>;
  readonly robot?: readonly number[];
}

// strict objects by their message, to list their fields in "unexpected field"
// errors and to find the phrase of a missing field
const OBJECT_SCHEMAS = new Map<string, { readonly entries: Readonly<Record<string, unknown>> }>([
  [EXPECT.bbox, BBoxSchema],
  [EXPECT.object, SceneObjectSchema],
  [EXPECT.relation, RelationSchema],
  [EXPECT.action, ActionSchema],
  [EXPECT.frame, FrameSchema],
  [EXPECT.header, HeaderSchema],
]);

// ---------------------------------------------------------------------------
// Context of one line and errors located in it

/** A format adapter for lines of another kind (e.g. AI2THOR metadata dumps). */
export interface LineAdapter {
  readonly name: string;
  /** whether this adapter reads the given parsed line */
  accepts(value: object): boolean;
  /** converts the line; throw `lineError(ctx, …)` for bad input */
  toFrame(value: object, ctx: LineContext): Frame;
  /**
   * The top-level keys that can make a flat line (one with no nested values)
   * this adapter's. Flat lines without them are read by the signal-line fast
   * path; an adapter that does not say turns that path off.
   */
  readonly flatLineKeys?: readonly string[];
}

/** What the converter of one line knows about where it is. */
export interface LineContext {
  /** the trace file as the user named it */
  readonly file: string;
  /** 1-based line number of the current line */
  line: number;
  /** the current line's text, for error columns */
  text: string;
  /** 0-based frame index of the current line (a header does not count) */
  index: number;
  /** the trace's header, if it has one */
  header: TraceHeader | undefined;
  /** ids of all objects seen in earlier frames of this trace */
  readonly seenIds: Set<string>;
  /** adapters tried, in order, before the native craft frame format */
  readonly adapters: readonly LineAdapter[];
}

export interface LineErrorDetail {
  readonly detail: string;
  readonly expected?: string;
  readonly found?: string;
}

/**
 * A TraceError at the field `path` of the current line, with the column of
 * that field's value (or of the innermost enclosing value, for a missing field).
 */
export function lineError(
  ctx: Pick<LineContext, "file" | "line" | "text">,
  path: readonly PathSegment[],
  problem: LineErrorDetail,
): TraceError {
  const at = locateJsonPath(ctx.text, path);
  return new TraceError({
    file: ctx.file,
    line: ctx.line,
    ...(at ? { column: at.offset + 1 } : {}),
    ...(path.length > 0 ? { field: formatPath(path) } : {}),
    ...problem,
  });
}

/** `expected <expected>, got <value>` at `path`, showing the value as written. */
export function expectedError(
  ctx: Pick<LineContext, "file" | "line" | "text">,
  path: readonly PathSegment[],
  expected: string,
  value: unknown,
  hint?: string,
): TraceError {
  const at = locateJsonPath(ctx.text, path);
  const found = describeValue(value, at?.complete ? at.raw : undefined);
  return new TraceError({
    file: ctx.file,
    line: ctx.line,
    ...(at ? { column: at.offset + 1 } : {}),
    ...(path.length > 0 ? { field: formatPath(path) } : {}),
    detail: `expected ${expected}, got ${found}${hint ? `; ${hint}` : ""}`,
    expected,
    found,
  });
}

function issueToError(
  issue: v.BaseIssue<unknown>,
  ctx: Pick<LineContext, "file" | "line" | "text">,
  topLevelHint: boolean,
): TraceError {
  const items = issue.path ?? [];
  const path: PathSegment[] = items.map((item) => item.key as PathSegment);
  const last = items[items.length - 1];
  if (last && last.origin === "key") {
    const schema = OBJECT_SCHEMAS.get(issue.message);
    const key = String(last.key);
    if (issue.expected === "never") {
      const fields = schema ? Object.keys(schema.entries).join(", ") : "";
      return lineError(ctx, path, {
        detail: `unexpected field "${key}"${fields ? `; expected only the fields ${fields}` : ""}`,
        expected: fields ? `one of ${fields}` : "no such field",
        found: `"${key}"`,
      });
    }
    const entry = schema?.entries[key] as { readonly message?: unknown } | undefined;
    const expected = typeof entry?.message === "string" ? entry.message : "a value";
    const found = describeValue(undefined);
    return lineError(ctx, path, { detail: `expected ${expected}, got ${found}`, expected, found });
  }
  const hint =
    topLevelHint && path.length === 1 && typeof path[0] === "string" && !FRAME_FIELDS.has(path[0])
      ? SIGNAL_HINT
      : undefined;
  return expectedError(ctx, path, issue.message, issue.input, hint);
}

// ---------------------------------------------------------------------------
// Header

/** Validates a header line (one with `craft_trace`) into a TraceHeader. */
export function parseHeader(value: object, ctx: Pick<LineContext, "file" | "line" | "text">): TraceHeader {
  const result = v.safeParse(HeaderSchema, value, { abortEarly: true });
  if (!result.success) throw issueToError(result.issues[0], ctx, false);
  const out = result.output;
  const header: { -readonly [K in keyof TraceHeader]: TraceHeader[K] } = {};
  if (out.task !== undefined) header.task = out.task;
  if (out.instruction !== undefined) header.instruction = out.instruction;
  if (out.dt !== undefined) header.dt = out.dt;
  if (out.tensors !== undefined) header.tensors = out.tensors;
  return header;
}

// ---------------------------------------------------------------------------
// Frames

const EMPTY_STATE: Readonly<Record<string, boolean | number | string | null>> = Object.freeze({});
const NO_OBJECTS: readonly SceneObject[] = Object.freeze([]);
const NO_RELATIONS: readonly Relation[] = Object.freeze([]);
const NO_ARGS: readonly string[] = Object.freeze([]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}

function isSignalValue(value: unknown): value is SignalValue {
  const k = typeof value;
  return k === "boolean" || k === "string" || (k === "number" && Number.isFinite(value));
}

function frameTime(t: number | undefined, time: number | undefined, ctx: LineContext): number | undefined {
  if (time !== undefined) return time;
  const dt = ctx.header?.dt;
  return dt === undefined ? undefined : (t ?? ctx.index) * dt;
}

function headerInFrame(ctx: LineContext): TraceError {
  return lineError(ctx, ["craft_trace"], {
    detail: "a header line (craft_trace) is allowed only as the first line of a trace",
  });
}

/**
 * The fast path for frames that hold only `t`, `time` and plain signals, such
 * as `{"time":3,"p":true,"q":false}`. Returns undefined for anything else,
 * including any invalid value: the general path then validates the line and
 * reports the error, so both paths say the same.
 */
function signalOnlyFrame(raw: Record<string, unknown>, ctx: LineContext): Frame | undefined {
  let t: number | undefined;
  let time: number | undefined;
  const signals: Record<string, SignalValue> = {};
  for (const key in raw) {
    const value = raw[key];
    if (key === "t") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) return undefined;
      t = value;
    } else if (key === "time") {
      if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
      time = value;
    } else if (isReservedTopLevelKey(key)) {
      return undefined;
    } else if (isSignalValue(value)) {
      signals[key] = value;
    } else return undefined;
  }
  return signalFrame(signals, t, time, ctx);
}

/**
 * A frame of plain signals only, with `t` and `time` as the line gave them
 * (`time` filled in from the header's dt when absent). Takes `signals` as is.
 */
export function signalFrame(
  signals: Record<string, SignalValue>,
  t: number | undefined,
  time: number | undefined,
  ctx: LineContext,
): Frame {
  return signalFrameAt(signals, t, frameTime(t, time, ctx));
}

/** A frame of plain signals only, at the given step number and time. */
export function signalFrameAt(signals: Record<string, SignalValue>, t: number | undefined, time: number | undefined): Frame {
  const frame: Mutable<Frame> = { objects: NO_OBJECTS, relations: NO_RELATIONS, signals };
  if (t !== undefined) frame.t = t;
  if (time !== undefined) frame.time = time;
  return frame;
}

// A hand-written check of a whole frame line, equivalent to FrameSchema for
// the lines it accepts (about twice as fast as valibot on object-rich frames).
// It may reject more than the schema (odd keys such as "__proto__"): a line it
// rejects goes through FrameSchema, which accepts it or says what is wrong.

function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function isNonEmptyString(x: unknown): x is string {
  return typeof x === "string" && x.length > 0;
}

function isUnit(x: unknown): boolean {
  return typeof x === "number" && x >= 0 && x <= 1;
}

function isVec3(x: unknown): boolean {
  return (
    Array.isArray(x) && x.length === 3 && isFiniteNumber(x[0]) && isFiniteNumber(x[1]) && isFiniteNumber(x[2])
  );
}

function isNumberArray(x: unknown): boolean {
  if (!Array.isArray(x)) return false;
  for (let i = 0; i < x.length; i++) if (!isFiniteNumber(x[i])) return false;
  return true;
}

function isStateRecord(x: unknown): boolean {
  if (!isPlainObject(x)) return false;
  for (const key in x) {
    if (key === "__proto__") return false;
    const value = x[key];
    if (value !== null && !isSignalValue(value)) return false;
  }
  return true;
}

function isSignalRecord(x: unknown): boolean {
  if (!isPlainObject(x)) return false;
  for (const key in x) if (key === "__proto__" || !isSignalValue(x[key])) return false;
  return true;
}

function isBBox(x: unknown): boolean {
  if (!isPlainObject(x)) return false;
  let n = 0;
  for (const key in x) {
    if ((key !== "min" && key !== "max") || !isVec3(x[key])) return false;
    n++;
  }
  return n === 2;
}

function isObjectLine(x: unknown): boolean {
  if (!isPlainObject(x)) return false;
  let hasId = false;
  let hasType = false;
  for (const key in x) {
    const value = x[key];
    switch (key) {
      case "id":
        if (!isNonEmptyString(value)) return false;
        hasId = true;
        break;
      case "type":
        if (!isNonEmptyString(value)) return false;
        hasType = true;
        break;
      case "state":
        if (!isStateRecord(value)) return false;
        break;
      case "position":
      case "rotation":
      case "velocity":
        if (!isVec3(value)) return false;
        break;
      case "bbox":
        if (!isBBox(value)) return false;
        break;
      case "confidence":
        if (!isUnit(value)) return false;
        break;
      case "visible":
        if (typeof value !== "boolean") return false;
        break;
      default:
        return false;
    }
  }
  return hasId && hasType;
}

function isRelationLine(x: unknown): boolean {
  if (!isPlainObject(x)) return false;
  let n = 0;
  for (const key in x) {
    const value = x[key];
    if (key === "rel" || key === "a" || key === "b") {
      if (!isNonEmptyString(value)) return false;
      n++;
    } else if (key !== "confidence" || !isUnit(value)) return false;
  }
  return n === 3;
}

function isActionLine(x: unknown): boolean {
  if (x === null) return true;
  if (!isPlainObject(x)) return false;
  let hasName = false;
  for (const key in x) {
    const value = x[key];
    switch (key) {
      case "name":
        if (!isNonEmptyString(value)) return false;
        hasName = true;
        break;
      case "args":
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return false;
        break;
      case "success":
        if (typeof value !== "boolean") return false;
        break;
      case "errorMessage":
        if (typeof value !== "string") return false;
        break;
      case "vector":
        if (!isNumberArray(value)) return false;
        break;
      default:
        return false;
    }
  }
  return hasName;
}

function isArrayOf(x: unknown, item: (y: unknown) => boolean): boolean {
  if (!Array.isArray(x)) return false;
  for (let i = 0; i < x.length; i++) if (!item(x[i])) return false;
  return true;
}

/**
 * Whether a parsed frame line is valid by a hand-written check that never
 * accepts what FrameSchema rejects. Exported for the equivalence tests.
 */
export function frameLineIsValidFast(raw: Record<string, unknown>): boolean {
  for (const key in raw) {
    const value = raw[key];
    switch (key) {
      case "t":
        if (typeof value !== "number" || !Number.isInteger(value) || value < 0) return false;
        break;
      case "time":
        if (!isFiniteNumber(value)) return false;
        break;
      case "action":
        if (!isActionLine(value)) return false;
        break;
      case "objects":
        if (!isArrayOf(value, isObjectLine)) return false;
        break;
      case "relations":
        if (!isArrayOf(value, isRelationLine)) return false;
        break;
      case "signals":
        if (!isSignalRecord(value)) return false;
        break;
      case "robot":
        if (!isNumberArray(value)) return false;
        break;
      default:
        if (key === "__proto__" || !isSignalValue(value)) return false;
    }
  }
  return true;
}

/** Validates a parsed frame line with FrameSchema; throws the first issue as a TraceError. */
export function validateFrameLine(raw: Record<string, unknown>, ctx: Pick<LineContext, "file" | "line" | "text">): void {
  const result = v.safeParse(FrameSchema, raw, { abortEarly: true });
  if (!result.success) throw issueToError(result.issues[0], ctx, true);
}

/** Signals of a validated frame: its plain top-level fields and `signals`. */
function collectSignals(raw: Record<string, unknown>, ctx: LineContext): Record<string, SignalValue> {
  const signals: Record<string, SignalValue> = {};
  // valibot skips a few keys (__proto__, prototype, constructor): check all here
  for (const key of Object.keys(raw)) {
    if (FRAME_FIELDS.has(key)) continue;
    if (key === "craft_trace") throw headerInFrame(ctx);
    const value = raw[key];
    if (!isSignalValue(value)) throw expectedError(ctx, [key], EXPECT.signal, value, SIGNAL_HINT);
    setOwn(signals, key, value);
  }
  const nested = raw["signals"] as Record<string, unknown> | undefined;
  if (nested !== undefined) {
    for (const key of Object.keys(nested)) {
      const value = nested[key];
      if (!isSignalValue(value)) throw expectedError(ctx, ["signals", key], EXPECT.signal, value);
      if (Object.prototype.hasOwnProperty.call(signals, key)) {
        throw lineError(ctx, ["signals", key], {
          detail: `signal "${key}" is given twice, at the top level and under "signals"`,
        });
      }
      setOwn(signals, key, value);
    }
  }
  return signals;
}

function toObject(raw: ObjectLine): SceneObject {
  const obj: Mutable<SceneObject> = {
    id: raw.id,
    type: raw.type,
    state: raw.state ?? EMPTY_STATE,
    confidence: raw.confidence ?? 1,
    visible: raw.visible ?? true,
  };
  if (raw.position !== undefined) obj.position = raw.position;
  if (raw.rotation !== undefined) obj.rotation = raw.rotation;
  if (raw.velocity !== undefined) obj.velocity = raw.velocity;
  if (raw.bbox !== undefined) obj.bbox = raw.bbox;
  return obj;
}

function toAction(raw: ActionLine): Action {
  const action: Mutable<Action> = { name: raw.name, args: raw.args ?? NO_ARGS };
  if (raw.success !== undefined) action.success = raw.success;
  if (raw.errorMessage !== undefined) action.errorMessage = raw.errorMessage;
  if (raw.vector !== undefined) action.vector = raw.vector;
  return action;
}

/**
 * Validates one parsed line of the native craft format and converts it into a
 * Frame. Values are taken from the parsed line itself (no copies of arrays or
 * state records); defaults are applied here. Throws TraceError.
 */
export function craftLineToFrame(value: object, ctx: LineContext): Frame {
  const raw = value as Record<string, unknown>;
  const fast = signalOnlyFrame(raw, ctx);
  if (fast !== undefined) return fast;

  const checkedFast = frameLineIsValidFast(raw);
  if (!checkedFast) validateFrameLine(raw, ctx);
  const line = raw as FrameLine;

  const signals = collectSignals(raw, ctx);

  let objects = NO_OBJECTS;
  const ids = new Map<string, number>();
  if (line.objects !== undefined && line.objects.length > 0) {
    const list: SceneObject[] = new Array(line.objects.length);
    for (let i = 0; i < line.objects.length; i++) {
      const obj = line.objects[i]!;
      const before = ids.get(obj.id);
      if (before !== undefined) {
        throw lineError(ctx, ["objects", i, "id"], {
          detail: `duplicate object id "${obj.id}" (also objects[${before}])`,
        });
      }
      ids.set(obj.id, i);
      // valibot's record schema skips a "__proto__" key; check it here
      if (!checkedFast && obj.state !== undefined && Object.prototype.hasOwnProperty.call(obj.state, "__proto__")) {
        const odd: unknown = obj.state["__proto__"];
        if (odd !== null && !isSignalValue(odd)) {
          throw expectedError(ctx, ["objects", i, "state", "__proto__"], EXPECT.stateValue, odd);
        }
      }
      list[i] = toObject(obj);
    }
    objects = list;
  }

  let relations = NO_RELATIONS;
  if (line.relations !== undefined && line.relations.length > 0) {
    const list: Relation[] = new Array(line.relations.length);
    for (let i = 0; i < line.relations.length; i++) {
      const rel = line.relations[i]!;
      for (const end of ["a", "b"] as const) {
        if (!ids.has(rel[end])) {
          throw lineError(ctx, ["relations", i, end], {
            detail: `unknown object id "${rel[end]}": a relation's endpoints must be objects of the same frame`,
          });
        }
      }
      list[i] = { rel: rel.rel, a: rel.a, b: rel.b, confidence: rel.confidence ?? 1 };
    }
    relations = list;
  }

  const frame: Mutable<Frame> = { objects, relations, signals };
  const t = line.t;
  if (t !== undefined) frame.t = t;
  const at = frameTime(t, line.time, ctx);
  if (at !== undefined) frame.time = at;

  if (line.action !== undefined && line.action !== null) {
    const args = line.action.args;
    // plain signal traces have no object ids; their actions take any strings
    if (args !== undefined && (ids.size > 0 || ctx.seenIds.size > 0)) {
      for (let i = 0; i < args.length; i++) {
        const arg = args[i]!;
        if (!ids.has(arg) && !ctx.seenIds.has(arg)) {
          throw lineError(ctx, ["action", "args", i], {
            detail: `unknown object id "${arg}": an action's arguments must be ids of objects in this or an earlier frame`,
          });
        }
      }
    }
    frame.action = toAction(line.action);
  }
  if (line.robot !== undefined) frame.robot = line.robot;
  return frame;
}
