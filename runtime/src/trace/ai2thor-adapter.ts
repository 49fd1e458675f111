// The AI2THOR adapter (DESIGN.md "Traces"): a trace line that is a raw
// AI2THOR `event.metadata` dump is read as a craft Frame.
//
// Field names follow AI2THOR's metadata as the simulator serialises it
// (`MetadataWrapper`, `ObjectMetadata`, `AgentMetadata`,
// `AxisAlignedBoundingBox` in unity/Assets/Scripts/AgentManager.cs, and the
// iTHOR "environment state" documentation): Unity writes a `Vector3` as
// `{"x":…, "y":…, "z":…}` and a box's `cornerPoints` as 8 rows of `[x, y, z]`.
//
// What is mapped, and how:
// - `objects[i]` → SceneObject: `objectId` → id, `objectType` → type,
//   `position`/`rotation` {x,y,z} → [x, y, z], `axisAlignedBoundingBox` →
//   bbox, `visible` → visible, confidence 1 (the simulator's ground truth),
//   every other scalar field → state under its AI2THOR name.
// - `objects[i].parentReceptacles` → `inside` / `on_top_of` relations.
// - `lastAction`, `lastActionSuccess`, `errorMessage` → the frame's action;
//   its arguments come from craft's recorder fields (see `readAction`).
// - `agent` → signals `agent.position.x`, `agent.cameraHorizon`, ….
// - time: the header's dt × the frame index, else the frame index.
//
// Left out: `objectOrientedBoundingBox` (craft boxes are axis-aligned), the
// array fields (`salientMaterials`, `receptacleObjectIds`,
// `controlledObjects`: a state value is a scalar), the other top-level fields
// (`sceneName`, `fov`, `screenWidth`, `inventoryObjects`, `actionReturn`, …),
// and multi-agent dumps (`{"agents": [metadata, …]}`).

import type { Action, BBox, Frame, Relation, SceneObject, SignalValue, Vec3 } from "@craft/language";
import { EXPECT, expectedError, lineError, type LineAdapter, type LineContext } from "./frame-schema.js";
import type { PathSegment } from "./trace-error.js";

// ---------------------------------------------------------------------------
// Receptacles

/**
 * Receptacle types that enclose what they hold: an object whose
 * `parentReceptacles` names one of these is `inside` it. Containers with walls
 * or a door (Fridge, Cabinet, Microwave), basins (Sink, SinkBasin, Bathtub),
 * and vessels (Pot, Pan, Bowl, Mug, Cup, Kettle).
 */
export const ENCLOSING_RECEPTACLE_TYPES: ReadonlySet<string> = new Set([
  "Fridge",
  "Microwave",
  "Cabinet",
  "Drawer",
  "Box",
  "Safe",
  "CoffeeMachine",
  "Sink",
  "SinkBasin",
  "Pot",
  "Pan",
  "Bowl",
  "Mug",
  "Cup",
  "GarbageCan",
  "Toaster",
  "LaundryHamper",
  "Bathtub",
  "BathtubBasin",
  "Kettle",
]);

/**
 * Receptacle types that support what they hold: an object whose
 * `parentReceptacles` names one of these is `on_top_of` it. A receptacle type
 * in neither list is taken as a support too (the common case for surfaces);
 * this list names the known ones.
 */
export const SUPPORTING_RECEPTACLE_TYPES: ReadonlySet<string> = new Set([
  "CounterTop",
  "DiningTable",
  "CoffeeTable",
  "SideTable",
  "Desk",
  "Dresser",
  "Shelf",
  "ShelvingUnit",
  "StoveBurner",
  "Chair",
  "ArmChair",
  "Sofa",
  "Bed",
  "Ottoman",
  "Footstool",
  "Stool",
  "TVStand",
  "Plate",
  "Cart",
  "DogBed",
  "Toilet",
  "ToiletPaperHanger",
  "TowelHolder",
  "HandTowelHolder",
  "Floor",
]);

/** The relation between an object and a receptacle of this type that holds it. */
export function receptacleRelation(receptacleType: string): "inside" | "on_top_of" {
  return ENCLOSING_RECEPTACLE_TYPES.has(receptacleType) ? "inside" : "on_top_of";
}

// ---------------------------------------------------------------------------
// Actions

/**
 * Values of `lastAction` that are not steps of the task: AI2THOR's
 * agent-manager actions (set-up, cameras, resolution) and the reachability
 * query. A line with one of these (or without `lastAction`) has no action.
 */
