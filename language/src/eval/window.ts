// Sliding three-valued aggregation over a window of positions (frames or
// seconds), in amortised O(1) per value whatever the window's size: values
// wait in a FIFO until they are old enough (`lo`), then live in monotonic
// deques until too old (`hi`). Memory is bounded by the window, not the trace.

import { F, T, U, type Truth } from "./truth.js";

/** A queue on a growable ring buffer (power-of-two capacity); no allocation per push once warm. */
export class Ring {
  private pos: Float64Array;
  private val: Float64Array;
  private mask: number;
  private head = 0;
  private size = 0;

  constructor(capacity = 16) {
    this.pos = new Float64Array(capacity);
    this.val = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  get length(): number {
    return this.size;
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

  pushBack(p: number, v: number): void {
    if (this.size === this.pos.length) this.grow();
    const j = (this.head + this.size) & this.mask;
    this.pos[j] = p;
    this.val[j] = v;
    this.size++;
  }

  popFront(): void {
    this.head = (this.head + 1) & this.mask;
    this.size--;
  }

  popBack(): void {
    this.size--;
  }

  frontPos(): number {
    return this.pos[this.head]!;
  }
  frontVal(): number {
    return this.val[this.head]!;
  }
  backVal(): number {
    return this.val[(this.head + this.size - 1) & this.mask]!;
  }
  backPos(): number {
    return this.pos[(this.head + this.size - 1) & this.mask]!;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}

/** Monotonic deque answering the max (or min) of values in the window. */
export class Extremum {
  private readonly q = new Ring();
  constructor(private readonly max: boolean) {}

  push(p: number, v: number): void {
    const q = this.q;
    while (q.length > 0 && (this.max ? q.backVal() <= v : q.backVal() >= v)) q.popBack();
    q.pushBack(p, v);
  }

  /** drops values before `oldest` */
  expire(oldest: number): void {
    while (this.q.length > 0 && this.q.frontPos() < oldest) this.q.popFront();
  }

  /** drops values at or before `p` */
  expireThrough(p: number): void {
    while (this.q.length > 0 && this.q.frontPos() <= p) this.q.popFront();
  }

  /** the extremum, or NaN when empty */
  get value(): number {
    return this.q.length > 0 ? this.q.frontVal() : NaN;
  }

  /** position of the latest value in the window */
  get latest(): number {
    return this.q.length > 0 ? this.q.backPos() : NaN;
  }

  clear(): void {
    this.q.clear();
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
  /** values not yet old enough to be in the window: (position, truth) and (position, confidence) */
  private readonly pendingTruth = new Ring();
  private readonly pendingConf = new Ring();
  private readonly deciderTruth: Truth;
  private readonly unbounded: boolean;
  /** for unbounded windows: running aggregates (no expiry, O(1) memory) */
  private runDecide = -1;
  private runDecidePos = NaN;
  private runUnknown = NaN;
  private runAbsorb = NaN;

  constructor(
    readonly kind: "or" | "and",
    private readonly lo: number,
    private readonly hi: number,
  ) {
    this.deciderTruth = kind === "or" ? T : F;
    this.unbounded = hi === Infinity;
  }

  /** Adds the value at position p (positions increase) and returns the window's value; confidence in `conf`. */
  push(p: number, truth: Truth, c: number): Truth {
    if (this.lo > 0) {
      this.pendingTruth.pushBack(p, truth);
      this.pendingConf.pushBack(p, c);
      while (this.pendingTruth.length > 0 && this.pendingTruth.frontPos() <= p - this.lo) {
        this.admit(this.pendingTruth.frontPos(), this.pendingTruth.frontVal() as Truth, this.pendingConf.frontVal());
        this.pendingTruth.popFront();
        this.pendingConf.popFront();
      }
    } else this.admit(p, truth, c);
    return this.read(p);
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

  conf = 0;
  /** position of the latest deciding value in the window (the witness), NaN if none */
  witness = NaN;
  /** the window holds no value at all (e.g. too early for :between) */
  empty = true;

  private read(now: number): Truth {
    let decide: number;
    let unknown: number;
    let absorb: number;
    if (this.unbounded) {
      decide = this.runDecide >= 0 ? this.runDecide : NaN;
      this.witness = this.runDecidePos;
      unknown = this.runUnknown;
      absorb = this.runAbsorb;
    } else {
      const oldest = now - this.hi;
      this.deciding.expire(oldest);
      this.unknown.expire(oldest);
      this.absorbing.expire(oldest);
      decide = this.deciding.value;
      this.witness = this.deciding.latest;
      unknown = this.unknown.value;
      absorb = this.absorbing.value;
    }
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
    return this.kind === "or" ? F : T;
  }
}
