// The craft language server: declares what it can do and wires each feature
// provider (./features/*) to its LSP request. Only standard LSP: settings are
// pulled through `workspace/configuration` when the client supports it,
// dynamic registrations are made only where the client says it accepts them,
// and nothing depends on VS Code. No handler can take the server down: an
// exception is logged and becomes an empty answer (or an error response
// where an empty one would mislead), and the server keeps answering.

import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type ExecuteCommandParams,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
} from "vscode-languageserver/node.js";
import { fileURLToPath } from "node:url";
import type { CraftDocument } from "./document.js";
import { toLspDiagnostics } from "./diagnostics.js";
import { TraceAssociations, type CheckOutcome, type CraftSettings } from "./trace-association.js";
import { Workspace } from "./workspace.js";
import { reportMarkdown } from "./report.js";
import { provideCodeActions } from "./features/code-actions.js";
import { provideCodeLenses } from "./features/code-lens.js";
import { provideCompletion } from "./features/completion.js";
import { provideDefinition } from "./features/definition.js";
import { provideDocumentSymbols } from "./features/document-symbols.js";
import { provideFormatting } from "./features/formatting.js";
import { provideHover } from "./features/hover.js";
import { provideInlayHints } from "./features/inlay-hints.js";
import { provideReferences } from "./features/references.js";
import { providePrepareRename, provideRename } from "./features/rename.js";
import { provideSemanticTokens, provideSemanticTokensRange, semanticTokensLegend } from "./features/semantic-tokens.js";

export const SERVER_NAME = "craft-ls";
export const SERVER_VERSION = "0.1.0";

/** Custom requests and notifications (all optional for clients). */
export const MEMORY_USAGE_REQUEST = "craft/memoryUsage";
export const CHECK_TRACE_REQUEST = "craft/checkTrace";
/** workspace/executeCommand: [uri, tracePath?] checks the document against the trace */
export const CHECK_AGAINST_TRACE_COMMAND = "craft.checkAgainstTrace";
/** workspace/executeCommand: [uri, constraintId?] returns the last check as Markdown */
export const REPORT_COMMAND = "craft.report";
/** sent only to clients that ask for it with `initializationOptions.checkResultNotifications: true` */
export const CHECK_RESULT_NOTIFICATION = "craft/checkResult";

export interface CheckTraceParams {
  readonly uri: string;
  /** a trace to check against from now on (absolute, or relative to the document) */
  readonly trace?: string;
}

export interface ServerOptions {
  /** quiet time before the background check (ms) */
  readonly quietMs?: number;
}

interface ClientSupport {
  configuration: boolean;
  workspaceFolders: boolean;
  configurationRegistration: boolean;
  watchedFilesRegistration: boolean;
  relatedInformation: boolean;
  versionedDiagnostics: boolean;
  prepareRename: boolean;
  codeActionLiterals: boolean;
  disabledCodeActions: boolean;
  checkResultNotifications: boolean;
}

