// Builds the extension's files for `vsce package`:
//   dist/extension.cjs            src/extension.ts bundled with vscode-languageclient (CommonJS; `vscode` external)
//   dist/THIRD-PARTY-NOTICES.txt  the licences of the packages bundled into it
//   dist/craft-ls.mjs             the bundled language server, copied from ../server/dist
//   syntaxes/craft.tmLanguage.json, language-configuration.json   copied from ../grammar
// Run from anywhere: `node extension/build.mjs` (or `npm run build -w extension`).
// The server must be built first (`npm run build` at the root).

import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dist = join(here, "dist");

// CRAFT_SERVER_BUNDLE: another server bundle to ship (for trying a build)
const serverBundle = process.env.CRAFT_SERVER_BUNDLE || join(root, "server", "dist", "craft-ls.mjs");
if (!existsSync(serverBundle)) {
  console.error(
    `extension/build.mjs: ${relative(root, serverBundle)} does not exist; build the language server first (npm run build at the repository root).`,
  );
  process.exit(1);
}

mkdirSync(dist, { recursive: true });
mkdirSync(join(here, "syntaxes"), { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: ["src/extension.ts"],
  outfile: "dist/extension.cjs",
  bundle: true,
  platform: "node",
  // VS Code 1.91 runs extensions on Node 20 (Electron 29)
  target: "node20",
  format: "cjs",
  external: ["vscode"],
  minify: true,
  sourcemap: false,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});

writeFileSync(join(dist, "THIRD-PARTY-NOTICES.txt"), thirdPartyNotices(result.metafile));
copyFileSync(serverBundle, join(dist, "craft-ls.mjs"));
copyFileSync(join(root, "grammar", "craft.tmLanguage.json"), join(here, "syntaxes", "craft.tmLanguage.json"));
copyFileSync(join(root, "grammar", "language-configuration.json"), join(here, "language-configuration.json"));

/**
 * The name, version and licence text of every npm package bundled into
 * dist/extension.cjs (the bundle drops the packages' own licence files).
 */
function thirdPartyNotices(metafile) {
  const packageDirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const parts = join(here, input).split(sep);
    const at = parts.lastIndexOf("node_modules");
    if (at < 0) continue;
    const width = parts[at + 1]?.startsWith("@") ? 2 : 1;
    packageDirs.add(parts.slice(0, at + 1 + width).join(sep));
  }
  const sections = [...packageDirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const text = licenceFile !== undefined ? readFileSync(join(dir, licenceFile), "utf8").trim() : `License: ${pkg.license ?? "unknown"}`;
    return `${pkg.name} ${pkg.version}\n${"-".repeat(`${pkg.name} ${pkg.version}`.length)}\n${text}\n`;
  });
  return (
    "Third-party software bundled into dist/extension.cjs of the craft extension.\n" +
    "(dist/craft-ls.mjs, the language server, is built in server/.)\n\n" +
    sections.join("\n")
  );
}
