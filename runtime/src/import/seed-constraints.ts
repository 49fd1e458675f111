// The seeds' JSON constraints → .craft text (`craft import`, and `craft check`
// on a .json constraint file).
//
// An LLM emits constraints as JSON, either as a list or as an object with a
// "constraints" list; each constraint reads
//
//   {"id": "C1", "type": "pre", "description": "…", "condition_expr": "(eq machine.door 'open')",
//    "severity": "hard", "eval_time": "pre", "action": "PutObject mug coffee_machine"}
//
// `type` may also be the seed code's long names (precondition, postcondition,
// causal_chain) and may be left out when `eval_time` says when the constraint
// applies (pre → pre, post → post, now → invariant, final → goal). `null` for an
// optional field means the field is absent. Other fields are ignored.
//
// Every problem is reported as `file:line:column: json.path: what is wrong`,
// the position being where the offending value starts in the JSON file; all
// problems of a file are found at once (the first is the error's message, the
// others its details).

import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import * as v from "valibot";
import { format, LineIndex, parse, parseExpression, type ConstraintType } from "@craft/language";
import { fileProblem, InputError } from "../input-error.js";
import {
  describeValue,
  explainJsonSyntaxError,
  findJsonSyntaxError,
  formatPath,
  locateJsonPath,
  type PathSegment,
} from "../trace/trace-error.js";

// ---------------------------------------------------------------------------
// The JSON shape

/** `type` values and the craft constraint type each one means. */
const TYPE_NAMES: Readonly<Record<string, ConstraintType>> = {
  pre: "pre",
  post: "post",
  invariant: "invariant",
  goal: "goal",
  causal: "causal",
  precondition: "pre",
  postcondition: "post",
  causal_chain: "causal",
};

/** `eval_time` values and the craft constraint type each one means. */
const EVAL_TIMES: Readonly<Record<string, ConstraintType>> = {
  pre: "pre",
  post: "post",
  now: "invariant",
  final: "goal",
};

/** For each craft type, the eval_time that agrees with it (causal takes any). */
const EVAL_TIME_OF: Readonly<Partial<Record<ConstraintType, string>>> = {
  pre: "pre",
  post: "post",
  invariant: "now",
  goal: "final",
};

const EXPECT_ID = `expected a constraint id such as "C1"`;
const EXPECT_TYPE = "expected one of pre, post, invariant, goal, causal (or precondition, postcondition, causal_chain)";
const EXPECT_EVAL_TIME = `expected "pre", "post", "now" or "final"`;
const EXPECT_SEVERITY = `expected "hard" or "soft"`;
const EXPECT_DESCRIPTION = "expected a string";
const EXPECT_CONDITION = `expected a string holding a craft expression such as "(eq machine.door 'open')"`;
const EXPECT_ACTION = `expected an action such as "PutObject mug coffee_machine" or ["PutObject", "mug", "coffee_machine"]`;

/**
 * One constraint of the seeds' JSON. Each field is validated on its own (so
 * that one bad field does not hide the problems of the others); unknown
 * fields are dropped.
 */
export const SeedConstraintSchema = v.object({
  id: v.union([v.string(), v.pipe(v.number(), v.integer(), v.minValue(0))], EXPECT_ID),
  type: v.nullish(v.picklist(Object.keys(TYPE_NAMES), EXPECT_TYPE)),
  description: v.nullish(v.string(EXPECT_DESCRIPTION)),
  condition_expr: v.string(EXPECT_CONDITION),
  severity: v.nullish(v.picklist(["hard", "soft"], EXPECT_SEVERITY), "hard"),
  eval_time: v.nullish(v.picklist(Object.keys(EVAL_TIMES), EXPECT_EVAL_TIME)),
  action: v.nullish(v.union([v.string(), v.array(v.string())], EXPECT_ACTION)),
});

export type SeedConstraint = v.InferOutput<typeof SeedConstraintSchema>;
type Field = keyof typeof SeedConstraintSchema.entries;

/** Where an imported constraint came from in its JSON file (1-based lines and columns). */
export interface ImportedConstraint {
  readonly id: string;
  /** JSON path of the constraint object, e.g. `[2]` or `constraints[2]` */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  /** where the `condition_expr` string starts */
  readonly conditionLine: number;
  readonly conditionColumn: number;
}

export interface SeedImport {
  /** the .craft text, formatted */
  readonly text: string;
  /** one entry per constraint, in file order */
  readonly constraints: readonly ImportedConstraint[];
}

// ---------------------------------------------------------------------------
// Public API

/** Converts the text of a seed JSON constraint file into the text of a .craft file. */
export function seedJsonToCraft(text: string, path: string): string {
  return convertSeedJson(text, path).text;
}

/** Reads a seed JSON constraint file and returns the .craft text. */
export async function readSeedConstraints(path: string): Promise<string> {
  return seedJsonToCraft(await readJsonFile(path), path);
}

