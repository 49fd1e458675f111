// Completion: forms (as snippets), predicates with their signatures, the
// keywords valid where the cursor is, schema and trace types, attributes
// after `x.`, enum values after `'`, and names from bindings, quantifiers
// and the associated trace.
//
// The form around the cursor is usually half typed (`(forall (x `), so it
// has no AST yet: the cursor's context is read from the lists that are open
// at the cursor, scanned from the start of the enclosing top-level form
// (found through the AST), and every name in it is resolved through the
// checker's tables and the schema.

import type { Type } from "@craft/language";
import { builtins, signatureToString, snakeCase } from "@craft/language";
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type Range as LspRange,
} from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import {
  attributesOf,
  craftString,
  isWordChar,
  objectTypeOf,
  attributeInfo,
  resolveBase,
  toLspRange,
  toOffset,
  typeToString,
} from "./util.js";

export function provideCompletion(doc: CraftDocument, params: CompletionParams): CompletionList {
  try {
    const offset = toOffset(doc, params.position);
    const ctx = cursorContext(doc, offset);
    const items = complete(doc, ctx);
    return { isIncomplete: false, items: filterByPrefix(items, ctx.prefix) };
  } catch {
    return { isIncomplete: false, items: [] };
  }
}

// ---- the cursor's context -----------------------------------------------------------

