import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import * as v from "valibot";
import { afterAll, describe, expect, it } from "vitest";
import { FrameSchema, frameLineIsValidFast } from "../src/trace/frame-schema.js";
import {
  TraceError,
  lineError,
  openTrace,
  readTraceFile,
  readTraceText,
  type LineAdapter,
} from "../src/trace/jsonl-reader.js";
import { explainJsonSyntaxError, findJsonSyntaxError, locateJsonPath } from "../src/trace/trace-error.js";
import { errorOf } from "./support/trace-errors.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/traces/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "craft-jsonl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function writeTrace(text: string, name = `t${fileNo++}.jsonl`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The 1-based column just after the first occurrence of `before` in `line`. */
function col(line: string, before: string): number {
  const i = line.indexOf(before);
  if (i < 0) throw new Error(`test bug: ${before} not in ${line}`);
  return i + before.length + 1;
}


async function asyncErrorOf(fn: () => Promise<unknown>): Promise<TraceError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof TraceError) return e;
    throw e;
  }
  throw new Error("expected a TraceError");
}

/** The message for `lines` (joined by '\n') read as `ep1.jsonl`. */
function messageFor(lines: readonly string[]): string {
  return errorOf(() => readTraceText(lines.join("\n"), "ep1.jsonl")).message;
}

describe("valid traces", () => {
  it("reads a header, objects, relations, an action and signals, applying defaults", async () => {
    const { header, frames } = await readTraceFile(join(FIXTURES, "kitchen.jsonl"));
    expect(header).toEqual({
      task: "make_coffee",
      instruction: "make a cup of coffee",
      dt: 0.5,
    });
    expect(frames).toHaveLength(3);

    const [f0, f1, f2] = frames;
    expect(f0).toEqual({
      t: 0,
      time: 0,
      objects: [
        {
          id: "Mug_1",
          type: "Mug",
          state: { isDirty: false, fillLiquid: null },
          position: [0.1, 0.9, -1.2],
          bbox: { min: [0, 0.8, -1.3], max: [0.2, 1.0, -1.1] },
          confidence: 1,
          visible: true,
        },
        {
          id: "CoffeeMachine_1",
          type: "CoffeeMachine",
          state: { isOpen: false, isToggled: false },
          confidence: 0.9,
          visible: true,
        },
      ],
      relations: [],
      signals: { gripper_open: true },
    });
    expect(f0!.action).toBeUndefined();
    expect("rotation" in f0!.objects[0]!).toBe(false);

    expect(f1!.action).toEqual({ name: "OpenObject", args: ["CoffeeMachine_1"], success: true });
    expect(f1!.time).toBe(0.5); // t · dt

    expect(f2!.time).toBe(1.2); // an explicit time wins over t · dt
    expect(f2!.action).toEqual({ name: "PutObject", args: ["Mug_1", "CoffeeMachine_1"], success: true });
    expect(f2!.relations).toEqual([{ rel: "inside", a: "Mug_1", b: "CoffeeMachine_1", confidence: 0.85 }]);
    expect(f2!.objects[0]!.visible).toBe(false);
    // signals from the top level and from "signals" are merged
    expect(f2!.signals).toEqual({ speed: 0, gripper_open: false });
  });

  it("reads a signal-only trace with no header", () => {
    const text = [
      '{"time": 0, "p": true, "q": false}',
      '{"time": 0.1, "p": false, "q": false, "speed": 0.4, "mode": "auto"}',
      '{"p": true, "q": true}',
    ].join("\n");
    const { header, frames } = readTraceText(text, "log.jsonl");
    expect(header).toBeUndefined();
    expect(frames).toEqual([
      { time: 0, objects: [], relations: [], signals: { p: true, q: false } },
      { time: 0.1, objects: [], relations: [], signals: { p: false, q: false, speed: 0.4, mode: "auto" } },
      { objects: [], relations: [], signals: { p: true, q: true } },
    ]);
    // no dt in the header, no time in the frame: the frame has no time
    expect("time" in frames[2]!).toBe(false);
  });

  it("lets actions of plain signal traces take arbitrary string arguments", () => {
    const { frames } = readTraceText(
      '{"p":true}\n{"action":{"name":"set_speed","args":["0.4","fast"]},"p":false}\n',
      "log.jsonl",
    );
    expect(frames[1]!.action).toEqual({ name: "set_speed", args: ["0.4", "fast"] });
  });

  it("takes time from dt: t·dt, else frame index·dt; blank lines and the header do not count", () => {
    const text = [
      '{"craft_trace":1,"dt":0.25}',
      "",
      '{"p":true}',
      "   ",
      '{"p":false}',
      '{"t":10,"p":false}',
      '{"time":7,"p":true}',
      '{"p":true}',
    ].join("\n");
    const { frames } = readTraceText(text, "dt.jsonl");
    expect(frames.map((f) => f.time)).toEqual([0, 0.25, 2.5, 7, 1]);
    expect(frames.map((f) => f.t)).toEqual([undefined, undefined, 10, undefined, undefined]);
  });

  it("accepts CRLF line endings, a byte-order mark, a missing final newline and action: null", () => {
    const text = '\uFEFF{"craft_trace":1}\r\n{"p":true,"action":null}\r\n\r\n{"p":false}';
    const { header, frames } = readTraceText(text, "crlf.jsonl");
    expect(header).toEqual({});
    expect(frames.map((f) => f.signals["p"])).toEqual([true, false]);
    expect(frames[0]!.action).toBeUndefined();
  });

  it("keeps a signal named __proto__ as an ordinary signal", () => {
    const { frames } = readTraceText('{"__proto__":5,"p":true}', "proto.jsonl");
    expect(Object.getPrototypeOf(frames[0]!.signals)).toBe(Object.prototype);
    expect(Object.keys(frames[0]!.signals).sort()).toEqual(["__proto__", "p"]);
    expect(frames[0]!.signals["__proto__"]).toBe(5);
  });

  it("gives action.vector and robot to continuous-control traces", () => {
    const { frames } = readTraceText(
      '{"action":{"name":"move","vector":[0.1,0,-0.2]},"robot":[1,2,3,4]}',
      "ctl.jsonl",
    );
    expect(frames[0]!.action).toEqual({ name: "move", args: [], vector: [0.1, 0, -0.2] });
    expect(frames[0]!.robot).toEqual([1, 2, 3, 4]);
  });
});

