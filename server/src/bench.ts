// The language server's figures (issue 4), on a 5,000-constraint file:
//   - diagnostics after an edit (incremental sync), p95 ≤ 25 ms over 200 edits;
//   - hover and completion, p95 ≤ 5 ms.
// Measured in-process (workspace + diagnostics + feature providers, as the
// server runs them) and over stdio against the bundled `craft-ls --stdio`,
// with a full parse + check of the same file as the reference.
//
// Run: `node --expose-gc server/dist/bench.js` (after `npm run build`);
// `--no-stdio` skips the separate-process part.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { check, parse, type Expr, type Form } from "@craft/language";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Position,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node.js";
// the runtime's deterministic workloads (not part of its public API)
import { constraintFile, rng } from "../../runtime/dist/bench/workloads.js";
import { percentile } from "../../runtime/dist/bench/measure.js";
import { toLspDiagnostics } from "./diagnostics.js";
import { provideCompletion } from "./features/completion.js";
import { provideHover } from "./features/hover.js";
import { Workspace } from "./workspace.js";

const CONSTRAINTS = 5000;
const EDITS = 200;
const QUERIES = 200;
const URI = "file:///bench/bench.craft";

interface Stats {
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

function stats(samples: number[]): Stats {
  const s = samples.slice().sort((a, b) => a - b);
  return { median: percentile(s, 0.5), p95: percentile(s, 0.95), max: s[s.length - 1] ?? NaN };
}

function row(label: string, s: Stats | string, budget?: number): void {
  const value = typeof s === "string" ? s : `median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
  const verdict = budget === undefined || typeof s === "string" ? "" : s.p95 <= budget ? `  ✓ (≤ ${budget} ms)` : `  ✗ (budget ${budget} ms)`;
  console.log(`  ${label.padEnd(52)} ${value}${verdict}`);
}

/** Where a user types: inside a random constraint's formula, just after a name or operator. */
function typingSpots(text: string, r: () => number, n: number): number[] {
  const forms = parse(text).program.forms.filter((f) => f.kind === "constraint");
  const spots: number[] = [];
  while (spots.length < n) {
    const f = forms[Math.floor(r() * forms.length)]!;
    const names: Expr[] = [];
    walk(f, (e) => {
      if (e.kind === "name" || e.kind === "call") names.push(e);
    });
    const e = names[Math.floor(r() * names.length)];
    if (e) spots.push(e.kind === "call" ? e.opRange.end : e.range.end);
  }
  return spots;
}

function walk(f: Form, visit: (e: Expr) => void): void {
  const go = (e: Expr): void => {
    visit(e);
    if (e.kind === "call") e.args.forEach(go);
    else if (e.kind === "quantifier") go(e.body);
  };
  if (f.kind === "constraint" || f.kind === "define") go(f.body);
}

/** Types a character at each spot and deletes it again (so the file stays valid), timing each edit's diagnostics. */
function inProcess(text: string): void {
  console.log(`\n## in-process (workspace + diagnostics + providers), ${CONSTRAINTS} constraints, ${(text.length / 1e6).toFixed(2)} MB`);
  const r = rng(11);
  const reference: number[] = [];
  // after 20 warm-up runs, as in the runtime bench: the first dozen runs of a process are slower
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    check(parse(text).program);
    if (i >= 20) reference.push(performance.now() - t0);
  }
  row("reference: full parse + check", stats(reference));

  const ws = new Workspace();
  const t0 = performance.now();
  ws.open(URI, 1, text);
  row("open (full parse + check)", `${(performance.now() - t0).toFixed(1)} ms`);
  const doc = ws.textDocument(URI)!;
  const spots = typingSpots(text, r, EDITS / 2);
  const samples: number[] = [];
  let version = 1;
  let incremental = 0;
  let diagnostics = 0;
  for (let i = 0; i < 10 + EDITS; i++) {
    const k = Math.floor(i / 2) % spots.length;
    const offset = spots[k]!;
    const insert = i % 2 === 0;
    const start = doc.positionAt(offset);
    const change = insert ? { range: { start, end: start }, text: "x" } : { range: { start, end: doc.positionAt(offset + 1) }, text: "" };
    const t = performance.now();
    ws.change(URI, ++version, [change]);
    const built = ws.get(URI)!;
    diagnostics += toLspDiagnostics(built, doc).length;
    const dt = performance.now() - t;
    if (i >= 10) {
      samples.push(dt);
      if (ws.lastEdit(URI)?.fullCheck === false) incremental++;
    }
  }
  row(`diagnostics after an edit (${EDITS} edits)`, stats(samples), 25);
  row("edits handled incrementally", `${incremental} of ${EDITS} (${diagnostics} diagnostics published in all)`);