interface AtomItem {
  readonly kind: "atom";
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

interface ListItem {
  readonly kind: "list";
  readonly start: number;
  readonly end: number;
  readonly items: readonly Item[];
}

type Item = AtomItem | ListItem;

/** A list open at the cursor. */
interface Frame {
  readonly start: number;
  readonly items: Item[];
}

interface CursorContext {
  readonly offset: number;
  readonly where: "code" | "string" | "comment";
  /** lists open at the cursor, outermost first */
  readonly stack: readonly Frame[];
  /** the part of the word before the cursor (`x.is`, `:ty`, `'co`), or of the string for "string" */
  readonly prefix: string;
  readonly prefixStart: number;
  /** the prefix's range: what an item replaces */
  readonly range: LspRange;
}

/** Where to start reading: after the last closed form before the cursor, or at the start of the form around it. */
function scanStart(doc: CraftDocument, offset: number): number {
  const forms = doc.parsed.program.forms;
  let lo = 0;
  let hi = forms.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (forms[mid]!.range.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return 0;
  const f = forms[found]!;
  if (f.range.end <= offset && doc.text.charCodeAt(f.range.end - 1) === 41) return f.range.end;
  return f.range.start;
}

function cursorContext(doc: CraftDocument, offset: number): CursorContext {
  const text = doc.text;
  const root: Frame = { start: -1, items: [] };
  const stack: Frame[] = [];
  const top = (): Frame => stack[stack.length - 1] ?? root;
  let i = scanStart(doc, offset);
  const at = (where: CursorContext["where"], prefixStart: number): CursorContext => ({
    offset,
    where,
    stack,
    prefix: text.slice(prefixStart, offset),
    prefixStart,
    range: toLspRange(doc, { start: prefixStart, end: offset }),
  });
  while (i < offset) {
    const c = text.charCodeAt(i);
    if (c === 40) {
      stack.push({ start: i, items: [] });
      i++;
    } else if (c === 41) {
      const f = stack.pop();
      if (f !== undefined) top().items.push({ kind: "list", start: f.start, end: i + 1, items: f.items });
      i++;
    } else if (c === 59) {
      let j = i;
      while (j < text.length && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      if (offset <= j) return at("comment", offset);
      i = j;
    } else if (c === 34) {
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 34) {
          closed = true;
          break;
        }
        if (d === 10 || d === 13) break;
        j += d === 92 ? 2 : 1;
      }
      const end = closed ? j + 1 : Math.min(j, text.length);
      if (offset < end || (!closed && offset <= end)) return at("string", i + 1);
      top().items.push({ kind: "atom", text: text.slice(i, end), start: i, end });
      i = end;
    } else if (!isWordChar(c)) {
      i++;
    } else {
      let j = i + 1;
      while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
      if (j >= offset) return at("code", i);
      top().items.push({ kind: "atom", text: text.slice(i, j), start: i, end: j });
      i = j;
    }
  }
  return at("code", offset);
}

function headOf(frame: Frame | undefined): string | undefined {
  const h = frame?.items[0];
  return h?.kind === "atom" ? h.text : undefined;
}

function lastAtom(frame: Frame): string | undefined {
  const l = frame.items[frame.items.length - 1];
  return l?.kind === "atom" ? l.text : undefined;
}

function keywordsUsed(frame: Frame): Set<string> {
  const used = new Set<string>();
  for (const it of frame.items) if (it.kind === "atom" && it.text.startsWith(":")) used.add(it.text);
  return used;
}

/** Quantifier variables and define parameters bound by the open lists. */
function contextLocals(stack: readonly Frame[]): Map<string, string | undefined> {
  const locals = new Map<string, string | undefined>();
  for (const f of stack) {
    const head = headOf(f);
    const binder = f.items[1];
    if ((head === "forall" || head === "exists") && binder?.kind === "list") {
      const [v, t] = binder.items;
      if (v?.kind === "atom") locals.set(v.text, t?.kind === "atom" ? t.text : undefined);
    } else if (head === "define" && binder?.kind === "list") {
      for (const p of binder.items.slice(1)) {
        if (p.kind === "atom") locals.set(p.text, undefined);
        else {
          const [n, t] = p.items;
          if (n?.kind === "atom") locals.set(n.text, t?.kind === "atom" ? t.text : undefined);
        }
      }
    }
  }
  return locals;
}

// ---- what to offer ---------------------------------------------------------------------

const FORM_SNIPPETS: readonly (readonly [string, string, string])[] = [
  ["constraint", "constraint ${1:ID} :type ${2|invariant,pre,post,goal,causal|} :severity ${3|hard,soft|}\n  :description \"${4}\"\n  ${0:(formula)}", "a constraint on the trace"],
  ["define", "define (${1:name} ${2:x})\n  ${0:(body)}", "a named predicate"],
  ["object", "object ${1:name} ${2:Type}", "bind a name to a scene object"],
  ["task", "task ${1:name}\n  :instruction \"${2}\"\n  :goal \"${3}\"", "the task the constraints are about"],
  ["type", "type ${1:Name} :attrs (${2:attr} ${3:Num})", "declare an object type"],
  ["model", "model ${1:physics} \"${2:models/weights.safetensors}\"", "weights for extension predicates"],
];

const CONSTRAINT_KEYWORDS: readonly (readonly [string, string])[] = [
  [":type", "pre, post, invariant, goal or causal (default invariant)"],
  [":severity", "hard or soft (default hard)"],
  [":action", "the action a pre, post or causal constraint binds to: (PutObject mug _)"],
  [":description", "what the constraint means, in words"],
];
const TASK_KEYWORDS: readonly (readonly [string, string])[] = [
  [":instruction", "the instruction given to the robot"],
  [":goal", "the goal in words"],
];
const CONSTRAINT_TYPE_DOCS: readonly (readonly [string, string])[] = [
  ["pre", "holds before every matching action"],
  ["post", "holds after every matching action"],
  ["invariant", "holds at every step"],
  ["goal", "holds at the end of the trace"],
  ["causal", "an ordering of events, checked over the trace"],
];
const SEVERITY_DOCS: readonly (readonly [string, string])[] = [
  ["hard", "a violation fails the check (exit status 1)"],
  ["soft", "a violation is reported as a warning"],
];
const BASIC_TYPES = ["Bool", "Num", "Str", "Sym", "Vec3", "Duration", "Obj"];
/** AI2THOR interaction actions, for `:action (…)` patterns. */
const ACTIONS = [
  "PickupObject",
  "PutObject",
  "DropHandObject",
  "ThrowObject",
  "OpenObject",
  "CloseObject",
  "ToggleObjectOn",
  "ToggleObjectOff",
  "SliceObject",
  "BreakObject",
  "CookObject",
  "DirtyObject",
  "CleanObject",
  "FillObjectWithLiquid",
  "EmptyLiquidFromObject",
  "UseUpObject",
  "PushObject",
  "PullObject",
  "MoveHeldObject",
];

function complete(doc: CraftDocument, ctx: CursorContext): CompletionItem[] {
  if (ctx.where === "comment") return [];
  if (ctx.where === "string") return stringCompletions(doc, ctx);
  const stack = ctx.stack;
  const frame = stack[stack.length - 1];
  if (frame === undefined) return formSnippets(doc, ctx, true);
  const n = frame.items.length;
  const parent = stack[stack.length - 2];
  const parentHead = headOf(parent);
  const indexInParent = parent?.items.length ?? 0;

  if (n === 0) {
    if (parent === undefined) return formSnippets(doc, ctx, false);
    if ((parentHead === "forall" || parentHead === "exists") && indexInParent === 1) return [];
    if ((parentHead === "define" && indexInParent === 1) || parentHead === "type") return [];
    if (lastAtom(parent) === ":action") return actionItems(ctx);
    if (parentHead === "object" || parentHead === "task" || parentHead === "model") return [];
    return predicateItems(doc, ctx);
  }

  const head = headOf(frame);
  // a quantifier's binder `(x Type`, a typed parameter `(x Type`, an attribute `(mass Type`
  if (parent !== undefined && n === 1) {
    if ((parentHead === "forall" || parentHead === "exists") && indexInParent === 1) return typeItems(doc, ctx, false);
    const grand = stack[stack.length - 3];
    if (headOf(grand) === "define" && grand!.items.length === 1 && parent.items.length >= 1) return typeItems(doc, ctx, true);
    if (parentHead === "type") return basicTypeItems(ctx);
  }
  if (parent !== undefined && parentHead === "define" && indexInParent === 1) return []; // parameter names

  if (stack.length === 1) return formCompletions(doc, ctx, frame, head);
  return expressionCompletions(doc, ctx, frame, head ?? "", ctx.prefix);
}

function formCompletions(doc: CraftDocument, ctx: CursorContext, frame: Frame, head: string | undefined): CompletionItem[] {
  const n = frame.items.length;
  const last = lastAtom(frame);
  const used = keywordsUsed(frame);
  switch (head) {
    case "constraint": {
      if (n === 1) return nextIdItem(doc, ctx);
      if (last === ":type") return choiceItems(ctx, CONSTRAINT_TYPE_DOCS, CompletionItemKind.EnumMember);
      if (last === ":severity") return choiceItems(ctx, SEVERITY_DOCS, CompletionItemKind.EnumMember);
      if (last === ":action" || last === ":description") return [];
      const items = keywordItems(ctx, CONSTRAINT_KEYWORDS.filter(([k]) => !used.has(k)));
      if (!ctx.prefix.startsWith(":")) items.push(...nameItems(doc, ctx, new Map()));
      return items;
    }
    case "task":
      if (n === 1 || last === ":instruction" || last === ":goal") return [];
      return keywordItems(ctx, TASK_KEYWORDS.filter(([k]) => !used.has(k)));
    case "object":
      if (n === 1) return [];
      if (last === ":id") return objectIdItems(doc, ctx, true);
      if (n === 2 && !ctx.prefix.startsWith(":")) return [...typeItems(doc, ctx, false), ...keywordItems(ctx, [[":id", "the scene object's id"]])];
      return used.has(":id") ? [] : keywordItems(ctx, [[":id", "the scene object's id"]]);
    case "type":
      if (n === 1) return [];
      return used.has(":attrs") ? [] : keywordItems(ctx, [[":attrs", "the attributes: (name Type)…"]]);
    case "define":
    case "model":
      return [];
    default:
      return [];
  }
}

function expressionCompletions(doc: CraftDocument, ctx: CursorContext, frame: Frame, head: string, prefix: string): CompletionItem[] {
  const locals = contextLocals(ctx.stack);
  if (prefix.startsWith(":")) return optionItems(doc, ctx, frame, head);
  const enumType = expectedEnum(doc, frame, head, locals);
  if (prefix.startsWith("'")) return enumType !== undefined ? enumItems(ctx, enumType.values) : [];
  const dot = prefix.lastIndexOf(".");
  if (dot >= 0) return attributeItems(doc, ctx, prefix, dot, locals);
  const items = nameItems(doc, ctx, locals);
  if (enumType !== undefined) items.unshift(...enumItems(ctx, enumType.values));
  if (frame.items.length === 1) items.push(...optionItems(doc, ctx, frame, head));
  return items;
}

// ---- items -------------------------------------------------------------------------------

/** An item that replaces the prefix with `newText`. */
function item(ctx: CursorContext, label: string, kind: CompletionItemKind, extra: Partial<CompletionItem> = {}, newText = label): CompletionItem {
  return { label, kind, textEdit: { range: ctx.range, newText }, filterText: newText, ...extra };
}

function formSnippets(doc: CraftDocument, ctx: CursorContext, withParens: boolean): CompletionItem[] {
  const nextId = nextConstraintId(doc);
  return FORM_SNIPPETS.map(([name, body, detail], i) => {
    const snippet = (name === "constraint" ? body.replace("${1:ID}", "${1:" + nextId + "}") : body);
    const newText = withParens ? `(${snippet})` : snippet;
    return {
      label: name,
      kind: CompletionItemKind.Snippet,
      detail: `(${name} …)`,
      documentation: detail,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: ctx.range, newText },
      filterText: name,
      sortText: `0${i}`,
    };
  });
}

