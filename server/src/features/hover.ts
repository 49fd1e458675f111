// Hover: predicate signatures and docs, the types of names and attributes,
// object types from the schema, and, for a constraint checked against a
// trace, its verdicts with the deciding atoms and the explanation.

import type { Call, ConstraintForm, DefineForm, NameRef, Signature, Verdict } from "@craft/language";
import { builtins, signatureToString } from "@craft/language";
import { MarkupKind, type Hover, type HoverParams } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import {
  attributeInfo,
  constraintSummary,
  findLocal,
  formatConfidence,
  locate,
  localsAt,
  objectTypeOf,
  resolveBase,
  toLspRange,
  toOffset,
  typeToString,
  type AttributeInfo,
  type Located,
  type VerdictSummary,
} from "./util.js";

export function provideHover(doc: CraftDocument, params: HoverParams): Hover | null {
  try {
    const offset = toOffset(doc, params.position);
    const located = locate(doc, offset);
    const value = hoverText(doc, located);
    if (value === undefined || located.targetRange === undefined) return null;
    return { contents: { kind: MarkupKind.Markdown, value }, range: toLspRange(doc, located.targetRange) };
  } catch {
    return null;
  }
}

function hoverText(doc: CraftDocument, located: Located): string | undefined {
  const t = located.target;
  if (t === undefined) return undefined;
  switch (t.kind) {
    case "call":
      return predicateHover(doc, t.call.op, t.call);
    case "option":
      return optionHover(doc, t.call, t.option.keyword);
    case "name":
      return nameHover(doc, located, t.name, t.part);
    case "literal": {
      const type = doc.checked.types.get(t.literal);
      const l = t.literal.literal;
      const extra = l.type === "duration" ? ` = ${l.seconds} s` : "";
      return type !== undefined ? code(`${doc.text.slice(t.literal.range.start, t.literal.range.end)}: ${typeToString(type)}${extra}`) : undefined;
    }
    case "quantifier": {
      const q = t.quantifier;
      if (t.part === "head") {
        return q.quantifier === "forall"
          ? `${code("(forall (x Type) body) -> Bool")}\n\nTrue when \`body\` holds for every object of the type in the frame.`
          : `${code("(exists (x Type) body) -> Bool")}\n\nTrue when \`body\` holds for some object of the type in the frame.`;
      }
      if (t.part === "variable") return `${code(`${q.variable}: Obj<${q.typeName}>`)}\n\nbound by \`${q.quantifier}\``;
      return typeHover(doc, q.typeName);
    }
    case "form-head":
      if (t.form.kind === "constraint") return constraintHover(doc, t.form);
      return FORM_DOCS[t.form.kind];
    case "constraint-id":
      return constraintHover(doc, t.form);
    case "define-name":
      return defineHover(doc, t.form);
    case "param": {
      if (t.part === "type" && t.param.typeName !== undefined) return typeHover(doc, t.param.typeName);
      return `${code(`${t.param.name}: ${t.param.typeName ?? "Any"}`)}\n\nparameter of \`${t.form.name}\``;
    }
    case "object-name": {
      const f = t.form;
      const typeName = objectTypeOf(resolveBase(doc, f.name));
      const lines = [code(`(object ${f.name}${typeName !== undefined ? " " + typeName : ""}${f.id !== undefined ? ` :id "${f.id}"` : ""})`)];
      const typeDoc = typeName !== undefined ? doc.checked.schema.types.get(typeName)?.doc : undefined;
      if (typeDoc !== undefined) lines.push(typeDoc);
      return lines.join("\n\n");
    }
    case "object-type":
      return t.form.typeName !== undefined ? typeHover(doc, t.form.typeName) : undefined;
    case "object-id": {
      const id = t.form.id;
      if (id === undefined) return undefined;
      const traced = doc.trace?.vocabulary?.objects.get(id);
      return traced !== undefined ? `${code(`"${id}": Obj<${traced}>`)}\n\nscene object of the trace` : code(`"${id}"`) + "\n\nscene object id";
    }
    case "action":
      return `${code(`(${t.action.name}${t.action.args.map((a) => " " + a.name).join("")})`)}\n\naction pattern: the constraint applies at steps whose action is \`${t.action.name}\` with matching arguments (\`_\` matches any)`;
    case "action-arg": {
      if (t.arg.name === "_") return "`_` matches any argument";
      const r = resolveBase(doc, t.arg.name);
      return baseHover(doc, t.arg.name, r) + "\n\naction argument";
    }
    case "task-name": {
      const f = t.form;
      const lines = [code(`(task ${f.name})`)];
      if (f.instruction !== undefined) lines.push(`**instruction:** ${f.instruction}`);
      if (f.goal !== undefined) lines.push(`**goal:** ${f.goal}`);
      return lines.join("\n\n");
    }
    case "type-name":
      return typeHover(doc, t.form.name);
    case "attr":
      return code(`${t.attr.name}: ${t.attr.typeText}`) + `\n\nattribute of \`${t.form.name}\``;
    case "model-name":
      return `${code(`(model ${t.form.name} "${t.form.path}")`)}\n\nweights for the \`${t.form.name}\` extension predicates`;
    case "model-path":
      return code(`"${t.form.path}"`) + "\n\nmodel weights (safetensors), relative to the file";
  }
}

