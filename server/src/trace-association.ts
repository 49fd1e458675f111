// Which trace a document is checked against, and the background check.
//
// The trace comes from, in order: a path the client asked for (the
// `craft/checkTrace` request), a `;; trace: path` directive comment anywhere
// in the file (relative to the document), or the `craft.trace` setting (a path
// or glob relative to the workspace folder; the newest match wins), read
// through `workspace/configuration` only when the client supports it.
//
// Its first frame gives the vocabulary the document is checked with as you
// type. Once edits have been quiet for a moment the whole trace is checked
// (runtime's checkTrace on the document's current text) and the verdicts are
// kept on the document. A trace that is missing or broken is a problem on the
// directive, never a crash.

import { stat, readdir } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { hasErrors, VocabularyBuilder, type Range, type Summary, type TraceVocabulary, type Verdict } from "@craft/language";
import { checkTrace, constraintFileFromText, InputError, openTrace, TraceError, type TraceResult } from "@craft/runtime";
import type { CraftDocument, TraceAssociation } from "./document.js";
import type { Workspace } from "./workspace.js";

/** The `craft` section of the settings, as far as the server reads it. */
export interface CraftSettings {
  readonly trace?: string;
  readonly threshold?: number;
}

/** A cancellation flag, as vscode-languageserver's CancellationToken has it. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export interface TraceHost {
  readonly workspace: Workspace;
  /** the settings for a document, or undefined when the client cannot say */
  settings(uri: string): Promise<CraftSettings | undefined>;
  /** workspace folders as file system paths */
  folders(): readonly string[];
  /** a document's trace association, problem or verdicts changed */
  changed(uri: string): void;
  /** a background check finished (or failed) */
  checked?(uri: string, outcome: CheckOutcome): void;
  log(message: string): void;
}

export interface TraceAssociationOptions {
  /** how long edits must be quiet before the background check (ms) */
  readonly quietMs?: number;
  /** traces larger than this keep only the failures' first verdicts (bytes) */
  readonly largeTraceBytes?: number;
  /** verdicts kept per constraint, newest first */
  readonly verdictsPerConstraint?: number;
  /** above about this many verdicts (frames × constraints), only the failures' first verdicts are kept */
  readonly maxVerdicts?: number;
}

/** What a check found, for the client's status (the `craft/checkTrace` request's answer). */
export interface CheckOutcome {
  readonly uri: string;
  readonly trace?: string;
  readonly version?: number;
  readonly frames?: number;
  readonly summary?: Summary;
  readonly hardViolation?: boolean;
  readonly error?: string;
  /** the check did not run (no trace, or the file has errors) */
  readonly skipped?: string;
}

type Origin = NonNullable<TraceAssociation["origin"]>;

interface Target {
  readonly path: string;
  /** as written, for messages */
  readonly display: string;
  readonly origin: Origin;
  readonly directiveRange?: Range;
  /** a problem found before reading the trace (an unresolvable path) */
  readonly problem?: string;
}

interface DocumentState {
  /** a trace the client asked for */
  requested?: string;
  /** the setting's answer for this document, once known */
  setting?: Target | null;
  settingPending?: boolean;
  /** reads of the settings started, so that only the newest is applied */
  settingReads: number;
  /** the `craft.threshold` setting */
  threshold?: number;
  timer?: NodeJS.Timeout;
  /** the trace whose first frame is being read (its check waits), and when that is done */
  loading?: string;
  loaded?: Promise<void>;
  /** the check in progress */
  running?: Promise<CheckOutcome>;
  again: boolean;
  /** bumped on close: async work for an older generation is dropped */
  generation: number;
}

interface VocabularyEntry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly vocabulary?: TraceVocabulary;
  readonly error?: string;
}

/** a rough size of a trace line, to estimate frames from the file size */
const BYTES_PER_FRAME = 400;
const DIRECTIVE = /^;+\s*trace\s*:\s*(.*?)\s*$/;
const MAX_CACHED_VOCABULARIES = 16;
const GLOB_MAX_ENTRIES = 20_000;
const GLOB_MAX_DEPTH = 12;

