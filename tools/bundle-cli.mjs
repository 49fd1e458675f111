// Bundles the craft CLI and the language server into one file each: loading
// hundreds of small modules (chevrotain pulls in lodash-es) costs more
// start-up time than the check, and an editor starts `craft-ls` often.
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: false,
  legalComments: "none",
  logLevel: "warning",
  // the CommonJS dependencies (commander, cli-progress, vscode-languageserver) call require()
  banner: { js: "import { createRequire as __craftRequire } from 'node:module'; const require = __craftRequire(import.meta.url);" },
};

await Promise.all([
  // split: commands loaded on demand (train, with TensorFlow.js) stay out of start-up
  build({
    ...common,
    // the trace reader thread's module goes beside the chunks it shares with the CLI
    entryPoints: { craft: "runtime/src/cli/main.ts", "chunks/read-ahead-worker": "runtime/src/trace/read-ahead-worker.ts" },
    outdir: "runtime/dist",
    outExtension: { ".js": ".mjs" },
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
  }),
  build({ ...common, entryPoints: ["server/src/main.ts"], outfile: "server/dist/craft-ls.mjs" }),
]);
