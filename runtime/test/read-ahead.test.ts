// Reading on a second thread must be invisible: the same frames, errors and
// counts as reading in this thread.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Frame } from "@craft/language";
// the compiled modules: a worker thread runs JavaScript, not the TypeScript sources
import { openTrace, TraceError } from "../dist/trace/jsonl-reader.js";
import { openTraceReadAhead, readAheadAvailable } from "../dist/trace/read-ahead.js";
import { decodeBatch, encodeBatch } from "../dist/trace/signal-columns.js";
import { drain } from "./support/trace-errors.js";

const dir = mkdtempSync(join(tmpdir(), "craft-ahead-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, rows: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, rows.join("\n") + "\n");
  return path;
}

/** Reads a trace both ways (the worker forced on with minBytes 0) and returns both. */
async function bothWays(path: string) {
  const ahead = await openTraceReadAhead(path, { minBytes: 0, chunkSize: 4096 });
  const plain = await openTrace(path, { chunkSize: 4096 });
  const a = { header: ahead.header, ...(await drain(ahead)), frameCount: ahead.frameCount, bytesRead: ahead.bytesRead };
  const p = { header: plain.header, ...(await drain(plain)), frameCount: plain.frameCount, bytesRead: plain.bytesRead };
  return { a, p };
}

const signalRows = (n: number) =>
  Array.from({ length: n }, (_, i) => `{"t":${i},"p":${i % 3 === 0},"speed":${(i * 0.25).toFixed(2)},"mode":"m${i % 4}"}`);

describe("reading on a second thread", () => {
  it("finds its worker module", () => {
    expect(readAheadAvailable()).toBe(true);
  });

  it("gives the same header, frames and counts for signal traces", async () => {
    const path = write("signals.jsonl", ['{"craft_trace":1,"dt":0.1,"task":"log"}', ...signalRows(3000)]);
    const { a, p } = await bothWays(path);
    expect(a.error).toBeUndefined();
    expect(a.header).toEqual(p.header);
    expect(a.frames).toHaveLength(3000);
    expect(a.frames).toEqual(p.frames);
    expect(a.frameCount).toBe(p.frameCount);
    expect(a.bytesRead).toBe(p.bytesRead);
  });

  it("gives the same frames for traces that mix signal frames, scene frames and changing signal sets", async () => {
    const rows = signalRows(2000);
    for (let i = 100; i < rows.length; i += 250) rows[i] = `{"t":${i},"objects":[{"id":"Mug_1","type":"Mug","state":{"isDirty":true}}],"action":{"name":"Wait"}}`;
    for (let i = 170; i < rows.length; i += 333) rows[i] = `{"t":${i},"q":true}`;
    const { a, p } = await bothWays(write("mixed.jsonl", rows));
    expect(a.error).toBeUndefined();
    expect(a.frames).toEqual(p.frames);
  });

  it("hands out the good frames, then the same error at the same line", async () => {
    const rows = signalRows(2500);
    rows[2222] = '{"t":2222,"p":"yes","speed":[1]}';
    const { a, p } = await bothWays(write("bad.jsonl", rows));
    expect(a.error).toBeInstanceOf(TraceError);
    expect((a.error as TraceError).message).toBe((p.error as TraceError).message);
    expect((a.error as TraceError).line).toBe(2223);
    expect(a.frames).toEqual(p.frames);
  });

  it("rejects opening as openTrace does: missing files, broken first lines, empty traces", async () => {
    for (const path of [join(dir, "none.jsonl"), write("first.jsonl", ["{nope"]), write("empty.jsonl", [""])]) {
      const plain = await openTrace(path).then(() => undefined, (e: unknown) => e);
      const ahead = await openTraceReadAhead(path, { minBytes: 0 }).then(() => undefined, (e: unknown) => e);
      expect(ahead).toBeInstanceOf(TraceError);
      expect((ahead as Error).message).toBe((plain as Error).message);
    }
  });

  it("stops the reader when iteration stops early", async () => {
    const stream = await openTraceReadAhead(write("long.jsonl", signalRows(20000)), { minBytes: 0, chunkSize: 1024 });
    let seen = 0;
    for await (const batch of stream.batches) {
      seen += batch.length;
      if (seen > 100) break;
    }
    expect(seen).toBeGreaterThan(100);
    expect(stream.frameCount).toBeLessThan(20000);
    await stream.close();
  });
});

describe("signal columns", () => {
  it("round-trip signal-only batches, and pass anything else as frames", () => {
    const frames: Frame[] = [
      { objects: [], relations: [], signals: { p: true, x: -0, s: "a" }, t: 0, time: 0 },
      { objects: [], relations: [], signals: { p: false, x: 1.5, s: "" }, time: 0.1 },
      { objects: [], relations: [], signals: { p: true, x: 2, s: "é" }, t: 2 },
    ];
    const encoded = encodeBatch(frames);
    expect(encoded.kind).toBe("columns");
    const decoded = decodeBatch(encoded);
    expect(decoded).toEqual(frames);
    expect(Object.is(decoded[0]!.signals["x"], -0)).toBe(true);
    // names that are not identifiers, and the same names with other column types
    const odd: Frame[] = [{ objects: [], relations: [], signals: { "a b": 1, "\"q\"": "x", "\u2028": false } }];
    expect(decodeBatch(encodeBatch(odd))).toEqual(odd);
    const retyped: Frame[] = [{ objects: [], relations: [], signals: { p: 1, x: true, s: "a" } }];
    expect(decodeBatch(encodeBatch(retyped))).toEqual(retyped);
    for (const odd of [
      [...frames, { objects: [], relations: [], signals: { p: 1, x: 2, s: "b" } }],
      [...frames, { objects: [], relations: [], signals: { x: 2, p: true, s: "b" } }],
      [...frames, { objects: [], relations: [], signals: { p: true, x: 2 } }],
      [...frames, { objects: [], relations: [], signals: { p: true, x: 2, s: "b" }, action: { name: "Go", args: [] } }],
      [{ objects: [], relations: [], signals: JSON.parse('{"__proto__": true}') as Record<string, boolean> }],
    ] as Frame[][]) {
      expect(encodeBatch(odd).kind).toBe("frames");
    }
  });
});