const FORM_DOCS: Readonly<Record<string, string>> = {
  task: `${code('(task name :instruction "…" :goal "…")')}\n\nThe task the constraints are about.`,
  object: `${code('(object name [Type] [:id "…"])')}\n\nBinds a name to a scene object by type and/or id.`,
  define: `${code("(define (name param…) body)")}\n\nA named predicate; it may not call itself, directly or indirectly.`,
  type: `${code("(type Name :attrs (attr Type)…)")}\n\nDeclares an object type for editing without a trace.`,
  model: `${code('(model name "path")')}\n\nWeights for extension predicates.`,
};

function code(text: string): string {
  return "```craft\n" + text + "\n```";
}

// ---- predicates ----------------------------------------------------------------------

function predicateHover(doc: CraftDocument, op: string, call?: Call): string | undefined {
  const define = doc.checked.defines.get(op);
  if (define !== undefined) return defineHover(doc, define, call);
  const builtin = builtins.get(op);
  if (builtin !== undefined) return signatureHover(builtin, `built-in ${builtin.kind} ${builtin.kind === "temporal" ? "operator" : "predicate"}`);
  const ext = doc.checked.registry.get(op);
  if (ext !== undefined) return signatureHover(ext, "extension predicate");
  return undefined;
}

function signatureHover(sig: Signature, what: string): string {
  const lines = [code(signatureToString(sig, typeToString)), `*${what}*`, sig.doc];
  if (sig.options !== undefined && sig.options.length > 0) {
    lines.push(sig.options.map((o) => `- \`:${o.keyword}\`${" x".repeat(o.arity)}: ${o.doc}`).join("\n"));
  }
  return lines.filter((l) => l.length > 0).join("\n\n");
}

function defineHover(doc: CraftDocument, d: DefineForm, call?: Call): string {
  const params = d.params.map((p) => `${p.name}:${p.typeName ?? "Any"}`).join(" ");
  const result = doc.checked.types.get(d.body) ?? (call !== undefined ? doc.checked.types.get(call) : undefined);
  const sig = `(${d.name}${params.length > 0 ? " " + params : ""}) -> ${result !== undefined ? typeToString(result) : "Bool"}`;
  const body = doc.text.slice(d.range.start, d.range.end);
  const line = doc.lines.positionAt(d.range.start).line + 1;
  const shown = body.length <= 600 ? `\n\n${code(body)}` : "";
  return `${code(sig)}\n\n*defined on line ${line}*${shown}`;
}

function optionHover(doc: CraftDocument, call: Call, keyword: string): string | undefined {
  const sig: Signature | undefined = builtins.get(call.op) ?? doc.checked.registry.get(call.op);
  const spec = sig?.options?.find((o) => o.keyword === keyword);
  if (spec === undefined) return undefined;
  return `${code(`:${spec.keyword}${" x".repeat(spec.arity)}`)}\n\n${spec.doc}`;
}

// ---- names ------------------------------------------------------------------------------

