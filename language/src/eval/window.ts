// Sliding three-valued aggregation over a window of positions (frames or
// seconds), in amortised O(1) per value whatever the window's size: values
// wait in a FIFO until they are old enough (`lo`), then live in monotonic
// deques until too old (`hi`). Memory is bounded by the window, not the trace.
//
// Each structure is one object over typed arrays, with no helper objects
// between it and its data: these run for every temporal operator on every
// frame, and a flat layout keeps them small enough for the engine to inline.

import { F, T, U, type Truth } from "./truth.js";

/** Values waiting to be old enough for a window: a FIFO of (position, truth, confidence) on a growable ring. */
export class Pending {
  private pos = new Float64Array(16);
  private truth = new Uint8Array(16);
  private conf = new Float64Array(16);
  private mask = 15;
  private head = 0;
  /** number of values waiting */
  size = 0;

  push(p: number, t: Truth, c: number): void {
    if (this.size === this.pos.length) this.grow();
    const j = (this.head + this.size) & this.mask;
    this.pos[j] = p;
    this.truth[j] = t;
    this.conf[j] = c;
    this.size++;
  }

  /** the oldest value's position, truth and confidence (when size > 0) */
  frontPos(): number {
    return this.pos[this.head]!;
  }
  frontTruth(): Truth {
    return this.truth[this.head] as Truth;
  }
  frontConf(): number {
    return this.conf[this.head]!;
  }

  /** drops the oldest value */
  pop(): void {
    this.head = (this.head + 1) & this.mask;
    this.size--;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const cap = this.pos.length * 2;
    const pos = new Float64Array(cap);
    const truth = new Uint8Array(cap);
    const conf = new Float64Array(cap);
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) & this.mask;
      pos[i] = this.pos[j]!;
      truth[i] = this.truth[j]!;
      conf[i] = this.conf[j]!;
    }
    this.pos = pos;
    this.truth = truth;
    this.conf = conf;
    this.mask = cap - 1;
    this.head = 0;
  }
}

/** Monotonic deque answering the max (or min) of the values in the window, on a growable ring. */
export class Extremum {
  private pos = new Float64Array(16);
  private val = new Float64Array(16);
  private mask = 15;
  private head = 0;
  private size = 0;

  constructor(private readonly max: boolean) {}

  push(p: number, v: number): void {
    // values the new one dominates can never be the extremum again
    const val = this.val;
    let size = this.size;
    if (this.max) while (size > 0 && val[(this.head + size - 1) & this.mask]! <= v) size--;
    else while (size > 0 && val[(this.head + size - 1) & this.mask]! >= v) size--;
    this.size = size;
    if (size === this.pos.length) this.grow();
    const j = (this.head + size) & this.mask;
    this.pos[j] = p;
    this.val[j] = v;
    this.size = size + 1;
  }

  /** drops values before `oldest` */
  expire(oldest: number): void {
    while (this.size > 0 && this.pos[this.head]! < oldest) {
      this.head = (this.head + 1) & this.mask;
      this.size--;
    }
  }

  /** drops values at or before `p` */
  expireThrough(p: number): void {
    while (this.size > 0 && this.pos[this.head]! <= p) {
      this.head = (this.head + 1) & this.mask;
      this.size--;
    }
  }

  /** the extremum, or NaN when empty */
  value(): number {
    return this.size > 0 ? this.val[this.head]! : NaN;
  }

  /** position of the latest value in the window, or NaN when empty */
  latest(): number {
    return this.size > 0 ? this.pos[(this.head + this.size - 1) & this.mask]! : NaN;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const cap = this.pos.length * 2;
    const pos = new Float64Array(cap);
    const val = new Float64Array(cap);
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) & this.mask;
      pos[i] = this.pos[j]!;
      val[i] = this.val[j]!;
    }
    this.pos = pos;
    this.val = val;
    this.mask = cap - 1;
    this.head = 0;
  }
}

/**
 * Kleene `or` ("once", "eventually") or `and` ("historically", "always")
 * over the values whose position lies in [now − hi, now − lo].
 */
export class SlidingJunction {
  /** confidence of deciding values (T for or, F for and): max */
  private readonly deciding = new Extremum(true);
  /** confidence of unknown values: min */
  private readonly unknown = new Extremum(false);
  /** confidence of absorbing values: min */
  private readonly absorbing = new Extremum(false);
  /** values not yet old enough to be in the window */
  private readonly pending = new Pending();
  private readonly deciderTruth: Truth;
  private readonly absorbingTruth: Truth;
  private readonly unbounded: boolean;
  /** for unbounded windows: running aggregates (no expiry, O(1) memory) */
  private runDecide = -1;
  private runDecidePos = NaN;
  private runUnknown = NaN;
  private runAbsorb = NaN;

  conf = 0;
  /** position of the latest deciding value in the window (the witness), NaN if none */
  witness = NaN;
  /** the window holds no value at all (e.g. too early for :between) */
  empty = true;

  constructor(
    readonly kind: "or" | "and",
    private readonly lo: number,
    private readonly hi: number,
  ) {
    this.deciderTruth = kind === "or" ? T : F;
    this.absorbingTruth = kind === "or" ? F : T;
    this.unbounded = hi === Infinity;
  }

  /** Adds the value at position p (positions increase) and returns the window's value; confidence in `conf`. */
  push(p: number, truth: Truth, c: number): Truth {
    if (this.lo > 0) {
      const q = this.pending;
      q.push(p, truth, c);
      const ready = p - this.lo;
      while (q.size > 0 && q.frontPos() <= ready) {
        this.admit(q.frontPos(), q.frontTruth(), q.frontConf());
        q.pop();
      }
    } else this.admit(p, truth, c);
    return this.unbounded ? this.readRunning() : this.read(p);
  }

  private admit(p: number, truth: Truth, c: number): void {
    if (this.unbounded) {
      if (truth === this.deciderTruth) {
        if (c > this.runDecide) this.runDecide = c;
        this.runDecidePos = p;
      } else if (truth === U) this.runUnknown = Number.isNaN(this.runUnknown) ? c : Math.min(this.runUnknown, c);
      else this.runAbsorb = Number.isNaN(this.runAbsorb) ? c : Math.min(this.runAbsorb, c);
      return;
    }
    if (truth === this.deciderTruth) this.deciding.push(p, c);
    else if (truth === U) this.unknown.push(p, c);
    else this.absorbing.push(p, c);
  }

  private readRunning(): Truth {
    this.witness = this.runDecidePos;
    return this.decide(this.runDecide >= 0 ? this.runDecide : NaN, this.runUnknown, this.runAbsorb);
  }

  private read(now: number): Truth {
    const oldest = now - this.hi;
    this.deciding.expire(oldest);
    this.unknown.expire(oldest);
    this.absorbing.expire(oldest);
    this.witness = this.deciding.latest();
    return this.decide(this.deciding.value(), this.unknown.value(), this.absorbing.value());
  }

  /** the window's value from each class's extremum (NaN: none in the window) */
  private decide(decide: number, unknown: number, absorb: number): Truth {
    this.empty = Number.isNaN(decide) && Number.isNaN(unknown) && Number.isNaN(absorb);
    if (!Number.isNaN(decide)) {
      this.conf = decide;
      return this.deciderTruth;
    }
    if (!Number.isNaN(unknown)) {
      this.conf = unknown;
      return U;
    }
    // an empty window: `or` is false and `and` true, with full confidence
    this.conf = Number.isNaN(absorb) ? 1 : absorb;
    return this.absorbingTruth;
  }
}
