// The craft extension for VS Code: starts the bundled language server
// (dist/craft-ls.mjs, `craft-ls --stdio`) through vscode-languageclient for
// `.craft` files, and adds two commands and a status bar item on top of it.
// Everything about the language (diagnostics, hover, completion, …) is the
// server's; see protocol.ts for what the two sides say beyond standard LSP.

import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node.js";
import {
  CHECK_RESULT_NOTIFICATION,
  type CheckResultParams,
  CLIENT_OWNED_COMMANDS,
  ClientCommands,
  parseCheckResult,
  parseReport,
  ServerCommands,
} from "./protocol.js";
import { checkMessage, statusView } from "./status.js";

const LANGUAGE_ID = "craft";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("craft");
  context.subscriptions.push(output);

  const serverModule = context.asAbsolutePath(path.join("dist", "craft-ls.mjs"));
  // `module` runs the server with VS Code's own Node (Electron as Node), so
  // users need no Node installation; the client adds --stdio (and
  // --clientProcessId=<pid>) to the arguments.
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: {
      module: serverModule,
      transport: TransportKind.stdio,
      options: { execArgv: ["--nolazy", "--inspect=6009"] },
    },
  };
  const settings = vscode.workspace.getConfiguration("craft");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    outputChannel: output,
    synchronize: {
      // didChangeConfiguration with the `craft` section (craft.trace, craft.threshold)
      configurationSection: "craft",
      // didChangeWatchedFiles for traces, so the server can re-check when one changes
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.jsonl"),
    },
    initializationOptions: {
      trace: settings.get<string>("trace", ""),
      threshold: settings.get<number>("threshold", 0.7),
      // the status bar follows the server's craft/checkResult notifications
      checkResultNotifications: true,
    },
  };
  // The id is not "craft": vscode-languageclient reads `<id>.trace.server`,
  // which would collide with the string setting craft.trace.
  const languageClient = new LanguageClient("craftLanguageServer", "craft language server", serverOptions, clientOptions);
  client = languageClient;
  keepClientCommands(languageClient);

  // ---- status bar: the last check of the active document
  const results = new Map<string, CheckResultParams>();
  const status = vscode.window.createStatusBarItem("craft.lastCheck", vscode.StatusBarAlignment.Left, 0);
  status.name = "craft: last check";
  status.command = ClientCommands.showReport;
  context.subscriptions.push(status);

  const refreshStatus = (): void => {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || editor.document.languageId !== LANGUAGE_ID) {
      status.hide();
      return;
    }
    const result = results.get(protocolUri(languageClient, editor.document.uri));
    const view = statusView(result);
    status.text = view.text;
    status.tooltip = view.tooltip;
    status.command = result === undefined ? ClientCommands.checkAgainstTrace : ClientCommands.showReport;
    status.backgroundColor =
      view.level === "error"
        ? new vscode.ThemeColor("statusBarItem.errorBackground")
        : view.level === "warning"
          ? new vscode.ThemeColor("statusBarItem.warningBackground")
          : undefined;
    status.show();
  };
  const record = (result: CheckResultParams): void => {
    results.set(result.uri, result);
    refreshStatus();
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(refreshStatus),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.languageId === LANGUAGE_ID) results.delete(protocolUri(languageClient, doc.uri));
    }),
    languageClient.onNotification(CHECK_RESULT_NOTIFICATION, (params: unknown) => {
      const result = parseCheckResult(params);
      if (result !== undefined) record(result);
      else output.appendLine(`ignored a malformed ${CHECK_RESULT_NOTIFICATION} notification: ${JSON.stringify(params)}`);
    }),
  );

  // ---- commands
  /** whether the server is up: commands wait for it */
  const started: Promise<boolean> = languageClient.start().then(
    () => true,
    (error: unknown) => {
      output.appendLine(`craft language server failed to start: ${describe(error)}`);
      void vscode.window.showErrorMessage(`craft: the language server failed to start (${describe(error)}). See the "craft" output.`);
      return false;
    },
  );
  const serverUp = async (): Promise<boolean> => {
    if (await started) return true;
    void vscode.window.showErrorMessage('craft: the language server is not running. See the "craft" output.');
    return false;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(ClientCommands.checkAgainstTrace, async (uriArg?: unknown, traceArg?: unknown) => {
      const uri = documentUri(uriArg);
      if (uri === undefined) {
        void vscode.window.showWarningMessage("craft: open a .craft file to check it against a trace.");
        return;
      }
      const tracePath = typeof traceArg === "string" && traceArg !== "" ? traceArg : await pickTrace(uri);
      if (tracePath === undefined || !(await serverUp())) return;
      let raw: unknown;
      try {
        raw = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: `craft: checking against ${path.basename(tracePath)}` },
          () =>
            languageClient.sendRequest(ExecuteCommandRequest.type, {
              command: ServerCommands.checkAgainstTrace,
              arguments: [protocolUri(languageClient, uri), tracePath],
            }),
        );
      } catch (error) {
        void vscode.window.showErrorMessage(`craft: the check against ${path.basename(tracePath)} failed: ${describe(error)}`);
        return;
      }
      const result = parseCheckResult(raw);
      if (result === undefined) {
        // the server may report through craft/checkResult only
        return;
      }
      record(result);
      if (result.error !== undefined) {
        void vscode.window.showErrorMessage(checkMessage(result));
        return;
      }
      const worth = result.summary.VIOLATED + result.summary.UNCERTAIN > 0;
      const choice = await (worth
        ? vscode.window.showWarningMessage(checkMessage(result), "Show report")
        : vscode.window.showInformationMessage(checkMessage(result), "Show report"));
      if (choice === "Show report") await vscode.commands.executeCommand(ClientCommands.showReport, uri);
    }),

    vscode.commands.registerCommand(ClientCommands.showReport, async (uriArg?: unknown, constraintArg?: unknown) => {
      const uri = documentUri(uriArg);
      if (uri === undefined) {
        void vscode.window.showWarningMessage("craft: open a .craft file to see the report of its last check.");
        return;
      }
      if (!(await serverUp())) return;
      // a verdict code lens passes the constraint id: the report of that constraint
      const constraintId = typeof constraintArg === "string" && constraintArg !== "" ? constraintArg : undefined;
      let raw: unknown;
      try {
        raw = await languageClient.sendRequest(ExecuteCommandRequest.type, {
          command: ServerCommands.report,
          arguments: constraintId !== undefined ? [protocolUri(languageClient, uri), constraintId] : [protocolUri(languageClient, uri)],
        });
      } catch (error) {
        void vscode.window.showErrorMessage(`craft: could not get the report: ${describe(error)}`);
        return;
      }
      const markdown = parseReport(raw);
      if (markdown === undefined) {
        const choice = await vscode.window.showInformationMessage(
          `craft: ${path.basename(uri.fsPath)} has not been checked against a trace yet.`,
          "Check against trace…",
        );
        if (choice !== undefined) await vscode.commands.executeCommand(ClientCommands.checkAgainstTrace, uri);
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: markdown });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }),
  );

  refreshStatus();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c !== undefined && c.isRunning()) await c.stop();
}

