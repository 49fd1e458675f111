// Rename `define`d predicates, bound objects, constraint ids and local
// variables. Built-in and extension predicates cannot be renamed: both
// prepareRename and rename answer with a ResponseError saying so.

import { builtins } from "@craft/language";
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type PrepareRenameParams,
  type Range as LspRange,
  type RenameParams,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { isWordChar, occurrences, symbolAt, toLspRange, toOffset, type CraftSymbol } from "./util.js";

export function providePrepareRename(doc: CraftDocument, params: PrepareRenameParams): { range: LspRange; placeholder: string } | null {
  const sym = find(doc, params.position);
  if (sym === undefined) return null;
  return { range: toLspRange(doc, sym.range), placeholder: sym.name };
}

export function provideRename(doc: CraftDocument, params: RenameParams): WorkspaceEdit | null {
  const sym = find(doc, params.position);
  if (sym === undefined) return null;
  const newName = params.newName;
  const problem = invalidName(doc, sym, newName);
  if (problem !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, problem);
  if (newName === sym.name) return { changes: { [doc.uri]: [] } };
  let edits: TextEdit[];
  try {
    edits = occurrences(doc, sym).map((r) => ({ range: toLspRange(doc, r), newText: newName }));
  } catch {
    return null;
  }
  return { changes: { [doc.uri]: edits } };
}

/** The renamable symbol at a position; a ResponseError on a built-in predicate. */
function find(doc: CraftDocument, position: RenameParams["position"]): CraftSymbol | undefined {
  let sym: CraftSymbol | undefined;
  try {
    sym = symbolAt(doc, toOffset(doc, position));
  } catch {
    return undefined;
  }
  if (sym?.kind === "builtin") {
    throw new ResponseError(LSPErrorCodes.RequestFailed, `${sym.name} is a built-in predicate and cannot be renamed`);
  }
  return sym?.declaration !== undefined ? sym : undefined;
}

const FORM_WORDS = new Set(["task", "object", "define", "constraint", "type", "model", "forall", "exists", "true", "false", "_"]);

function invalidName(doc: CraftDocument, sym: CraftSymbol, name: string): string | undefined {
  if (name.length === 0) return "the new name is empty";
  for (let i = 0; i < name.length; i++) {
    if (!isWordChar(name.charCodeAt(i))) return `'${name}' is not a name: it may not contain spaces, parentheses, quotes or ';'`;
  }
  const first = name.charCodeAt(0);
  if (first === 58 || first === 39) return `'${name}' is not a name: it may not start with ':' or a quote`;
  if (name.includes(".")) return `'${name}' is not a name: '.' separates an object from its attribute`;
  const numeric = /^[+-]?(\d|\.\d)/.test(name);
  if (numeric && sym.kind !== "constraint") return `'${name}' is not a name: it reads as a number`;
  if (name === sym.name) return undefined;
  switch (sym.kind) {
    case "define":
      if (builtins.has(name) || doc.checked.registry.get(name) !== undefined || FORM_WORDS.has(name)) return `${name} is a built-in predicate`;
      if (doc.checked.defines.has(name)) return `${name} is already defined`;
      return undefined;
    case "object":
    case "local":
      if (FORM_WORDS.has(name)) return `${name} is a reserved word`;
      if (sym.kind === "object" && doc.checked.objects.has(name)) return `object ${name} is already bound`;
      return undefined;
    case "constraint":
      if (doc.checked.constraints.some((c) => c.id === name)) return `constraint ${name} is already declared`;
      return undefined;
    default:
      return undefined;
  }
}