export class TraceAssociations {
  private readonly states = new Map<string, DocumentState>();
  private readonly vocabularies = new Map<string, VocabularyEntry>();
  private readonly quietMs: number;
  private readonly largeTraceBytes: number;
  private readonly perConstraint: number;
  private readonly maxVerdicts: number;

  constructor(
    private readonly host: TraceHost,
    options: TraceAssociationOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 300;
    this.largeTraceBytes = options.largeTraceBytes ?? 32 * 1024 * 1024;
    this.perConstraint = options.verdictsPerConstraint ?? 1000;
    this.maxVerdicts = options.maxVerdicts ?? 200_000;
  }

  /** After an open or an edit: follow the directive, and check again once edits are quiet. */
  documentChanged(uri: string): void {
    const state = this.state(uri);
    if (state.setting === undefined && !state.settingPending) void this.loadSetting(uri, state);
    this.refresh(uri);
    this.schedule(uri, state);
  }

  /** The settings changed: read them again for every document. */
  settingsChanged(): void {
    for (const [uri, state] of this.states) void this.loadSetting(uri, state);
  }

  /** Trace files changed on disk: forget their vocabularies and check their documents again. */
  traceFilesChanged(paths: readonly string[]): void {
    for (const p of paths) this.vocabularies.delete(p);
    for (const [uri, state] of this.states) {
      const trace = this.host.workspace.trace(uri);
      if (trace && paths.includes(trace.path)) this.refresh(uri, true);
      // a glob may match another file now
      if (state.setting) void this.loadSetting(uri, state);
      this.schedule(uri, state);
    }
  }

