// The parts of the extension that need no VS Code: reading what the server
// sends, and the words of the status bar item and messages.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CHECK_RESULT_NOTIFICATION,
  CLIENT_OWNED_COMMANDS,
  ClientCommands,
  parseCheckResult,
  parseReport,
  parseSummary,
  ServerCommands,
} from "../src/protocol.js";
import { baseName, checkMessage, statusView, summaryLine } from "../src/status.js";

const summary = { SATISFIED: 4, VIOLATED: 2, UNCERTAIN: 1, SKIP: 0 };

describe("protocol", () => {
  it("names", () => {
    expect(CHECK_RESULT_NOTIFICATION).toBe("craft/checkResult");
    expect(ServerCommands).toEqual({ checkAgainstTrace: "craft.checkAgainstTrace", report: "craft.report" });
    expect([...CLIENT_OWNED_COMMANDS].sort()).toEqual(["craft.checkAgainstTrace", "craft.showReport"]);
  });

  it("reads a summary; missing counts are 0, wrong ones reject it", () => {
    expect(parseSummary(summary)).toEqual(summary);
    expect(parseSummary({ VIOLATED: 3 })).toEqual({ SATISFIED: 0, VIOLATED: 3, UNCERTAIN: 0, SKIP: 0 });
    expect(parseSummary({ VIOLATED: -1 })).toBeUndefined();
    expect(parseSummary({ VIOLATED: "3" })).toBeUndefined();
    expect(parseSummary({})).toBeUndefined();
    expect(parseSummary(null)).toBeUndefined();
  });

  it("reads a check result", () => {
    expect(parseCheckResult({ uri: "file:///a.craft", trace: "/t/success.jsonl", summary })).toEqual({
      uri: "file:///a.craft",
      trace: "/t/success.jsonl",
      summary,
    });
    // an error without a summary: all zeros
    expect(parseCheckResult({ uri: "file:///a.craft", error: "no such file" })).toEqual({
      uri: "file:///a.craft",
      summary: { SATISFIED: 0, VIOLATED: 0, UNCERTAIN: 0, SKIP: 0 },
      error: "no such file",
    });
    expect(parseCheckResult({ summary })).toBeUndefined();
    expect(parseCheckResult({ uri: "file:///a.craft" })).toBeUndefined();
    expect(parseCheckResult("done")).toBeUndefined();
    expect(parseCheckResult(null)).toBeUndefined();
  });

  it("reads a report: a string or an object with markdown", () => {
    expect(parseReport("# C1 VIOLATED")).toBe("# C1 VIOLATED");
    expect(parseReport({ markdown: "# report" })).toBe("# report");
    expect(parseReport("  ")).toBeUndefined();
    expect(parseReport(null)).toBeUndefined();
    expect(parseReport(42)).toBeUndefined();
  });
});

describe("status bar and messages", () => {
  it("not checked yet", () => {
    const v = statusView(undefined);
    expect(v.text).toBe("$(beaker) craft");
    expect(v.level).toBe("none");
  });

  it("violated first, then uncertain, then satisfied", () => {
    expect(statusView({ uri: "u", summary }).text).toBe("$(error) craft: 2 violated");
    expect(statusView({ uri: "u", summary }).level).toBe("error");
    expect(statusView({ uri: "u", summary: { ...summary, VIOLATED: 0 } }).text).toBe("$(question) craft: 1 uncertain");
    expect(statusView({ uri: "u", summary: { ...summary, VIOLATED: 0, UNCERTAIN: 0 } }).text).toBe("$(pass) craft: 4 satisfied");
    expect(statusView({ uri: "u", summary: { SATISFIED: 0, VIOLATED: 0, UNCERTAIN: 0, SKIP: 3 } }).text).toBe(
      "$(circle-slash) craft: 3 skipped",
    );
  });

  it("tooltips and messages name the trace and all counts", () => {
    const r = { uri: "u", trace: "/x/traces/dirty_mug.jsonl", summary };
    expect(summaryLine(summary)).toBe("2 violated, 1 uncertain, 4 satisfied, 0 skipped");
    expect(statusView(r).tooltip).toContain("against dirty_mug.jsonl: 2 violated, 1 uncertain, 4 satisfied, 0 skipped");
    expect(checkMessage(r)).toBe("craft: checked against dirty_mug.jsonl: 2 violated, 1 uncertain, 4 satisfied, 0 skipped.");
    const failed = { ...r, error: "cannot read trace" };
    expect(statusView(failed).text).toBe("$(warning) craft: check failed");
    expect(checkMessage(failed)).toBe("craft: could not check against dirty_mug.jsonl: cannot read trace");
  });

  it("baseName", () => {
    expect(baseName("/a/b/c.jsonl")).toBe("c.jsonl");
    expect(baseName("C:\\a\\c.jsonl")).toBe("c.jsonl");
    expect(baseName("c.jsonl")).toBe("c.jsonl");
  });
});

describe("the manifest", () => {
  const manifest = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "package.json"), "utf8")) as {
    name: string;
    publisher: string;
    main: string;
    engines: { vscode: string };
    activationEvents: string[];
    contributes: {
      commands: { command: string; title: string; category: string }[];
      configuration: { properties: Record<string, { type: string; default: unknown }> };
    };
  };

  it("contributes exactly the commands the extension registers", () => {
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual(Object.values(ClientCommands).sort());
    const titles = manifest.contributes.commands.map((c) => `${c.category}: ${c.title}`).sort();
    expect(titles).toEqual(["craft: Check against trace…", "craft: Show report"]);
    for (const c of Object.values(ClientCommands)) expect(manifest.activationEvents).toContain(`onCommand:${c}`);
    expect(manifest.activationEvents).toContain("onLanguage:craft");
  });

  it("settings", () => {
    const props = manifest.contributes.configuration.properties;
    expect(props["craft.trace"]).toMatchObject({ type: "string", default: "" });
    expect(props["craft.threshold"]).toMatchObject({ type: "number", default: 0.7 });
    // the client id is craftLanguageServer, so its trace setting does not collide with craft.trace
    expect(props["craftLanguageServer.trace.server"]).toMatchObject({ type: "string", default: "off" });
  });

  it("names the extension for vsce", () => {
    expect(manifest.name).toBe("craft-vscode");
    expect(manifest.publisher).toBe("craft");
    expect(manifest.main).toBe("./dist/extension.cjs");
    expect(manifest.engines.vscode).toBe("^1.91.0");
  });
});