/** Like seedJsonToCraft, also telling where each constraint sits in the JSON file. */
export function convertSeedJson(text: string, path: string): SeedImport {
  return new Converter(text, path).run();
}

/** Reads a seed JSON constraint file with the same errors as readSeedConstraints. */
export async function readSeedConstraintFile(path: string): Promise<SeedImport> {
  return convertSeedJson(await readJsonFile(path), path);
}

/** Whether a path names a seed JSON constraint file rather than a .craft file. */
export function isSeedJsonPath(path: string): boolean {
  return path.toLowerCase().endsWith(".json");
}

async function readJsonFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new InputError(`${path}: cannot read constraint file: ${fileProblem(error)}`);
  }
}

// ---------------------------------------------------------------------------
// The conversion

interface Problem {
  readonly offset: number;
  readonly message: string;
}

/** A converted constraint, before layout. */
interface Converted {
  readonly origin: ImportedConstraint;
  readonly form: string;
}

const MAX_DETAILS = 50;

class Converter {
  private readonly text: string;
  private readonly lines: LineIndex;
  private readonly problems: Problem[] = [];

  constructor(
    text: string,
    private readonly file: string,
  ) {
    // a byte-order mark is not part of the JSON, and editors do not count it as a column
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    this.lines = new LineIndex(this.text);
  }

  run(): SeedImport {
    const root = this.parseJson();
    const list = this.constraintList(root);
    const converted: Converted[] = [];
    if (list !== undefined) {
      this.listPath = list.path;
      const firstById = new Map<string, PathSegment[]>();
      list.items.forEach((item, i) => {
        const c = this.constraint(item, [...list.path, i], firstById);
        if (c !== undefined) converted.push(c);
      });
    }
    this.throwProblems();

    const header = `; imported from ${oneLine(basename(this.file))} by craft import`;
    const body = converted.map((c) => c.form).join("\n\n");
    const text = format(body === "" ? `${header}\n` : `${header}\n\n${body}\n`);
    return { text, constraints: converted.map((c) => c.origin) };
  }

  // ---- the document ------------------------------------------------------

