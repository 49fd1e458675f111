// Reading a constraint file: parse once, check against each trace's
// vocabulary, and render diagnostics as `file:line:col: severity: message`.

import { readFile } from "node:fs/promises";
import { check, compile, LineIndex, parse, type Aggregation, type CheckedProgram, type CompiledProgram, type Diagnostic, type PredicateRegistry, type Program, type TraceVocabulary } from "@craft/language";
import { fileProblem, InputError } from "../input-error.js";
import { isSeedJsonPath, readSeedConstraintFile } from "../import/seed-constraints.js";

export interface ConstraintFile {
  readonly path: string;
  readonly text: string;
  readonly program: Program;
  readonly lines: LineIndex;
  /** syntax diagnostics, independent of any trace */
  readonly syntax: readonly Diagnostic[];
  /** where a diagnostic points when the text was generated from another file (seed JSON) */
  readonly locate?: (d: Diagnostic) => string;
}

export async function readConstraintFile(path: string): Promise<ConstraintFile> {
  if (isSeedJsonPath(path)) return readSeedJsonFile(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InputError(`${path}: cannot read constraint file: ${fileProblem(error)}`);
  }
  return constraintFileFromText(path, text);
}

export function constraintFileFromText(path: string, text: string): ConstraintFile {
  const parsed = parse(text);
  return { path, text, program: parsed.program, lines: new LineIndex(text), syntax: parsed.diagnostics };
}

/**
 * The seeds' JSON constraints, checked as the craft they convert to; a
 * diagnostic points at the constraint's `condition_expr` in the JSON file.
 */
async function readSeedJsonFile(path: string): Promise<ConstraintFile> {
  const imported = await readSeedConstraintFile(path);
  const file = constraintFileFromText(path, imported.text);
  const constraints = file.program.forms.filter((f) => f.kind === "constraint");
  const locate = (d: Diagnostic): string => {
    const i = constraints.findIndex((c) => c.range.start <= d.range.start && d.range.end <= c.range.end);
    const origin = imported.constraints[i];
    if (!origin) return `${path}: ${d.severity}: ${d.message}`;
    return `${path}:${origin.conditionLine}:${origin.conditionColumn}: ${d.severity}: ${origin.path} (${origin.id}): ${d.message}`;
  };
  return { ...file, locate };
}

export function renderDiagnostic(file: ConstraintFile, d: Diagnostic): string {
  if (file.locate) return file.locate(d);
  const p = file.lines.positionAt(d.range.start);
  return `${file.path}:${p.line + 1}:${p.character + 1}: ${d.severity}: ${d.message}`;
}

export interface CheckedFile {
  readonly file: ConstraintFile;
  readonly checked: CheckedProgram;
  readonly compiled: CompiledProgram;
  /** warnings worth showing (errors abort) */
  readonly warnings: readonly string[];
}

export interface CheckFileOptions {
  readonly registry?: PredicateRegistry;
  readonly vocabulary?: TraceVocabulary;
  readonly aggregation?: Aggregation;
}

/** Checks and compiles a constraint file; any error is an InputError listing every error. */
export function checkConstraintFile(file: ConstraintFile, options: CheckFileOptions = {}): CheckedFile {
  const checked = check(file.program, {
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}),
  });
  const all = [...file.syntax, ...checked.diagnostics].sort((a, b) => a.range.start - b.range.start);
  const errors = all.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const lines = errors.map((d) => renderDiagnostic(file, d));
    throw new InputError(`${file.path}: ${errors.length} error${errors.length === 1 ? "" : "s"} in constraint file`, lines);
  }
  const warnings = all.filter((d) => d.severity === "warning").map((d) => renderDiagnostic(file, d));
  const compiled = compile(checked, options.aggregation ? { aggregation: options.aggregation } : {});
  return { file, checked, compiled, warnings };
}
