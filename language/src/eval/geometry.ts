// Geometric fallbacks for relations the scene graph does not state
// (CRAFT++ seed §8.2): containment and support from axis-aligned bounding
// boxes. Coordinates are y-up, as in AI2THOR.

import type { BBox, Vec3 } from "./frame.js";

/** A relation decided from geometry: truth and how clear-cut it is, in [0, 1]. */
export interface GeometricJudgement {
  readonly holds: boolean;
  /** 1 far from the decision boundary, 0 on it */
  readonly clarity: number;
  readonly measure: number;
}

function overlap1(aMin: number, aMax: number, bMin: number, bMax: number): number {
  return Math.max(0, Math.min(aMax, bMax) - Math.max(aMin, bMin));
}

function volume(b: BBox): number {
  return Math.max(0, b.max[0] - b.min[0]) * Math.max(0, b.max[1] - b.min[1]) * Math.max(0, b.max[2] - b.min[2]);
}

/** Containment ratio: the share of a's box inside b's box. inside ⇔ ratio ≥ 0.5. */
export function insideByBoxes(a: BBox, b: BBox): GeometricJudgement {
  const v = volume(a);
  const inter =
    overlap1(a.min[0], a.max[0], b.min[0], b.max[0]) *
    overlap1(a.min[1], a.max[1], b.min[1], b.max[1]) *
    overlap1(a.min[2], a.max[2], b.min[2], b.max[2]);
  const ratio = v > 0 ? inter / v : containsPoint(b, a.min) ? 1 : 0;
  return { holds: ratio >= 0.5, clarity: Math.abs(2 * ratio - 1), measure: ratio };
}

function containsPoint(b: BBox, p: Vec3): boolean {
  return p[0] >= b.min[0] && p[0] <= b.max[0] && p[1] >= b.min[1] && p[1] <= b.max[1] && p[2] >= b.min[2] && p[2] <= b.max[2];
}

/** Vertical gap (metres) within which a resting contact is certain, and beyond twice which it is ruled out. */
export const CONTACT_TOLERANCE = 0.02;

/**
 * Support contact: a's bottom touches b's top and most of a's footprint lies
 * over b. The measure is the footprint share times the contact score.
 */
export function onTopOfByBoxes(a: BBox, b: BBox): GeometricJudgement {
  const gap = Math.abs(a.min[1] - b.max[1]);
  const contact = gap <= CONTACT_TOLERANCE ? 1 : Math.max(0, 1 - (gap - CONTACT_TOLERANCE) / CONTACT_TOLERANCE);
  const footprint = Math.max(0, a.max[0] - a.min[0]) * Math.max(0, a.max[2] - a.min[2]);
  const shared = overlap1(a.min[0], a.max[0], b.min[0], b.max[0]) * overlap1(a.min[2], a.max[2], b.min[2], b.max[2]);
  const support = footprint > 0 ? shared / footprint : 0;
  const measure = support * contact;
  return { holds: measure >= 0.5, clarity: Math.abs(2 * measure - 1), measure };
}

export function distance(a: Vec3, b: Vec3): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  const dz = a[2] - b[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}
