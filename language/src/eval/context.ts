// The mutable state one evaluation threads through compiled closures.
// Closures return a Truth (formulas) or a value (terms) and leave the
// confidence in `conf`, so no evaluation step allocates.

import type { AtomRecord } from "./atom-site.js";
import type { AtomTrace } from "./atom-trace.js";
import type { SceneObject } from "./frame.js";
import type { IndexedFrame } from "./scene-index.js";
import type { Aggregation } from "./truth.js";

/** A term's value: numbers, strings (symbols too), booleans, objects, vectors; undefined is unknown. */
export type TermValue = number | string | boolean | SceneObject | readonly number[] | undefined;

export class EvalContext {
  /** the frame being evaluated */
  frame!: IndexedFrame;
  /** confidence of the last closure's result */
  conf = 1;
  /** why the last term was unknown (set only when a term returns undefined) */
  unknownReason = "";
  /** when an atom read a remembered or occluded object: when it was last seen (NaN otherwise) */
  staleSince = NaN;
  /** local slots: quantifier variables, define parameters, action arguments */
  readonly slots: (SceneObject | undefined)[] = [];
  /** atom traces being recorded, or null when not requested */
  atoms: AtomTrace[] | null = null;
  /** indices into `atoms` that decided the last formula's value (recorded with atoms) */
  decisive: number[] = [];
  /** for each recorded atom, what explanations need (recorded with atoms when asked) */
  sites: AtomRecord[] | null = null;

  constructor(
    readonly aggregation: Aggregation,
    /** opaque identity of the trace, handed to extension predicates */
    readonly traceKey: unknown = undefined,
  ) {}
}
