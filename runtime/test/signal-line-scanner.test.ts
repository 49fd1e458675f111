// The signal-line fast path must be invisible: every line it reads gives the
// frame JSON.parse and the frame schema give, and every other line is left to
// them (so errors stay theirs).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Frame } from "@craft/language";
import { craftLineToFrame, type LineContext } from "../src/trace/frame-schema.js";
import { openTrace, readTraceText, TraceError } from "../src/trace/jsonl-reader.js";
import { SignalLineScanner } from "../src/trace/signal-line-scanner.js";
import { drain } from "./support/trace-errors.js";

function context(): LineContext {
  return { file: "t.jsonl", line: 1, text: "", index: 3, header: { dt: 0.5 }, seenIds: new Set(), adapters: [] };
}

/** The general path's frame for one line, or "error" when it rejects the line. */
function generalFrame(line: string): Frame | "error" {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "error";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "error";
  try {
    return craftLineToFrame(value, { ...context(), text: line });
  } catch (error) {
    if (error instanceof TraceError) return "error";
    throw error;
  }
}

/** Scans the line's UTF-8 bytes, placed amid other bytes as they are in a chunk. */
function scanned(line: string, scanner = new SignalLineScanner(new Set(["lastAction"]))): Frame | undefined {
  const bytes = Buffer.from(`{"x":1}\n${line}\n{"y":2}`);
  const start = 8;
  return scanner.scan(bytes, start, start + Buffer.byteLength(line), context());
}

const keys = fc.oneof(
  fc.constantFrom("p", "q", "speed", "t", "time", "objects", "signals", "action", "__proto__", "craft_trace", "lastAction", "é", "a b", ""),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);
const numberTexts = fc.oneof(
  fc.double().filter(Number.isFinite).map((x) => JSON.stringify(x)),
  fc.integer().map(String),
  fc
    .tuple(fc.constantFrom("", "-"), fc.stringMatching(/^(0|[1-9][0-9]{0,20})$/), fc.stringMatching(/^(\.[0-9]{1,20})?$/), fc.stringMatching(/^([eE][+-]?[0-9]{1,3})?$/))
    .map((parts) => parts.join("")),
  fc.constantFrom("-0", "0.0", "1e400", "-1e400", "1e-400", "01", "1.", ".5", "+1", "-", "1e", "9007199254740993", "0.1e1", "123456789012345678901234"),
);
const values = fc.oneof(
  fc.constantFrom("true", "false", "null", "tru", "falsey", "[]", "{}", '{"a":1}', "[1,2]"),
  numberTexts,
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: "binary", maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a\\"b"', '"\\u0041"', '"x\ty"', '"unterminated'),
);
const space = fc.constantFrom("", " ", "  ", "\t", "\r");
const lines = fc
  .tuple(fc.array(fc.tuple(keys, values, space, space), { maxLength: 5 }), space, space, fc.constantFrom("", "", "", ",", "}", "x"))
  .map(([members, before, after, tail]) => {
    const body = members.map(([k, v, s1, s2]) => `${s1}${JSON.stringify(k)}${s2}:${s1}${v}${s2}`).join(",");
    return `${before}{${body}}${after}${tail}`;
  });

