// Bundles the craft CLI into one file: loading hundreds of small modules
// (chevrotain pulls in lodash-es) costs more start-up time than the check.
import { build } from "esbuild";

await build({
  entryPoints: ["runtime/src/cli/main.ts"],
  outfile: "runtime/dist/craft.mjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  legalComments: "none",
  logLevel: "warning",
  // the CommonJS dependencies (commander, cli-progress) call require()
  banner: { js: "import { createRequire as __craftRequire } from 'node:module'; const require = __craftRequire(import.meta.url);" },
});