/** Wires a craft language server to a connection; call `connection.listen()` afterwards. */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const log = (message: string) => {
    try {
      connection.console.error(message);
    } catch {
      // the connection is gone: nothing left to tell
    }
  };
  const workspace = new Workspace({ onInternalError: (e) => log(`craft: incremental analysis failed, analysed afresh: ${describe(e)}`) });
  let client: ClientSupport = {
    configuration: false,
    workspaceFolders: false,
    configurationRegistration: false,
    watchedFilesRegistration: false,
    relatedInformation: false,
    versionedDiagnostics: false,
    prepareRename: false,
    codeActionLiterals: true,
    disabledCodeActions: false,
    checkResultNotifications: false,
  };
  let folders: string[] = [];
  /** settings pushed by clients without `workspace/configuration` */
  let pushedSettings: CraftSettings | undefined;

  const traces = new TraceAssociations(
    {
      workspace,
      settings: async (uri) => {
        if (!client.configuration) return pushedSettings;
        const [craft] = (await connection.workspace.getConfiguration([{ scopeUri: uri, section: "craft" }])) as [unknown];
        return isObject(craft) ? (craft as CraftSettings) : undefined;
      },
      folders: () => folders,
      changed: (uri) => schedulePublish(uri),
      checked: (_uri, outcome) => {
        if (client.checkResultNotifications) void connection.sendNotification(CHECK_RESULT_NOTIFICATION, outcome).catch(() => undefined);
      },
      log,
    },
    options.quietMs !== undefined ? { quietMs: options.quietMs } : {},
  );

  // ---- diagnostics -------------------------------------------------------------

  /** documents to publish, and whether their text changed since (then the trace association looks again) */
  const scheduled = new Map<string, boolean>();
  function schedulePublish(uri: string, edited = false): void {
    const pending = scheduled.get(uri);
    scheduled.set(uri, edited || pending === true);
    if (pending !== undefined) return;
    setImmediate(() => {
      const textChanged = scheduled.get(uri) === true;
      scheduled.delete(uri);
      try {
        // builds the version (one incremental parse + check for all edits since the last build)
        if (textChanged && workspace.has(uri)) traces.documentChanged(uri);
      } catch (e) {
        log(`craft: trace association of ${uri} failed: ${describe(e)}`);
      }
      publish(uri);
    });
  }

  function publish(uri: string): void {
    try {
      const doc = workspace.get(uri);
      const text = workspace.textDocument(uri);
      if (!doc || !text) return;
      const diagnostics = toLspDiagnostics(doc, text, { relatedInformation: client.relatedInformation });
      void connection
        .sendDiagnostics({ uri, ...(client.versionedDiagnostics ? { version: doc.version } : {}), diagnostics })
        .catch((e: unknown) => log(`craft: cannot publish diagnostics: ${describe(e)}`));
    } catch (e) {
      log(`craft: diagnostics for ${uri} failed: ${describe(e)}`);
    }
  }

  // ---- guards --------------------------------------------------------------------

  /** A request handler that answers `fallback` (or cancels) instead of throwing. */
  function request<P, R>(name: string, fallback: R, handler: (params: P, token: CancellationToken) => R | Promise<R>) {
    return async (params: P, maybeToken?: CancellationToken): Promise<R | ResponseError<void>> => {
      // a request sent without params reaches the handler with the token alone
      const token = maybeToken ?? (isToken(params) ? params : NEVER_CANCELLED);
      if (isToken(params) && maybeToken === undefined) params = undefined as P;
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
      try {
        const result = await handler(params, token);
        if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
        return result;
      } catch (e) {
        log(`craft: ${name} failed: ${describe(e)}`);
        return fallback;
      }
    };
  }

  /** Like `request`, but a failure is an error response (an empty rename or format would read as "nothing to do"). */
  function strictRequest<P, R>(name: string, handler: (params: P, token: CancellationToken) => R | Promise<R>) {
    return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
      try {
        return await handler(params, token);
      } catch (e) {
        log(`craft: ${name} failed: ${describe(e)}`);
        return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
  }

  function notification<P>(name: string, handler: (params: P) => void) {
    return (params: P): void => {
      try {
        handler(params);
      } catch (e) {
        log(`craft: ${name} failed: ${describe(e)}`);
      }
    };
  }

  /** The document a request is about, or `fallback` when it is not open. */
  function on<P extends { textDocument: { uri: string } }, R>(fallback: R, f: (doc: CraftDocument, params: P, token: CancellationToken) => R) {
    return (params: P, token: CancellationToken): R => {
      const doc = workspace.get(params.textDocument.uri);
      return doc ? f(doc, params, token) : fallback;
    };
  }

  // ---- lifecycle -------------------------------------------------------------------

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    client = clientSupport(params.capabilities, params.initializationOptions);
    folders = workspaceFolders(params);
    // clients without workspace/configuration may pass the settings here ({ craft: { trace } })
    const initial = isObject(params.initializationOptions) ? params.initializationOptions.craft : undefined;
    if (isObject(initial)) pushedSettings = initial as CraftSettings;
    return { capabilities: capabilities(client), serverInfo: { name: SERVER_NAME, version: SERVER_VERSION } };
  });

  connection.onInitialized(
    notification("initialized", () => {
      if (client.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders((e) => {
          try {
            const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
            folders = folders.filter((f) => !removed.has(f)).concat(e.added.map((f) => uriToPath(f.uri)).filter((p): p is string => p !== undefined));
            traces.settingsChanged();
          } catch (err) {
            log(`craft: workspace folders: ${describe(err)}`);
          }
        });
      }
      if (client.configurationRegistration) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: "craft" }).catch((e: unknown) => log(`craft: ${describe(e)}`));
      }
      if (client.watchedFilesRegistration) {
        void connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.jsonl" }] })
          .catch((e: unknown) => log(`craft: ${describe(e)}`));
      }
    }),
  );

  connection.onShutdown(() => {
    traces.dispose();
  });

  // ---- documents ----------------------------------------------------------------------

  connection.onDidOpenTextDocument(
    notification("didOpen", (params) => {
      const { uri, version, text } = params.textDocument;
      workspace.open(uri, version, text);
      schedulePublish(uri, true);
    }),
  );

  connection.onDidChangeTextDocument(
    notification("didChange", (params) => {
      const { uri, version } = params.textDocument;
      if (!workspace.has(uri)) return;
      workspace.change(uri, version ?? 0, params.contentChanges);
      schedulePublish(uri, true);
    }),
  );

  connection.onDidCloseTextDocument(
    notification("didClose", (params) => {
      const { uri } = params.textDocument;
      workspace.close(uri);
      traces.close(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
    }),
  );

  connection.onDidChangeConfiguration(
    notification("didChangeConfiguration", (params) => {
      if (!client.configuration) {
        const settings = isObject(params.settings) ? (params.settings as { craft?: unknown }).craft : undefined;
        pushedSettings = isObject(settings) ? (settings as CraftSettings) : undefined;
      }
      traces.settingsChanged();
    }),
  );

  connection.onDidChangeWatchedFiles(
    notification("didChangeWatchedFiles", (params) => {
      const paths: string[] = [];
      for (const c of params.changes) {
        if (!c.uri.startsWith("file:")) continue;
        try {
          paths.push(fileURLToPath(c.uri));
        } catch {
          // not a path
        }
      }
      if (paths.length > 0) traces.traceFilesChanged(paths);
    }),
  );

  // ---- features -------------------------------------------------------------------------

  connection.onHover(request("hover", null, on(null, (doc, p) => provideHover(doc, p))));
  connection.onCompletion(request("completion", null, on(null, (doc, p) => provideCompletion(doc, p))));
  connection.onDefinition(request("definition", null, on(null, (doc, p) => provideDefinition(doc, p))));
  connection.onReferences(request("references", [], on([], (doc, p) => provideReferences(doc, p))));
  connection.onPrepareRename(request("prepareRename", null, on(null, (doc, p) => providePrepareRename(doc, p))));
  connection.onRenameRequest(strictRequest("rename", on(null, (doc, p) => provideRename(doc, p))));
  connection.onDocumentSymbol(request("documentSymbol", [], on([], (doc, p) => provideDocumentSymbols(doc, p))));
  connection.languages.semanticTokens.on(request("semanticTokens", { data: [] }, on({ data: [] }, (doc, p) => provideSemanticTokens(doc, p))));
  connection.languages.semanticTokens.onRange(request("semanticTokens/range", { data: [] }, on({ data: [] }, (doc, p) => provideSemanticTokensRange(doc, p))));
  connection.onDocumentFormatting(strictRequest("formatting", on([], (doc, p) => provideFormatting(doc, p))));
  connection.onCodeAction(
    request(
      "codeAction",
      [],
      on([], (doc, p) =>
        provideCodeActions(doc, p).filter((a) => client.codeActionLiterals && (client.disabledCodeActions || a.disabled === undefined)),
      ),
    ),
  );
  connection.onCodeLens(request("codeLens", [], on([], (doc, p) => provideCodeLenses(doc, p))));
  connection.languages.inlayHint.on(request("inlayHint", [], on([], (doc, p) => provideInlayHints(doc, p))));

  // ---- craft's own requests ------------------------------------------------------------

  connection.onRequest(
    MEMORY_USAGE_REQUEST,
    request("memoryUsage", null, () => {
      // with node --expose-gc, what is measured is what is kept, not garbage not yet collected
      (globalThis as { gc?: () => void }).gc?.();
      return { ...process.memoryUsage(), documents: workspace.uris().length };
    }),
  );
  // the same two actions as standard LSP commands, for clients that speak only those
  connection.onExecuteCommand(
    request("executeCommand", null as unknown, async (params: ExecuteCommandParams, token) => {
      const [uri, second] = params.arguments ?? [];
      if (typeof uri !== "string") throw new Error(`${params.command} expects a document URI as its first argument`);
      if (params.command === CHECK_AGAINST_TRACE_COMMAND) {
        if (!workspace.has(uri)) return { uri, skipped: "the document is not open" };
        return traces.checkNow(uri, typeof second === "string" ? second : undefined, token);
      }
      if (params.command === REPORT_COMMAND) {
        const doc = workspace.get(uri);
        return doc ? reportMarkdown(doc, typeof second === "string" ? second : undefined) : null;
      }
      throw new Error(`unknown command ${params.command}`);
    }),
  );
  connection.onRequest(
    CHECK_TRACE_REQUEST,
    request("checkTrace", null as CheckOutcome | null, async (params: CheckTraceParams, token) => {
      if (!isObject(params) || typeof params.uri !== "string") throw new Error("expected { uri, trace? }");
      if (!workspace.has(params.uri)) return { uri: params.uri, skipped: "the document is not open" };
      return traces.checkNow(params.uri, typeof params.trace === "string" ? params.trace : undefined, token);
    }),
  );
}