export const NON_STEP_ACTIONS: ReadonlySet<string> = new Set([
  "Initialize",
  "Reset",
  "GetReachablePositions",
  "AddThirdPartyCamera",
  "UpdateThirdPartyCamera",
  "ChangeResolution",
  "CoordinateFromRaycastThirdPartyCamera",
]);

// ---------------------------------------------------------------------------
// What each field expects, in words

const EXPECTS = {
  objects: "an array of AI2THOR object metadata",
  object: "an AI2THOR object {\"objectId\": …, \"objectType\": …, …}",
  objectId: "a non-empty string (the object's AI2THOR objectId)",
  objectType: "a non-empty string (the object's AI2THOR objectType, e.g. \"Mug\")",
  xyz: "{\"x\": …, \"y\": …, \"z\": …} (3 finite numbers)",
  aabb: "an axis-aligned box {\"cornerPoints\": […], \"center\": {x, y, z}, \"size\": {x, y, z}} or null",
  size: "a finite number >= 0 (a box size)",
  cornerPoints: "a non-empty array of corner points [x, y, z]",
  corner: "[x, y, z] (3 finite numbers)",
  parents: "an array of receptacle objectIds, or null",
  parent: "a string (a receptacle's objectId)",
  lastAction: "a string (the AI2THOR action's name), or null",
  errorMessage: "a string, or null",
  actionArgs: "an array of objectIds (strings)",
  actionArg: "a string (an objectId)",
  agent: "an object (AI2THOR agent metadata)",
} as const;

// ---------------------------------------------------------------------------
// Recognising a metadata dump

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Whether a parsed trace line is an AI2THOR `event.metadata` dump: its
 * `objects` array holds an entry with `objectId` or `objectType` (craft's own
 * frames name them `id` and `type`), or it has `lastAction` together with
 * `lastActionSuccess`. AI2THOR always writes the two together; asking for
 * both keeps a plain signal log with a signal called `lastAction` a craft frame.
 * An entry with only one of `objectId`/`objectType` still counts, so a broken
 * dump gets AI2THOR's error messages rather than craft's.
 */