describe("bad input names file, line, column, field and expected vs found", () => {
  const mug = '{"id":"Mug_1","type":"Mug"}';

  it("broken JSON (a truncated line)", () => {
    const lines = ['{"p":true}', '{"p":false}', '{"t":2,"objects":[{"id":"Mug_1","typ'];
    const err = errorOf(() => readTraceText(lines.join("\n") + "\n", "ep1.jsonl"));
    expect(err.message).toBe(
      `ep1.jsonl:3:${lines[2]!.length + 1}: invalid JSON: the line ends in the middle of a value (truncated line?)`,
    );
    expect(err.line).toBe(3);
    expect(err.field).toBeUndefined();
  });

  it("broken JSON where V8 gives a position, and where it does not", () => {
    const a = '{"p":true "q":false}';
    expect(messageFor([a])).toBe(`ep1.jsonl:1:${col(a, "true ")}: invalid JSON: expected ',' or '}' after property value`);
    const b = '{"p":tru}'; // V8: Unexpected token '}', "…" is not valid JSON (no position)
    expect(messageFor([b])).toBe(`ep1.jsonl:1:${col(b, "tru")}: invalid JSON: unexpected token '}'`);
    const c = '{"x": NaN}';
    expect(messageFor([c])).toBe(`ep1.jsonl:1:${col(c, '"x": ')}: invalid JSON: unexpected token 'N'`);
  });

  it("wrong type: confidence as a string", () => {
    const line = `{"objects":[${mug},{"id":"Cup_1","type":"Cup","confidence":"high"}]}`;
    const err = errorOf(() => readTraceText(`{"p":1}\n${line}`, "ep1.jsonl"));
    expect(err.message).toBe(
      `ep1.jsonl:2:${col(line, '"confidence":')}: objects[1].confidence: expected a number in [0, 1], got "high"`,
    );
    expect(err).toMatchObject({
      file: "ep1.jsonl",
      line: 2,
      column: col(line, '"confidence":'),
      field: "objects[1].confidence",
      expected: "a number in [0, 1]",
      found: '"high"',
    });
  });

  it("confidence out of range, on objects and relations", () => {
    const a = `{"objects":[${mug},{"id":"Cup_1","type":"Cup","confidence":1.5}]}`;
    expect(messageFor([a])).toBe(
      `ep1.jsonl:1:${col(a, '"confidence":')}: objects[1].confidence: expected a number in [0, 1], got 1.5`,
    );
    const b = `{"objects":[${mug}],"relations":[{"rel":"near","a":"Mug_1","b":"Mug_1","confidence":-0.1}]}`;
    expect(messageFor([b])).toBe(
      `ep1.jsonl:1:${col(b, '"confidence":')}: relations[0].confidence: expected a number in [0, 1], got -0.1`,
    );
  });

  it("missing id and missing type point at the object", () => {
    const a = '{"objects":[{"type":"Mug"}]}';
    expect(messageFor([a])).toBe(
      `ep1.jsonl:1:${col(a, '"objects":[')}: objects[0].id: expected a non-empty string (the object's id), got nothing (the field is missing)`,
    );
    const b = `{"objects":[${mug},{"id":"Cup_1"}]}`;
    expect(messageFor([b])).toBe(
      `ep1.jsonl:1:${col(b, `${mug},`)}: objects[1].type: expected a non-empty string (the object's type, e.g. "Mug"), got nothing (the field is missing)`,
    );
  });

  it("NaN-like values: the string \"NaN\" and a literal too large for a double", () => {
    const a = '{"time":"NaN","p":true}';
    expect(messageFor([a])).toBe(`ep1.jsonl:1:9: time: expected a finite number of seconds, got "NaN"`);
    const b = `{"objects":[{"id":"Mug_1","type":"Mug","position":[0,1e999,0]}]}`;
    expect(messageFor([b])).toBe(
      `ep1.jsonl:1:${col(b, "[0,")}: objects[0].position[1]: expected a finite number, got 1e999 (not a finite number)`,
    );
    const c = '{"time":1,"speed":-1e400}';
    expect(messageFor([c])).toBe(
      `ep1.jsonl:1:${col(c, '"speed":')}: speed: expected a boolean, finite number or string (a signal value), got -1e400 (not a finite number); fields of a frame other than t, time, action, objects, relations, signals and robot are signals`,
    );
  });

  it("a bbox corner with 2 coordinates", () => {
    const line = '{"objects":[{"id":"Mug_1","type":"Mug","bbox":{"min":[0,0.8],"max":[0.2,1,1]}}]}';
    expect(messageFor([line])).toBe(
      `ep1.jsonl:1:${col(line, '"min":')}: objects[0].bbox.min: expected [x, y, z] (3 finite numbers), got [0,0.8]`,
    );
  });

  it("a relation endpoint that is no object of the frame", () => {
    const line = `{"objects":[${mug}],"relations":[{"rel":"inside","a":"Mug_1","b":"Sink_1"}]}`;
    const err = errorOf(() => readTraceText(line, "ep1.jsonl"));
    expect(err.message).toBe(
      `ep1.jsonl:1:${col(line, '"b":')}: relations[0].b: unknown object id "Sink_1": a relation's endpoints must be objects of the same frame`,
    );
    expect(err.field).toBe("relations[0].b");
  });

  it("an action argument that is no object id seen so far", () => {
    const sink = '{"id":"Sink_1","type":"Sink"}';
    const ok = [`{"objects":[${sink}]}`, `{"action":{"name":"PutObject","args":["Mug_1","Sink_1"]},"objects":[${mug}]}`];
    // Sink_1 from an earlier frame and Mug_1 from this frame are both known
    expect(readTraceText(ok.join("\n"), "ep1.jsonl").frames).toHaveLength(2);

    const bad = '{"action":{"name":"PutObject","args":["Mug_1","Fridge_1"]}}';
    expect(messageFor([...ok, bad])).toBe(
      `ep1.jsonl:3:${col(bad, '"Mug_1",')}: action.args[1]: unknown object id "Fridge_1": an action's arguments must be ids of objects in this or an earlier frame`,
    );
  });

  it("duplicate object ids in one frame", () => {
    const line = `{"objects":[${mug},{"id":"Cup_1","type":"Cup"},{"id":"Mug_1","type":"Mug"}]}`;
    expect(messageFor([line])).toBe(
      `ep1.jsonl:1:${col(line, '"Cup"},{"id":')}: objects[2].id: duplicate object id "Mug_1" (also objects[0])`,
    );
    // the same id in different frames is of course fine
    expect(readTraceText(`{"objects":[${mug}]}\n{"objects":[${mug}]}`, "ok.jsonl").frames).toHaveLength(2);
  });

  it("a top-level field that is neither a frame field nor a signal", () => {
    const hint = "fields of a frame other than t, time, action, objects, relations, signals and robot are signals";
    const a = '{"time":1,"pose":{"x":1,"y":2}}';
    expect(messageFor([a])).toBe(
      `ep1.jsonl:1:${col(a, '"pose":')}: pose: expected a boolean, finite number or string (a signal value), got {"x":1,"y":2}; ${hint}`,
    );
    const b = '{"time":1,"joints":[0.1,0.2],"objects":[]}';
    expect(messageFor([b])).toBe(
      `ep1.jsonl:1:${col(b, '"joints":')}: joints: expected a boolean, finite number or string (a signal value), got [0.1,0.2]; ${hint}`,
    );
    const c = '{"time":1,"flag":null}';
    expect(messageFor([c])).toBe(
      `ep1.jsonl:1:${col(c, '"flag":')}: flag: expected a boolean, finite number or string (a signal value), got null; ${hint}`,
    );
  });

  it("says the same for a bad signal whether or not the frame has objects (fast and general paths)", () => {
    const plain = messageFor(['{"time":1,"p":{"a":1}}']);
    const rich = messageFor(['{"time":1,"p":{"a":1},"objects":[]}']);
    expect(plain).toBe(rich);
    expect(messageFor(['{"t":-1,"p":true}'])).toBe(
      "ep1.jsonl:1:6: t: expected a whole number >= 0 (the frame's step number), got -1",
    );
  });

  it("unexpected fields inside objects, and lines that are not objects", () => {
    const a = '{"objects":[{"id":"Mug_1","type":"Mug","isOpen":true}]}';
    expect(messageFor([a])).toBe(
      `ep1.jsonl:1:${col(a, '"isOpen":')}: objects[0].isOpen: unexpected field "isOpen"; expected only the fields id, type, state, position, rotation, velocity, bbox, confidence, visible`,
    );
    expect(messageFor(['{"p":true}', "[1,2,3]"])).toBe(
      "ep1.jsonl:2:1: expected a JSON object (one frame per line), got [1,2,3]",
    );
    const b = '{"objects":[{"id":"Mug_1","type":"Mug","state":[true]}]}';
    expect(messageFor([b])).toBe(
      `ep1.jsonl:1:${col(b, '"state":')}: objects[0].state: expected an object of state fields, e.g. {"isOpen": true}, got [true]`,
    );
  });

  it("header problems", () => {
    expect(messageFor(['{"craft_trace":2}', '{"p":true}'])).toBe(
      "ep1.jsonl:1:16: craft_trace: expected 1 (the trace format version this craft reads), got 2",
    );
    expect(messageFor(['{"craft_trace":1,"dt":0}', '{"p":true}'])).toBe(
      "ep1.jsonl:1:23: dt: expected a finite number of seconds > 0, got 0",
    );
    expect(messageFor(['{"p":true}', '{"craft_trace":1}'])).toBe(
      "ep1.jsonl:2:16: craft_trace: a header line (craft_trace) is allowed only as the first line of a trace",
    );
  });

  it("an empty trace, a blank one and a header-only one have no frames", async () => {
    expect(messageFor([""])).toBe("ep1.jsonl: trace has no frames");
    const empty = writeTrace("");
    expect((await asyncErrorOf(() => openTrace(empty))).message).toBe(`${empty}: trace has no frames`);
    const blank = writeTrace("\n  \n\n");
    expect((await asyncErrorOf(() => readTraceFile(blank))).message).toBe(`${blank}: trace has no frames`);
    const headerOnly = writeTrace('{"craft_trace":1,"dt":0.1}\n');
    const stream = await openTrace(headerOnly);
    expect(stream.header).toEqual({ dt: 0.1 });
    const err = await asyncErrorOf(async () => {
      for await (const _ of stream.frames) void _;
    });
    expect(err.message).toBe(`${headerOnly}: trace has no frames`);
  });

  it("a missing file or a directory", async () => {
    const missing = join(dir, "nope", "ep9.jsonl");
    const err = await asyncErrorOf(() => openTrace(missing));
    expect(err.message).toBe(`${missing}: cannot read trace: no such file`);
    expect(err.file).toBe(missing);
    expect(err.line).toBeUndefined();
    expect((await asyncErrorOf(() => openTrace(dir))).message).toBe(
      `${dir}: cannot read trace: is a directory`,
    );
  });

  it("streams the good frames before the error, and reports errors from files the same way", async () => {
    const bad = `{"objects":[{"id":"Cup_1","type":"Cup","confidence":"high"}]}`;
    const path = writeTrace(['{"p":true}', '{"p":false}', bad, '{"p":true}'].join("\n"));
    const stream = await openTrace(path);
    const seen: boolean[] = [];
    const err = await asyncErrorOf(async () => {
      for await (const frame of stream.frames) seen.push(frame.signals["p"] as boolean);
    });
    expect(seen).toEqual([true, false]);
    expect(err.message).toBe(
      `${path}:3:${col(bad, '"confidence":')}: objects[0].confidence: expected a number in [0, 1], got "high"`,
    );
  });

  it("a broken first line rejects openTrace itself", async () => {
    const path = writeTrace('{"craft_trace":1,\n{"p":true}\n');
    expect((await asyncErrorOf(() => openTrace(path))).message).toBe(
      `${path}:1:18: invalid JSON: the line ends in the middle of a value (truncated line?)`,
    );
  });
});

