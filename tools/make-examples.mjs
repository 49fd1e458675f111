#!/usr/bin/env node
// Writes the example traces under examples/*/traces/ from a tiny kitchen
// simulator. The simulator applies AI2THOR-style actions (MoveAhead,
// PickupObject, PutObject, OpenObject, ToggleObjectOn, …) to a scene and
// records one JSONL frame per state, in the format of DESIGN.md "Traces".
//
//   node tools/make-examples.mjs           rewrite the traces
//   node tools/make-examples.mjs --check   exit 1 if a trace on disk differs
//
// Output is deterministic: detection confidences come from a hash of
// (task, trace, frame, object), never from Math.random, and every number is rounded
// before it is printed, so the committed traces reproduce byte for byte.
//
// The .craft files, expected.json files and README.md under examples/ are
// written by hand; this script only produces the traces they are checked
// against. When you change a trace here, re-derive its expected verdicts by
// hand (see examples/README.md): they are the test oracle for the checker.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeOrCheck } from "./generated-files.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLES = join(ROOT, "examples");

// ---------------------------------------------------------------------------
// Numbers and deterministic noise

const round = (x, digits = 3) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

/** FNV-1a over the string, then one round of an integer mixer: a value in [0, 1). */
function hash01(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * A detector's confidence: a per-object level in [0.88, 0.97] that jitters by
 * up to ±0.02 from frame to frame, kept inside [0.85, 0.99] — well above the
 * checker's default θ = 0.7, so verdicts come out SATISFIED or VIOLATED.
 */
function detectionConfidence(key, t) {
  const base = 0.88 + 0.09 * hash01(`base|${key}`);
  const jitter = 0.04 * (hash01(`frame|${key}|${t}`) - 0.5);
  return round(Math.min(0.99, Math.max(0.85, base + jitter)), 2);
}

// ---------------------------------------------------------------------------
// The kitchen
//
// AI2THOR conventions: metres, y up; the counter runs along x at the back of
// the room (z from 1.5 to 2.1), the robot stands in front of it facing +z and
// strafes along x on a 0.5 m grid. An object's `position` is its bounding-box
// centre. Every support and containment relation the simulator knows is
// written as an explicit edge, and bounding boxes agree with the edges: an
// object `inside` a receptacle lies within its box, one `on_top_of` a surface
// rests on its top face, and objects not related keep clear of each other.

const GRID = 0.5;
const HAND_HEIGHT = 1.1;
const HAND_REACH = 0.35;

/** Types whose contents cannot be seen while they are closed. */
const HIDES_CONTENTS = new Set(["Cabinet", "Fridge", "Drawer"]);

/** The AI2THOR state fields each type reports, with their initial values. */
const STATE_FIELDS = {
  Mug: { isDirty: false, isFilledWithLiquid: false, fillLiquid: null, isPickedUp: false, isBroken: false, temperature: "RoomTemp" },
  Kettle: { isFilledWithLiquid: false, fillLiquid: null, isPickedUp: false, temperature: "RoomTemp" },
  Apple: { isSliced: false, isCooked: false, isPickedUp: false, temperature: "RoomTemp" },
  Bread: { isSliced: false, isCooked: false, isPickedUp: false },
  CoffeeMachine: { isOpen: false, isToggled: false },
  Microwave: { isOpen: false, isToggled: false },
  Cabinet: { isOpen: false },
  Fridge: { isOpen: false },
  Faucet: { isToggled: false },
  StoveBurner: { isToggled: false },
  StoveKnob: { isToggled: false },
  CounterTop: {},
  Sink: {},
  SinkBasin: {},
};

/**
 * Fixtures and appliances: id -> [type, bbox min, bbox max, receptacle].
 * A receptacle says how things are put into it: the relation, where on it
 * (x, z), the height of its floor (surfaces: their top face), and the other
 * objects that then contain the thing too (AI2THOR lists a SinkBasin's Sink
 * among an object's parentReceptacles).
 */
const FIXTURES = {
  CounterTop_1: ["CounterTop", [-1.5, 0.86, 1.5], [1.5, 0.9, 2.1], { rel: "on_top_of", at: [0.0, 1.7] }],
  Cabinet_1: ["Cabinet", [-1.3, 1.45, 1.75], [-0.7, 2.05, 2.1], { rel: "inside", at: [-1.0, 1.9], floor: 1.5 }],
  Fridge_1: ["Fridge", [1.6, 0.0, 1.4], [2.4, 1.9, 2.1], { rel: "inside", at: [2.0, 1.8], floor: 0.9 }],
  CoffeeMachine_1: ["CoffeeMachine", [0.35, 0.9, 1.75], [0.65, 1.3, 2.05], { rel: "inside", at: [0.5, 1.9], floor: 0.96 }],
  Microwave_1: ["Microwave", [0.25, 0.9, 1.7], [0.75, 1.2, 2.05], { rel: "inside", at: [0.5, 1.88], floor: 0.92 }],
  Sink_1: ["Sink", [-0.4, 0.6, 1.55], [0.4, 0.92, 2.05]],
  SinkBasin_1: ["SinkBasin", [-0.35, 0.62, 1.6], [0.35, 0.9, 2.0], { rel: "inside", at: [0.0, 1.8], floor: 0.62, alsoInside: ["Sink_1"] }],
  Faucet_1: ["Faucet", [-0.05, 0.9, 2.0], [0.05, 1.2, 2.1]],
  StoveBurner_1: ["StoveBurner", [0.9, 0.9, 1.65], [1.2, 0.93, 1.95], { rel: "on_top_of", at: [1.05, 1.8] }],
  StoveKnob_1: ["StoveKnob", [1.03, 0.8, 1.5], [1.07, 0.84, 1.54]],
};

/** Appliances standing on a surface, with the edge that says so. */
const STANDS_ON = { CoffeeMachine_1: "CounterTop_1", Microwave_1: "CounterTop_1" };

/** Which burner a knob switches. */
const KNOB_BURNER = { StoveKnob_1: "StoveBurner_1" };

/** Sizes (x, y, z) of the things the robot moves. */
const SIZES = { Mug: [0.1, 0.1, 0.1], Kettle: [0.2, 0.22, 0.2], Apple: [0.08, 0.08, 0.08], Bread: [0.25, 0.12, 0.12] };

// ---------------------------------------------------------------------------
// Scene state

/**
 * Builds a scene.
 *   fixtures: ids from FIXTURES, in the order they are listed in frames
 *   items:    [{id, type, in: receptacleId, at?: [x, z], state?: {…}}]
 *   agent:    [x, z] where the robot starts (facing +z)
 */
function makeScene({ fixtures, items, agent }) {
  const objects = new Map();
  for (const id of fixtures) {
    const [type, min, max] = FIXTURES[id];
    objects.set(id, {
      id,
      type,
      state: { ...STATE_FIELDS[type] },
      min: [...min],
      max: [...max],
      parent: STANDS_ON[id] ? { rel: "on_top_of", id: STANDS_ON[id] } : null,
    });
  }
  const scene = { objects, agent: { x: agent[0], z: agent[1], yaw: 0 }, held: null };
  for (const item of items) {
    const obj = { id: item.id, type: item.type, state: { ...STATE_FIELDS[item.type], ...item.state }, size: SIZES[item.type], parent: null };
    objects.set(item.id, obj);
    place(scene, obj, item.in, item.at);
  }
  return scene;
}

function receptacleOf(id) {
  const fixture = FIXTURES[id];
  if (!fixture || !fixture[3]) throw new Error(`${id} is not a receptacle`);
  return fixture[3];
}

/** Puts `obj` into or onto receptacle `rid`, at (x, z) or the receptacle's spot. */
function place(scene, obj, rid, at) {
  const r = receptacleOf(rid);
  const host = scene.objects.get(rid);
  const [x, z] = at ?? r.at;
  const floor = r.rel === "on_top_of" ? host.max[1] : r.floor;
  setBox(obj, [x, floor + obj.size[1] / 2, z]);
  obj.parent = { rel: r.rel, id: rid, also: r.alsoInside ?? [] };
  obj.state.isPickedUp = false;
}

function setBox(obj, [x, y, z]) {
  const [w, h, d] = obj.size;
  obj.min = [x - w / 2, y - h / 2, z - d / 2];
  obj.max = [x + w / 2, y + h / 2, z + d / 2];
}

function handPosition(scene) {
  return [scene.agent.x, HAND_HEIGHT, scene.agent.z + HAND_REACH];
}

/** Objects directly in or on `rid`. */
function contents(scene, rid) {
  return [...scene.objects.values()].filter((o) => o.parent && o.parent.id === rid);
}

function visibleIn(scene, obj) {
  if (!obj.parent) return true;
  const host = scene.objects.get(obj.parent.id);
  return !(HIDES_CONTENTS.has(host.type) && host.state.isOpen === false);
}

// ---------------------------------------------------------------------------
// Actions. Each returns {success, errorMessage?}; a failed action leaves the
// scene as it was, as in AI2THOR.

const fail = (errorMessage) => ({ success: false, errorMessage });
const ok = { success: true };

/** Open/close, toggle on/off: set a state flag the object has, failing as AI2THOR does; a stove knob drives its burner. */
function setFlag(s, id, field, value, capability, already) {
  const o = s.objects.get(id);
  if (!(field in o.state)) return fail(`${id} is not ${capability}`);
  if (o.state[field] === value) return fail(`${id} is already ${already}`);
  o.state[field] = value;
  if (field === "isToggled" && KNOB_BURNER[id]) s.objects.get(KNOB_BURNER[id]).state.isToggled = value;
  return ok;
}

const ACTIONS = {
  MoveAhead: (s) => ((s.agent.z += GRID), ok),
  MoveBack: (s) => ((s.agent.z -= GRID), ok),
  MoveRight: (s) => ((s.agent.x += GRID), ok),
  MoveLeft: (s) => ((s.agent.x -= GRID), ok),
  Done: () => ok,

  OpenObject: (s, id) => setFlag(s, id, "isOpen", true, "openable", "open"),
  CloseObject: (s, id) => setFlag(s, id, "isOpen", false, "openable", "closed"),

  PickupObject(s, id) {
    const o = s.objects.get(id);
    if (s.held) return fail(`already holding ${s.held}`);
    if (!o.size) return fail(`${id} is not pickupable`);
    if (!visibleIn(s, o)) return fail(`${id} is inside a closed receptacle`);
    o.parent = null;
    o.state.isPickedUp = true;
    s.held = id;
    return ok;
  },

  /**
   * PutObject held receptacle. `lands` (a failure of the real robot, not of
   * AI2THOR) makes the gripper open but the object come to rest elsewhere:
   * {in: receptacleId, at: [x, z]}. The action still reports success.
   */
  PutObject(s, id, rid, opts = {}) {
    if (s.held !== id) return fail(`not holding ${id}`);
    const host = s.objects.get(rid);
    if (host.state.isOpen === false) return fail(`${rid} is closed`);
    const obj = s.objects.get(id);
    if (opts.lands) place(s, obj, opts.lands.in, opts.lands.at);
    else place(s, obj, rid);
    s.held = null;
    return ok;
  },

  ToggleObjectOn: (s, id) => setFlag(s, id, "isToggled", true, "toggleable", "on"),
  ToggleObjectOff: (s, id) => setFlag(s, id, "isToggled", false, "toggleable", "off"),
};

/**
 * What running appliances do to what is in or on them, applied after every
 * action (AI2THOR's object state changes): a running coffee machine fills a
 * Mug in it with coffee; running water cleans what is in the sink basin and
 * fills what can hold water; a lit burner heats what stands on it.
 */
function applyEffects(s) {
  for (const o of s.objects.values()) {
    if (o.type === "CoffeeMachine" && o.state.isToggled) {
      for (const c of contents(s, o.id)) {
        if (c.type !== "Mug") continue;
        c.state.isFilledWithLiquid = true;
        c.state.fillLiquid = "coffee";
        c.state.temperature = "Hot";
      }
    }
    if (o.type === "Faucet" && o.state.isToggled) {
      const basins = [...s.objects.values()].filter((b) => b.type === "SinkBasin");
      for (const c of basins.flatMap((b) => contents(s, b.id))) {
        if ("isDirty" in c.state) c.state.isDirty = false;
        if ("isFilledWithLiquid" in c.state) {
          c.state.isFilledWithLiquid = true;
          c.state.fillLiquid = "water";
        }
      }
    }
    if (o.type === "StoveBurner" && o.state.isToggled) {
      for (const c of contents(s, o.id)) {
        if ("temperature" in c.state) c.state.temperature = "Hot";
      }
    }
  }
  if (s.held) setBox(s.objects.get(s.held), handPosition(s));
}

// ---------------------------------------------------------------------------
// Frames

/**
 * Runs `steps` from `scene` and returns the trace's lines.
 *   name:       the trace's file name, which seeds its detection noise
 *   steps:      [[ActionName, ...args, opts?], …]; opts is an object
 *   confidence: optional (t, id) -> number | undefined, overriding detection
 *   edgeConfidence: optional (t, rel, a, b) -> number | undefined
 */
function simulate({ task, instruction, name, scene, steps, confidence, edgeConfidence }) {
  const noiseKey = `${task}/${name}`;
  const lines = [JSON.stringify({ craft_trace: 1, task, instruction, dt: 0.5 })];
  const record = (t, action) => {
    const frame = { t, time: round(t * 0.5) };
    if (action) frame.action = action;
    frame.robot = [round(scene.agent.x), 0.9, round(scene.agent.z), scene.agent.yaw];
    frame.objects = [...scene.objects.values()].map((o) => objectJson(scene, o, t, noiseKey, confidence));
    frame.relations = relationsJson(scene, t, noiseKey, edgeConfidence);
    lines.push(JSON.stringify(frame));
  };
  applyEffects(scene);
  record(0, null);
  steps.forEach((step, i) => {
    const last = step[step.length - 1];
    const opts = typeof last === "object" ? last : {};
    const [name, ...args] = typeof last === "object" ? step.slice(0, -1) : step;
    const result = ACTIONS[name](scene, ...args, opts);
    // a trace says which of its actions fail; anything else is a bug in the script
    if (result.success === Boolean(opts.expectFailure)) {
      throw new Error(`${task}: step ${i + 1} ${name} ${args.join(" ")}: ${result.errorMessage ?? "succeeded, expected a failure"}`);
    }
    applyEffects(scene);
    const action = { name, args, success: result.success };
    if (result.errorMessage) action.errorMessage = result.errorMessage;
    record(i + 1, action);
  });
  return lines.join("\n") + "\n";
}

function objectJson(scene, o, t, noiseKey, confidence) {
  const conf = confidence?.(t, o.id) ?? detectionConfidence(`${noiseKey}|${o.id}`, t);
  const center = [0, 1, 2].map((k) => round((o.min[k] + o.max[k]) / 2));
  return {
    id: o.id,
    type: o.type,
    state: { ...o.state },
    position: center,
    bbox: { min: o.min.map((v) => round(v)), max: o.max.map((v) => round(v)) },
    confidence: conf,
    visible: visibleIn(scene, o),
  };
}

function relationsJson(scene, t, noiseKey, edgeConfidence) {
  const edges = [];
  for (const o of scene.objects.values()) {
    if (!o.parent) continue;
    edges.push([o.parent.rel, o.id, o.parent.id]);
    for (const outer of o.parent.also ?? []) edges.push(["inside", o.id, outer]);
  }
  return edges.map(([rel, a, b]) => ({
    rel,
    a,
    b,
    confidence: edgeConfidence?.(t, rel, a, b) ?? round(Math.min(0.97, detectionConfidence(`${noiseKey}|${rel}|${a}|${b}`, t)), 2),
  }));
}

// ---------------------------------------------------------------------------
// The examples. Frame k's action is steps[k-1]; frame 0 is the initial state.

const COFFEE = {
  task: "make_coffee",
  instruction: "make a cup of coffee",
  fixtures: ["CounterTop_1", "Cabinet_1", "Fridge_1", "CoffeeMachine_1"],
};

function coffeeScene({ mugDirty = false, mugOnCounter = false } = {}) {
  return makeScene({
    fixtures: COFFEE.fixtures,
    items: [
      mugOnCounter
        ? { id: "Mug_1", type: "Mug", in: "CounterTop_1", at: [-0.5, 1.7], state: { isDirty: mugDirty } }
        : { id: "Mug_1", type: "Mug", in: "Cabinet_1", state: { isDirty: mugDirty } },
      { id: "Apple_1", type: "Apple", in: "CounterTop_1", at: [-1.2, 1.8] },
      { id: "Bread_1", type: "Bread", in: "CounterTop_1", at: [1.2, 1.8] },
    ],
    agent: mugOnCounter ? [-0.5, 0.25] : [-1.0, 0.25],
  });
}

/** From holding the mug in front of the open machine to the mug of coffee on the counter. */
const BREW_AND_SERVE = [
  ["PutObject", "Mug_1", "CoffeeMachine_1"],
  ["CloseObject", "CoffeeMachine_1"],
  ["ToggleObjectOn", "CoffeeMachine_1"],
  ["ToggleObjectOff", "CoffeeMachine_1"],
  ["OpenObject", "CoffeeMachine_1"],
  ["PickupObject", "Mug_1"],
  ["CloseObject", "CoffeeMachine_1"],
  ["PutObject", "Mug_1", "CounterTop_1"],
];

const FETCH_MUG_FROM_CABINET = [
  ["MoveAhead"],
  ["OpenObject", "Cabinet_1"],
  ["PickupObject", "Mug_1"],
  ["CloseObject", "Cabinet_1"],
  ["MoveRight"],
  ["MoveRight"],
  ["MoveRight"],
];

const coffeeTraces = {
  "success.jsonl": {
    scene: coffeeScene(),
    steps: [...FETCH_MUG_FROM_CABINET, ["OpenObject", "CoffeeMachine_1"], ...BREW_AND_SERVE],
  },
  // tries to put the mug into the closed machine (AI2THOR refuses), then opens it and retries
  "closed_machine.jsonl": {
    scene: coffeeScene(),
    steps: [
      ...FETCH_MUG_FROM_CABINET,
      ["PutObject", "Mug_1", "CoffeeMachine_1", { expectFailure: true }],
      ["OpenObject", "CoffeeMachine_1"],
      ...BREW_AND_SERVE,
    ],
  },
  // sets the mug down beside the machine, then brews into nothing
  "no_mug.jsonl": {
    scene: coffeeScene(),
    steps: [
      ...FETCH_MUG_FROM_CABINET,
      ["OpenObject", "CoffeeMachine_1"],
      ["PutObject", "Mug_1", "CounterTop_1"],
      ["CloseObject", "CoffeeMachine_1"],
      ["ToggleObjectOn", "CoffeeMachine_1"],
      ["ToggleObjectOff", "CoffeeMachine_1"],
    ],
  },
  // takes the used mug standing on the counter and brews into it unwashed
  "dirty_mug.jsonl": {
    scene: coffeeScene({ mugDirty: true, mugOnCounter: true }),
    steps: [
      ["MoveAhead"],
      ["PickupObject", "Mug_1"],
      ["MoveRight"],
      ["MoveRight"],
      ["OpenObject", "CoffeeMachine_1"],
      ...BREW_AND_SERVE,
    ],
  },
  // all goes well, but the cabinet door is never closed (a soft constraint)
  "cabinet_left_open.jsonl": {
    scene: coffeeScene(),
    steps: [
      ["MoveAhead"],
      ["OpenObject", "Cabinet_1"],
      ["PickupObject", "Mug_1"],
      ["MoveRight"],
      ["MoveRight"],
      ["MoveRight"],
      ["OpenObject", "CoffeeMachine_1"],
      ...BREW_AND_SERVE,
    ],
  },
};

const WATER = {
  task: "heat_water",
  instruction: "heat some water in the kettle",
  fixtures: ["CounterTop_1", "Cabinet_1", "Fridge_1", "Sink_1", "SinkBasin_1", "Faucet_1", "StoveBurner_1", "StoveKnob_1"],
};

function waterScene() {
  return makeScene({
    fixtures: WATER.fixtures,
    items: [
      { id: "Kettle_1", type: "Kettle", in: "CounterTop_1", at: [-1.0, 1.8] },
      { id: "Apple_1", type: "Apple", in: "CounterTop_1", at: [-0.6, 1.9] },
      { id: "Mug_1", type: "Mug", in: "CounterTop_1", at: [0.6, 1.9] },
    ],
    agent: [-1.0, 0.25],
  });
}

const FILL_KETTLE = [
  ["MoveAhead"],
  ["PickupObject", "Kettle_1"],
  ["MoveRight"],
  ["MoveRight"],
  ["PutObject", "Kettle_1", "SinkBasin_1"],
  ["ToggleObjectOn", "Faucet_1"],
];

const waterTraces = {
  "success.jsonl": {
    scene: waterScene(),
    steps: [
      ...FILL_KETTLE,
      ["ToggleObjectOff", "Faucet_1"],
      ["PickupObject", "Kettle_1"],
      ["MoveRight"],
      ["MoveRight"],
      ["PutObject", "Kettle_1", "StoveBurner_1"],
      ["ToggleObjectOn", "StoveKnob_1"],
    ],
  },
  // goes straight to the stove and heats the kettle dry
  "empty_kettle.jsonl": {
    scene: waterScene(),
    steps: [
      ["MoveAhead"],
      ["PickupObject", "Kettle_1"],
      ["MoveRight"],
      ["MoveRight"],
      ["MoveRight"],
      ["MoveRight"],
      ["PutObject", "Kettle_1", "StoveBurner_1"],
      ["ToggleObjectOn", "StoveKnob_1"],
      ["Done"],
    ],
  },
  // fills the kettle and sets it on the burner, but never turns the knob
  "burner_off.jsonl": {
    scene: waterScene(),
    steps: [
      ...FILL_KETTLE,
      ["ToggleObjectOff", "Faucet_1"],
      ["PickupObject", "Kettle_1"],
      ["MoveRight"],
      ["MoveRight"],
      ["PutObject", "Kettle_1", "StoveBurner_1"],
      ["Done"],
    ],
  },
  // heats the water but leaves the tap running (a soft constraint)
  "faucet_left_on.jsonl": {
    scene: waterScene(),
    steps: [
      ...FILL_KETTLE,
      ["PickupObject", "Kettle_1"],
      ["MoveRight"],
      ["MoveRight"],
      ["PutObject", "Kettle_1", "StoveBurner_1"],
      ["ToggleObjectOn", "StoveKnob_1"],
    ],
  },
};

const SINK = {
  task: "mug_in_sink",
  instruction: "put the dirty mug in the sink and rinse it",
  fixtures: ["CounterTop_1", "Cabinet_1", "Fridge_1", "Sink_1", "SinkBasin_1", "Faucet_1"],
};

function sinkScene() {
  return makeScene({
    fixtures: SINK.fixtures,
    items: [
      { id: "Mug_1", type: "Mug", in: "CounterTop_1", at: [-1.0, 1.7], state: { isDirty: true } },
      { id: "Apple_1", type: "Apple", in: "CounterTop_1", at: [1.0, 1.8] },
      { id: "Bread_1", type: "Bread", in: "CounterTop_1", at: [-0.6, 1.9] },
    ],
    agent: [-1.0, -0.25],
  });
}

const RINSE = [
  ["MoveAhead"],
  ["MoveAhead"],
  ["PickupObject", "Mug_1"],
  ["MoveRight"],
  ["MoveRight"],
  ["PutObject", "Mug_1", "SinkBasin_1"],
  ["ToggleObjectOn", "Faucet_1"],
  ["ToggleObjectOff", "Faucet_1"],
  ["MoveBack"],
];

const sinkTraces = {
  "success.jsonl": { scene: sinkScene(), steps: RINSE },
  // the gripper opens over the basin's edge; the controller reports success
  // but the mug comes to rest on the counter beside the sink
  "dropped_outside.jsonl": {
    scene: sinkScene(),
    steps: RINSE.map((step) =>
      step[0] === "PutObject" ? [...step, { lands: { in: "CounterTop_1", at: [0.5, 1.7] } }] : step,
    ),
  },
  // as success, but the robot backs away further and the basin's rim hides
  // most of the mug: the detector is no longer sure of it
  "occluded_mug.jsonl": {
    scene: sinkScene(),
    steps: [...RINSE, ["MoveBack"]],
    confidence: (t, id) => (id !== "Mug_1" ? undefined : t === 9 ? 0.78 : t === 10 ? 0.58 : undefined),
    edgeConfidence: (t, rel, a) => (a !== "Mug_1" ? undefined : t === 9 ? 0.8 : t === 10 ? 0.62 : undefined),
  },
};

// The seed document's example: the robot puts a mug into a closed microwave.
const SEED = {
  task: "seed_microwave",
  instruction: "put the mug in the microwave",
  fixtures: ["CounterTop_1", "Microwave_1"],
};

function seedTrace(microwaveConfidence) {
  return {
    scene: makeScene({
      fixtures: SEED.fixtures,
      items: [{ id: "Mug_1", type: "Mug", in: "CounterTop_1", at: [-0.2, 1.7] }],
      agent: [0.0, 0.75],
    }),
    steps: [
      ["PickupObject", "Mug_1"],
      ["PutObject", "Mug_1", "Microwave_1", { expectFailure: true }],
    ],
    confidence: (t, id) => (id === "Microwave_1" ? microwaveConfidence : undefined),
  };
}

const seedTraces = {
  "door_closed.jsonl": seedTrace(0.95),
  "door_unsure.jsonl": seedTrace(0.5),
};

const EXAMPLE_SETS = [
  ["make_coffee", COFFEE, coffeeTraces],
  ["heat_water", WATER, waterTraces],
  ["mug_in_sink", SINK, sinkTraces],
  ["seed", SEED, seedTraces],
];

// ---------------------------------------------------------------------------
// Main

function generate() {
  const files = new Map();
  for (const [dir, info, traces] of EXAMPLE_SETS) {
    for (const [name, spec] of Object.entries(traces)) {
      const text = simulate({ task: info.task, instruction: info.instruction, name, ...spec });
      files.set(join(EXAMPLES, dir, "traces", name), text);
    }
  }
  return files;
}

function main(argv) {
  const check = argv.includes("--check");
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    process.stderr.write(`usage: node tools/make-examples.mjs [--check]\n`);
    return 2;
  }
  const dirs = EXAMPLE_SETS.map(([dir]) => join(EXAMPLES, dir, "traces"));
  return writeOrCheck(generate(), { check, root: ROOT, dirs, command: "node tools/make-examples.mjs" });
}

process.exitCode = main(process.argv.slice(2));
