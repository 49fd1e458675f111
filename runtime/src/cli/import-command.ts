// `craft import FILE.json... [-o OUT]`: turns the seeds' JSON constraints into
// .craft text.
//
// - one input: the .craft text goes to stdout, or to OUT; when OUT is an
//   existing directory, to OUT/NAME.craft (NAME: the input's name without .json);
// - several inputs: without -o, every text goes to stdout, one after the other
//   with a blank line between (each starts with its `; imported from NAME`
//   line); with -o, OUT must be an existing directory and each input becomes
//   OUT/NAME.craft.
//
// Every input is converted before anything is written, so one bad input
// writes nothing. Exit 0, or an InputError (exit 2).

import { stat, writeFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { fileProblem, InputError } from "../input-error.js";
import { readSeedConstraints } from "../import/seed-constraints.js";
import type { CommandIO } from "./check-command.js";

export interface ImportCommandOptions {
  /** -o: a file (one input) or an existing directory */
  readonly output?: string;
}

export async function runImport(paths: readonly string[], options: ImportCommandOptions, io: CommandIO): Promise<number> {
  if (paths.length === 0) throw new InputError("no constraint file given (expected at least one .json file)");
  const texts = await Promise.all(paths.map((p) => readSeedConstraints(p)));
  const output = options.output;

  if (output === undefined) {
    io.stdout(texts.join("\n"));
    return 0;
  }

  const isDirectory = await stat(output).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    if (paths.length > 1) throw new InputError(`-o ${output}: with several inputs, -o must name an existing directory`);
    refuseToOverwriteInput(output, paths);
    await write(output, texts[0]!);
    return 0;
  }

  const targets = paths.map((p) => join(output, craftName(p)));
  const seen = new Map<string, string>();
  targets.forEach((target, i) => {
    const other = seen.get(target);
    if (other !== undefined) throw new InputError(`${paths[i]}: would overwrite ${target}, the import of ${other}`);
    seen.set(target, paths[i]!);
    refuseToOverwriteInput(target, paths);
  });
  for (let i = 0; i < targets.length; i++) await write(targets[i]!, texts[i]!);
  return 0;
}

/** `dir/kitchen.json` → `kitchen.craft` */
export function craftName(path: string): string {
  const name = basename(path);
  const ext = extname(name);
  return `${ext === "" ? name : name.slice(0, -ext.length)}.craft`;
}

function refuseToOverwriteInput(target: string, inputs: readonly string[]): void {
  const input = inputs.find((p) => resolve(p) === resolve(target));
  if (input !== undefined) throw new InputError(`-o ${target}: would overwrite the input ${input}`);
}

async function write(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    const why = fileProblem(error, "no such directory");
    throw new InputError(`${path}: cannot write the imported constraints: ${why}`);
  }
}