function nameHover(doc: CraftDocument, located: Located, n: NameRef, part: number): string | undefined {
  const info = doc.checked.names.get(n);
  const path = n.parts.join(".");
  if (info?.signalPath === true) return `${code(`${path}: ${typeToString(info.type)}`)}\n\nsignal of the trace`;
  const base = n.parts[0]!;
  const locals = localsAt(located);
  const resolution = resolveBase(doc, base, locals);
  if (part === 0) {
    if (n.parts.length === 1 && info !== undefined && resolution.kind !== "local") {
      return baseHover(doc, base, resolution, typeToString(info.type));
    }
    if (resolution.kind === "local") {
      const decl = findLocal(doc, located, base);
      const how = decl?.declaredBy === "parameter" ? "parameter" : "quantifier variable";
      const type = n.parts.length === 1 && info !== undefined ? info.type : resolution.type;
      return `${code(`${base}: ${typeToString(type)}`)}\n\n${how}`;
    }
    return baseHover(doc, base, resolution);
  }
  if (n.parts.length !== 2) return code(`${path}: ${info !== undefined ? typeToString(info.type) : "Any"}`);
  const attr = n.parts[1]!;
  const typeName = objectTypeOf(resolution);
  const found: AttributeInfo | undefined = attributeInfo(doc, typeName, attr);
  const type = info?.type ?? found?.type;
  const lines = [code(`${path}: ${type !== undefined ? typeToString(type) : "Any"}`)];
  const owner = typeName !== undefined ? `\`${typeName}\`` : "an object";
  const source =
    found === undefined
      ? `attribute of ${owner}, unknown to the schema`
      : found.source === "common"
        ? "attribute every object has"
        : found.source === "trace"
          ? `attribute of ${owner}, seen in the trace`
          : found.source === "state"
            ? `state attribute, which ${owner} has only if the trace sets it`
            : `attribute of ${owner}`;
  lines.push(source);
  if (type?.kind === "Enum") lines.push(`values: ${type.values.map((v) => "`'" + v + "`").join(", ")}`);
  return lines.join("\n\n");
}

function baseHover(doc: CraftDocument, name: string, r: ReturnType<typeof resolveBase>, typeText?: string): string {
  switch (r.kind) {
    case "local":
      return `${code(`${name}: ${typeToString(r.type)}`)}\n\nlocal variable`;
    case "object": {
      const t = r.typeName !== undefined ? `Obj<${r.typeName}>` : "Obj";
      const typeDoc = r.typeName !== undefined ? doc.checked.schema.types.get(r.typeName)?.doc : undefined;
      const line = doc.lines.positionAt(r.form.range.start).line + 1;
      return [code(`${name}: ${t}`), `bound by \`(object ${name} …)\` on line ${line}${r.form.id !== undefined ? `, id \`${r.form.id}\`` : ""}`, typeDoc]
        .filter((x): x is string => x !== undefined)
        .join("\n\n");
    }
    case "signal":
      return `${code(`${name}: ${typeToString(r.type)}`)}\n\nsignal of the trace`;
    case "object-id":
      return `${code(`${name}: Obj<${r.typeName}>`)}\n\nscene object of the trace`;
    case "type": {
      const info = doc.checked.schema.types.get(r.typeName);
      const lines = [code(`${name}: Obj<${r.typeName}>`)];
      const matches = r.matches.length > 0 ? ` (${r.matches.length} in the trace: ${r.matches.slice(0, 5).join(", ")}${r.matches.length > 5 ? ", …" : ""})` : "";
      lines.push(`the \`${r.typeName}\` object of the scene${matches}`);
      if (info?.doc !== undefined && !isDeclaredType(doc, r.typeName)) lines.push(info.doc);
      return lines.join("\n\n");
    }
    case "unknown":
      return `${code(`${name}: ${typeText ?? "Any"}`)}\n\nresolved on each frame: a signal or object id of the trace`;
  }
}

function isDeclaredType(doc: CraftDocument, name: string): boolean {
  return doc.parsed.program.forms.some((f) => f.kind === "type" && f.name === name);
}

