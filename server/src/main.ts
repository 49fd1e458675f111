#!/usr/bin/env node
// `craft-ls --stdio`: the craft language server on standard streams (also
// `--node-ipc` and `--socket=PORT`, as vscode-languageserver reads them).

import { createConnection, ProposedFeatures } from "vscode-languageserver/node.js";
import { SERVER_NAME, SERVER_VERSION, startServer } from "./language-server.js";

const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-v")) {
  process.stdout.write(`${SERVER_NAME} ${SERVER_VERSION}\n`);
  process.exit(0);
}
if (args.includes("--help") || args.includes("-h") || !args.some((a) => a === "--stdio" || a === "--node-ipc" || a.startsWith("--socket") || a.startsWith("--pipe"))) {
  process.stderr.write(`usage: ${SERVER_NAME} --stdio\n\nThe craft language server (LSP over standard input and output).\n`);
  process.exit(args.includes("--help") || args.includes("-h") ? 0 : 2);
}

const connection = createConnection(ProposedFeatures.all);
// Nothing that goes wrong in one request may end the server: log and go on.
process.on("uncaughtException", (e) => connection.console.error(`craft-ls: uncaught: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
process.on("unhandledRejection", (e) => connection.console.error(`craft-ls: unhandled rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
startServer(connection);
connection.listen();
