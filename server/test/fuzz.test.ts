// Bad input through the real server process: 10,000 random edits (random
// characters, deletions, unbalanced parentheses, huge lines), sent in
// batches. Afterwards the server must still answer, its memory must be
// bounded, and its diagnostics must be those of a fresh parse + check of the
// text the client holds (so incremental sync and analysis stayed right).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { check, parse } from "@craft/language";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompletionRequest, HoverRequest, type TextDocumentContentChangeEvent } from "vscode-languageserver-protocol/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { ServerProcess } from "./lsp-process.js";
// the same deterministic generator as the benchmarks: the same edits on every run
import { rng } from "../../runtime/src/bench/workloads.js";

const EDITS = 10_000;
const PER_NOTIFICATION = 5;
const HUGE_LINE = 60_000;


const CHARS = ["(", ")", "(", ")", " ", " ", "\n", '"', ";", ":", ".", "'", "\\", "a", "m", "u", "g", "x", "1", "5", "s", "\t", "é", "😀", "\u0000", "\u2028", "\r", "_", "-"];
const SNIPPETS = [
  "(constraint C9 :type invariant (not (inside mug sink)))",
  "(define (f x) (and x (f x)))",
  "(object mug Mug :id \"Mug_1\")",
  "(eventually :within 5s (is_on stove_burner))",
  "(forall (m Mug) ",
  "(type Gripper :attrs (force Num))",
  ";; trace: nowhere.jsonl\n",
  "(constraint C1",
  ":severity soft",
  "(((((((",
  ")))))))",
];

