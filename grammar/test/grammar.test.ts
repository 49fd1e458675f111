// The TextMate grammar, tokenized with the engine VS Code uses
// (vscode-textmate on vscode-oniguruma's WASM build of Oniguruma).

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// Both packages are CommonJS without named ESM exports: load them with require.
const require = createRequire(import.meta.url);
const vsctm = require("vscode-textmate") as typeof import("vscode-textmate");
const oniguruma = require("vscode-oniguruma") as typeof import("vscode-oniguruma");

const grammarDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(grammarDir, "..");
const grammarPath = join(grammarDir, "craft.tmLanguage.json");

/** One token of one line: its text and its scopes, outermost first. */
interface Token {
  readonly line: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let grammar: import("vscode-textmate").IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === "source.craft" ? vsctm.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
  });
  const loaded = await registry.loadGrammar("source.craft");
  if (loaded === null) throw new Error("grammar source.craft did not load");
  grammar = loaded;
});

/** Tokenizes text line by line, carrying the rule stack as an editor does. */
function tokenize(text: string): { tokens: Token[]; endsAtRoot: boolean } {
  const tokens: Token[] = [];
  let stack = vsctm.INITIAL;
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, stack);
    expect(result.stoppedEarly, `line ${line + 1} stopped early`).toBe(false);
    for (const t of result.tokens) {
      tokens.push({ line, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = result.ruleStack;
  });
  // back at the top level: the next line's `(task …)` is a task form again
  const probe = grammar.tokenizeLine("(task probe)", stack).tokens[0]!;
  return { tokens, endsAtRoot: probe.scopes.length === 3 && probe.scopes[1] === "meta.form.task.craft" };
}

/** The scopes of the n-th token (0-based) whose text is exactly `text`. */
function scopesOf(tokens: readonly Token[], text: string, nth = 0): readonly string[] {
  const found = tokens.filter((t) => t.text === text);
  const token = found[nth];
  if (token === undefined) throw new Error(`no token ${JSON.stringify(text)} #${nth}; tokens: ${tokens.map((t) => t.text).join(" | ")}`);
  return token.scopes;
}

/** Whether some scope starts with `prefix` (scope names are dotted, so `keyword` matches `keyword.control.x`). */
function has(scopes: readonly string[], prefix: string): boolean {
  return scopes.some((s) => s === prefix || s.startsWith(prefix + "."));
}

function expectScope(scopes: readonly string[], prefix: string): void {
  expect(has(scopes, prefix), `expected ${prefix} in [${scopes.join(", ")}]`).toBe(true);
}

/** The scopes of `text` tokenized on its own, for one-line snippets. */
function line(text: string): Token[] {
  const { tokens } = tokenize(text);
  return tokens;
}

function findCraftFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...findCraftFiles(path));
    else if (entry.endsWith(".craft")) out.push(path);
  }
  return out.sort();
}

const exampleFiles = findCraftFiles(join(repoRoot, "examples"));

describe("the grammar file", () => {
  it("is what generate.mjs writes", () => {
    const out = execFileSync(process.execPath, [join(grammarDir, "generate.mjs"), "--check"], { encoding: "utf8" });
    expect(out).toContain("up to date");
  });

  it("declares source.craft", () => {
    const raw = JSON.parse(readFileSync(grammarPath, "utf8")) as { scopeName: string; name: string };
    expect(raw.scopeName).toBe("source.craft");
    expect(raw.name).toBe("craft");
  });
});

