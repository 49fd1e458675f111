// The AI2THOR adapter: raw `event.metadata` dumps read as craft frames, by
// default, through the JSONL reader; bad dumps give TraceErrors naming line
// and field; and constraint files check against such traces end to end.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Frame, SceneObject } from "@craft/language";
import { afterAll, describe, expect, it } from "vitest";
import { checkTrace } from "../src/check/check-runner.js";
import { constraintFileFromText, readConstraintFile } from "../src/check/constraint-file.js";
import {
  ENCLOSING_RECEPTACLE_TYPES,
  NON_STEP_ACTIONS,
  SUPPORTING_RECEPTACLE_TYPES,
  ai2thorAdapter,
  isAi2thorMetadata,
  receptacleRelation,
} from "../src/trace/ai2thor-adapter.js";
import { TraceError, openTrace, readTraceFile, readTraceText } from "../src/trace/jsonl-reader.js";
import { errorOf } from "./support/trace-errors.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/ai2thor/", import.meta.url));
const COFFEE = join(FIXTURES, "coffee.jsonl");
const FRIDGE = join(FIXTURES, "fridge.jsonl");

const MUG = "Mug|-01.76|+00.90|-00.62";
const COUNTER = "CounterTop|-00.08|+01.15|00.00";
const MACHINE = "CoffeeMachine|-01.98|+00.90|-00.19";
const MICROWAVE = "Microwave|-00.37|+01.11|+00.43";
const FRIDGE_ID = "Fridge|-02.10|+00.00|+01.07";