function typeHover(doc: CraftDocument, typeName: string): string {
  const info = doc.checked.schema.types.get(typeName);
  const traced = doc.trace?.vocabulary?.attributes.get(typeName);
  const declared = doc.parsed.program.forms.find((f) => f.kind === "type" && f.name === typeName);
  const lines = [code(`type ${typeName}`)];
  if (declared !== undefined) lines.push(`declared on line ${doc.lines.positionAt(declared.range.start).line + 1}`);
  else if (info?.doc !== undefined) lines.push(info.doc);
  else if (traced !== undefined) lines.push("object type of the trace");
  else lines.push("unknown object type: declare it with `(type …)` or check against a trace that has it");
  const attrs = new Map<string, string>();
  for (const [k, v] of info?.attributes ?? []) attrs.set(k, typeToString(v));
  for (const [k, v] of traced ?? []) if (!attrs.has(k)) attrs.set(k, typeToString(v));
  if (attrs.size > 0) lines.push([...attrs].map(([k, v]) => `- \`${k}\`: ${v}`).join("\n"));
  return lines.join("\n\n");
}

// ---- constraints and verdicts -------------------------------------------------------------

function constraintHover(doc: CraftDocument, c: ConstraintForm): string {
  const lines = [`**${c.id}** · ${c.type} · ${c.severity}`];
  if (c.action !== undefined) lines.push(`on \`(${c.action.name}${c.action.args.map((a) => " " + a.name).join("")})\``);
  if (c.description !== undefined) lines.push(c.description);
  const summary = constraintSummary(doc, c.id);
  if (summary !== undefined) lines.push("---", verdictMarkdown(summary));
  else if (doc.trace?.error !== undefined) lines.push("---", `trace not checked: ${doc.trace.error}`);
  return lines.join("\n\n");
}

const MAX_STEPS = 12;
const MAX_ATOMS = 8;

/** The verdicts of one constraint as Markdown: counts, steps, the deciding verdict's atoms and explanation. */
export function verdictMarkdown(s: VerdictSummary): string {
  const counts = (["VIOLATED", "UNCERTAIN", "SATISFIED", "SKIP"] as const)
    .filter((k) => s.counts[k] > 0)
    .map((k) => `${k} ×${s.counts[k]}`)
    .join(", ");
  const first = s.deciding[0]!;
  const out: string[] = [];
  if (s.status === "SATISFIED" || s.status === "SKIP") {
    const min = Math.min(...s.deciding.map((v) => v.confidence));
    out.push(`**${s.status}** (${counts})${s.status === "SATISFIED" ? ` · lowest confidence ${formatConfidence(min)}` : ""}`);
    if (first.reason.length > 0 && s.status === "SKIP") out.push(first.reason);
    return out.join("\n\n");
  }
  out.push(`**${s.status}** at step ${first.step ?? "?"} · confidence ${formatConfidence(first.confidence)} (${counts})`);
  const steps = s.deciding.map((v) => v.step).filter((x): x is number => x !== null);
  if (steps.length > 1) {
    out.push(`${s.status === "VIOLATED" ? "violated" : "uncertain"} at steps ${steps.slice(0, MAX_STEPS).join(", ")}${steps.length > MAX_STEPS ? ", …" : ""}`);
  }
  if (first.action !== undefined) out.push(`action: \`${first.action}\``);
  if (first.reason.length > 0) out.push(first.reason);
  if (first.atoms.length > 0) out.push(atomTable(first));
  const ex = first.explanation;
  if (ex !== undefined) {
    if (ex.causes.length > 0) out.push("**Why**\n\n" + ex.causes.map((c) => `- ${c.text}`).join("\n"));
    if (ex.hint.length > 0) out.push(`**Hint:** ${ex.hint}`);
  }
  return out.join("\n\n");
}

function atomTable(v: Verdict): string {
  const rows = v.atoms.slice(0, MAX_ATOMS).map((a) => {
    const value = a.value === null ? "unknown" : String(a.value);
    return `| \`${cell(a.expr)}\` | ${value} | ${formatConfidence(a.confidence)} | ${cell(a.source)} | ${cell(a.reason)} |`;
  });
  const more = v.atoms.length > MAX_ATOMS ? `\n\n…and ${v.atoms.length - MAX_ATOMS} more atoms` : "";
  return `| atom | value | confidence | source | reason |\n| --- | --- | --- | --- | --- |\n${rows.join("\n")}${more}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/`/g, "'");
}
