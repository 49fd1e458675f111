// What explanations need to know about a recorded atom beyond its trace:
// the compiled atom itself (to re-evaluate it on earlier frames) and the
// fact it looked at (to phrase a repair).

import type { FormulaFn } from "../compile/compiled.js";

/** One atom occurrence in a compiled program. */
export interface AtomSite {
  readonly expr: string;
  /** the compiled atom; set once compiled; absent for atoms that read temporal state */
  probe?: FormulaFn;
}

/** The fact an atom judged, with the objects it was about in that frame. */
export type AtomFact =
  /** a Boolean state field: `(is_open x)`, `x.isDirty`, `(filled x 'coffee)` */
  | { readonly kind: "state"; readonly object: string; readonly field: string; readonly liquid?: string }
  /** an attribute compared with a constant: `(eq x.isOpen true)`, `(< x.temperature …)` */
  | { readonly kind: "compare"; readonly op: string; readonly object: string; readonly attr: string; readonly value: boolean | string | number }
  /** a relation between two objects */
  | { readonly kind: "relation"; readonly rel: string; readonly a: string; readonly b: string };

/** A recorded atom: where it came from, the local bindings it saw (object ids by slot), its fact. */
export interface AtomRecord {
  readonly site: AtomSite;
  readonly slots: readonly (string | undefined)[];
  readonly fact?: AtomFact;
}