  private parseJson(): unknown {
    const text = this.text;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      let end = text.length;
      while (end > 0 && " \t\n\r".includes(text[end - 1]!)) end--;
      if (end === 0) throw new InputError(`${this.file}:1:1: invalid JSON: the file is empty`);
      let offset = findJsonSyntaxError(text);
      if (offset === undefined) {
        const m = /at position (\d+)/.exec(error instanceof Error ? error.message : "");
        offset = m ? Number(m[1]) : 0;
      }
      let detail = explainJsonSyntaxError(text, error).detail;
      if (offset >= end) {
        offset = end;
        detail = "invalid JSON: the file ends in the middle of a value (truncated file?)";
      }
      throw new InputError(`${this.where(offset)}: ${detail}`);
    }
  }

  private constraintList(root: unknown): { items: readonly unknown[]; path: PathSegment[] } | undefined {
    const expected = `expected an array of constraints, or an object with a "constraints" array`;
    if (Array.isArray(root)) return { items: root, path: [] };
    if (isRecord(root)) {
      if (!Object.hasOwn(root, "constraints")) {
        this.problem([], `${expected}; the object has no "constraints" field`);
        return undefined;
      }
      const list = root["constraints"];
      if (Array.isArray(list)) return { items: list, path: ["constraints"] };
      this.problem(["constraints"], `expected an array of constraints, got ${this.found(["constraints"], list)}`);
      return undefined;
    }
    this.problem([], `${expected}, got ${this.found([], root)}`);
    return undefined;
  }

  // ---- one constraint -------------------------------------------------------

  private constraint(item: unknown, at: PathSegment[], firstById: Map<string, PathSegment[]>): Converted | undefined {
    if (!isRecord(item)) {
      this.problem(at, `expected a constraint object with "id" and "condition_expr", got ${this.found(at, item)}`);
      return undefined;
    }
    const before = this.problems.length;
    const idValue = this.field(item, at, "id");
    const typeValue = this.field(item, at, "type");
    const description = this.field(item, at, "description");
    const condition = this.field(item, at, "condition_expr");
    const severity = this.field(item, at, "severity");
    const evalTime = this.field(item, at, "eval_time");
    const actionValue = this.field(item, at, "action");

    const id = idValue === undefined ? undefined : this.id(idValue, [...at, "id"], firstById);
    const type = this.type(item, at, typeValue, evalTime);
    const action = actionValue == null ? undefined : this.action(actionValue, [...at, "action"]);
    const expr = condition === undefined ? undefined : this.condition(condition, [...at, "condition_expr"]);

    if (this.problems.length > before || id === undefined || type === undefined || expr === undefined || severity == null) return undefined;

    const options = [`:type ${type}`, `:severity ${severity}`];
    if (action !== undefined) options.push(`:action (${action.join(" ")})`);
    if (description != null) options.push(`:description ${craftString(description)}`);
    // the expression goes on lines of its own: a `;` comment in it must not swallow the `)`
    const form = `(constraint ${id} ${options.join(" ")}\n${expr}\n)`;

    // a safety net: the form must read back as exactly this constraint
    const parsed = parse(form);
    const error = parsed.diagnostics.find((d) => d.severity === "error");
    const back = parsed.program.forms[0];
    if (error !== undefined || parsed.program.forms.length !== 1 || back?.kind !== "constraint" || back.id !== id) {
      this.problem(at, `cannot be written as a craft constraint${error ? `: ${error.message}` : ""}`);
      return undefined;
    }

    const self = this.position(this.locate(at).offset);
    const cond = this.position(this.locate([...at, "condition_expr"]).offset);
    return {
      origin: {
        id,
        path: formatPath(at),
        line: self.line,
        column: self.column,
        conditionLine: cond.line,
        conditionColumn: cond.column,
      },
      form,
    };
  }

  /** Validates one field with its schema; undefined (and a problem) when it does not fit. */
  private field<K extends Field>(item: Record<string, unknown>, at: PathSegment[], key: K): v.InferOutput<(typeof SeedConstraintSchema.entries)[K]> | undefined {
    const schema = SeedConstraintSchema.entries[key] as v.GenericSchema<unknown, v.InferOutput<(typeof SeedConstraintSchema.entries)[K]>>;
    const value = Object.hasOwn(item, key) ? item[key] : undefined;
    const result = v.safeParse(schema, value);
    if (result.success) return result.output;
    const path = [...at, key];
    const expectation = result.issues[0].message;
    this.problem(path, `${expectation}, got ${this.found(path, value)}`);
    return undefined;
  }

  private id(value: string | number, path: PathSegment[], firstById: Map<string, PathSegment[]>): string | undefined {
    const id = typeof value === "number" ? String(value) : value;
    const e = parseExpression(id);
    const whole = e.diagnostics.length === 0 && e.expr.range.start === 0 && e.expr.range.end === id.length;
    const ok = whole && (e.expr.kind === "name" || (e.expr.kind === "literal" && e.expr.literal.type === "num"));
    if (!ok) {
      this.problem(
        path,
        `expected a constraint id that is a craft symbol (no spaces, parentheses, quotes or ';'; e.g. C1, door_open), got ${this.found(path, value)}`,
      );
      return undefined;
    }
    const first = firstById.get(id);
    if (first !== undefined) {
      const p = this.position(this.locate(first).offset);
      this.problem(path, `constraint id ${id} is already used by ${formatPath(first.slice(0, -1))} (line ${p.line})`);
      return undefined;
    }
    firstById.set(id, path);
    return id;
  }

  /** The craft type from `type` and `eval_time`, which must agree. */
  private type(
    item: Record<string, unknown>,
    at: PathSegment[],
    type: string | null | undefined,
    evalTime: string | null | undefined,
  ): ConstraintType | undefined {
    const typeGiven = item["type"] != null;
    const timeGiven = item["eval_time"] != null;
    // a field that failed validation has been reported already
    if ((typeGiven && type == null) || (timeGiven && evalTime == null)) return undefined;
    if (type == null && evalTime == null) {
      this.problem(at, `needs a "type" (pre, post, invariant, goal, causal) or an "eval_time" (pre, post, now, final)`);
      return undefined;
    }
    const fromType = type != null ? TYPE_NAMES[type] : undefined;
    const fromTime = evalTime != null ? EVAL_TIMES[evalTime] : undefined;
    if (fromType !== undefined && evalTime != null && fromType !== "causal" && fromType !== fromTime) {
      this.problem(
        [...at, "eval_time"],
        `eval_time "${evalTime}" contradicts type "${type}" (a ${fromType} constraint is evaluated at eval_time "${EVAL_TIME_OF[fromType]}")`,
      );
      return undefined;
    }
    return fromType ?? fromTime;
  }

  /** `"PutObject mug coffee_machine"` or `["PutObject", "mug", "coffee_machine"]` → the pattern's words. */
  private action(value: string | string[], path: PathSegment[]): string[] | undefined {
    let words: string[];
    if (typeof value === "string") {
      let s = value.trim();
      if (s.startsWith("(") && s.endsWith(")")) s = s.slice(1, -1);
      words = s.split(/\s+/).filter((w) => w !== "");
    } else words = value;
    if (words.length > 0 && words.every(isSymbol)) return words;
    this.problem(
      path,
      `expected an action pattern: an action name, then object names or _ (e.g. "PutObject mug coffee_machine"), got ${this.found(path, value)}`,
    );
    return undefined;
  }

  /** Parses `condition_expr`; returns its text when it is one well-formed expression. */
  private condition(text: string, path: PathSegment[]): string | undefined {
    const { diagnostics } = parseExpression(text);
    const error = diagnostics.find((d) => d.severity === "error");
    if (error === undefined) return text;
    const p = new LineIndex(text).positionAt(error.range.start);
    const where = text.includes("\n") ? `line ${p.line + 1}, column ${p.character + 1}` : `column ${p.character + 1}`;
    this.problem(path, `${error.message} at ${where} of the expression`);
    return undefined;
  }

  // ---- locations and problems ------------------------------------------------------

  /** Where the value at `path` starts, and its source text when the whole path exists. */
  private locate(path: readonly PathSegment[]): { offset: number; raw: string | undefined } {
    // inside a constraint, search that constraint's text only: locating the
    // n-th item from the start of the list every time would take quadratic time
    const list = this.listPath;
    const index = list !== undefined && list.every((seg, i) => path[i] === seg) ? path[list.length] : undefined;
    const item = typeof index === "number" ? this.itemSpans()[index] : undefined;
    const [text, base, rest] = item !== undefined ? [item.raw, item.offset, path.slice(list!.length + 1)] : [this.text, 0, path];
    const loc = locateJsonPath(text, rest);
    if (loc === undefined) return { offset: base, raw: undefined };
    return { offset: base + loc.offset, raw: loc.complete ? loc.raw : undefined };
  }

  /** JSON path of the constraint list, once found */
  private listPath: readonly PathSegment[] | undefined;
  private spans: { offset: number; raw: string }[] | undefined;

  /** Where each item of the constraint list starts, and its text, found in one pass. */
  private itemSpans(): readonly { offset: number; raw: string }[] {
    if (this.spans !== undefined) return this.spans;
    const spans: { offset: number; raw: string }[] = [];
    const text = this.text;
    const list = locateJsonPath(text, this.listPath ?? []);
    // the text is valid JSON and the list an array: after `[`, items separated by `,`
    if (list !== undefined && list.complete && text[list.offset] === "[") {
      let pos = skipJsonSpace(text, list.offset + 1);
      while (pos < text.length && text[pos] !== "]") {
        // slices share the text's characters, so this is linear overall
        const item = locateJsonPath(text.slice(pos), []);
        if (item === undefined || item.raw === undefined) break;
        spans.push({ offset: pos, raw: item.raw });
        pos = skipJsonSpace(text, pos + item.raw.length);
        if (text[pos] === ",") pos = skipJsonSpace(text, pos + 1);
      }
    }
    return (this.spans = spans);
  }

  /** "got …" for the value at `path`, as written in the file where it can be. */
  private found(path: readonly PathSegment[], value: unknown): string {
    return describeValue(value, value === undefined ? undefined : this.locate(path).raw);
  }

  private position(offset: number): { line: number; column: number } {
    const p = this.lines.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  }

  private where(offset: number): string {
    const p = this.position(offset);
    return `${this.file}:${p.line}:${p.column}`;
  }

  /** Records a problem at the value at `path` (or the deepest enclosing value, when it is missing). */
  private problem(path: readonly PathSegment[], detail: string): void {
    const { offset } = this.locate(path);
    const name = formatPath(path);
    this.problems.push({ offset, message: `${this.where(offset)}: ${name === "" ? "" : `${name}: `}${detail}` });
  }

  private throwProblems(): void {
    if (this.problems.length === 0) return;
    // in file order; problems at the same place keep the order they were found in
    const sorted = this.problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.offset - b.p.offset || a.i - b.i);
    const messages = sorted.map(({ p }) => p.message);
    const details = messages.slice(1, MAX_DETAILS + 1);
    if (messages.length > MAX_DETAILS + 1) details.push(`… and ${messages.length - MAX_DETAILS - 1} more`);
    throw new InputError(messages[0]!, details);
  }
}

// ---------------------------------------------------------------------------
// Helpers

function skipJsonSpace(text: string, pos: number): number {
  while (pos < text.length && " \t\n\r".includes(text[pos]!)) pos++;
  return pos;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `text` is one craft symbol (a name or dotted path; `_` included), and nothing else. */
function isSymbol(text: string): boolean {
  const e = parseExpression(text);
  return e.diagnostics.length === 0 && e.expr.kind === "name" && e.expr.range.start === 0 && e.expr.range.end === text.length;
}

const STRING_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * A craft string literal for `value`. Craft strings know the escapes
 * \" \\ \n \r \t; other control characters have none and become spaces.
 */
export function craftString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/["\\\n\r\t]|[\u0000-\u001f\u007f]/g, (c) => STRING_ESCAPES[c] ?? " ")}"`;
}

/** A file name fit for a `;` comment line. */
function oneLine(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ");
}