function nextConstraintId(doc: CraftDocument): string {
  let max = 0;
  for (const c of doc.checked.constraints) {
    const m = /^C(\d+)$/.exec(c.id);
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return `C${max + 1}`;
}

function nextIdItem(doc: CraftDocument, ctx: CursorContext): CompletionItem[] {
  const id = nextConstraintId(doc);
  return [item(ctx, id, CompletionItemKind.Value, { detail: "next free constraint id" })];
}

function predicateItems(doc: CraftDocument, ctx: CursorContext): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const b of builtins.values()) {
    items.push(
      item(ctx, b.name, b.kind === "temporal" ? CompletionItemKind.Operator : CompletionItemKind.Function, {
        detail: signatureToString(b, typeToString),
        documentation: { kind: MarkupKind.Markdown, value: b.doc },
        sortText: `2${b.name}`,
      }),
    );
  }
  for (const d of doc.checked.defines.values()) {
    const params = d.params.map((p) => `${p.name}:${p.typeName ?? "Any"}`).join(" ");
    const result = doc.checked.types.get(d.body);
    items.push(
      item(ctx, d.name, CompletionItemKind.Function, {
        detail: `(${d.name}${params ? " " + params : ""}) -> ${result !== undefined ? typeToString(result) : "Bool"}`,
        documentation: `defined on line ${doc.lines.positionAt(d.range.start).line + 1}`,
        sortText: `1${d.name}`,
      }),
    );
  }
  for (const e of doc.checked.registry.all()) {
    items.push(
      item(ctx, e.name, CompletionItemKind.Function, {
        detail: signatureToString(e, typeToString),
        documentation: { kind: MarkupKind.Markdown, value: `*extension predicate*\n\n${e.doc}` },
        sortText: `1${e.name}`,
      }),
    );
  }
  for (const q of ["forall", "exists"]) {
    items.push(
      item(ctx, q, CompletionItemKind.Keyword, {
        detail: `(${q} (x Type) body) -> Bool`,
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: `3${q}`,
        filterText: q,
      }, `${q} (\${1:x} \${2:Type}) \${0}`),
    );
  }
  return items;
}

