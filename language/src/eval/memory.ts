// Perception memory (CRAFT++ seed §8.1): an object missing from a frame, or
// reported but not visible, keeps its last seen state, and its confidence
// decays with the time since it was last seen:
//
//     c(Δt) = c_seen · 2^(−Δt / h)          h: half-life, default 5 s
//
// Relations of a missing object are carried the same way. So a brief
// occlusion or a flickering detection lowers confidence (towards UNCERTAIN)
// but never flips a fact: it cannot turn SATISFIED into VIOLATED.

import type { Frame, Relation, SceneObject } from "./frame.js";

export interface MemoryOptions {
  /** seconds for a remembered confidence to halve (default 5); 0 turns memory off */
  readonly halfLife?: number;
  /** seconds per frame when frames carry no `time` (default 1) */
  readonly frameDuration?: number;
}

export const DEFAULT_HALF_LIFE = 5;

/** An object's last sighting; updated in place every frame it is seen. */
interface Seen {
  object: SceneObject;
  /** when it was last visible (seconds) */
  at: number;
  /** the relations of the frame it was last seen in (its own edges are picked out when needed) */
  relations: readonly Relation[];
  /** the step of the last frame that reported it (visible or not) */
  reported: number;
}

export class SceneMemory {
  private readonly seen = new Map<string, Seen>();
  /** the sightings of the last frame's objects, by position: frames tend to list the same objects in the same order */
  private readonly last: (Seen | undefined)[] = [];
  private readonly halfLife: number;
  private readonly frameDuration: number;

  constructor(options: MemoryOptions = {}) {
    this.halfLife = options.halfLife ?? DEFAULT_HALF_LIFE;
    this.frameDuration = options.frameDuration ?? 1;
  }

  decay(elapsed: number): number {
    return this.halfLife > 0 ? Math.pow(2, -Math.max(0, elapsed) / this.halfLife) : 0;
  }

  /** The frame as the evaluator should see it: what is missing or occluded filled in from memory. */
  apply(frame: Frame, step: number): Frame {
    if (this.halfLife <= 0 || (frame.objects.length === 0 && this.seen.size === 0)) return frame;
    const now = frame.time ?? step * this.frameDuration;
    let objects: SceneObject[] | undefined;
    let relations: Relation[] | undefined;
    // remembered objects this frame reports; when that is all of them, none is missing
    let reported = 0;
    const last = this.last;
    for (let i = 0; i < frame.objects.length; i++) {
      const o = frame.objects[i]!;
      // the object at this position last frame, else a lookup by id
      const at = last[i];
      const prior = at !== undefined && at.object.id === o.id ? at : this.seen.get(o.id);
      if (prior === undefined) {
        const entry = { object: o, at: now, relations: frame.relations, reported: step };
        this.seen.set(o.id, entry);
        last[i] = entry;
        reported++;
      } else {
        last[i] = prior;
        if (prior.reported !== step) {
          prior.reported = step;
          reported++;
        }
      }
      if (prior !== undefined && o.visible) {
        prior.object = o;
        prior.at = now;
        prior.relations = frame.relations;
      }
      if (o.visible || prior === undefined) {
        objects?.push(o);
        continue;
      }
      // reported but occluded: its report is as old as its last sighting
      const factor = this.decay(now - prior.at);
      objects ??= frame.objects.slice(0, i);
      objects.push({ ...o, confidence: Math.min(o.confidence, prior.object.confidence * factor), lastSeen: prior.at });
      if (!frame.relations.some((r) => r.a === o.id || r.b === o.id)) {
        // the detector lost its edges too: carry them from the last sighting
        for (const r of edgesOf(prior.relations, o.id)) (relations ??= frame.relations.slice()).push({ ...r, confidence: r.confidence * factor });
      }
    }
    if (reported < this.seen.size) {
      for (const [id, s] of this.seen) {
        if (s.reported === step) continue;
        const factor = this.decay(now - s.at);
        objects ??= frame.objects.slice();
        objects.push({ ...s.object, visible: false, confidence: s.object.confidence * factor, lastSeen: s.at, remembered: true });
        for (const r of edgesOf(s.relations, id)) {
          relations ??= frame.relations.slice();
          if (!relations.some((x) => x.rel === r.rel && x.a === r.a && x.b === r.b)) relations.push({ ...r, confidence: r.confidence * factor });
        }
      }
    }
    if (!objects && !relations) return frame;
    const out: Frame = { ...frame, objects: objects ?? frame.objects, relations: relations ?? frame.relations };
    // a carried edge needs both ends in the frame
    if (relations) {
      const ids = new Set(out.objects.map((o) => o.id));
      return { ...out, relations: out.relations.filter((r) => ids.has(r.a) && ids.has(r.b)) };
    }
    return out;
  }
}

function edgesOf(relations: readonly Relation[], id: string): Relation[] {
  const out: Relation[] = [];
  for (const r of relations) if (r.a === id || r.b === id) out.push(r);
  return out;
}