describe("the signal-line scanner", () => {
  it("gives exactly the general path's frame for every line it reads, and leaves the rest to it", () => {
    fc.assert(
      fc.property(lines, (line) => {
        const fast = scanned(line);
        const general = generalFrame(line);
        if (fast === undefined) return;
        expect(general).not.toBe("error");
        expect(fast).toEqual(general);
        // toEqual treats 0 and -0 alike; JSON.parse does not
        for (const key of Object.keys(fast.signals)) {
          expect(Object.is(fast.signals[key], (general as Frame).signals[key])).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("reads numbers exactly as JSON.parse does", () => {
    fc.assert(
      fc.property(numberTexts, (text) => {
        const frame = scanned(`{"x":${text}}`);
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expected = undefined;
        }
        if (frame === undefined) {
          expect(typeof expected !== "number" || !Number.isFinite(expected)).toBe(true);
        } else {
          expect(Object.is(frame.signals["x"], expected)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("reads plain signal lines, with t, time and the header's dt", () => {
    const frame = scanned('{"t": 4, "p": true, "speed": -1.25e-1, "mode": "auto"}');
    expect(frame).toEqual({ objects: [], relations: [], signals: { p: true, speed: -0.125, mode: "auto" }, t: 4, time: 2 });
    expect(scanned('{"time":0.3,"q":false}')).toEqual({ objects: [], relations: [], signals: { q: false }, time: 0.3 });
  });

  it("leaves lines with frame fields, nesting, null, escapes, bad t and adapter markers to the general path", () => {
    for (const line of [
      '{"objects":[],"p":true}',
      '{"p":{"a":1}}',
      '{"p":null}',
      '{"p":"a\\"b"}',
      '{"t":-1,"p":true}',
      '{"t":1.5}',
      '{"lastAction":"Open","lastActionSuccess":true}',
      '{"craft_trace":1}',
      '{"p":true} x',
      '{"p":true,}',
      "[1]",
      "",
    ]) {
      expect(scanned(line), line).toBeUndefined();
    }
  });

  it("reuses the keys of the previous line but notices when they change", () => {
    const scanner = new SignalLineScanner();
    expect(scanned('{"p":true,"q":false}', scanner)!.signals).toEqual({ p: true, q: false });
    expect(scanned('{"p":false,"r":true}', scanner)!.signals).toEqual({ p: false, r: true });
    expect(scanned('{"pp":1,"q":2}', scanner)!.signals).toEqual({ pp: 1, q: 2 });
    expect(scanned('{"time":1,"q":2}', scanner)!.signals).toEqual({ q: 2 });
  });

  it("decodes UTF-8 keys and strings, and never mistakes the bytes of a non-ASCII key for a known one", () => {
    const scanner = new SignalLineScanner();
    expect(scanned('{"Ã©":1}', scanner)!.signals).toEqual({ "Ã©": 1 });
    expect(scanned('{"é":2,"mode":"café ☕"}', scanner)!.signals).toEqual({ "é": 2, mode: "café ☕" });
    expect(scanned('{"Ã©":3}', scanner)!.signals).toEqual({ "Ã©": 3 });
  });
});

describe("streaming with the fast path", () => {
  const dir = mkdtempSync(join(tmpdir(), "craft-scan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads mixed traces as the line-by-line path does, across chunk boundaries", async () => {
    const rows: string[] = ['{"craft_trace":1,"dt":0.1}'];
    for (let i = 0; i < 400; i++) {
      if (i % 97 === 50) rows.push(`{"t":${i},"objects":[{"id":"Mug_1","type":"Mug"}],"p":true}`);
      else if (i % 61 === 7) rows.push("");
      else if (i % 53 === 9) rows.push(`{"t":${i},"p":true,"note":"caf\u00e9 \\u00e9"}`);
      else if (i % 71 === 3) rows.push(`{"lastAction":"Wait","lastActionSuccess":true,"objects":[]}`);
      else rows.push(`{"t":${i},"p":${i % 3 === 0},"speed":${(i * 0.37).toFixed(3)}}`);
    }
    const text = rows.join("\n") + "\n";
    const path = join(dir, "mixed.jsonl");
    writeFileSync(path, text);
    const expected = readTraceText(text, path, {}).frames;
    for (const chunkSize of [1024, 4096, 1 << 20]) {
      const stream = await openTrace(path, { chunkSize });
      const frames: Frame[] = [];
      for await (const batch of stream.batches) frames.push(...batch);
      expect(frames).toEqual(expected);
    }
  });

  it("reports a bad line after fast lines at its own line, after handing out the good frames", async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `{"time":${i / 10},"p":true}`);
    rows[37] = '{"time":3.7,"p":tru}';
    const path = join(dir, "bad.jsonl");
    writeFileSync(path, rows.join("\n") + "\n");
    const { frames, error } = await drain(await openTrace(path));
    expect(frames).toHaveLength(37);
    expect(error).toBeInstanceOf(TraceError);
    expect((error as TraceError).line).toBe(38);
  });
});