/**
 * The server lists `craft.checkAgainstTrace` among its executeCommand ids
 * (any LSP client may run it). vscode-languageclient registers every such id
 * as a VS Code command that forwards to the server, which would clash with
 * this extension's own command of that name (registerCommand throws on a
 * duplicate). Leave the ids this extension owns out of that registration;
 * the extension forwards them itself, after asking for what is missing.
 */
function keepClientCommands(languageClient: LanguageClient): void {
  const feature = languageClient.getFeature(ExecuteCommandRequest.method);
  const register = feature.register.bind(feature);
  feature.register = (data) => {
    const commands = data.registerOptions.commands.filter((c) => !CLIENT_OWNED_COMMANDS.has(c));
    register({ ...data, registerOptions: { ...data.registerOptions, commands } });
  };
}

/** The URI string the server knows a document by (as the client sent it in didOpen). */
function protocolUri(languageClient: LanguageClient, uri: vscode.Uri): string {
  return languageClient.code2ProtocolConverter.asUri(uri);
}

/**
 * The craft document a command is about: a Uri (editor menus), a URI string
 * (a code lens from the server), or else the active editor's document.
 */
function documentUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === "string" && arg !== "") {
    try {
      return vscode.Uri.parse(arg, true);
    } catch {
      return vscode.Uri.file(arg);
    }
  }
  const doc = vscode.window.activeTextEditor?.document;
  return doc !== undefined && doc.languageId === LANGUAGE_ID ? doc.uri : undefined;
}

/** Asks for a trace file, starting next to the document (in its traces/ folder when there is one). */
async function pickTrace(uri: vscode.Uri): Promise<string | undefined> {
  let defaultUri: vscode.Uri | undefined;
  if (uri.scheme === "file") {
    const dir = vscode.Uri.file(path.dirname(uri.fsPath));
    const traces = vscode.Uri.joinPath(dir, "traces");
    defaultUri = (await isDirectory(traces)) ? traces : dir;
  }
  const picked = await vscode.window.showOpenDialog({
    title: "craft: check against trace",
    openLabel: "Check against this trace",
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { "craft traces": ["jsonl"], "All files": ["*"] },
    ...(defaultUri !== undefined ? { defaultUri } : {}),
  });
  const file = picked?.[0];
  return file !== undefined ? file.fsPath : undefined;
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
