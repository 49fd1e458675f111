// The causal chain of a violation: for each atom that decided it, the step
// from which the atom has had its current value, and the action that led
// into that step — found by re-evaluating the compiled atom on the frames
// before, with the same objects bound (CRAFT++ seed §2.7, §3.2.2).

import type { AtomRecord } from "../eval/atom-site.js";
import type { EvalContext } from "../eval/context.js";
import type { IndexedFrame } from "../eval/scene-index.js";
import { truthToValue, type Truth } from "../eval/truth.js";

/** The last frames of a trace, kept so explanations can look back (bounded memory). */
export class FrameHistory {
  private readonly frames: (IndexedFrame | undefined)[];
  private newest = -1;

  constructor(readonly capacity: number) {
    this.frames = new Array(Math.max(1, capacity));
  }

  push(frame: IndexedFrame): void {
    this.frames[frame.step % this.frames.length] = frame;
    this.newest = frame.step;
  }

  /** the oldest step still kept */
  get oldest(): number {
    return Math.max(0, this.newest - this.frames.length + 1);
  }

  at(step: number): IndexedFrame | undefined {
    if (step < this.oldest || step > this.newest) return undefined;
    return this.frames[step % this.frames.length];
  }
}

export interface AtomOrigin {
  /** the first step of the run of frames, ending at the evaluated one, where the atom had this value */
  readonly since: number;
  /** the run reaches back to the first frame of the trace */
  readonly fromStart: boolean;
}

/**
 * Walks back from `step` (the frame the verdict was evaluated on) while the
 * atom keeps the value it has there. Evaluation state in ctx is restored.
 */
export function traceBack(ctx: EvalContext, record: AtomRecord, value: Truth, step: number, history: FrameHistory): AtomOrigin | undefined {
  const probe = record.site.probe;
  if (!probe) return undefined;
  const saved = { frame: ctx.frame, atoms: ctx.atoms, sites: ctx.sites, conf: ctx.conf, decisive: ctx.decisive, slots: ctx.slots.slice() };
  ctx.atoms = null;
  ctx.sites = null;
  let since = step;
  try {
    for (let j = step - 1; j >= history.oldest; j--) {
      const frame = history.at(j);
      if (!frame) break;
      ctx.frame = frame;
      record.slots.forEach((id, i) => (ctx.slots[i] = id === undefined ? undefined : frame.byId.get(id)));
      if (probe(ctx) !== value) break;
      since = j;
    }
  } finally {
    ctx.frame = saved.frame;
    ctx.atoms = saved.atoms;
    ctx.sites = saved.sites;
    ctx.conf = saved.conf;
    ctx.decisive = saved.decisive;
    saved.slots.forEach((o, i) => (ctx.slots[i] = o));
  }
  return { since, fromStart: since === 0 };
}

export function describeOrigin(expr: string, value: Truth, origin: AtomOrigin, action: string | undefined, windowStart: number): string {
  const v = truthToValue(value) ?? "unknown";
  if (origin.fromStart) return `${expr} has been ${v} since the first frame`;
  if (origin.since === windowStart && windowStart > 0) return `${expr} has been ${v} since before step ${windowStart} (the look-back window)`;
  return `${expr} became ${v} at step ${origin.since}${action ? `, after ${action}` : ""}`;
}