export function isAi2thorMetadata(value: object): boolean {
  const raw = value as Record<string, unknown>;
  if (hasOwn(raw, "lastAction") && hasOwn(raw, "lastActionSuccess")) return true;
  const objects = raw["objects"];
  if (!Array.isArray(objects)) return false;
  for (const o of objects) {
    if (isPlainObject(o) && (hasOwn(o, "objectId") || hasOwn(o, "objectType"))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Fields

type Ctx = Pick<LineContext, "file" | "line" | "text">;
type StateValue = boolean | number | string | null;

function finite(value: unknown, ctx: Ctx, path: readonly PathSegment[], expected: string = EXPECT.finiteNumber): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw expectedError(ctx, path, expected, value);
  return value;
}

/** A Unity Vector3 `{x, y, z}` → `[x, y, z]`. */
function readXyz(value: unknown, ctx: Ctx, path: readonly PathSegment[]): Vec3 {
  if (!isPlainObject(value)) throw expectedError(ctx, path, EXPECTS.xyz, value);
  return [
    finite(value["x"], ctx, [...path, "x"]),
    finite(value["y"], ctx, [...path, "y"]),
    finite(value["z"], ctx, [...path, "z"]),
  ];
}

/**
 * `axisAlignedBoundingBox` → `{min, max}`: center ± size/2 when the box has
 * `center` and `size`, else the per-axis min and max of its `cornerPoints`.
 * Missing or null → no box (the evaluator then has no geometry for it).
 */
function readAabb(value: unknown, ctx: Ctx, path: readonly PathSegment[]): BBox | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw expectedError(ctx, path, EXPECTS.aabb, value);
  const center = value["center"];
  const size = value["size"];
  const corners = value["cornerPoints"];
  const hasCenter = center !== undefined && center !== null;
  const hasSize = size !== undefined && size !== null;
  if (hasCenter && hasSize) {
    const c = readXyz(center, ctx, [...path, "center"]);
    const sizePath = [...path, "size"];
    if (!isPlainObject(size)) throw expectedError(ctx, sizePath, EXPECTS.xyz, size);
    const half = (["x", "y", "z"] as const).map((k) => {
      const s = finite(size[k], ctx, [...sizePath, k], EXPECTS.size);
      if (s < 0) throw expectedError(ctx, [...sizePath, k], EXPECTS.size, s);
      return s / 2;
    });
    return {
      min: [c[0] - half[0]!, c[1] - half[1]!, c[2] - half[2]!],
      max: [c[0] + half[0]!, c[1] + half[1]!, c[2] + half[2]!],
    };
  }
  if (corners !== undefined && corners !== null) return boxOfCorners(corners, ctx, [...path, "cornerPoints"]);
  // neither a whole center/size pair nor corners: name what is missing
  const missing = hasCenter ? "size" : hasSize ? "center" : "cornerPoints";
  throw expectedError(ctx, [...path, missing], missing === "cornerPoints" ? EXPECTS.cornerPoints : EXPECTS.xyz, undefined);
}

function boxOfCorners(corners: unknown, ctx: Ctx, path: readonly PathSegment[]): BBox {
  if (!Array.isArray(corners) || corners.length === 0) throw expectedError(ctx, path, EXPECTS.cornerPoints, corners);
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < corners.length; i++) {
    const p: unknown = corners[i];
    if (!Array.isArray(p) || p.length !== 3) throw expectedError(ctx, [...path, i], EXPECTS.corner, p);
    for (let k = 0; k < 3; k++) {
      const v = finite(p[k], ctx, [...path, i, k]);
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  return { min: [min[0]!, min[1]!, min[2]!], max: [max[0]!, max[1]!, max[2]!] };
}

function nonEmptyString(value: unknown, ctx: Ctx, path: readonly PathSegment[], expected: string): string {
  if (typeof value !== "string" || value.length === 0) throw expectedError(ctx, path, expected, value);
  return value;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}

/**
 * Fields of an object's metadata that are not copied into `state`: those
 * mapped to SceneObject fields of their own (objectId → id, objectType →
 * type, visible), the geometric ones (position, rotation, the boxes), and the
 * array fields, which AI2THOR reports as null when empty: a null there is not
 * a state value, and leaving them out keeps an object's state fields the same
 * from frame to frame. `name` stays in state: the built-in schema lists it as
 * an attribute every object has (`x.name`).
 */
const NOT_STATE: ReadonlySet<string> = new Set([
  "objectId",
  "objectType",
  "visible",
  "position",
  "rotation",
  "axisAlignedBoundingBox",
  "objectOrientedBoundingBox",
  "salientMaterials",
  "receptacleObjectIds",
  "parentReceptacles",
  "controlledObjects",
]);

/**
 * The object's state: every field whose value is a boolean, a finite number,
 * a string or null, under its AI2THOR name (isOpen, openness, isToggled,
 * isFilledWithLiquid, fillLiquid, isDirty, temperature, mass, distance, the
 * capability flags openable, toggleable, …). Arrays and nested objects are not
 * state values and are left out.
 */
function readState(raw: Record<string, unknown>): Record<string, StateValue> {
  const state: Record<string, StateValue> = {};
  for (const key of Object.keys(raw)) {
    if (NOT_STATE.has(key)) continue;
    const v = raw[key];
    const k = typeof v;
    if (v === null || k === "boolean" || k === "string" || (k === "number" && Number.isFinite(v))) {
      setOwn(state, key, v);
    }
  }
  return state;
}

// ---------------------------------------------------------------------------
// Objects and relations

interface ObjectsRead {
  readonly objects: SceneObject[];
  readonly byId: Map<string, number>;
}

function readObjects(raw: Record<string, unknown>, ctx: Ctx): ObjectsRead {
  const list = raw["objects"];
  const byId = new Map<string, number>();
  if (list === undefined || list === null) return { objects: [], byId };
  if (!Array.isArray(list)) throw expectedError(ctx, ["objects"], EXPECTS.objects, list);
  const objects: SceneObject[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const o: unknown = list[i];
    const path = ["objects", i];
    if (!isPlainObject(o)) throw expectedError(ctx, path, EXPECTS.object, o);
    const id = nonEmptyString(o["objectId"], ctx, [...path, "objectId"], EXPECTS.objectId);
    const type = nonEmptyString(o["objectType"], ctx, [...path, "objectType"], EXPECTS.objectType);
    const before = byId.get(id);
    if (before !== undefined) {
      throw lineError(ctx, [...path, "objectId"], { detail: `duplicate objectId "${id}" (also objects[${before}])` });
    }
    byId.set(id, i);
    const visible = o["visible"];
    if (visible !== undefined && typeof visible !== "boolean") {
      throw expectedError(ctx, [...path, "visible"], EXPECT.boolean, visible);
    }
    const obj: { -readonly [K in keyof SceneObject]: SceneObject[K] } = {
      id,
      type,
      state: readState(o),
      // the simulator's metadata is ground truth, not a detection
      confidence: 1,
      visible: visible ?? true,
    };
    if (o["position"] !== undefined) obj.position = readXyz(o["position"], ctx, [...path, "position"]);
    if (o["rotation"] !== undefined) obj.rotation = readXyz(o["rotation"], ctx, [...path, "rotation"]);
    const bbox = readAabb(o["axisAlignedBoundingBox"], ctx, [...path, "axisAlignedBoundingBox"]);
    if (bbox !== undefined) obj.bbox = bbox;
    objects[i] = obj;
  }
  return { objects, byId };
}

/**
 * `parentReceptacles` → one edge per parent P of object O: `inside(O, P)` when
 * P's type encloses (ENCLOSING_RECEPTACLE_TYPES), else `on_top_of(O, P)`, with
 * confidence 1. AI2THOR may list receptacles that are not among the frame's
 * objects (the Floor, typically): those parents are skipped, as are an object
 * naming itself and repeated parents.
 */
function readRelations(list: readonly unknown[], { objects, byId }: ObjectsRead, ctx: Ctx): Relation[] {
  const relations: Relation[] = [];
  for (let i = 0; i < objects.length; i++) {
    const parents = (list[i] as Record<string, unknown>)["parentReceptacles"];
    if (parents === undefined || parents === null) continue;
    const path = ["objects", i, "parentReceptacles"];
    if (!Array.isArray(parents)) throw expectedError(ctx, path, EXPECTS.parents, parents);
    const a = objects[i]!.id;
    for (let j = 0; j < parents.length; j++) {
      const b: unknown = parents[j];
      if (typeof b !== "string") throw expectedError(ctx, [...path, j], EXPECTS.parent, b);
      const at = byId.get(b);
      if (at === undefined || b === a || parents.indexOf(b) < j) continue;
      relations.push({ rel: receptacleRelation(objects[at]!.type), a, b, confidence: 1 });
    }
  }
  return relations;
}

// ---------------------------------------------------------------------------
// Action

function checkArg(id: string, path: readonly PathSegment[], ids: ReadonlyMap<string, number>, ctx: LineContext): void {
  if (ids.size === 0 && ctx.seenIds.size === 0) return;
  if (!ids.has(id) && !ctx.seenIds.has(id)) {
    throw lineError(ctx, path, {
      detail: `unknown object id "${id}": an action's arguments must be objectIds of objects in this or an earlier frame`,
    });
  }
}

/**
 * `lastAction` + `lastActionSuccess` + `errorMessage` → the frame's action
 * (the action that led into this state, as in craft's own frames).
 *
 * AI2THOR's `lastAction` is only the action's name ("PutObject"); the
 * arguments it was called with are not in the metadata. craft's recorder
 * convention adds them to the dumped line: a top-level `actionArgs` array of
 * objectIds, in the order craft's action patterns name them
 * (`(PutObject mug coffee_machine)` → `["Mug|…", "CoffeeMachine|…"]`), or
 * else the step's own `objectId` and `receptacleObjectId` parameters, taken
 * in that order (object acted on, then receptacle, as AI2THOR 2.x's PutObject
 * names them). Without either the action has no arguments, so a pattern with
 * arguments does not match it.
 *
 * No action: a missing, null or empty `lastAction`, or one of NON_STEP_ACTIONS.
 * `errorMessage` is kept only when non-empty (AI2THOR reports "" on success).
 */
function readAction(raw: Record<string, unknown>, ids: ReadonlyMap<string, number>, ctx: LineContext): Action | undefined {
  const name = raw["lastAction"];
  if (name === undefined || name === null) return undefined;
  if (typeof name !== "string") throw expectedError(ctx, ["lastAction"], EXPECTS.lastAction, name);
  if (name === "" || NON_STEP_ACTIONS.has(name)) return undefined;

  const action: { -readonly [K in keyof Action]: Action[K] } = { name, args: [] };
  const success = raw["lastActionSuccess"];
  if (success !== undefined && success !== null) {
    if (typeof success !== "boolean") throw expectedError(ctx, ["lastActionSuccess"], EXPECT.boolean, success);
    action.success = success;
  }
  const message = raw["errorMessage"];
  if (message !== undefined && message !== null) {
    if (typeof message !== "string") throw expectedError(ctx, ["errorMessage"], EXPECTS.errorMessage, message);
    if (message !== "") action.errorMessage = message;
  }

  const listed = raw["actionArgs"];
  if (listed !== undefined && listed !== null) {
    if (!Array.isArray(listed)) throw expectedError(ctx, ["actionArgs"], EXPECTS.actionArgs, listed);
    const args: string[] = new Array(listed.length);
    for (let i = 0; i < listed.length; i++) {
      const arg: unknown = listed[i];
      if (typeof arg !== "string") throw expectedError(ctx, ["actionArgs", i], EXPECTS.actionArg, arg);
      checkArg(arg, ["actionArgs", i], ids, ctx);
      args[i] = arg;
    }
    action.args = args;
    return action;
  }
  const args: string[] = [];
  for (const key of ["objectId", "receptacleObjectId"] as const) {
    const arg = raw[key];
    if (arg === undefined || arg === null) continue;
    if (typeof arg !== "string") throw expectedError(ctx, [key], EXPECTS.actionArg, arg);
    checkArg(arg, [key], ids, ctx);
    args.push(arg);
  }
  action.args = args;
  return action;
}

// ---------------------------------------------------------------------------
// Agent

/**
 * `agent` → signals named by their path: a scalar field `cameraHorizon` →
 * `agent.cameraHorizon`, a Vector3 `position` → `agent.position.x`, `.y`,
 * `.z`. Null fields (`isStanding` for agents that cannot stand) and other
 * nested values are left out. Formulas read them as dotted signal names,
 * e.g. `(< agent.cameraHorizon 30)`.
 */
function readAgentSignals(raw: Record<string, unknown>, ctx: Ctx): Record<string, SignalValue> {
  const signals: Record<string, SignalValue> = {};
  const agent = raw["agent"];
  if (agent === undefined || agent === null) return signals;
  if (!isPlainObject(agent)) throw expectedError(ctx, ["agent"], EXPECTS.agent, agent);
  for (const key of Object.keys(agent)) {
    const v = agent[key];
    const k = typeof v;
    if (k === "boolean" || k === "string" || (k === "number" && Number.isFinite(v))) {
      setOwn(signals, `agent.${key}`, v);
    } else if (isPlainObject(v) && hasOwn(v, "x") && hasOwn(v, "y") && hasOwn(v, "z")) {
      const xyz = readXyz(v, ctx, ["agent", key]);
      signals[`agent.${key}.x`] = xyz[0];
      signals[`agent.${key}.y`] = xyz[1];
      signals[`agent.${key}.z`] = xyz[2];
    }
  }
  return signals;
}

// ---------------------------------------------------------------------------
// The adapter

/** Converts one AI2THOR metadata line into a Frame. Throws TraceError. */
export function ai2thorLineToFrame(value: object, ctx: LineContext): Frame {
  const raw = value as Record<string, unknown>;
  if (hasOwn(raw, "craft_trace")) {
    throw lineError(ctx, ["craft_trace"], {
      detail: "a header line (craft_trace) is allowed only as the first line of a trace",
    });
  }
  const read = readObjects(raw, ctx);
  const relations = read.objects.length > 0 ? readRelations(raw["objects"] as unknown[], read, ctx) : [];
  const signals = readAgentSignals(raw, ctx);
  const action = readAction(raw, read.byId, ctx);
  // AI2THOR metadata carries no timestamp of the step: the header's dt sets
  // the frame spacing; without one the frame index stands in (1 s a frame,
  // as the evaluator assumes for frames without a time).
  const dt = ctx.header?.dt;
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
    time: dt === undefined ? ctx.index : ctx.index * dt,
    objects: read.objects,
    relations,
    signals,
  };
  if (action !== undefined) frame.action = action;
  return frame;
}

/** Reads lines that are AI2THOR `event.metadata` dumps (see `isAi2thorMetadata`). */
export const ai2thorAdapter: LineAdapter = {
  name: "ai2thor",
  accepts: isAi2thorMetadata,
  toFrame: ai2thorLineToFrame,
  // a flat line is a dump only when it has both; `objects` is never flat
  flatLineKeys: ["lastAction", "lastActionSuccess"],
};
