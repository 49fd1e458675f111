// language-configuration.json: what VS Code reads for comments, brackets,
// auto-closing, words and indentation. Its patterns are JavaScript regular
// expressions; check that they compile and behave on craft lines.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

interface AutoClosingPair {
  open: string;
  close: string;
  notIn?: string[];
}

interface LanguageConfiguration {
  comments: { lineComment: string };
  brackets: [string, string][];
  autoClosingPairs: AutoClosingPair[];
  surroundingPairs: [string, string][];
  wordPattern: string;
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  onEnterRules: { beforeText: string; afterText?: string; action: { indent: string; appendText?: string } }[];
  folding: { markers: { start: string; end: string } };
}

const config = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "language-configuration.json"), "utf8"),
) as LanguageConfiguration;

describe("language-configuration.json", () => {
  it("comments, brackets, auto-closing and surrounding pairs", () => {
    expect(config.comments.lineComment).toBe(";");
    expect(config.brackets).toEqual([["(", ")"]]);
    expect(config.autoClosingPairs.map((p) => p.open + p.close)).toEqual(["()", '""']);
    for (const p of config.autoClosingPairs) expect(p.notIn).toEqual(["string", "comment"]);
    expect(config.surroundingPairs).toEqual([
      ["(", ")"],
      ['"', '"'],
    ]);
  });

  it("a word is a whole craft word: names with _ . - ?, keywords, the inside of a quoted symbol", () => {
    const words = (text: string): string[] => text.match(new RegExp(config.wordPattern, "g")) ?? [];
    expect(words("(eq coffee_machine.isOpen true)")).toEqual(["eq", "coffee_machine.isOpen", "true"]);
    expect(words(":type pre")).toEqual([":type", "pre"]);
    expect(words("(filled mug 'coffee')")).toEqual(["filled", "mug", "coffee"]);
    expect(words("(ok? a-b 1e-3 Enum{red,blue})")).toEqual(["ok?", "a-b", "1e-3", "Enum{red,blue}"]);
    expect(words('"text"; comment')).toEqual(["text", "comment"]);
  });

  it("indents after a line that leaves a list open, and not after one that closes its lists", () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const opens = [
      "(constraint C1 :type pre :severity hard",
      "  (and (filled mug 'coffee)",
      "  (and (filled kettle (quote x))",
      '(task t :instruction "a ) in a string"',
      "(object mug Mug) (task t ; open",
    ];
    const closed = [
      "(object mug Mug)",
      "  :action (PutObject mug coffee_machine)",
      "  (eq coffee_machine.isOpen true))",
      '  :description "The machine ( must be open"',
      "(define (clean x) (not x.isDirty)) ; (comment",
      "; (a comment",
    ];
    for (const l of opens) expect(increase.test(l), l).toBe(true);
    for (const l of closed) expect(increase.test(l), l).toBe(false);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    expect(decrease.test("  )")).toBe(true);
    expect(decrease.test("  (a)")).toBe(false);
  });

  it("continues a comment split by Enter, and folds ; region markers", () => {
    const rule = config.onEnterRules[0]!;
    expect(new RegExp(rule.beforeText).test("; the machine")).toBe(true);
    expect(new RegExp(rule.beforeText).test("(a b)")).toBe(false);
    expect(rule.action.appendText).toBe("; ");
    expect(new RegExp(config.folding.markers.start).test(";; region setup")).toBe(true);
    expect(new RegExp(config.folding.markers.end).test("; endregion")).toBe(true);
  });
});
