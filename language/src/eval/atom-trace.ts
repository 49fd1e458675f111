// Atom-level traces: what each atomic predicate saw, decided and why
// (CRAFT++ seed §3.1.4). Recorded only when a run asks for them.

export type AtomSource = "edge_relation" | "geometry_iou" | "state_check" | "state_equality" | "memory" | `extension:${string}`;

export interface AtomTrace {
  /** the atom as written, e.g. `(eq microwave.isOpen true)` */
  readonly expr: string;
  /** true / false, or null when unknown */
  readonly value: boolean | null;
  readonly confidence: number;
  readonly source: AtomSource;
  readonly reason: string;
}
