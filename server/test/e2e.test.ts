// End to end: the bundled `craft-ls --stdio` in its own process, driven by a
// real JSON-RPC client through everything an editor does with it.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "@craft/language";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DiagnosticSeverity,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  HoverRequest,
  InlayHintRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Hover,
  type Location,
  type MarkupContent,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { ServerProcess } from "./lsp-process.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const MAKE_COFFEE = readFileSync(join(repo, "examples/make_coffee/make_coffee.craft"), "utf8");
const SEED = readFileSync(join(repo, "examples/seed/seed.craft"), "utf8");

/** The LSP position of the n-th occurrence of `needle`, plus `delta` characters. */
function at(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`${needle} not found`);
  }
  return TextDocument.create("x", "craft", 0, text).positionAt(i + delta);
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create("x", "craft", 0, text), edits as TextEdit[]);
}

const STANDARD = new Set([
  "textDocument/publishDiagnostics",
  "window/logMessage",
  "window/showMessage",
  "client/registerCapability",
  "client/unregisterCapability",
  "workspace/configuration",
  "$/progress",
  "window/workDoneProgress/create",
]);

describe("craft-ls over stdio", () => {
  let server: ServerProcess;
  let dir: string;
  const uri = pathToFileURL(join(repo, "examples/make_coffee/edited.craft")).href;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "craft-ls-"));
    server = await ServerProcess.start();
    const init = await server.initialize({ rootUri: pathToFileURL(repo).href });
    const caps = init.capabilities;
    expect(init.serverInfo?.name).toBe("craft-ls");
    expect(caps.textDocumentSync).toMatchObject({ openClose: true, change: TextDocumentSyncKind.Incremental });
    for (const key of [
      "hoverProvider",
      "completionProvider",
      "definitionProvider",
      "referencesProvider",
      "renameProvider",
      "documentSymbolProvider",
      "semanticTokensProvider",
      "documentFormattingProvider",
      "codeActionProvider",
      "codeLensProvider",
      "inlayHintProvider",
    ]) {
      expect(caps, key).toHaveProperty(key);
    }
    expect(caps.renameProvider).toEqual({ prepareProvider: true });
  });

  afterAll(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("publishes diagnostics on open, and after incremental edits", async () => {
    await server.open(uri, MAKE_COFFEE, 1);
    const first = await server.waitForDiagnostics(uri, (p) => p.version === 1);
    expect(first.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);

    // a typo in C5: coffee_machine → coffee_machin
    const typo = at(MAKE_COFFEE, "(is_on coffee_machine)", "(is_on coffee_machin".length);
    await server.change(uri, 2, [{ range: { start: typo, end: { line: typo.line, character: typo.character + 1 } }, text: "" }]);
    const broken = await server.waitForDiagnostics(uri, (p) => p.version === 2);
    const unknown = broken.diagnostics.find((d) => d.code === "unknown-name");
    expect(unknown).toMatchObject({ severity: DiagnosticSeverity.Error, source: "craft", data: { suggestion: "coffee_machine" } });
    expect(unknown!.message).toContain("did you mean coffee_machine");
    expect(unknown!.range.start).toEqual({ line: typo.line, character: typo.character - "coffee_machin".length });

    // put the letter back; a second change in the same notification adds a comment at the top
    await server.change(uri, 3, [
      { range: { start: typo, end: typo }, text: "e" },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "; edited\n" },
    ]);
    const fixed = await server.waitForDiagnostics(uri, (p) => p.version === 3);
    expect(fixed.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);
  });

  it("answers hover, completion, definition, references, symbols and rename", async () => {
    const text = "; edited\n" + MAKE_COFFEE;
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at(text, "(inside mug", 2) })) as Hover;
    expect(hover).not.toBeNull();
    expect((hover.contents as MarkupContent).value).toContain("inside");

    const completion = (await server.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: at(text, "(and (filled", 1),
    })) as CompletionList | CompletionItem[];
    const items = Array.isArray(completion) ? completion : completion.items;
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["and", "or", "not", "inside", "eventually"]));

    const definition = (await server.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri },
      position: at(text, "(clean mug))", 2),
    })) as Location;
    const def = Array.isArray(definition) ? (definition[0] as Location) : definition;
    expect(def.uri).toBe(uri);
    expect(def.range.start).toEqual(at(text, "clean x", 0));

    const references = (await server.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position: at(text, "(define (clean", 9),
      context: { includeDeclaration: true },
    })) as Location[];
    expect(references.length).toBe(3); // the definition and two uses

    const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as { name: string }[];
    expect(symbols.map((s) => s.name)).toEqual(expect.arrayContaining(["C1", "C7"]));

    const prepared = await server.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: at(text, "(object mug", 8) });
    expect(prepared).toMatchObject({ placeholder: "mug" });
    const edit = (await server.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri },
      position: at(text, "(object mug", 8),
      newName: "cup",
    })) as WorkspaceEdit;
    const edits = edit.changes?.[uri] ?? [];
    const renamed = applyEdits(text, edits);
    expect(renamed).toContain("(object cup Mug)");
    expect(renamed).toContain("(PutObject cup coffee_machine)");
    const code = (t: string) => t.replace(/"[^"\n]*"/g, '""').replace(/;.*$/gm, "");
    expect(code(renamed)).not.toMatch(/\bmug\b/);
    expect(edits.length).toBe(code(text).match(/\bmug\b/g)!.length);
  });

  it("answers semantic tokens, code lenses, inlay hints and quick fixes", async () => {
    const text = "; edited\n" + MAKE_COFFEE;
    const tokens = await server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    expect(tokens?.data.length ?? 0).toBeGreaterThan(100);
    expect((tokens?.data.length ?? 0) % 5).toBe(0);
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
    expect(lenses.filter((l) => l.command?.title === "Check against trace").length).toBe(7);
    const hints = await server.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: at(text, "(constraint C7") },
    });
    expect(Array.isArray(hints)).toBe(true);

    // a typo, and the did-you-mean fix offered for it
    const typo = at(text, "(clean mug))", "(clean mu".length);
    await server.change(uri, 4, [{ range: { start: typo, end: { line: typo.line, character: typo.character + 1 } }, text: "gg" }]);
    const published = await server.waitForDiagnostics(uri, (p) => p.version === 4);
    const unknown = published.diagnostics.find((d) => d.code === "unknown-name")!;
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: unknown.range,
      context: { diagnostics: [unknown] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.kind === "quickfix")!;
    expect(fix.title).toContain("mug");
    await server.change(uri, 5, [{ range: { start: typo, end: { line: typo.line, character: typo.character + 2 } }, text: "g" }]);
    const back = await server.waitForDiagnostics(uri, (p) => p.version === 5);
    expect(back.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);
  });

  it("formats the document as craft fmt does", async () => {
    const messy = "(constraint   C1 :type invariant\n (not   (inside mug sink)))\n";
    const other = pathToFileURL(join(dir, "messy.craft")).href;
    await server.open(other, messy);
    const edits = (await server.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: other },
      options: { tabSize: 2, insertSpaces: true },
    })) as TextEdit[];
    expect(edits.length).toBeGreaterThan(0);
    expect(applyEdits(messy, edits)).toBe(format(messy));
  });

  it("checks against the trace of a ;; trace: directive and reports C1 VIOLATED", async () => {
    // a document next to the shipped seed example; the directive is relative to it
    const seedUri = pathToFileURL(join(repo, "examples/seed/edited.craft")).href;
    const text = ";; trace: traces/door_closed.jsonl\n" + SEED;
    await server.open(seedUri, text);
    const published = await server.waitForDiagnostics(seedUri, (p) => p.diagnostics.some((d) => d.code === "violated"), 15_000);
    const violated = published.diagnostics.find((d) => d.code === "violated")!;
    expect(violated.severity).toBe(DiagnosticSeverity.Error);
    expect(violated.range.start).toEqual(at(text, "C1"));
    expect(violated.range.end).toEqual(at(text, "C1", 2));
    expect(violated.message).toMatch(/^C1 VIOLATED at step 2 \(confidence 0\.95\)/);
    expect(violated.relatedInformation?.[0]?.location.range.start).toEqual(at(text, "(eq microwave.isOpen true)"));

    // the verdict shows on hover
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: seedUri }, position: at(text, "C1", 1) })) as Hover;
    expect((hover.contents as MarkupContent).value).toContain("VIOLATED");

    // an uncertain door instead: UNCERTAIN is information
    const line0 = { start: { line: 0, character: 0 }, end: { line: 0, character: ";; trace: traces/door_closed.jsonl".length } };
    await server.change(seedUri, 2, [{ range: line0, text: ";; trace: traces/door_unsure.jsonl" }]);
    const unsure = await server.waitForDiagnostics(seedUri, (p) => p.diagnostics.some((d) => d.code === "uncertain"), 15_000);
    expect(unsure.diagnostics.find((d) => d.code === "uncertain")!.severity).toBe(DiagnosticSeverity.Information);
    expect(unsure.diagnostics.some((d) => d.code === "violated")).toBe(false);
  });

  it("follows the craft.trace setting (a glob, read through workspace/configuration) when there is no directive", async () => {
    server.settings = { trace: "examples/seed/traces/door_c*.jsonl" };
    const settingUri = pathToFileURL(join(dir, "setting.craft")).href;
    await server.open(settingUri, SEED);
    const violated = await server.waitForDiagnostics(settingUri, (p) => p.diagnostics.some((d) => d.code === "violated"), 15_000);
    expect(violated.diagnostics.find((d) => d.code === "violated")!.range.start).toEqual(at(SEED, "C1"));
    expect(server.methods).toContain("workspace/configuration");

    // the setting changes: the server reads it again
    server.settings = { trace: "examples/seed/traces/door_unsure.jsonl" };
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await server.waitForDiagnostics(settingUri, (p) => p.diagnostics.some((d) => d.code === "uncertain") && !p.diagnostics.some((d) => d.code === "violated"), 15_000);
    server.settings = {};
  });

  it("reports a missing or broken trace on the directive, and keeps answering", async () => {
    const missingUri = pathToFileURL(join(dir, "missing.craft")).href;
    const text = SEED + "\n;; trace: no/such/trace.jsonl\n";
    await server.open(missingUri, text);
    const missing = await server.waitForDiagnostics(missingUri, (p) => p.diagnostics.some((d) => d.code === "trace"));
    const d = missing.diagnostics.find((x) => x.code === "trace")!;
    expect(d.severity).toBe(DiagnosticSeverity.Error);
    expect(d.message).toContain("not found");
    expect(d.range.start).toEqual(at(text, "no/such/trace.jsonl"));
    expect(d.range.end).toEqual(at(text, "no/such/trace.jsonl", "no/such/trace.jsonl".length));

    writeFileSync(join(dir, "broken.jsonl"), '{"t":0,"objects":[]}\n{"t":1, "objects": [ oops\n');
    const brokenUri = pathToFileURL(join(dir, "broken.craft")).href;
    const brokenText = ";; trace: broken.jsonl\n" + SEED;
    await server.open(brokenUri, brokenText);
    const broken = await server.waitForDiagnostics(brokenUri, (p) => p.diagnostics.some((x) => x.code === "trace"), 15_000);
    expect(broken.diagnostics.find((x) => x.code === "trace")!.message).toMatch(/broken\.jsonl/);

    const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: brokenUri }, position: at(brokenText, "microwave.isOpen", 1) });
    expect(hover).not.toBeNull();
  });

  it("checks on request against a trace the client names, and reports the summary", async () => {
    const seedUri = pathToFileURL(join(dir, "requested.craft")).href;
    await server.open(seedUri, SEED);
    const outcome = (await server.connection.sendRequest("craft/checkTrace", {
      uri: seedUri,
      trace: join(repo, "examples/seed/traces/door_closed.jsonl"),
    })) as { frames?: number; summary?: Record<string, number>; hardViolation?: boolean };
    expect(outcome).toMatchObject({ frames: 3, hardViolation: true });
    expect(outcome.summary?.VIOLATED).toBe(1);
    await server.waitForDiagnostics(seedUri, (p) => p.diagnostics.some((d) => d.code === "violated"));
  });

  it("offers the check and the report as standard workspace/executeCommand commands", async () => {
    const uri = pathToFileURL(join(dir, "commanded.craft")).href;
    await server.open(uri, SEED);
    const outcome = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
      command: "craft.checkAgainstTrace",
      arguments: [uri, join(repo, "examples/seed/traces/door_closed.jsonl")],
    })) as { summary?: Record<string, number> };
    expect(outcome.summary?.VIOLATED).toBe(1);
    const report = (await server.connection.sendRequest(ExecuteCommandRequest.type, { command: "craft.report", arguments: [uri] })) as string;
    expect(report).toContain("## C1 (pre, hard): VIOLATED ×1");
    expect(report).toContain("hint: open Microwave_1 before PutObject(Mug_1, Microwave_1)");
  });

  it("uses only standard LSP towards the client, then shuts down and exits", async () => {
    for (const m of server.methods) expect(STANDARD, m).toContain(m);
    // nothing failed inside the server along the way
    expect(server.logs.filter((l) => /failed|uncaught|unhandled/.test(l))).toEqual([]);
    const memory = (await server.connection.sendRequest("craft/memoryUsage")) as { heapUsed: number; documents: number };
    expect(memory.documents).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);
  });
});

describe("craft-ls with a minimal client", () => {
  it("works without workspace/configuration, dynamic registration or related information", async () => {
    const server = await ServerProcess.start();
    try {
      const init = await server.initialize({ capabilities: {} });
      expect(init.capabilities.renameProvider).toBe(true);
      const uri = "untitled:Untitled-1";
      await server.open(uri, "(constraint C1 (inside mug sinkk))");
      const p = await server.waitForDiagnostics(uri, (x) => x.diagnostics.length > 0);
      expect(p.version).toBeUndefined();
      expect(p.diagnostics[0]!.message).toContain("did you mean sink");
      expect([...server.methods].filter((m) => m !== "textDocument/publishDiagnostics" && m !== "window/logMessage")).toEqual([]);
      expect(await server.stop()).toBe(0);
    } finally {
      server.kill();
    }
  });
});