function actionItems(ctx: CursorContext): CompletionItem[] {
  return ACTIONS.map((a, i) => item(ctx, a, CompletionItemKind.Event, { detail: "AI2THOR action", sortText: `0${String(i).padStart(2, "0")}` }));
}

function choiceItems(ctx: CursorContext, choices: readonly (readonly [string, string])[], kind: CompletionItemKind): CompletionItem[] {
  return choices.map(([label, doc], i) => item(ctx, label, kind, { documentation: doc, sortText: `0${i}` }));
}

function keywordItems(ctx: CursorContext, keywords: readonly (readonly [string, string])[]): CompletionItem[] {
  return keywords.map(([label, doc], i) => item(ctx, label, CompletionItemKind.Keyword, { detail: doc, sortText: `0${i}` }));
}

function typeItems(doc: CraftDocument, ctx: CursorContext, withBasic: boolean): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const traced = doc.trace?.vocabulary?.attributes;
  if (traced !== undefined) {
    for (const t of traced.keys()) {
      seen.add(t);
      items.push(item(ctx, t, CompletionItemKind.Class, { detail: "object type of the trace", sortText: `0${t}` }));
    }
  }
  for (const [name, info] of doc.checked.schema.types) {
    if (seen.has(name)) continue;
    items.push(item(ctx, name, CompletionItemKind.Class, { detail: "object type", ...(info.doc !== undefined ? { documentation: info.doc } : {}), sortText: `1${name}` }));
  }
  if (withBasic) items.push(...basicTypeItems(ctx));
  return items;
}

