// Find references: every use of a `define`d predicate, a bound object, a
// constraint id or a local variable, with or without its declaration.

import type { Location, ReferenceParams } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { occurrences, symbolAt, toLspRange, toOffset } from "./util.js";

export function provideReferences(doc: CraftDocument, params: ReferenceParams): Location[] {
  try {
    const sym = symbolAt(doc, toOffset(doc, params.position));
    if (sym === undefined) return [];
    const all = occurrences(doc, sym);
    const ranges = params.context?.includeDeclaration === false ? all.slice(1) : all;
    return ranges.map((r) => ({ uri: doc.uri, range: toLspRange(doc, r) }));
  } catch {
    return [];
  }
}
