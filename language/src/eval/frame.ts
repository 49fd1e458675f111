// The trace model the evaluator consumes: one Frame per state of the
// execution. Runtime readers (JSONL, AI2THOR) produce these; embedders can
// build them directly.

export type Vec3 = readonly [number, number, number];

export interface BBox {
  readonly min: Vec3;
  readonly max: Vec3;
}

/** A scene-graph node. */
export interface SceneObject {
  readonly id: string;
  readonly type: string;
  /** AI2THOR-style state fields: isOpen, isDirty, fillLiquid, temperature … */
  readonly state: Readonly<Record<string, boolean | number | string | null>>;
  readonly position?: Vec3;
  readonly rotation?: Vec3;
  readonly velocity?: Vec3;
  readonly bbox?: BBox;
  /** detection confidence in [0, 1]; 1 when the trace does not say */
  readonly confidence: number;
  readonly visible: boolean;
  /**
   * Set by perception memory: the time (seconds) the object was last seen
   * visible, when this frame's view of it is older than the frame.
   */
  readonly lastSeen?: number;
  /** set by perception memory: absent from the frame, carried from when it was last seen */
  readonly remembered?: boolean;
}

/** A scene-graph edge: `inside(a, b)` with the detector's confidence. */
export interface Relation {
  readonly rel: string;
  readonly a: string;
  readonly b: string;
  readonly confidence: number;
}

/** The action that led into a frame's state. */
export interface Action {
  readonly name: string;
  readonly args: readonly string[];
  readonly success?: boolean;
  readonly errorMessage?: string;
  /** continuous command, e.g. end-effector velocity */
  readonly vector?: readonly number[];
}

export type SignalValue = boolean | number | string;

export interface Frame {
  /** the trace's own step number, if it has one */
  readonly t?: number;
  /** seconds since the start of the trace */
  readonly time?: number;
  readonly action?: Action;
  readonly objects: readonly SceneObject[];
  readonly relations: readonly Relation[];
  readonly signals: Readonly<Record<string, SignalValue>>;
  /** robot state vector */
  readonly robot?: readonly number[];
}

/** The optional first line of a JSONL trace. */
export interface TraceHeader {
  readonly task?: string;
  readonly instruction?: string;
  /** seconds between frames, used for durations when frames carry no time */
  readonly dt?: number;
  /** safetensors side file with per-frame tensors */
  readonly tensors?: string;
}