describe("every shipped example", () => {
  it("finds the examples", () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of exampleFiles) {
    describe(relative(repoRoot, file), () => {
      const text = readFileSync(file, "utf8");

      it("tokenizes with every non-blank token scoped and ends back at the top level", () => {
        const { tokens, endsAtRoot } = tokenize(text);
        expect(endsAtRoot).toBe(true);
        for (const t of tokens) {
          if (t.text.trim() === "") continue;
          expect(t.scopes.length, `line ${t.line + 1}: ${JSON.stringify(t.text)} has only ${t.scopes.join(" ")}`).toBeGreaterThan(1);
          expect(t.scopes[0]).toBe("source.craft");
        }
      });

      it("scopes every paren as punctuation and nothing as invalid", () => {
        const { tokens } = tokenize(text);
        for (const t of tokens) {
          const where = `line ${t.line + 1}: ${JSON.stringify(t.text)} [${t.scopes.join(" ")}]`;
          expect(has(t.scopes, "invalid"), where).toBe(false);
          if (has(t.scopes, "comment") || has(t.scopes, "string")) continue;
          if (t.text.includes("(")) {
            expect(t.text, where).toBe("(");
            expect(has(t.scopes, "punctuation.section.parens.begin"), where).toBe(true);
          }
          if (t.text.includes(")")) {
            expect(t.text, where).toBe(")");
            expect(has(t.scopes, "punctuation.section.parens.end"), where).toBe(true);
          }
        }
      });

      it("scopes every comment line as a comment", () => {
        const { tokens } = tokenize(text);
        const commentLines = text.split(/\r?\n/).flatMap((l, i) => (/^\s*;/.test(l) ? [i] : []));
        expect(commentLines.length).toBeGreaterThan(0);
        for (const i of commentLines) {
          for (const t of tokens.filter((tok) => tok.line === i && tok.text.trim() !== "")) {
            expectScope(t.scopes, "comment.line.semicolon");
          }
        }
      });

      it("scopes every constraint id as an entity name and every :type value as a constant", () => {
        const { tokens } = tokenize(text);
        const ids = [...text.matchAll(/\(constraint\s+(\S+)/g)].map((m) => m[1]!);
        expect(ids.length).toBeGreaterThan(0);
        for (const id of ids) expectScope(scopesOf(tokens, id), "entity.name.function.constraint");
        // (`:goal` of a task is a keyword, not a constraint type)
        const values = tokens.filter((tok) => /^(pre|post|invariant|goal|causal)$/.test(tok.text) && !has(tok.scopes, "keyword"));
        expect(values.length).toBe(ids.length);
        for (const t of values) {
          expectScope(t.scopes, "constant.language.constraint-type");
        }
        for (const t of tokens.filter((tok) => /^(hard|soft)$/.test(tok.text))) {
          expectScope(t.scopes, "constant.language.severity");
        }
      });
    });
  }
});

describe("representative tokens of make_coffee.craft", () => {
  let tokens: Token[];
  beforeAll(() => {
    tokens = tokenize(readFileSync(join(repoRoot, "examples/make_coffee/make_coffee.craft"), "utf8")).tokens;
  });

  it("form heads are keywords, the names they introduce entity names", () => {
    expectScope(scopesOf(tokens, "constraint"), "keyword.control.form.constraint");
    expectScope(scopesOf(tokens, "C1"), "entity.name.function.constraint");
    expectScope(scopesOf(tokens, "task"), "keyword.control.form.task");
    expectScope(scopesOf(tokens, "make_coffee"), "entity.name.namespace.task");
    expectScope(scopesOf(tokens, "object"), "keyword.control.form.object");
    expectScope(scopesOf(tokens, "mug"), "entity.name.variable.object");
    expectScope(scopesOf(tokens, "Mug"), "entity.name.type");
    expectScope(scopesOf(tokens, "define"), "keyword.control.form.define");
    expectScope(scopesOf(tokens, "clean"), "entity.name.function.definition");
    expectScope(scopesOf(tokens, "x", 0), "variable.parameter");
  });

  it("keywords, constraint types and severities", () => {
    const colon = tokens.find((t) => t.text === ":" && tokens[tokens.indexOf(t) + 1]?.text === "type")!;
    expectScope(colon.scopes, "keyword.other.option");
    expectScope(colon.scopes, "punctuation.definition.keyword");
    expectScope(scopesOf(tokens, "type"), "keyword.other.option");
    expectScope(scopesOf(tokens, "instruction"), "keyword.other.option");
    expectScope(scopesOf(tokens, "pre"), "constant.language.constraint-type");
    expectScope(scopesOf(tokens, "invariant"), "constant.language.constraint-type");
    expectScope(scopesOf(tokens, "hard"), "constant.language.severity");
    expectScope(scopesOf(tokens, "soft"), "constant.language.severity");
  });

  it("the action pattern", () => {
    expectScope(scopesOf(tokens, "action"), "keyword.other.option");
    const put = scopesOf(tokens, "PutObject");
    expectScope(put, "support.function.action");
    expectScope(put, "meta.action-pattern");
  });

  it("operators and builtin predicates in head position", () => {
    expectScope(scopesOf(tokens, "eq"), "keyword.operator.comparison");
    expectScope(scopesOf(tokens, "not"), "keyword.operator.logical");
    expectScope(scopesOf(tokens, "implies"), "keyword.operator.logical");
    expectScope(scopesOf(tokens, "and"), "keyword.operator.logical");
    expectScope(scopesOf(tokens, "inside"), "support.function.relation");
    expectScope(scopesOf(tokens, "on_top_of"), "support.function.relation");
    expectScope(scopesOf(tokens, "filled"), "support.function.state");
    expectScope(scopesOf(tokens, "is_on"), "support.function.state");
    expectScope(scopesOf(tokens, "is_open"), "support.function.state");
    // a call of a define'd predicate
    expectScope(scopesOf(tokens, "clean", 1), "entity.name.function.call");
  });

  it("a dotted path has an object part and a property part", () => {
    const i = tokens.findIndex((t) => t.text === "coffee_machine" && tokens[tokens.indexOf(t) + 1]?.text === ".");
    expect(i).toBeGreaterThan(0);
    expectScope(tokens[i]!.scopes, "variable.other.object");
    expectScope(tokens[i + 1]!.scopes, "punctuation.accessor");
    expect(tokens[i + 2]!.text).toBe("isOpen");
    expectScope(tokens[i + 2]!.scopes, "variable.other.property");
    // x.isDirty in the define body
    expectScope(scopesOf(tokens, "isDirty"), "variable.other.property");
  });

  it("quoted symbols, booleans, strings and comments", () => {
    const quote = tokens.findIndex((t) => t.text === "'" && tokens[tokens.indexOf(t) + 1]?.text === "coffee");
    expectScope(tokens[quote]!.scopes, "constant.other.symbol");
    expectScope(tokens[quote]!.scopes, "punctuation.definition.symbol.begin");
    expectScope(tokens[quote + 1]!.scopes, "constant.other.symbol");
    expectScope(scopesOf(tokens, "true"), "constant.language.boolean");
    expectScope(scopesOf(tokens, "make a cup of coffee"), "string.quoted.double");
    const open = scopesOf(tokens, '"');
    expectScope(open, "punctuation.definition.string.begin");
    expectScope(scopesOf(tokens, " --- while brewing ---------------------------------------------------------"), "comment.line.semicolon");
    expectScope(scopesOf(tokens, ";"), "punctuation.definition.comment");
  });

  it("plain names are variables", () => {
    expectScope(scopesOf(tokens, "countertop"), "variable.other");
    expectScope(scopesOf(tokens, "cabinet"), "variable.other");
  });
});

describe("representative tokens of the other examples", () => {
  it("heat_water: distance, numbers, quoted symbols, comparison", () => {
    const { tokens } = tokenize(readFileSync(join(repoRoot, "examples/heat_water/heat_water.craft"), "utf8"));
    expectScope(scopesOf(tokens, "distance"), "support.function.geometry");
    expectScope(scopesOf(tokens, "0.2"), "constant.numeric");
    expectScope(scopesOf(tokens, "<"), "keyword.operator.comparison");
    expectScope(scopesOf(tokens, "Hot"), "constant.other.symbol");
    expectScope(scopesOf(tokens, "temperature"), "variable.other.property");
    expectScope(scopesOf(tokens, "H5"), "entity.name.function.constraint");
  });

  it("mug_in_sink: state predicates", () => {
    const { tokens } = tokenize(readFileSync(join(repoRoot, "examples/mug_in_sink/mug_in_sink.craft"), "utf8"));
    for (const p of ["visible", "dirty", "broken", "is_on"]) expectScope(scopesOf(tokens, p), "support.function.state");
    expectScope(scopesOf(tokens, "PickupObject"), "support.function.action");
    expectScope(scopesOf(tokens, "ToggleObjectOn"), "support.function.action");
  });
});

describe("atoms", () => {
  it("numbers: 0.5, -3, 1e-3, +.5, 2., 1E+10", () => {
    for (const n of ["0.5", "-3", "1e-3", "+.5", "2.", "1E+10", "-0.25"]) {
      const tokens = line(`(eq x ${n})`);
      expectScope(scopesOf(tokens, n), "constant.numeric.decimal");
    }
  });

  it("durations: 5s, 200ms, 1.5s, 1e3ms — the unit scoped as well", () => {
    for (const [value, unit] of [["5", "s"], ["200", "ms"], ["1.5", "s"], ["1e3", "ms"]] as const) {
      const tokens = line(`(eventually :within ${value}${unit} p)`);
      expectScope(scopesOf(tokens, value), "constant.numeric.duration");
      const u = scopesOf(tokens, unit);
      expectScope(u, "constant.numeric.duration");
      expectScope(u, "keyword.other.unit");
    }
  });

  it("negative numbers vs the - operator", () => {
    const tokens = line("(< (- x.z 3) -3 (- -3))");
    expectScope(scopesOf(tokens, "-", 0), "keyword.operator.arithmetic");
    expectScope(scopesOf(tokens, "-", 1), "keyword.operator.arithmetic");
    expectScope(scopesOf(tokens, "-3", 0), "constant.numeric");
    expectScope(scopesOf(tokens, "-3", 1), "constant.numeric");
    expectScope(scopesOf(tokens, "3"), "constant.numeric");
    // a - that is part of a name is neither
    const name = line("(eq a-b 1)");
    expectScope(scopesOf(name, "a-b"), "variable.other");
  });

  it("malformed numbers are invalid", () => {
    for (const bad of ["5x", "1.2.3", "3sec", "1e"]) {
      expectScope(scopesOf(line(`(eq x ${bad})`), bad), "invalid.illegal.numeric");
    }
  });

  it("quoted symbols: 'open and 'open'", () => {
    const a = line("(eq door.state 'open)");
    expectScope(scopesOf(a, "open"), "constant.other.symbol");
    expectScope(scopesOf(a, "'"), "punctuation.definition.symbol.begin");
    const b = line("(eq door.state 'open')");
    expectScope(scopesOf(b, "open"), "constant.other.symbol");
    expectScope(scopesOf(b, "'", 1), "punctuation.definition.symbol.end");
    expectScope(scopesOf(line("(eq x 'a'b)"), "'a'b"), "invalid.illegal.symbol");
  });

  it("booleans", () => {
    const tokens = line("(and true false truest)");
    expectScope(scopesOf(tokens, "true"), "constant.language.boolean");
    expectScope(scopesOf(tokens, "false"), "constant.language.boolean");
    expectScope(scopesOf(tokens, "truest"), "variable.other");
  });

  it("keywords", () => {
    for (const k of ["within", "between", "from", "description", "id", "attrs", "goal"]) {
      const tokens = line(`(x :${k} 1)`);
      expectScope(scopesOf(tokens, k), "keyword.other.option");
      expectScope(scopesOf(tokens, ":"), "punctuation.definition.keyword");
    }
    expectScope(scopesOf(line("(x : 1)"), ":"), "invalid.illegal.keyword");
  });

  it("strings with escapes, a ; and a ) inside", () => {
    const tokens = line('(task t :instruction "say \\"hi\\"; then ) go\\n\\t\\\\ \\q")');
    expectScope(scopesOf(tokens, '\\"', 0), "constant.character.escape");
    expectScope(scopesOf(tokens, '\\"', 1), "constant.character.escape");
    expectScope(scopesOf(tokens, "; then ) go"), "string.quoted.double");
    expectScope(scopesOf(tokens, "\\n"), "constant.character.escape");
    expectScope(scopesOf(tokens, "\\t"), "constant.character.escape");
    expectScope(scopesOf(tokens, "\\\\"), "constant.character.escape");
    expectScope(scopesOf(tokens, "\\q"), "invalid.illegal.unknown-escape");
    // the ) after the string closes the task form
    const last = tokens[tokens.length - 1]!;
    expect(last.text).toBe(")");
    expectScope(last.scopes, "punctuation.section.parens.end");
    expectScope(last.scopes, "meta.form.task");
  });

  it("an unterminated string ends at the end of its line", () => {
    const { tokens, endsAtRoot } = tokenize('(task t :instruction "no end\n)');
    expectScope(scopesOf(tokens, "no end"), "string.quoted.double");
    expectScope(scopesOf(tokens, ")"), "punctuation.section.parens.end");
    expect(endsAtRoot).toBe(true);
  });

  it("a comment containing a quote and parens does not open a string or a list", () => {
    const { tokens, endsAtRoot } = tokenize('; he said "stop (now\n(task t)');
    expectScope(scopesOf(tokens, ' he said "stop (now'), "comment.line.semicolon");
    expectScope(scopesOf(tokens, "task"), "keyword.control.form.task");
    expect(endsAtRoot).toBe(true);
  });

  it("a comment after code on the same line", () => {
    const tokens = line("(object mug Mug) ; the mug");
    expectScope(scopesOf(tokens, " the mug"), "comment.line.semicolon");
    expectScope(scopesOf(tokens, ")"), "punctuation.section.parens.end");
  });

  it("the ;; trace: directive", () => {
    const tokens = line(";; trace: traces/success.jsonl");
    expectScope(scopesOf(tokens, ";;"), "punctuation.definition.comment");
    expectScope(scopesOf(tokens, "trace"), "keyword.other.directive.trace");
    expectScope(scopesOf(tokens, "trace"), "meta.directive.trace");
    expectScope(scopesOf(tokens, "trace"), "comment.line.semicolon");
    expectScope(scopesOf(tokens, "traces/success.jsonl"), "string.unquoted.path");
    // an ordinary comment that mentions a trace is no directive
    const plain = line("; the trace: not a directive");
    expect(plain.some((t) => has(t.scopes, "meta.directive"))).toBe(false);
  });

  it("a stray ) at the top level is invalid", () => {
    expectScope(scopesOf(line("(task t))"), ")", 1), "invalid.illegal.stray-paren");
  });
});

describe("expressions", () => {
  const heads: [string, readonly string[]][] = [
    ["keyword.operator.logical", ["and", "or", "not", "implies"]],
    ["keyword.operator.comparison", ["eq", "neq", "<", "<=", ">", ">="]],
    ["keyword.operator.arithmetic", ["+", "-", "*", "/"]],
    ["support.function.math", ["abs"]],
    ["support.function.geometry", ["distance"]],
    ["support.function.relation", ["inside", "on_top_of", "near", "holding"]],
    [
      "support.function.state",
      ["visible", "is_open", "is_on", "filled", "dirty", "cooked", "sliced", "broken", "picked_up", "used_up"],
    ],
    ["keyword.control.temporal.past", ["once", "historically", "since", "prev"]],
    ["keyword.control.temporal.future", ["eventually", "always", "until", "next"]],
    ["keyword.control.temporal", ["before"]],
  ];
  for (const [scope, words] of heads) {
    it(`${words.join(" ")} in head position: ${scope}`, () => {
      for (const w of words) {
        const tokens = line(`(constraint C1 (${w} a b))`);
        expectScope(scopesOf(tokens, w), scope);
      }
    });
  }

  it("a builtin's name outside head position is a plain name", () => {
    expectScope(scopesOf(line("(p near)"), "near"), "variable.other");
  });

  it("nested parens close in order", () => {
    const { tokens, endsAtRoot } = tokenize("(constraint C1 (and (or (not (a)) ((b))) (c)))\n(task t)");
    expect(endsAtRoot).toBe(true);
    const closes = tokens.filter((t) => t.text === ")");
    expect(closes).toHaveLength(9);
    for (const t of closes) expectScope(t.scopes, "punctuation.section.parens.end");
    // the first ) closes the (a) call, five lists deep inside the constraint
    expect(closes[0]!.scopes.filter((s) => s.startsWith("meta.")).length).toBe(5);
    expectScope(scopesOf(tokens, "task"), "keyword.control.form.task");
  });

  it("quantifiers: the bound variable and its type", () => {
    const tokens = line("(constraint Q (forall (x Mug) (exists (y Obj<Cup>) (near x y))))");
    expectScope(scopesOf(tokens, "forall"), "keyword.control.quantifier");
    expectScope(scopesOf(tokens, "exists"), "keyword.control.quantifier");
    expectScope(scopesOf(tokens, "x"), "variable.parameter");
    expectScope(scopesOf(tokens, "Mug"), "entity.name.type");
    expectScope(scopesOf(tokens, "y"), "variable.parameter");
    expectScope(scopesOf(tokens, "Obj"), "storage.type");
    expectScope(scopesOf(tokens, "<"), "punctuation.definition.typeparameters.begin");
    expectScope(scopesOf(tokens, "Cup"), "entity.name.type");
    // only the binder is a binder: the body's (near x y) is a call
    expectScope(scopesOf(tokens, "near"), "support.function.relation");
    expectScope(scopesOf(tokens, "x", 1), "variable.other");
    // a two-item list at the start of a later line is no binder
    const split = tokenize("(constraint Q (forall\n  (x Mug)\n  (dirty x)))").tokens;
    expectScope(scopesOf(split, "dirty"), "support.function.state");
    expect(has(scopesOf(split, "x", 1), "variable.parameter")).toBe(false);
  });

  it("temporal options: (once :between 3 10 φ), (since :from 10 φ ψ)", () => {
    const tokens = line("(constraint T (and (once :between 3 10 p) (since :from 10s q r)))");
    expectScope(scopesOf(tokens, "between"), "keyword.other.option");
    expectScope(scopesOf(tokens, "3"), "constant.numeric");
    expectScope(scopesOf(tokens, "from"), "keyword.other.option");
    expectScope(scopesOf(tokens, "10", 1), "constant.numeric.duration");
  });

  it("dotted paths with several parts", () => {
    const tokens = line("(< robot.arm.z 0.5)");
    expectScope(scopesOf(tokens, "robot"), "variable.other.object");
    expectScope(scopesOf(tokens, "arm"), "variable.other.property");
    expectScope(scopesOf(tokens, "z"), "variable.other.property");
    expect(tokens.filter((t) => t.text === ".").every((t) => has(t.scopes, "punctuation.accessor"))).toBe(true);
  });

  it("a list spanning lines keeps its scopes", () => {
    const { tokens, endsAtRoot } = tokenize("(constraint C1\n  (and\n    (p x)\n    q))");
    expect(endsAtRoot).toBe(true);
    expectScope(scopesOf(tokens, "and"), "keyword.operator.logical");
    const q = scopesOf(tokens, "q");
    expectScope(q, "meta.function-call.builtin");
    expectScope(q, "variable.other");
  });
});

describe("forms", () => {
  it("type declarations: Enum{red,blue}, builtin types, attribute names", () => {
    const tokens = line("(type Ball :attrs (mass Num) (color Enum{red,blue}) (pos Vec3) (label Str) (ok Bool) (t Duration) (s Sym))");
    expectScope(scopesOf(tokens, "type"), "keyword.control.form.type");
    expectScope(scopesOf(tokens, "Ball"), "entity.name.type");
    expectScope(scopesOf(tokens, "mass"), "variable.other.property");
    for (const t of ["Num", "Enum", "Vec3", "Str", "Bool", "Duration", "Sym"]) expectScope(scopesOf(tokens, t), "storage.type");
    expectScope(scopesOf(tokens, "{"), "punctuation.definition.enum.begin");
    expectScope(scopesOf(tokens, "red"), "variable.other.enummember");
    expectScope(scopesOf(tokens, ","), "punctuation.separator");
    expectScope(scopesOf(tokens, "blue"), "variable.other.enummember");
    expectScope(scopesOf(tokens, "}"), "punctuation.definition.enum.end");
  });

  it("define with typed parameters", () => {
    const tokens = line("(define (close_to (a Mug) b) (< (distance a b) 0.1))");
    expectScope(scopesOf(tokens, "close_to"), "entity.name.function.definition");
    expectScope(scopesOf(tokens, "a"), "variable.parameter");
    expectScope(scopesOf(tokens, "Mug"), "entity.name.type");
    expectScope(scopesOf(tokens, "b"), "variable.parameter");
    expectScope(scopesOf(tokens, "a", 1), "variable.other");
  });

  it("model and object with an id", () => {
    const m = line('(model physics "models/rigid.safetensors")');
    expectScope(scopesOf(m, "model"), "keyword.control.form.model");
    expectScope(scopesOf(m, "physics"), "entity.name.namespace.model");
    const o = line('(object mug Mug :id "Mug|+01.20|+00.90|-00.30")');
    expectScope(scopesOf(o, "Mug|+01.20|+00.90|-00.30"), "string.quoted.double");
  });

  it("constraint ids: numbers, names on the next line; :type values quoted", () => {
    expectScope(scopesOf(line("(constraint 12 p)"), "12"), "entity.name.function.constraint");
    const { tokens } = tokenize("(constraint\n  C7 :type 'goal :severity 'soft'\n  (p))");
    expectScope(scopesOf(tokens, "C7"), "entity.name.function.constraint");
    expectScope(scopesOf(tokens, "goal"), "constant.language.constraint-type");
    expectScope(scopesOf(tokens, "soft"), "constant.language.severity");
  });

  it("an action pattern with a wildcard", () => {
    const tokens = line("(constraint C1 :type pre :action (PutObject mug _) p)");
    expectScope(scopesOf(tokens, "PutObject"), "support.function.action");
    expectScope(scopesOf(tokens, "_"), "variable.language.wildcard");
  });

  it("form heads are only forms at the top level", () => {
    const tokens = line("(constraint C1 (type x))");
    expectScope(scopesOf(tokens, "type"), "entity.name.function.call");
  });
});

describe("bad input", () => {
  // VS Code tokenizes with tokenizeLine2 (scopes as packed metadata); every
  // case must finish well within its time budget, with no regular expression
  // that rescans a long word from every position in it.
  const cases: [string, string][] = [
    ["a 50,000-character name followed by a lone dot", "x".repeat(50_000) + " ."],
    ["a 50,000-digit word that is no number", "1".repeat(50_000) + "x"],
    ["a 50,000-letter capitalised word that is no type", "A".repeat(50_000) + "-"],
    ["a line of 50,000 semicolons", ";".repeat(50_000)],
    ["a string of 50,000 backslashes", '"' + "\\".repeat(50_000)],
    ["20,000 unclosed parens", "(".repeat(20_000)],
    ["10,000 nested lists", "(a ".repeat(10_000) + ")".repeat(10_000)],
    ["a stray quote and keyword soup", "' : '' :: ''' ".repeat(5_000)],
  ];
  for (const [what, text] of cases) {
    it(what, () => {
      const start = performance.now();
      const result = grammar.tokenizeLine2(text, vsctm.INITIAL, 0);
      const ms = performance.now() - start;
      expect(result.stoppedEarly).toBe(false);
      expect(ms, `${what}: ${ms.toFixed(0)} ms`).toBeLessThan(3_000);
    });
  }
});