  const built = ws.get(URI)!;
  const positions = typingSpots(built.text, r, QUERIES).map((o) => doc.positionAt(o - 1));
  const hover: number[] = [];
  const completion: number[] = [];
  void built.lines; // the line index is built once per version, on the first feature request
  for (const position of positions) {
    let t = performance.now();
    provideHover(ws.get(URI)!, { textDocument: { uri: URI }, position });
    hover.push(performance.now() - t);
    t = performance.now();
    provideCompletion(ws.get(URI)!, { textDocument: { uri: URI }, position });
    completion.push(performance.now() - t);
  }
  row(`hover (${QUERIES} positions)`, stats(hover), 5);
  row(`completion (${QUERIES} positions)`, stats(completion), 5);

  // completion right after typing "(" (auto-closed to "()", as editors do): the request pays for the line index
  const afterEdit: number[] = [];
  for (let i = 0; i < 100; i++) {
    const offset = spots[i % spots.length]!;
    const p = doc.positionAt(offset);
    ws.change(URI, ++version, [{ range: { start: p, end: p }, text: " ()" }]);
    ws.get(URI); // the diagnostics publisher builds the version first
    const t = performance.now();
    provideCompletion(ws.get(URI)!, { textDocument: { uri: URI }, position: doc.positionAt(offset + 2) });
    afterEdit.push(performance.now() - t);
    ws.change(URI, ++version, [{ range: { start: p, end: doc.positionAt(offset + 3) }, text: "" }]);
    ws.get(URI);
  }
  row("completion right after typing '()' (100)", stats(afterEdit), 5);

  // without auto-close, an open "(" makes the rest of the file one list (as `craft check` parses it): all of it is parsed again
  const unbalanced: number[] = [];
  for (let i = 0; i < 20; i++) {
    const offset = spots[i % spots.length]!;
    const p = doc.positionAt(offset);
    let t = performance.now();
    ws.change(URI, ++version, [{ range: { start: p, end: p }, text: "(" }]);
    toLspDiagnostics(ws.get(URI)!, doc);
    unbalanced.push(performance.now() - t);
    t = performance.now();
    ws.change(URI, ++version, [{ range: { start: p, end: doc.positionAt(offset + 1) }, text: "" }]);
    toLspDiagnostics(ws.get(URI)!, doc);
    unbalanced.push(performance.now() - t);
  }
  row("an unbalanced '(' typed and deleted (20 each)", stats(unbalanced));
}

async function overStdio(text: string): Promise<void> {
  const server = fileURLToPath(new URL("./craft-ls.mjs", import.meta.url));
  if (!existsSync(server)) {
    console.log(`\n## over stdio: skipped, ${server} is missing (npm run build)`);
    return;
  }
  console.log("\n## over stdio (bundled craft-ls --stdio in its own process; includes JSON-RPC both ways)");
  const child = spawn(process.execPath, [server, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (p.version !== undefined) waiting.get(p.version)?.(p);
  });
  connection.listen();
  try {
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    const published = (version: number) => new Promise<PublishDiagnosticsParams>((resolve) => waiting.set(version, resolve));
    let t = performance.now();
    const opened = published(1);
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: "craft", version: 1, text } });
    await opened;
    row("open → first diagnostics", `${(performance.now() - t).toFixed(1)} ms`);

    const mirror = TextDocument.create(URI, "craft", 1, text);
    const spots = typingSpots(text, rng(12), EDITS / 2);
    const samples: number[] = [];
    let version = 1;
    for (let i = 0; i < 10 + EDITS; i++) {
      const offset = spots[Math.floor(i / 2) % spots.length]!;
      const start = mirror.positionAt(offset);
      const change = i % 2 === 0 ? { range: { start, end: start }, text: "x" } : { range: { start, end: mirror.positionAt(offset + 1) }, text: "" };
      version++;
      TextDocument.update(mirror, [change], version);
      const done = published(version);
      t = performance.now();
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version }, contentChanges: [change] });
      await done;
      if (i >= 10) samples.push(performance.now() - t);
      waiting.delete(version);
    }
    row(`didChange → publishDiagnostics (${EDITS} edits)`, stats(samples), 25);

    const positions: Position[] = typingSpots(mirror.getText(), rng(13), QUERIES).map((o) => mirror.positionAt(o - 1));
    const hover: number[] = [];
    const completion: number[] = [];
    for (const position of positions) {
      t = performance.now();
      await connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position });
      hover.push(performance.now() - t);
      t = performance.now();
      await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position });
      completion.push(performance.now() - t);
    }
    row(`hover round trip (${QUERIES})`, stats(hover), 5);
    row(`completion round trip (${QUERIES})`, stats(completion), 5);
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
  } finally {
    connection.dispose();
    setTimeout(() => child.kill(), 1000).unref();
  }
}

async function main(): Promise<void> {
  console.log("# craft language server (issue 4)");
  const text = constraintFile(CONSTRAINTS);
  inProcess(text);
  if (!process.argv.includes("--no-stdio")) await overStdio(text);
}

await main();