describe("error helpers", () => {
  it("renders TraceError with toString and without line or field", () => {
    const e = new TraceError({ file: "ep1.jsonl", line: 7, column: 23, field: "objects[2].confidence", detail: "expected a number in [0, 1], got 1.5" });
    expect(String(e)).toBe("ep1.jsonl:7:23: objects[2].confidence: expected a number in [0, 1], got 1.5");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("TraceError");
    expect(new TraceError({ file: "a.jsonl", line: 2, detail: "x" }).message).toBe("a.jsonl:2: x");
  });

  it("locates the last of duplicate keys, as JSON.parse keeps the last", () => {
    const text = '{"a":1, "a":{"b":[10, 20]}}';
    expect(locateJsonPath(text, ["a", "b", 1])).toEqual({ offset: text.indexOf("20"), complete: true, raw: "20" });
    expect(locateJsonPath(text, ["a", "c"])?.complete).toBe(false);
  });

  it("finds syntax errors like JSON.parse does", () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (json, at, junk) => {
        const i = at % (json.length + 1);
        const text = json.slice(0, i) + junk + json.slice(i);
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it("takes the column from V8's '(line L column C)' form too", () => {
    const e = new SyntaxError("Expected ',' or '}' after property value in JSON at position 7 (line 1 column 8)");
    expect(explainJsonSyntaxError('{"t":1 "a":2}', e)).toEqual({
      column: 8,
      detail: "invalid JSON: expected ',' or '}' after property value",
    });
  });
});

describe("the fast validation path agrees with the schema", () => {
  // well-formed values most of the time, odd ones now and then
  const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, 1, 0.5, -1, 2, Infinity, -Infinity, NaN));
  const scalar = fc.oneof(num, fc.boolean(), fc.string({ maxLength: 4 }), fc.constant(null));
  const odd = fc.oneof(scalar, fc.constant([]), fc.constant({}), fc.array(num, { maxLength: 4 }));
  const mostly = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 15 }, { arbitrary: odd, weight: 1 });
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
  const unit = fc.double({ min: 0, max: 1, noNaN: true });
  const name = fc.string({ minLength: 1, maxLength: 3 });
  const signalValue = fc.oneof(finite, fc.boolean(), fc.string({ maxLength: 3 }));
  const vec = mostly(fc.oneof({ arbitrary: fc.tuple(finite, finite, finite), weight: 10 }, { arbitrary: fc.array(num, { maxLength: 4 }), weight: 1 }));
  const stateRecord = fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(signalValue, fc.constant(null)), { maxKeys: 3 });
  const objectLine = fc.oneof(
    {
      weight: 15,
      arbitrary: fc.record(
        {
          id: mostly(name),
          type: mostly(name),
          state: mostly(stateRecord),
          position: vec,
          rotation: vec,
          bbox: mostly(fc.record({ min: vec, max: vec }, { requiredKeys: ["min", "max"] })),
          confidence: mostly(unit),
          visible: mostly(fc.boolean()),
        },
        { requiredKeys: [] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.constantFrom("id", "type", "state", "position", "bbox", "confidence", "visible", "extra", "__proto__", "constructor"),
        odd,
        { maxKeys: 4 },
      ),
    },
    { weight: 1, arbitrary: odd },
  );
  const relationLine = mostly(
    fc.record({ rel: mostly(name), a: mostly(name), b: mostly(name), confidence: mostly(unit) }, { requiredKeys: [] }),
  );
  const actionLine = fc.oneof(
    fc.constant(null),
    mostly(
      fc.record(
        {
          name: mostly(name),
          args: mostly(fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 })),
          success: mostly(fc.boolean()),
          errorMessage: mostly(fc.string({ maxLength: 3 })),
          vector: mostly(fc.array(finite, { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
    ),
  );
  const frameLine = fc.record(
    {
      t: mostly(fc.nat()),
      time: mostly(finite),
      action: actionLine,
      objects: mostly(fc.array(objectLine, { maxLength: 3 })),
      relations: mostly(fc.array(relationLine, { maxLength: 2 })),
      signals: mostly(fc.dictionary(fc.string({ maxLength: 3 }), signalValue, { maxKeys: 3 })),
      robot: mostly(fc.array(finite, { maxLength: 3 })),
      p: mostly(signalValue),
      q: scalar,
    },
    { requiredKeys: [] },
  );

  it("accepts exactly the lines the schema accepts, but for odd keys such as __proto__", () => {
    let fastAccepted = 0;
    const schemaOnly: string[] = [];
    fc.assert(
      fc.property(frameLine, (raw) => {
        // go through JSON, as lines do (no undefined, no NaN)
        const line = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
        const fast = frameLineIsValidFast(line);
        const schema = v.safeParse(FrameSchema, line).success;
        if (fast) {
          fastAccepted++;
          expect(schema).toBe(true);
        } else if (schema) schemaOnly.push(JSON.stringify(line));
        return true;
      }),
      { numRuns: 3000 },
    );
    expect(fastAccepted).toBeGreaterThan(300);
    for (const line of schemaOnly) expect(line).toMatch(/"(__proto__|constructor|prototype)"/);

    const good = {
      t: 1,
      time: 0.1,
      action: { name: "Put", args: ["Mug_1"], success: true, errorMessage: "", vector: [1] },
      objects: [
        { id: "Mug_1", type: "Mug", state: { a: null, b: 1, c: "x", d: true }, position: [1, 2, 3], rotation: [0, 0, 0], velocity: [0, 0, 0], bbox: { min: [0, 0, 0], max: [1, 1, 1] }, confidence: 0.5, visible: false },
      ],
      relations: [{ rel: "on", a: "Mug_1", b: "Mug_1", confidence: 1 }],
      signals: { s: 1 },
      robot: [1, 2],
      p: "x",
    };
    expect(frameLineIsValidFast(good)).toBe(true);
  });
});

describe("line adapters", () => {
  it("lets an adapter read lines of another format, and knows its object ids", () => {
    const adapter: LineAdapter = {
      name: "toy",
      accepts: (value) => "toyObjects" in value,
      toFrame(value, ctx) {
        const names = (value as { toyObjects: unknown }).toyObjects;
        if (!Array.isArray(names)) throw lineError(ctx, ["toyObjects"], { detail: "expected an array" });
        return {
          objects: names.map((id: string) => ({ id, type: "Toy", state: {}, confidence: 1, visible: true })),
          relations: [],
          signals: {},
        };
      },
    };
    const text = '{"toyObjects":["Ball_1"]}\n{"action":{"name":"Pick","args":["Ball_1"]},"objects":[]}';
    const { frames } = readTraceText(text, "toy.jsonl", { adapters: [adapter] });
    expect(frames[0]!.objects[0]!.id).toBe("Ball_1");
    expect(frames[1]!.action!.args).toEqual(["Ball_1"]);
    expect(errorOf(() => readTraceText('{"toyObjects":3}', "toy.jsonl", { adapters: [adapter] })).message).toBe(
      "toy.jsonl:1:15: toyObjects: expected an array",
    );
  });
});

describe("streaming", () => {
  it("reads a 200k-line file in chunks, yielding frames long before the end", async () => {
    const n = 200_000;
    const parts: string[] = ['{"craft_trace":1,"dt":0.01}'];
    for (let i = 0; i < n; i++) parts.push(`{"p":${i % 2 === 0},"q":${i % 3 === 0},"i":${i}}`);
    const path = writeTrace(parts.join("\n") + "\n", "big.jsonl");
    const size = statSync(path).size;

    const stream = await openTrace(path, { chunkSize: 64 * 1024 });
    expect(stream.header).toEqual({ dt: 0.01 });
    let count = 0;
    let bytesAtFirst = -1;
    let bytesAtHalf = -1;
    let ordered = true;
    for await (const frame of stream.frames) {
      if (count === 0) bytesAtFirst = stream.bytesRead;
      if (count === n / 2) bytesAtHalf = stream.bytesRead;
      if (frame.signals["i"] !== count) ordered = false;
      count++;
    }
    expect(count).toBe(n);
    expect(ordered).toBe(true);
    expect(stream.frameCount).toBe(n);
    expect(stream.bytesRead).toBe(size);
    // only one 64 KiB chunk was read when the first frame came out
    expect(bytesAtFirst).toBe(64 * 1024);
    expect(bytesAtHalf).toBeLessThan(size / 2 + 64 * 1024);
    expect(bytesAtHalf).toBeGreaterThan(size / 2 - 64 * 1024);
  });

  it("reads the same frames from a file in small chunks as from text, across multi-byte characters", async () => {
    const parts: string[] = ['{"craft_trace":1,"task":"café ☕"}'];
    for (let i = 0; i < 300; i++) {
      parts.push(`{"label":"naïve ☕ ${"é".repeat(i % 7)} 😀","i":${i}}`);
      if (i % 50 === 0) parts.push("");
    }
    const text = parts.join("\r\n");
    const path = writeTrace(text);
    const fromFile = await readTraceFile(path, { chunkSize: 1024 });
    const fromText = readTraceText(text, path);
    expect(fromFile).toEqual(fromText);
    expect(fromFile.header).toEqual({ task: "café ☕" });
    expect(fromFile.frames).toHaveLength(300);
    expect(fromFile.frames[299]!.signals["label"]).toBe(`naïve ☕ ${"é".repeat(299 % 7)} 😀`);
  });

  it("yields frames from a FIFO while the writer is still writing", async () => {
    if (process.platform === "win32") return;
    const fifo = join(dir, "live.fifo");
    execFileSync("mkfifo", [fifo]);
    const writer = createWriteStream(fifo);
    writer.write('{"craft_trace":1}\n{"p":true}\n{"p":false}\n');
    const stream = await openTrace(fifo);
    const got: unknown[] = [];
    for await (const frame of stream.frames) {
      got.push(frame.signals["p"]);
      if (got.length === 2) {
        // the writer has not finished: the reader cannot have seen the end
        writer.write('{"p":"late"}\n');
        writer.end();
      }
    }
    expect(got).toEqual([true, false, "late"]);
  });

  it("closes the file when iteration stops early", async () => {
    if (!existsSync("/proc/self/fd")) return;
    const path = writeTrace('{"p":true}\n{"p":false}\n{"p":true}\n');
    const before = readdirSync("/proc/self/fd").length;
    const stream = await openTrace(path);
    for await (const _ of stream.frames) break;
    expect(readdirSync("/proc/self/fd").length).toBe(before);
    await expect(async () => {
      for await (const _ of stream.frames) void _;
    }).rejects.toThrow(/only once/);
  });
});