function basicTypeItems(ctx: CursorContext): CompletionItem[] {
  const items = BASIC_TYPES.map((t) => item(ctx, t, CompletionItemKind.TypeParameter, { detail: "type", sortText: `2${t}` }));
  items.push(item(ctx, "Enum{…}", CompletionItemKind.TypeParameter, { detail: "enumeration", insertTextFormat: InsertTextFormat.Snippet, sortText: "2Enum", filterText: "Enum{" }, "Enum{${1:a,b}}"));
  items.push(item(ctx, "Obj<…>", CompletionItemKind.TypeParameter, { detail: "object of a type", insertTextFormat: InsertTextFormat.Snippet, sortText: "2Obj<", filterText: "Obj<" }, "Obj<${1:Type}>"));
  return items;
}

function enumItems(ctx: CursorContext, values: readonly string[]): CompletionItem[] {
  return values.map((v, i) => item(ctx, `'${v}`, CompletionItemKind.EnumMember, { sortText: `0${String(i).padStart(3, "0")}` }));
}

function optionItems(doc: CraftDocument, ctx: CursorContext, frame: Frame, head: string): CompletionItem[] {
  const sig = builtins.get(head) ?? doc.checked.registry.get(head);
  const used = keywordsUsed(frame);
  // one window option per operator
  if (sig?.options === undefined || used.size > 0) return [];
  return sig.options.map((o, i) =>
    item(ctx, `:${o.keyword}`, CompletionItemKind.Keyword, { detail: `:${o.keyword}${" x".repeat(o.arity)}`, documentation: o.doc, sortText: `4${i}` }),
  );
}

function nameItems(doc: CraftDocument, ctx: CursorContext, locals: ReadonlyMap<string, string | undefined>): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (name: string, kind: CompletionItemKind, detail: string, rank: number): void => {
    if (seen.has(name) || !isBareName(name)) return;
    seen.add(name);
    items.push(item(ctx, name, kind, { detail, sortText: `${rank}${name}` }));
  };
  for (const [name, t] of locals) add(name, CompletionItemKind.Variable, t !== undefined ? `${name}: ${t}` : "local", 0);
  for (const name of doc.checked.objects.keys()) {
    const t = objectTypeOf(resolveBase(doc, name));
    add(name, CompletionItemKind.Variable, `(object ${name}${t !== undefined ? " " + t : ""})`, 1);
  }
  const vocab = doc.trace?.vocabulary;
  if (vocab !== undefined) {
    for (const [name, t] of vocab.signals) add(name, CompletionItemKind.Field, `signal: ${typeToString(t)}`, 2);
    for (const [id, t] of vocab.objects) add(id, CompletionItemKind.Constant, `scene object: ${t}`, 2);
    for (const t of vocab.attributes.keys()) add(snakeCase(t), CompletionItemKind.Class, `the ${t} of the scene`, 3);
  }
  for (const name of ["true", "false"]) add(name, CompletionItemKind.Keyword, "Bool", 4);
  for (const t of doc.checked.schema.types.keys()) add(snakeCase(t), CompletionItemKind.Class, `the ${t} of the scene`, 5);
  return items;
}

/** Names that read back as one bare name (no dots, no quotes, not a number or keyword). */
function isBareName(name: string): boolean {
  if (name.length === 0 || name.includes(".")) return false;
  const c = name.charCodeAt(0);
  if (c === 58 || c === 39 || (c >= 48 && c <= 57)) return false;
  for (let i = 0; i < name.length; i++) if (!isWordChar(name.charCodeAt(i))) return false;
  return true;
}