const dir = mkdtempSync(join(tmpdir(), "craft-ai2thor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function writeTemp(text: string, ext = "jsonl"): string {
  const path = join(dir, `t${fileNo++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

/** The non-blank lines of a fixture. */
function fixtureLines(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "");
}

type Json = Record<string, unknown>;
/** The fixture coffee.jsonl's lines, parsed (fresh copies). */
function coffeeDumps(): Json[] {
  return fixtureLines(COFFEE).map((l) => JSON.parse(l) as Json);
}
function objectsOf(dump: Json): Json[] {
  return dump["objects"] as Json[];
}

function byId(frame: Frame, id: string): SceneObject {
  const o = frame.objects.find((x) => x.id === id);
  if (!o) throw new Error(`test bug: no ${id} in frame`);
  return o;
}


/** The TraceError for a trace whose lines are the given dumps (JSON-encoded). */
function errorFor(dumps: readonly Json[]): { error: TraceError; lines: string[] } {
  const lines = dumps.map((d) => JSON.stringify(d));
  return { error: errorOf(() => readTraceText(lines.join("\n"), "ep.jsonl")), lines };
}

/** The text at the error's column of its line. */
function atColumn(lines: readonly string[], e: TraceError): string {
  expect(e.line).toBeDefined();
  expect(e.column).toBeDefined();
  return lines[e.line! - 1]!.slice(e.column! - 1);
}

// ---------------------------------------------------------------------------

describe("recognising AI2THOR metadata", () => {
  it("accepts metadata dumps and leaves craft's own frames alone", () => {
    for (const dump of coffeeDumps()) expect(isAi2thorMetadata(dump)).toBe(true);
    // objects with objectId/objectType, no lastAction
    expect(isAi2thorMetadata({ objects: [{ objectId: "Mug|1|2|3", objectType: "Mug" }] })).toBe(true);
    // a broken dump (an object with only one of the two) is still read as AI2THOR
    expect(isAi2thorMetadata({ objects: [{ objectType: "Mug" }] })).toBe(true);
    // lastAction with lastActionSuccess, no objects
    expect(isAi2thorMetadata({ lastAction: "MoveAhead", lastActionSuccess: true })).toBe(true);

    expect(isAi2thorMetadata({ objects: [{ id: "Mug_1", type: "Mug" }] })).toBe(false);
    expect(isAi2thorMetadata({ objects: [] })).toBe(false);
    expect(isAi2thorMetadata({ time: 3, p: true })).toBe(false);
    // a plain signal log may have a signal called lastAction
    expect(isAi2thorMetadata({ time: 1, lastAction: "grasp" })).toBe(false);
    expect(ai2thorAdapter.accepts({ time: 1, lastAction: "grasp" })).toBe(false);
    expect(ai2thorAdapter.name).toBe("ai2thor");
  });

  it("keeps the receptacle lists apart and names the relation for each type", () => {
    for (const t of ENCLOSING_RECEPTACLE_TYPES) expect(SUPPORTING_RECEPTACLE_TYPES.has(t)).toBe(false);
    expect(receptacleRelation("Fridge")).toBe("inside");
    expect(receptacleRelation("CoffeeMachine")).toBe("inside");
    expect(receptacleRelation("SinkBasin")).toBe("inside");
    expect(receptacleRelation("CounterTop")).toBe("on_top_of");
    expect(receptacleRelation("Plate")).toBe("on_top_of");
    // a type in neither list is a support
    expect(receptacleRelation("Pedestal")).toBe("on_top_of");
    expect(NON_STEP_ACTIONS.has("Initialize")).toBe(true);
  });
});

describe("reading an AI2THOR trace", () => {
  const { header, frames } = readTraceText(readFileSync(COFFEE, "utf8"), COFFEE);

  it("gives one frame per dump, timed by index without a header", () => {
    expect(header).toBeUndefined();
    expect(frames).toHaveLength(5);
    expect(frames.map((f) => f.time)).toEqual([0, 1, 2, 3, 4]);
    expect(frames.every((f) => f.t === undefined)).toBe(true);
  });

  it("maps objects: id, type, pose, box, visibility, confidence 1", () => {
    const f0 = frames[0]!;
    expect(f0.objects.map((o) => [o.id, o.type])).toEqual([
      [COUNTER, "CounterTop"],
      [MUG, "Mug"],
      [MACHINE, "CoffeeMachine"],
      [MICROWAVE, "Microwave"],
      [FRIDGE_ID, "Fridge"],
    ]);
    const mug = byId(f0, MUG);
    expect(mug.position).toEqual([-1.2, 0.91, 0.2]);
    expect(mug.rotation).toEqual([0, 0, 0]);
    expect(mug.confidence).toBe(1);
    expect(mug.visible).toBe(true);
    expect(mug.velocity).toBeUndefined();
    // center (-1.2, 0.96, 0.2) ± size (0.12, 0.1, 0.1) / 2
    const expectBox = (o: SceneObject, min: number[], max: number[]) => {
      for (let k = 0; k < 3; k++) {
        expect(o.bbox!.min[k]).toBeCloseTo(min[k]!, 9);
        expect(o.bbox!.max[k]).toBeCloseTo(max[k]!, 9);
      }
    };
    expectBox(mug, [-1.26, 0.91, 0.15], [-1.14, 1.01, 0.25]);
    expectBox(byId(f0, FRIDGE_ID), [1.8, 0, 0.695], [2.6, 1.8, 1.445]);
    expectBox(byId(f0, COUNTER), [-1.8, 0.85, -0.15], [1.2, 0.91, 0.55]);
    // the fridge is hidden once it closes on the mug in the other fixture; here all are visible
    expect(f0.objects.every((o) => o.visible)).toBe(true);
  });

  it("keeps every scalar field as state under its AI2THOR name", () => {
    const f0 = frames[0]!;
    const microwave = byId(f0, MICROWAVE).state;
    expect(microwave).toMatchObject({
      openable: true,
      isOpen: false,
      openness: 0,
      toggleable: true,
      isToggled: false,
      isHeatSource: true,
      receptacle: true,
      moveable: true,
      mass: 12,
      temperature: "RoomTemp",
      name: "Microwave_5a8e2d31",
      isInteractable: true,
      isMoving: false,
    });
    const mug = byId(f0, MUG).state;
    expect(mug).toMatchObject({
      isDirty: false,
      dirtyable: true,
      canFillWithLiquid: true,
      isFilledWithLiquid: false,
      fillLiquid: null,
      isPickedUp: false,
      pickupable: true,
      breakable: true,
      isBroken: false,
      canBeUsedUp: false,
      isUsedUp: false,
      cookable: false,
      isCooked: false,
      sliceable: false,
      isSliced: false,
      isColdSource: false,
      mass: 0.2,
    });
    expect(typeof mug["distance"]).toBe("number");
    // ids, visibility and geometry have fields of their own; arrays are not state values
    for (const left of [
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
    ]) {
      expect(Object.keys(mug)).not.toContain(left);
    }
    // AI2THOR reports an empty array field as null: still not state
    const counter = byId(f0, COUNTER).state;
    expect(counter["receptacle"]).toBe(true);
    for (const left of ["parentReceptacles", "controlledObjects", "salientMaterials"]) {
      expect(Object.keys(counter)).not.toContain(left);
    }
    // every object carries the same state fields
    const fields = Object.keys(mug).sort();
    for (const o of f0.objects) expect(Object.keys(o.state).sort()).toEqual(fields);
    // state changes across frames
    expect(byId(frames[1]!, MUG).state["isPickedUp"]).toBe(true);
    expect(byId(frames[3]!, MACHINE).state["isToggled"]).toBe(true);
    expect(byId(frames[3]!, MUG).state).toMatchObject({ isFilledWithLiquid: true, fillLiquid: "coffee", temperature: "Hot" });
  });

  it("turns parentReceptacles into inside / on_top_of edges, skipping the Floor", () => {
    const edges = (f: Frame) => f.relations.map((r) => `${r.rel}(${r.a}, ${r.b}) ${r.confidence}`);
    expect(edges(frames[0]!)).toEqual([
      `on_top_of(${MUG}, ${COUNTER}) 1`,
      `on_top_of(${MACHINE}, ${COUNTER}) 1`,
      `on_top_of(${MICROWAVE}, ${COUNTER}) 1`,
    ]);
    // held: the mug has no parent
    expect(edges(frames[1]!)).not.toContainEqual(expect.stringContaining(MUG));
    // in the machine, which stands on the counter: AI2THOR lists both
    expect(edges(frames[2]!)).toEqual([
      `inside(${MUG}, ${MACHINE}) 1`,
      `on_top_of(${MUG}, ${COUNTER}) 1`,
      `on_top_of(${MACHINE}, ${COUNTER}) 1`,
      `on_top_of(${MICROWAVE}, ${COUNTER}) 1`,
    ]);
    // the fridge's parent is the Floor, which is not among the objects
    for (const f of frames) expect(f.relations.some((r) => r.a === FRIDGE_ID)).toBe(false);
  });

  it("reads actions from lastAction, lastActionSuccess, errorMessage and the recorder's fields", () => {
    expect(frames[0]!.action).toBeUndefined(); // Initialize
    expect(frames[1]!.action).toEqual({ name: "PickupObject", args: [MUG], success: true });
    expect(frames[2]!.action).toEqual({ name: "PutObject", args: [MUG, MACHINE], success: true });
    expect(frames[3]!.action).toEqual({ name: "ToggleObjectOn", args: [MACHINE], success: true });
    expect(frames[4]!.action).toEqual({
      name: "OpenObject",
      args: [FRIDGE_ID],
      success: false,
      errorMessage: `${FRIDGE_ID} is not visible`,
    });
  });

  it("reads the agent's pose as dotted signals", () => {
    expect(frames[0]!.signals).toEqual({
      "agent.name": "agent",
      "agent.position.x": -0.75,
      "agent.position.y": 0.9009,
      "agent.position.z": -0.25,
      "agent.rotation.x": 0,
      "agent.rotation.y": 90,
      "agent.rotation.z": 0,
      "agent.cameraHorizon": 30,
      "agent.isStanding": true,
      "agent.inHighFrictionArea": false,
    });
    expect(frames[4]!.signals["agent.rotation.y"]).toBe(180);
    expect(frames[4]!.signals["agent.cameraHorizon"]).toBe(0);
  });

  it("has no action without lastAction, or for set-up actions, or with an empty name", () => {
    const [d] = coffeeDumps();
    const noAction = (mut: (x: Json) => void) => {
      const x = structuredClone(d!);
      mut(x);
      return readTraceText(JSON.stringify(x), "ep.jsonl").frames[0]!.action;
    };
    expect(noAction((x) => delete x["lastAction"])).toBeUndefined();
    expect(noAction((x) => (x["lastAction"] = null))).toBeUndefined();
    expect(noAction((x) => (x["lastAction"] = ""))).toBeUndefined();
    expect(noAction((x) => (x["lastAction"] = "Reset"))).toBeUndefined();
    expect(noAction((x) => (x["lastAction"] = "GetReachablePositions"))).toBeUndefined();
    expect(noAction((x) => (x["lastAction"] = "MoveAhead"))).toEqual({ name: "MoveAhead", args: [], success: true });
  });

  it("takes the box from cornerPoints when it has no center and size", () => {
    const [d] = coffeeDumps();
    const mug = objectsOf(d!)[1]!;
    const box = mug["axisAlignedBoundingBox"] as Json;
    delete box["center"];
    delete box["size"];
    // a null box gives no box
    (objectsOf(d!)[0]!)["axisAlignedBoundingBox"] = null;
    const f = readTraceText(JSON.stringify(d), "ep.jsonl").frames[0]!;
    expect(byId(f, MUG).bbox).toEqual({ min: [-1.26, 0.91, 0.15], max: [-1.14, 1.01, 0.25] });
    expect(byId(f, COUNTER).bbox).toBeUndefined();
  });
});

describe("AI2THOR lines after a craft header", () => {
  it("streams them through openTrace, timed by the header's dt, with actionArgs", async () => {
    const stream = await openTrace(FRIDGE);
    expect(stream.header).toEqual({ task: "chill_mug", instruction: "put the mug in the fridge", dt: 0.5 });
    const frames: Frame[] = [];
    for await (const f of stream.frames) frames.push(f);
    expect(frames).toHaveLength(6);
    expect(frames.map((f) => f.time)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(frames.map((f) => f.action && `${f.action.name}(${f.action.args.join(", ")}) ${f.action.success}`)).toEqual([
      undefined,
      `PickupObject(${MUG}) true`,
      `PutObject(${MUG}, ${FRIDGE_ID}) false`,
      `OpenObject(${FRIDGE_ID}) true`,
      `PutObject(${MUG}, ${FRIDGE_ID}) true`,
      `CloseObject(${FRIDGE_ID}) true`,
    ]);
    expect(frames[2]!.action!.errorMessage).toBe(`${FRIDGE_ID} is not open`);
    const last = frames[5]!;
    expect(last.relations).toContainEqual({ rel: "inside", a: MUG, b: FRIDGE_ID, confidence: 1 });
    // the closed fridge hides the mug
    expect(byId(last, MUG).visible).toBe(false);
    expect(byId(last, MUG).state["temperature"]).toBe("Cold");
    expect(byId(last, FRIDGE_ID).state).toMatchObject({ isOpen: false, openness: 0 });
    expect(byId(frames[3]!, FRIDGE_ID).state).toMatchObject({ isOpen: true, openness: 1 });
  });

  it("mixes AI2THOR dumps and craft's own frames in one trace", () => {
    const [d0, d1] = coffeeDumps();
    const native = { t: 2, action: { name: "PutObject", args: [MUG, MACHINE] }, objects: [{ id: MUG, type: "Mug", state: { isDirty: true } }] };
    const text = [JSON.stringify({ craft_trace: 1, dt: 0.25 }), JSON.stringify(d0), JSON.stringify(d1), JSON.stringify(native)].join("\n");
    const { header, frames } = readTraceText(text, "mixed.jsonl");
    expect(header).toEqual({ dt: 0.25 });
    expect(frames).toHaveLength(3);
    expect(frames[1]!.time).toBe(0.25);
    expect(frames[2]!.time).toBe(0.5);
    expect(frames[2]!.objects[0]!.state).toEqual({ isDirty: true });
  });

  it("is the default adapter; passing adapters replaces it", () => {
    const [d0] = coffeeDumps();
    const line = JSON.stringify(d0);
    expect(readTraceText(line, "ep.jsonl").frames[0]!.objects).toHaveLength(5);
    expect(readTraceText(line, "ep.jsonl", { adapters: [ai2thorAdapter] }).frames[0]!.objects).toHaveLength(5);
    // with no adapters the line is read as a craft frame, which it is not
    const e = errorOf(() => readTraceText(line, "ep.jsonl", { adapters: [] }));
    expect(e.line).toBe(1);
    expect(e.field).toMatch(/^objects\[0\]/);
  });

  it("reads a whole AI2THOR file with readTraceFile", async () => {
    const { frames } = await readTraceFile(COFFEE, { chunkSize: 4096 });
    expect(frames).toEqual(readTraceText(readFileSync(COFFEE, "utf8"), COFFEE).frames);
  });
});

describe("bad AI2THOR lines", () => {
  it("names the object missing its objectType, on the right line", () => {
    const dumps = coffeeDumps();
    delete objectsOf(dumps[2]!)[1]!["objectType"];
    const { error, lines } = errorFor(dumps);
    expect(error.file).toBe("ep.jsonl");
    expect(error.line).toBe(3);
    expect(error.field).toBe("objects[1].objectType");
    expect(error.detail).toContain("expected a non-empty string (the object's AI2THOR objectType");
    expect(error.found).toBe("nothing (the field is missing)");
    // the column points at the object that lacks the field
    expect(atColumn(lines, error).startsWith('{"name":"Mug_6c2b7f10"')).toBe(true);
    expect(error.message).toMatch(/^ep\.jsonl:3:\d+: objects\[1\]\.objectType: expected /);
  });

  it("names an objectId that is not a string, or repeated", () => {
    const dumps = coffeeDumps();
    objectsOf(dumps[0]!)[3]!["objectId"] = 42;
    const { error, lines } = errorFor(dumps);
    expect([error.line, error.field, error.found]).toEqual([1, "objects[3].objectId", "42"]);
    expect(atColumn(lines, error).startsWith("42")).toBe(true);

    const again = coffeeDumps();
    objectsOf(again[1]!)[4]!["objectId"] = MUG;
    const dup = errorFor(again).error;
    expect([dup.line, dup.field]).toEqual([2, "objects[4].objectId"]);
    expect(dup.detail).toBe(`duplicate objectId "${MUG}" (also objects[1])`);
  });

  it("names a position component that is not a finite number", () => {
    const dumps = coffeeDumps();
    (objectsOf(dumps[3]!)[3]!["position"] as Json)["y"] = "0.91";
    const { error, lines } = errorFor(dumps);
    expect([error.line, error.field]).toEqual([4, "objects[3].position.y"]);
    expect(error.detail).toBe('expected a finite number, got "0.91"');
    expect(atColumn(lines, error).startsWith('"0.91"')).toBe(true);
  });

  it("names a position or rotation that is not {x, y, z}", () => {
    const dumps = coffeeDumps();
    objectsOf(dumps[1]!)[0]!["rotation"] = [0, 90, 0];
    const { error } = errorFor(dumps);
    expect([error.line, error.field]).toEqual([2, "objects[0].rotation"]);
    expect(error.detail).toBe('expected {"x": …, "y": …, "z": …} (3 finite numbers), got [0,90,0]');

    const missing = coffeeDumps();
    delete (objectsOf(missing[0]!)[2]!["position"] as Json)["z"];
    const e = errorFor(missing).error;
    expect([e.line, e.field, e.found]).toEqual([1, "objects[2].position.z", "nothing (the field is missing)"]);
  });

  it("names bad bounding boxes", () => {
    const negative = coffeeDumps();
    ((objectsOf(negative[0]!)[1]!["axisAlignedBoundingBox"] as Json)["size"] as Json)["x"] = -0.1;
    const e1 = errorFor(negative).error;
    expect([e1.line, e1.field]).toEqual([1, "objects[1].axisAlignedBoundingBox.size.x"]);
    expect(e1.expected).toBe("a finite number >= 0 (a box size)");

    const corner = coffeeDumps();
    const box = objectsOf(corner[1]!)[0]!["axisAlignedBoundingBox"] as Json;
    delete box["center"];
    (box["cornerPoints"] as unknown[][])[2] = [1, 2];
    const e2 = errorFor(corner).error;
    expect([e2.line, e2.field]).toEqual([2, "objects[0].axisAlignedBoundingBox.cornerPoints[2]"]);
    expect(e2.detail).toBe("expected [x, y, z] (3 finite numbers), got [1,2]");

    const nothing = coffeeDumps();
    objectsOf(nothing[0]!)[4]!["axisAlignedBoundingBox"] = { center: { x: 0, y: 0, z: 0 } };
    const e3 = errorFor(nothing).error;
    expect([e3.line, e3.field]).toEqual([1, "objects[4].axisAlignedBoundingBox.size"]);
  });

  it("names bad parentReceptacles, visible, objects and action fields", () => {
    const cases: [string, (d: Json[]) => void, number, string][] = [
      ["parents", (d) => (objectsOf(d[1]!)[1]!["parentReceptacles"] = COUNTER), 2, "objects[1].parentReceptacles"],
      ["parent", (d) => (objectsOf(d[0]!)[1]!["parentReceptacles"] = [7]), 1, "objects[1].parentReceptacles[0]"],
      ["visible", (d) => (objectsOf(d[2]!)[2]!["visible"] = "yes"), 3, "objects[2].visible"],
      ["objects", (d) => (d[1]!["objects"] = { mug: 1 }), 2, "objects"],
      ["object", (d) => ((objectsOf(d[1]!) as unknown[])[2] = "Mug"), 2, "objects[2]"],
      ["lastAction", (d) => (d[3]!["lastAction"] = 5), 4, "lastAction"],
      ["success", (d) => (d[3]!["lastActionSuccess"] = "true"), 4, "lastActionSuccess"],
      ["errorMessage", (d) => (d[4]!["errorMessage"] = false), 5, "errorMessage"],
      ["actionArgs", (d) => (d[2]!["actionArgs"] = MUG), 3, "actionArgs"],
      ["actionArg", (d) => (d[2]!["actionArgs"] = [MUG, 3]), 3, "actionArgs[1]"],
      ["unknown arg", (d) => (d[2]!["actionArgs"] = [MUG, "Sink|+00.00|+00.00|+00.00"]), 3, "actionArgs[1]"],
      ["objectId", (d) => (d[1]!["objectId"] = "Mug"), 2, "objectId"],
      ["receptacleObjectId", (d) => (d[2]!["receptacleObjectId"] = ["x"]), 3, "receptacleObjectId"],
      ["agent", (d) => (d[0]!["agent"] = "agent"), 1, "agent"],
      ["agent position", (d) => ((d[0]!["agent"] as Json)["position"] = { x: 0, y: "1", z: 0 }), 1, "agent.position.y"],
    ];
    for (const [label, mutate, line, field] of cases) {
      const dumps = coffeeDumps();
      mutate(dumps);
      const { error } = errorFor(dumps);
      expect([label, error.line, error.field], label).toEqual([label, line, field]);
      expect(error.column, label).toBeGreaterThan(0);
    }
    const dumps = coffeeDumps();
    dumps[2]!["actionArgs"] = [MUG, "Sink|+00.00|+00.00|+00.00"];
    expect(errorFor(dumps).error.detail).toBe(
      'unknown object id "Sink|+00.00|+00.00|+00.00": an action\'s arguments must be objectIds of objects in this or an earlier frame',
    );
  });

  it("rejects a header line in the middle of an AI2THOR trace", () => {
    const dumps = coffeeDumps();
    dumps[1]!["craft_trace"] = 1;
    const { error } = errorFor(dumps);
    expect([error.line, error.field]).toEqual([2, "craft_trace"]);
  });

  it("fails the stream after the good frames, at the bad line", async () => {
    const dumps = coffeeDumps();
    (objectsOf(dumps[3]!)[0]!["position"] as Json)["x"] = null;
    const path = writeTemp(dumps.map((d) => JSON.stringify(d)).join("\n"));
    const stream = await openTrace(path);
    let read = 0;
    let caught: unknown;
    try {
      for await (const _ of stream.frames) read++;
    } catch (e) {
      caught = e;
    }
    expect(read).toBe(3);
    expect(caught).toBeInstanceOf(TraceError);
    expect((caught as TraceError).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:\\d+: objects\\[0\\]\\.position\\.x: expected a finite number, got null$`));
  });
});

