// Formatting: the whole document in the canonical layout, exactly as
// `craft fmt` prints it. A file with syntax errors is left alone (as `craft
// fmt` refuses it), and a formatted file gets no edit.

import { format, hasErrors } from "@craft/language";
import type { DocumentFormattingParams, TextEdit } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { toLspRange } from "./util.js";

export function provideFormatting(doc: CraftDocument, _params: DocumentFormattingParams): TextEdit[] {
  try {
    if (hasErrors(doc.parsed.diagnostics)) return [];
    const formatted = format(doc.text);
    if (formatted === doc.text) return [];
    return [{ range: toLspRange(doc, { start: 0, end: doc.text.length }), newText: formatted }];
  } catch {
    return [];
  }
}