  close(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.generation++;
    this.states.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.states.keys()]) this.close(uri);
  }

  /**
   * Checks the document now (the `craft/checkTrace` request); with `trace`,
   * against that file from now on.
   */
  async checkNow(uri: string, trace: string | undefined, token?: Cancellation): Promise<CheckOutcome> {
    const state = this.state(uri);
    if (trace !== undefined) {
      state.requested = trace;
      this.refresh(uri);
    }
    await this.waitForSetting(uri, state);
    this.refresh(uri);
    await state.loaded;
    return this.run(uri, state, token);
  }

  // ---- association ---------------------------------------------------------

  private state(uri: string): DocumentState {
    let s = this.states.get(uri);
    if (!s) this.states.set(uri, (s = { again: false, generation: 0, settingReads: 0 }));
    return s;
  }

  /** Works out the target for a document and updates its association if it changed (`reload`: read the trace again). */
  private refresh(uri: string, reload = false): void {
    const doc = this.host.workspace.get(uri);
    const state = this.states.get(uri);
    if (!doc || !state) return;
    const target = this.target(doc, state);
    const current = doc.trace;
    if (!target) {
      if (current) {
        this.host.workspace.setTrace(uri, undefined);
        this.host.changed(uri);
      }
      return;
    }
    const samePath = current !== undefined && current.path === target.path && current.origin === target.origin;
    if (samePath && !reload && target.problem === undefined) {
      // the same trace; an edit may have moved the directive
      if (!rangeEquals(current.directiveRange, target.directiveRange)) this.host.workspace.setTrace(uri, withRange(current, target.directiveRange));
      // one that could not be read may be there by now
      if (current.error !== undefined && current.vocabulary === undefined) this.load(uri, state, target);
      return;
    }
    if (samePath && !reload && current.error === target.problem && rangeEquals(current.directiveRange, target.directiveRange)) return;
    const next: TraceAssociation = {
      path: target.path,
      origin: target.origin,
      ...(target.directiveRange ? { directiveRange: target.directiveRange } : {}),
      ...(target.problem ? { error: target.problem } : {}),
      // until the new trace is read, the names of the old one stay (no re-check without any); verdicts only if it is the same file
      ...(current?.vocabulary && !target.problem ? { vocabulary: current.vocabulary } : {}),
      ...(samePath && current.verdicts ? { verdicts: current.verdicts } : {}),
    };
    this.host.workspace.setTrace(uri, next);
    this.host.changed(uri);
    if (target.problem) return;
    // a new trace: check against it (a check that ran meanwhile had none)
    this.schedule(uri, state);
    this.load(uri, state, target);
  }

  /** Reads the trace's vocabulary and puts it (or what is wrong with the file) on the association. */
  private load(uri: string, state: DocumentState, target: Target): void {
    const generation = state.generation;
    state.loading = target.path;
    const loaded = this.vocabulary(target.path, target.display).then((found) => {
      if (state.loading === target.path) {
        state.loading = undefined;
        state.loaded = undefined;
      }
      if (state.generation !== generation || !this.states.has(uri)) return;
      const now = this.host.workspace.trace(uri);
      if (!now || now.path !== target.path) return;
      if (found.vocabulary !== undefined && found.vocabulary === now.vocabulary && now.error === undefined) return;
      if (found.vocabulary === undefined && now.vocabulary === undefined && found.error === now.error) return;
      const updated: TraceAssociation = found.vocabulary
        ? { ...withoutError(now), vocabulary: found.vocabulary }
        : { ...withoutVocabulary(now), error: found.error ?? "cannot read the trace" };
      this.host.workspace.setTrace(uri, updated);
      this.host.changed(uri);
      if (found.vocabulary) this.schedule(uri, state);
    });
    state.loaded = loaded;
  }

  private target(doc: CraftDocument, state: DocumentState): Target | undefined {
    if (state.requested !== undefined) return this.resolvePath(doc.uri, state.requested, "request");
    const directive = findDirective(doc);
    if (directive) return { ...this.resolvePath(doc.uri, directive.path, "directive"), directiveRange: directive.range };
    return state.setting ?? undefined;
  }

  /** A path as written, relative to the document's folder. */
  private resolvePath(uri: string, written: string, origin: Origin): Target {
    if (written.length === 0) return { path: "", display: written, origin, problem: "the directive names no trace file" };
    if (isAbsolute(written)) return { path: resolve(written), display: written, origin };
    const file = filePath(uri);
    if (file === undefined) return { path: written, display: written, origin, problem: `cannot resolve the relative path ${written} for an unsaved document` };
    return { path: resolve(dirname(file), written), display: written, origin };
  }

  /** Reads the settings for a document; the newest read wins when several overlap. */
  private async loadSetting(uri: string, state: DocumentState): Promise<void> {
    const ticket = ++state.settingReads;
    const generation = state.generation;
    state.settingPending = true;
    try {
      const settings = await this.host.settings(uri);
      const value = typeof settings?.trace === "string" ? settings.trace.trim() : "";
      const target = value.length > 0 ? await this.resolveSetting(uri, value) : null;
      if (state.generation !== generation || ticket !== state.settingReads) return;
      const threshold = settings?.threshold;
      if (typeof threshold === "number" && threshold >= 0 && threshold <= 1) state.threshold = threshold;
      else delete state.threshold;
      const changed = !targetEquals(state.setting ?? null, target);
      state.setting = target;
      if (changed) this.refresh(uri);
    } catch (error) {
      if (ticket !== state.settingReads) return;
      this.host.log(`craft: cannot read the craft.trace setting: ${String(error)}`);
      state.setting = null;
    } finally {
      if (ticket === state.settingReads) state.settingPending = false;
    }
  }


  private async waitForSetting(uri: string, state: DocumentState): Promise<void> {
    if (state.setting === undefined) await this.loadSetting(uri, state);
  }

  /** The setting's path or glob, relative to the document's workspace folder. */
  private async resolveSetting(uri: string, value: string): Promise<Target | null> {
    const file = filePath(uri);
    const folder = this.folderOf(file);
    if (!isGlob(value)) {
      if (isAbsolute(value)) return { path: resolve(value), display: value, origin: "setting" };
      if (folder === undefined) return { path: value, display: value, origin: "setting", problem: `no workspace folder to resolve ${value} against` };
      return { path: resolve(folder, value), display: value, origin: "setting" };
    }
    if (!isAbsolute(value) && folder === undefined) return null;
    const absolute = isAbsolute(value) ? value : join(folder!, value);
    // walk from the last folder before the first wildcard, matching the rest
    const base = globBase(absolute);
    const newest = await newestMatch(base, globToRegExp(relative(base, absolute).split(sep).join("/")));
    return newest ? { path: newest, display: folder !== undefined ? relative(folder, newest) : basename(newest), origin: "setting" } : null;
  }

  private folderOf(file: string | undefined): string | undefined {
    const folders = this.host.folders();
    if (file !== undefined) {
      let best: string | undefined;
      for (const f of folders) if ((file === f || file.startsWith(f.endsWith(sep) ? f : f + sep)) && (!best || f.length > best.length)) best = f;
      if (best) return best;
    }
    return folders[0] ?? (file !== undefined ? dirname(file) : undefined);
  }

  /** The names a trace brings, from its first frame; cached while the file is unchanged. */
  private async vocabulary(path: string, display: string): Promise<{ vocabulary?: TraceVocabulary; error?: string }> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      return { error: fileProblem(display, error) };
    }
    if (info.isDirectory()) return { error: `trace ${display} is a directory` };
    const cached = this.vocabularies.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
    let entry: VocabularyEntry;
    try {
      const stream = await openTrace(path);
      try {
        const builder = new VocabularyBuilder(display);
        for await (const frame of stream.frames) {
          builder.add(frame);
          break;
        }
        entry = { mtimeMs: info.mtimeMs, size: info.size, vocabulary: builder.build() };
      } finally {
        await stream.close();
      }
    } catch (error) {
      entry = { mtimeMs: info.mtimeMs, size: info.size, error: traceProblem(display, error) };
    }
    if (this.vocabularies.size >= MAX_CACHED_VOCABULARIES) this.vocabularies.delete(this.vocabularies.keys().next().value!);
    this.vocabularies.set(path, entry);
    return entry;
  }

  // ---- the background check ---------------------------------------------------

  private schedule(uri: string, state: DocumentState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(uri, state);
    }, this.quietMs);
    state.timer.unref?.();
  }

  /** Runs a check, one at a time per document: a background check asked for meanwhile runs once more afterwards; a request waits its turn. */
  private async run(uri: string, state: DocumentState, token?: Cancellation): Promise<CheckOutcome> {
    while (state.running) {
      if (!token) {
        state.again = true;
        return { uri, skipped: "a check is already running; it will run again" };
      }
      await state.running.catch(() => undefined);
    }
    const generation = state.generation;
    const running = this.check(uri, state, generation, token).catch((error: unknown): CheckOutcome => {
      this.host.log(`craft: background check of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { uri, error: String(error) };
    });
    state.running = running;
    try {
      return await running;
    } finally {
      state.running = undefined;
      if (state.again && state.generation === generation) {
        state.again = false;
        this.schedule(uri, state);
      }
    }
  }

  private async check(uri: string, state: DocumentState, generation: number, token: Cancellation | undefined): Promise<CheckOutcome> {
    const doc = this.host.workspace.get(uri);
    const trace = doc?.trace;
    if (!doc || !trace) return { uri, skipped: "no trace is associated with the document" };
    if (trace.error !== undefined && trace.vocabulary === undefined) {
      const outcome = { uri, trace: trace.path, error: trace.error };
      this.host.checked?.(uri, outcome);
      return outcome;
    }
    if (state.loading === trace.path) return { uri, trace: trace.path, skipped: "the trace is being read; the check follows" };
    // errors in the file are shown as you type; verdicts of the last good version stay
    if (hasErrors(doc.diagnostics)) return { uri, trace: trace.path, skipped: "the file has errors" };
    if (token?.isCancellationRequested) return { uri, skipped: "cancelled" };
    // every verdict of every step is kept unless that would be many: then the failures' first verdicts
    let large = false;
    try {
      const size = (await stat(trace.path)).size;
      large = size > this.largeTraceBytes || (size / BYTES_PER_FRAME) * doc.checked.constraints.length > this.maxVerdicts;
    } catch {
      // checkTrace says what is wrong with the file
    }
    const version = doc.version;
    let result: TraceResult;
    try {
      result = await checkTrace([constraintFileFromText(filePath(uri) ?? uri, doc.text)], trace.path, {
        keep: large ? "episodes" : "all",
        atoms: "failures",
        ...(state.threshold !== undefined ? { threshold: state.threshold } : {}),
      });
    } catch (error) {
      if (!(error instanceof TraceError) && !(error instanceof InputError) && !isFileError(error)) throw error;
      if (state.generation !== generation || token?.isCancellationRequested) return { uri, skipped: "cancelled" };
      const problem = traceProblem(trace.path, error);
      const now = this.host.workspace.trace(uri);
      if (now && now.path === trace.path) {
        this.host.workspace.setTrace(uri, { ...withoutVerdicts(now), error: problem });
        this.host.changed(uri);
      }
      const outcome = { uri, trace: trace.path, version, error: problem };
      this.host.checked?.(uri, outcome);
      return outcome;
    }
    if (state.generation !== generation || token?.isCancellationRequested || !this.states.has(uri)) return { uri, skipped: "cancelled" };
    const now = this.host.workspace.trace(uri);
    if (!now || now.path !== trace.path) return { uri, skipped: "the trace changed during the check" };
    const current = this.host.workspace.get(uri) ?? doc;
    const { verdicts, truncated } = arrange(large ? foldedVerdicts(result) : result.results, current, this.perConstraint);
    this.host.workspace.setTrace(uri, {
      ...withoutError(now),
      verdicts,
      frames: result.frames,
      summary: result.summary,
      checkedVersion: version,
      ...(truncated || large ? { truncated: true } : {}),
    });
    this.host.changed(uri);
    const outcome: CheckOutcome = { uri, trace: trace.path, version, frames: result.frames, summary: result.summary, hardViolation: result.hardViolation };
    this.host.checked?.(uri, outcome);
    return outcome;
  }
}

// ---- helpers -------------------------------------------------------------------------

/** The `;; trace: path` directive: the first comment of that form, with the range of its path. */
export function findDirective(doc: CraftDocument): { path: string; range: Range } | undefined {
  for (const c of doc.parsed.comments) {
    if (c.text.charCodeAt(1) !== 59 && !/^;\s*trace/.test(c.text)) continue; // `;;` or `; trace`: cheap test first
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    let path = m[1]!;
    let offset = c.text.indexOf(path, c.text.indexOf(":") + 1);
    if (path.length >= 2 && (path[0] === '"' || path[0] === "'") && path[path.length - 1] === path[0]) {
      path = path.slice(1, -1);
      offset++;
    }
    const start = c.range.start + Math.max(0, offset);
    return { path, range: { start, end: start + path.length } };
  }
  return undefined;
}

/** Verdicts by constraint in document order, each constraint's newest first, at most `perConstraint` of each. */
function arrange(results: readonly Verdict[], doc: CraftDocument, perConstraint: number): { verdicts: Verdict[]; truncated: boolean } {
  const byId = new Map<string, Verdict[]>();
  for (const v of results) {
    let list = byId.get(v.id);
    if (!list) byId.set(v.id, (list = []));
    list.push(v);
  }
  const order: string[] = [];
  const seen = new Set<string>();
  for (const c of doc.checked.constraints) if (!seen.has(c.id)) (seen.add(c.id), order.push(c.id));
  for (const id of byId.keys()) if (!seen.has(id)) order.push(id);
  const verdicts: Verdict[] = [];
  let truncated = false;
  for (const id of order) {
    const list = byId.get(id);
    if (!list) continue;
    list.sort((a, b) => (b.step ?? -1) - (a.step ?? -1));
    if (list.length > perConstraint) truncated = true;
    for (let i = 0; i < list.length && i < perConstraint; i++) verdicts.push(list[i]!);
  }
  return { verdicts, truncated };
}

/**
 * A large trace's verdicts, folded: the first verdict of each run of failures,
 * and for a constraint that always held, one SATISFIED verdict standing for
 * all its steps.
 */
function foldedVerdicts(result: TraceResult): Verdict[] {
  const out = result.episodes.map((e) => e.first);
  const failed = new Set(out.map((v) => v.id));
  for (const s of result.satisfied.values()) {
    if (failed.has(s.id) || s.count === 0) continue;
    out.push({
      id: s.id,
      type: s.type,
      severity: s.severity,
      step: s.firstStep,
      status: "SATISFIED",
      confidence: s.minConfidence,
      reason: `held at all ${s.count} steps where it applied (lowest confidence ${s.minConfidence.toFixed(2)})`,
      atoms: [],
    });
  }
  return out;
}

function filePath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function fileProblem(display: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return `trace file not found: ${display}`;
  if (code === "EACCES" || code === "EPERM") return `cannot read trace ${display}: permission denied`;
  if (code === "EISDIR") return `trace ${display} is a directory`;
  return `cannot read trace ${display}: ${error instanceof Error ? error.message : String(error)}`;
}

function traceProblem(display: string, error: unknown): string {
  if (error instanceof TraceError || error instanceof InputError) return error.message;
  if (isFileError(error)) return fileProblem(display, error);
  return `cannot read trace ${display}: ${error instanceof Error ? error.message : String(error)}`;
}

function isFileError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

function rangeEquals(a: Range | undefined, b: Range | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.start === b.start && a.end === b.end);
}

function targetEquals(a: Target | null, b: Target | null): boolean {
  return a === b || (a !== null && b !== null && a.path === b.path && a.problem === b.problem);
}

function withRange(t: TraceAssociation, range: Range | undefined): TraceAssociation {
  const { directiveRange: _, ...rest } = t;
  return range ? { ...rest, directiveRange: range } : rest;
}

function withoutError(t: TraceAssociation): TraceAssociation {
  const { error: _, ...rest } = t;
  return rest;
}

function withoutVocabulary(t: TraceAssociation): TraceAssociation {
  const { vocabulary: _, ...rest } = t;
  return rest;
}

function withoutVerdicts(t: TraceAssociation): TraceAssociation {
  const { verdicts: _v, frames: _f, summary: _s, checkedVersion: _c, truncated: _t, ...rest } = t;
  return rest;
}

// ---- globs ------------------------------------------------------------------------------

function isGlob(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

/** The folders of an absolute glob before its first wildcard. */
function globBase(p: string): string {
  const parts = p.split(sep);
  const i = parts.findIndex(isGlob);
  return parts.slice(0, i < 0 ? parts.length - 1 : i).join(sep) || sep;
}

/** `**` any number of folders, `*` and `?` within a name, `{a,b}` alternatives, `[…]` classes. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  let depth = 0;
  const g = glob.replace(/\\/g, "/");
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === "*") {
      if (g[i + 1] === "*") {
        i++;
        if (g[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      depth++;
      re += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      re += ")";
    } else if (c === "," && depth > 0) re += "|";
    else if (c === "[") {
      const close = g.indexOf("]", i + 1);
      if (close < 0) re += "\\[";
      else {
        const body = g.slice(i + 1, close).replace(/\\/g, "\\\\");
        re += "[" + (body.startsWith("!") ? "^" + body.slice(1) : body) + "]";
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The most recently modified file under `base` whose relative path matches. */
async function newestMatch(base: string, pattern: RegExp): Promise<string | undefined> {
  let best: { path: string; mtime: number } | undefined;
  let seen = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > GLOB_MAX_DEPTH || seen > GLOB_MAX_ENTRIES) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > GLOB_MAX_ENTRIES) return;
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === "node_modules" || e.name.startsWith(".")) continue;
        await walk(full, depth + 1);
      } else if (pattern.test(relative(base, full).split(sep).join("/"))) {
        try {
          const m = (await stat(full)).mtimeMs;
          if (!best || m > best.mtime || (m === best.mtime && full < best.path)) best = { path: full, mtime: m };
        } catch {
          // vanished meanwhile
        }
      }
    }
  };
  await walk(base, 0);
  return best?.path;
}