function attributeItems(
  doc: CraftDocument,
  ctx: CursorContext,
  prefix: string,
  dot: number,
  locals: ReadonlyMap<string, string | undefined>,
): CompletionItem[] {
  const from = ctx.prefixStart + dot + 1;
  const range = toLspRange(doc, { start: from, end: ctx.offset });
  const items: CompletionItem[] = [];
  const path = prefix.slice(0, dot);
  const base = path.split(".")[0]!;
  if (!path.includes(".")) {
    const r = resolveBase(doc, base, locals);
    if (r.kind !== "signal" && r.kind !== "unknown") {
      const typeName = objectTypeOf(r);
      for (const a of attributesOf(doc, typeName).values()) {
        items.push({
          label: a.name,
          kind: CompletionItemKind.Property,
          detail: `${typeToString(a.type)}${a.source === "trace" ? " (trace)" : a.source === "common" ? "" : typeName !== undefined ? ` (${typeName})` : ""}`,
          textEdit: { range, newText: a.name },
          filterText: a.name,
          sortText: `${a.source === "schema" || a.source === "trace" ? 0 : 1}${a.name}`,
        });
      }
    }
  }
  const vocab = doc.trace?.vocabulary;
  if (vocab !== undefined) {
    const head = path + ".";
    for (const [signal, t] of vocab.signals) {
      if (!signal.startsWith(head)) continue;
      const rest = signal.slice(head.length);
      items.push({ label: rest, kind: CompletionItemKind.Field, detail: `signal ${signal}: ${typeToString(t)}`, textEdit: { range, newText: rest }, filterText: rest, sortText: `0${rest}` });
    }
  }
  return items;
}

/** The enum a quoted symbol at the cursor should belong to: `(eq x.temperature '…)`, `(filled mug '…)`. */
function expectedEnum(
  doc: CraftDocument,
  frame: Frame,
  head: string,
  locals: ReadonlyMap<string, string | undefined>,
): (Type & { kind: "Enum" }) | undefined {
  const args = frame.items.slice(1);
  if (head === "eq" || head === "neq") {
    for (const a of args) {
      if (a.kind !== "atom") continue;
      const t = pathType(doc, a.text, locals);
      if (t?.kind === "Enum") return t;
    }
    return undefined;
  }
  if (head === "filled" && args.length === 1 && args[0]!.kind === "atom") {
    const typeName = objectTypeOf(resolveBase(doc, args[0].text, locals));
    const t = attributeInfo(doc, typeName, "fillLiquid")?.type;
    return t?.kind === "Enum" ? t : undefined;
  }
  return undefined;
}

function pathType(doc: CraftDocument, path: string, locals: ReadonlyMap<string, string | undefined>): Type | undefined {
  const parts = path.split(".");
  if (parts.length !== 2) return undefined;
  const typeName = objectTypeOf(resolveBase(doc, parts[0]!, locals));
  return attributeInfo(doc, typeName, parts[1]!)?.type;
}

function stringCompletions(doc: CraftDocument, ctx: CursorContext): CompletionItem[] {
  const frame = ctx.stack[ctx.stack.length - 1];
  if (frame === undefined || headOf(frame) !== "object" || lastAtom(frame) !== ":id") return [];
  return objectIdItems(doc, ctx, false);
}

/** Scene object ids of the trace, as a string (`quoted`) or inside one. */
function objectIdItems(doc: CraftDocument, ctx: CursorContext, quoted: boolean): CompletionItem[] {
  const vocab = doc.trace?.vocabulary;
  if (vocab === undefined) return [];
  const items: CompletionItem[] = [];
  for (const [id, t] of vocab.objects) {
    const newText = quoted ? craftString(id) : craftString(id).slice(1, -1);
    items.push(item(ctx, id, CompletionItemKind.Constant, { detail: t, sortText: `0${id}` }, newText));
  }
  return items;
}

// ---- filtering -----------------------------------------------------------------------------

/**
 * Keeps the items whose filter text starts with the prefix's first character
 * and has the rest of its characters in order, ignoring case (a superset of
 * what clients show; they rank and filter again).
 */
function filterByPrefix(items: CompletionItem[], prefix: string): CompletionItem[] {
  if (prefix.length === 0) return items;
  const dot = prefix.lastIndexOf(".");
  const out: CompletionItem[] = [];
  for (const it of items) {
    const key = (it.filterText ?? it.label).toLowerCase();
    // after a dot the edit replaces only the attribute part
    const need = (dot >= 0 && (it.kind === CompletionItemKind.Property || it.kind === CompletionItemKind.Field) ? prefix.slice(dot + 1) : prefix).toLowerCase();
    if (need.length === 0) {
      out.push(it);
      continue;
    }
    if (key[0] !== need[0]) continue;
    let k = 1;
    for (let j = 1; j < key.length && k < need.length; j++) if (key[j] === need[k]) k++;
    if (k === need.length) out.push(it);
  }
  return out;
}
