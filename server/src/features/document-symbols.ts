// The outline: the task, objects, defines, types (with their attributes),
// models and constraints (detail: type and severity), in source order.

import type { Form, Range } from "@craft/language";
import { SymbolKind, type DocumentSymbol, type DocumentSymbolParams } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { attrNameRange, paramNameRange, toLspRange } from "./util.js";

export function provideDocumentSymbols(doc: CraftDocument, _params: DocumentSymbolParams): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const form of doc.parsed.program.forms) {
    try {
      out.push(formSymbol(doc, form));
    } catch {
      // a form too broken to outline is left out
    }
  }
  return out;
}

function symbol(doc: CraftDocument, name: string, detail: string | undefined, kind: SymbolKind, range: Range, selection: Range, children?: DocumentSymbol[]): DocumentSymbol {
  // the selection must lie inside the range
  const sel = selection.start >= range.start && selection.end <= range.end ? selection : { start: range.start, end: range.start };
  const s: DocumentSymbol = {
    name: name.length > 0 ? name : "?",
    kind,
    range: toLspRange(doc, range),
    selectionRange: toLspRange(doc, sel),
  };
  if (detail !== undefined && detail.length > 0) s.detail = detail;
  if (children !== undefined && children.length > 0) s.children = children;
  return s;
}

function formSymbol(doc: CraftDocument, form: Form): DocumentSymbol {
  switch (form.kind) {
    case "task":
      return symbol(doc, form.name, form.instruction, SymbolKind.Module, form.range, form.nameRange);
    case "object": {
      const detail = [form.typeName, form.id !== undefined ? `"${form.id}"` : undefined].filter((x) => x !== undefined).join(" ");
      return symbol(doc, form.name, detail, SymbolKind.Variable, form.range, form.nameRange);
    }
    case "define": {
      const params = form.params.map((p) =>
        symbol(doc, p.name, p.typeName, SymbolKind.TypeParameter, p.range, paramNameRange(doc.text, p)),
      );
      const detail = `(${[form.name, ...form.params.map((p) => p.name)].join(" ")})`;
      return symbol(doc, form.name, detail, SymbolKind.Function, form.range, form.nameRange, params);
    }
    case "constraint": {
      const detail = `${form.type} · ${form.severity}${form.description !== undefined ? ` — ${form.description}` : ""}`;
      return symbol(doc, form.id, detail, SymbolKind.Event, form.range, form.idRange);
    }
    case "type": {
      const attrs = form.attrs.map((a) => symbol(doc, a.name, a.typeText, SymbolKind.Property, a.range, attrNameRange(doc.text, a)));
      return symbol(doc, form.name, "type", SymbolKind.Class, form.range, form.nameRange, attrs);
    }
    case "model":
      return symbol(doc, form.name, form.path, SymbolKind.Package, form.range, form.nameRange);
  }
}