describe("craft-ls under random edits", () => {
  let server: ServerProcess;
  const uri = "file:///fuzz/fuzz.craft";
  const base = readFileSync(fileURLToPath(new URL("../../examples/make_coffee/make_coffee.craft", import.meta.url)), "utf8");

  beforeAll(async () => {
    server = await ServerProcess.start({ nodeArgs: ["--expose-gc"] });
    await server.initialize();
  });

  afterAll(() => server?.kill());

  it("keeps answering, stays within bounded memory and in sync", { timeout: 120_000 }, async () => {
    const r = rng(42);
    const mirror = TextDocument.create(uri, "craft", 1, base);
    await server.open(uri, base, 1);
    await server.waitForDiagnostics(uri, (p) => p.version === 1);
    const before = (await server.connection.sendRequest("craft/memoryUsage")) as { heapUsed: number };
    const rssBefore = server.rssKiB();

    let version = 1;
    let hugeUntil = -1;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const randomEdit = (i: number): TextDocumentContentChangeEvent => {
      const text = mirror.getText();
      const len = text.length;
      const at = Math.floor(r() * (len + 1));
      const range = (a: number, b: number) => ({ start: mirror.positionAt(a), end: mirror.positionAt(b) });
      // a huge line twice during the run, removed again 300 edits later
      if (i === 2000 || i === 6000) {
        hugeUntil = i + 300;
        const line = Array.from({ length: HUGE_LINE / 10 }, () => pick(["(and mug ", "xxxxxxxxx ", "(((((((((", ")))))))))", '"unterm  ', "mug.isOp "])).join("");
        return { range: range(at, at), text: "\n" + line + "\n" };
      }
      if (i === hugeUntil) {
        // what is left of it after 300 random edits
        const s = findHuge(text);
        if (s >= 0) return { range: range(s, Math.min(len, s + HUGE_LINE + 2)), text: "" };
      }
      const k = r();
      if (len > 20_000 + (hugeUntil > i ? HUGE_LINE : 0) || k < 0.3) {
        const n = 1 + Math.floor(r() * (r() < 0.9 ? 8 : 200));
        return { range: range(at, Math.min(len, at + n)), text: "" };
      }
      if (k < 0.75) {
        const n = 1 + Math.floor(r() * 3);
        let s = "";
        for (let j = 0; j < n; j++) s += pick(CHARS);
        return { range: range(at, at), text: s };
      }
      if (k < 0.9) return { range: range(at, at), text: pick(SNIPPETS) };
      const n = Math.floor(r() * 30);
      return { range: range(at, Math.min(len, at + n)), text: pick(SNIPPETS).slice(0, Math.floor(r() * 20)) };
    };

    const started = Date.now();
    let sent = 0;
    let middle: { heapUsed: number } | undefined;
    while (sent < EDITS) {
      const changes: TextDocumentContentChangeEvent[] = [];
      for (let j = 0; j < PER_NOTIFICATION && sent < EDITS; j++, sent++) {
        const change = randomEdit(sent);
        changes.push(change);
        TextDocument.update(mirror, [change], version + 1);
      }
      version++;
      void server.change(uri, version, changes);
      // once warmed up, memory may not keep growing with the number of edits
      if (sent === EDITS / 2) {
        await server.waitForDiagnostics(uri, (p) => p.version === version, 60_000);
        middle = (await server.connection.sendRequest("craft/memoryUsage")) as { heapUsed: number };
      }
      // every so often, make sure the server keeps up and answers
      if (version % 250 === 0) {
        const p = mirror.positionAt(Math.floor(r() * mirror.getText().length));
        await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: p });
      }
    }
    const final = await server.waitForDiagnostics(uri, (p) => p.version === version, 60_000);
    const elapsed = Date.now() - started;

    // it still answers
    const text = mirror.getText();
    const inside = mirror.positionAt(Math.floor(text.length / 2));
    await expect(server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: inside })).resolves.not.toBeUndefined();
    const completion = await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: inside });
    expect(completion).not.toBeUndefined();

    // and it saw the same text as the client: its diagnostics are a fresh parse + check's
    const parsed = parse(text);
    const fresh = [...parsed.diagnostics, ...check(parsed.program).diagnostics];
    const key = (start: number, message: string) => `${start} ${message.slice(0, 200)}`;
    const expected = fresh.map((d) => key(d.range.start, d.message.length > 1000 ? d.message.slice(0, 999) : d.message)).sort();
    const got = final.diagnostics
      .filter((d) => d.code !== "trace" && d.code !== "truncated")
      .map((d) => key(mirror.offsetAt(d.range.start), d.message.length === 1000 ? d.message.slice(0, -1) : d.message))
      .sort();
    if (fresh.length <= 1000) expect(got).toEqual(expected);

    // memory stays bounded
    const memory = (await server.connection.sendRequest("craft/memoryUsage")) as { heapUsed: number; rss: number };
    const rssAfter = server.rssKiB();
    console.log(
      `fuzz: ${EDITS} edits in ${version - 1} notifications, ${elapsed} ms; final text ${text.length} chars, ${final.diagnostics.length} diagnostics; ` +
        `heap ${(before.heapUsed / 2 ** 20).toFixed(1)} → ${(middle!.heapUsed / 2 ** 20).toFixed(1)} (half way) → ${(memory.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${((rssBefore ?? 0) / 1024).toFixed(0)} → ${((rssAfter ?? memory.rss / 1024) / 1024).toFixed(0)} MiB`,
    );
    expect(memory.heapUsed - before.heapUsed).toBeLessThan(40 * 2 ** 20);
    expect(memory.heapUsed - middle!.heapUsed).toBeLessThan(12 * 2 ** 20); // warm-up; a 40,000-edit run plateaus at ~23 MiB
    if (rssBefore !== undefined && rssAfter !== undefined) expect(rssAfter - rssBefore).toBeLessThan(200 * 1024);
    expect(server.logs.filter((l) => /failed|uncaught|unhandled/.test(l))).toEqual([]);
  });
});

function findHuge(text: string): number {
  let start = 0;
  for (const line of text.split("\n")) {
    if (line.length >= HUGE_LINE - 100) return start;
    start += line.length + 1;
  }
  return -1;
}
