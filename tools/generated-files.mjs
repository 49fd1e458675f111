// Writes files a generator made, or checks that the committed ones are
// exactly what it makes (`--check`, run by CI and tests).

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * files: path → text. With check, reports files that are missing or differ,
 * and .jsonl files in `dirs` the generator did not make; returns the exit code.
 */
export function writeOrCheck(files, { check, root, dirs, command }) {
  if (!check) {
    for (const [path, text] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    process.stdout.write(`wrote ${files.size} traces\n`);
    return 0;
  }
  const problems = [];
  for (const [path, text] of files) {
    const rel = relative(root, path);
    if (!existsSync(path)) problems.push(`${rel}: missing`);
    else if (readFileSync(path, "utf8") !== text) problems.push(`${rel}: differs from the generator's output`);
  }
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name.endsWith(".jsonl") && !files.has(path)) problems.push(`${relative(root, path)}: not made by the generator`);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(problems.join("\n") + `\nrun \`${command}\` to rewrite the traces\n`);
    return 1;
  }
  process.stdout.write(`${files.size} traces match the generator\n`);
  return 0;
}
