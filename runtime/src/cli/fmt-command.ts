// `craft fmt FILE...`: prints the canonical layout, or rewrites the files
// (--write), or lists the files that are not formatted (--check, exit 1).

import { readFile, writeFile } from "node:fs/promises";
import { format, hasErrors, parse } from "@craft/language";
import { constraintFileFromText, renderDiagnostic } from "../check/constraint-file.js";
import { InputError } from "../input-error.js";
import type { CommandIO } from "./check-command.js";

export async function runFmt(paths: readonly string[], options: { write?: boolean; check?: boolean }, io: CommandIO): Promise<number> {
  let unformatted = 0;
  for (const path of paths) {
    const text = await readFile(path, "utf8").catch(() => {
      throw new InputError(`${path}: cannot read constraint file`);
    });
    const parsed = parse(text);
    if (hasErrors(parsed.diagnostics)) {
      const file = constraintFileFromText(path, text);
      throw new InputError(`${path}: cannot format a file with syntax errors`, parsed.diagnostics.filter((d) => d.severity === "error").map((d) => renderDiagnostic(file, d)));
    }
    const formatted = format(text);
    if (options.check) {
      if (formatted !== text) {
        unformatted++;
        io.stdout(`${path}\n`);
      }
    } else if (options.write) {
      if (formatted !== text) await writeFile(path, formatted);
    } else io.stdout(formatted);
  }
  return unformatted > 0 ? 1 : 0;
}
