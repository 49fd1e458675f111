// Go to definition: from a call of a `define`d predicate, a bound object's
// name, a constraint id or a local variable to where it is declared.

import type { DefinitionParams, Location } from "vscode-languageserver";
import type { CraftDocument } from "../document.js";
import { symbolAt, toLspRange, toOffset } from "./util.js";

export function provideDefinition(doc: CraftDocument, params: DefinitionParams): Location | null {
  try {
    const sym = symbolAt(doc, toOffset(doc, params.position));
    if (sym?.declaration === undefined) return null;
    return { uri: doc.uri, range: toLspRange(doc, sym.declaration) };
  } catch {
    return null;
  }
}
