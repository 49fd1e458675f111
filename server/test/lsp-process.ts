// The bundled server (`node server/dist/craft-ls.mjs --stdio`) as a separate
// process, driven through a real JSON-RPC client (vscode-languageserver-protocol
// over the child's stdio), as an editor would drive it.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node.js";

export const SERVER = fileURLToPath(new URL("../dist/craft-ls.mjs", import.meta.url));

/** What a capable editor announces. */
export const CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    hover: { contentFormat: ["markdown", "plaintext"] },
    completion: { completionItem: { snippetSupport: true } },
    rename: { prepareSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "refactor.rewrite"] } }, disabledSupport: true },
    semanticTokens: { requests: { full: true, range: true }, tokenTypes: [], tokenModifiers: [], formats: ["relative"] },
  },
};

export interface StartOptions {
  /** the answer to `workspace/configuration` for section "craft" */
  readonly settings?: Record<string, unknown>;
  readonly capabilities?: ClientCapabilities;
  readonly rootUri?: string | null;
  /** extra node flags, e.g. --expose-gc (craft/memoryUsage then collects garbage first) */
  readonly nodeArgs?: readonly string[];
}

export class ServerProcess {
  /** every publishDiagnostics, by URI, oldest first */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  /** methods the server sent to the client */
  readonly methods = new Set<string>();
  readonly stderr: string[] = [];
  /** window/logMessage messages */
  readonly logs: string[] = [];
  private waiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private exited: Promise<number | null>;
  settings: Record<string, unknown>;

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    child.stderr.on("data", (d: Buffer) => this.stderr.push(d.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.methods.add(PublishDiagnosticsNotification.method);
      let list = this.diagnostics.get(p.uri);
      if (!list) this.diagnostics.set(p.uri, (list = []));
      list.push(p);
      if (list.length > 50) list.splice(0, list.length - 50); // the fuzz test sends thousands
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.test(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    // vscode-jsonrpc accepts catch-all handlers, which ProtocolConnection's typings do not list
    const any = connection as unknown as {
      onNotification(h: (method: string, params: unknown) => void): void;
      onRequest(h: (method: string, params: unknown) => unknown): void;
    };
    any.onNotification((method, params) => {
      this.methods.add(method);
      if (method === "window/logMessage") this.logs.push((params as { message: string }).message);
    });
    any.onRequest((method, params) => {
      this.methods.add(method);
      if (method === "workspace/configuration") {
        const items = (params as { items: { section?: string }[] }).items;
        return items.map((i) => (i.section === "craft" ? this.settings : null));
      }
      return null;
    });
    connection.listen();
  }

  static async start(options: StartOptions = {}): Promise<ServerProcess> {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build`);
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER, "--stdio"], { stdio: "pipe" });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const server = new ServerProcess(child, connection, options);
    return server;
  }

  async initialize(options: StartOptions = {}): Promise<InitializeResult> {
    const rootUri = options.rootUri === undefined ? null : options.rootUri;
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      capabilities: options.capabilities ?? CAPABILITIES,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: "root" }] : null,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "craft", version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  /** The next publishDiagnostics for `uri` that passes `test` (also one already received, when `past`). */
  waitForDiagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 10_000, past = true): Promise<PublishDiagnosticsParams> {
    if (past) {
      const last = this.diagnostics.get(uri)?.at(-1);
      if (last && test(last)) return Promise.resolve(last);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri)?.at(-1))}\n${this.stderr.join("")}`)), timeoutMs);
      this.waiters.push({
        uri,
        test,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** Resident memory of the server process (kB), from /proc. */
  rssKiB(): number | undefined {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, "utf8"));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** shutdown, exit, and the process's exit code */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await Promise.race([this.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5000))]);
    this.connection.dispose();
    if (code === "timeout") {
      this.child.kill();
      throw new Error("the server did not exit after shutdown + exit");
    }
    return code;
  }

  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}