function capabilities(client: ClientSupport): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    hoverProvider: true,
    executeCommandProvider: { commands: [CHECK_AGAINST_TRACE_COMMAND, REPORT_COMMAND] },
    completionProvider: { triggerCharacters: ["(", ":", ".", "'"], resolveProvider: false },
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: client.prepareRename ? { prepareProvider: true } : true,
    documentSymbolProvider: true,
    semanticTokensProvider: { legend: semanticTokensLegend, full: true, range: true },
    documentFormattingProvider: true,
    codeActionProvider: client.codeActionLiterals ? { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] } : false,
    codeLensProvider: { resolveProvider: false },
    inlayHintProvider: true,
    ...(client.workspaceFolders ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
  };
}

function clientSupport(c: ClientCapabilities, initializationOptions: unknown): ClientSupport {
  return {
    configuration: c.workspace?.configuration === true,
    workspaceFolders: c.workspace?.workspaceFolders === true,
    configurationRegistration: c.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    watchedFilesRegistration: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    relatedInformation: c.textDocument?.publishDiagnostics?.relatedInformation === true,
    versionedDiagnostics: c.textDocument?.publishDiagnostics?.versionSupport === true,
    prepareRename: c.textDocument?.rename?.prepareSupport === true,
    codeActionLiterals: c.textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
    disabledCodeActions: c.textDocument?.codeAction?.disabledSupport === true,
    checkResultNotifications: isObject(initializationOptions) && (initializationOptions as { checkResultNotifications?: unknown }).checkResultNotifications === true,
  };
}

function workspaceFolders(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  const paths = uris.map(uriToPath).filter((p): p is string => p !== undefined);
  if (paths.length === 0 && params.rootPath) paths.push(params.rootPath);
  return paths;
}

function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

const NEVER_CANCELLED: CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };

function isToken(x: unknown): x is CancellationToken {
  return isObject(x) && typeof x.isCancellationRequested === "boolean" && typeof x.onCancellationRequested === "function";
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