describe("checking constraints against AI2THOR traces", () => {
  const verdicts = (r: { results: readonly { id: string; step: number | null; status: string }[] }) =>
    r.results.map((v) => `${v.id}@${v.step} ${v.status}`);

  it("coffee: pre/post at the matching actions, goals at the end, an invariant on the agent's pose", async () => {
    const file = await readConstraintFile(join(FIXTURES, "coffee.craft"));
    const warnings: string[] = [];
    const r = await checkTrace([file], COFFEE, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(r.frames).toBe(5);
    expect(verdicts(r)).toEqual([
      "C7@0 SATISFIED",
      "C7@1 SATISFIED",
      "C1@2 VIOLATED", // AI2THOR reports isOpen false on a CoffeeMachine
      "C2@2 SATISFIED",
      "C7@2 SATISFIED",
      "C3@3 SATISFIED",
      "C4@3 SATISFIED",
      "C7@3 SATISFIED",
      "C5@4 SATISFIED",
      "C6@4 VIOLATED",
      "C7@4 SATISFIED",
    ]);
    expect(r.summary).toEqual({ SATISFIED: 9, VIOLATED: 2, UNCERTAIN: 0, SKIP: 0 });
    const c1 = r.results.find((v) => v.id === "C1")!;
    expect(c1.action).toBe(`PutObject(${MUG}, ${MACHINE})`);
    expect(c1.confidence).toBe(1);
    // the inside edge came from parentReceptacles
    const c3 = r.results.find((v) => v.id === "C3")!;
    expect(c3.atoms.some((a) => a.source === "edge_relation")).toBe(true);
  });

  it("fridge: a failed PutObject into the closed fridge, then a good one; the goal holds", async () => {
    const file = await readConstraintFile(join(FIXTURES, "fridge.craft"));
    const r = await checkTrace([file], FRIDGE);
    expect(r.frames).toBe(6);
    expect(verdicts(r)).toEqual(["F1@2 VIOLATED", "F1@4 SATISFIED", "F2@5 SATISFIED", "F3@5 SATISFIED"]);
    expect(r.results[0]!.action).toBe(`PutObject(${MUG}, ${FRIDGE_ID}) [failed]`);
  });

  it("a goal written inline: (inside mug fridge) fails on the coffee trace", async () => {
    const file = constraintFileFromText("inline.craft", "(constraint G :type goal (inside mug fridge))\n");
    const r = await checkTrace([file], COFFEE);
    expect(verdicts(r)).toEqual(["G@4 VIOLATED"]);
  });
});
