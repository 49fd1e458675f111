// Geometric fallbacks for relations the scene graph does not state
// (CRAFT++ seed §8.2): containment and support from axis-aligned bounding
// boxes. Coordinates are y-up, as in AI2THOR. Each measure lies in [0, 1];
// the relation holds when it is ≥ 0.5, and its clarity |2m − 1| scales the
// confidence, so boxes near the decision boundary give UNCERTAIN.

import type { BBox, Vec3 } from "./frame.js";

function overlap1(aMin: number, aMax: number, bMin: number, bMax: number): number {
  return Math.max(0, Math.min(aMax, bMax) - Math.max(aMin, bMin));
}

function volume(b: BBox): number {
  return Math.max(0, b.max[0] - b.min[0]) * Math.max(0, b.max[1] - b.min[1]) * Math.max(0, b.max[2] - b.min[2]);
}

function containsPoint(b: BBox, p: Vec3): boolean {
  return p[0] >= b.min[0] && p[0] <= b.max[0] && p[1] >= b.min[1] && p[1] <= b.max[1] && p[2] >= b.min[2] && p[2] <= b.max[2];
}

/** Containment: the share of a's box that lies inside b's box. */
export function containment(a: BBox, b: BBox): number {
  const v = volume(a);
  const inter =
    overlap1(a.min[0], a.max[0], b.min[0], b.max[0]) *
    overlap1(a.min[1], a.max[1], b.min[1], b.max[1]) *
    overlap1(a.min[2], a.max[2], b.min[2], b.max[2]);
  return v > 0 ? inter / v : containsPoint(b, a.min) ? 1 : 0;
}

/** Vertical gap (metres) within which a resting contact is certain, and beyond twice which it is ruled out. */
export const CONTACT_TOLERANCE = 0.02;

/** Support: the share of a's footprint over b, times how closely a's bottom meets b's top. */
export function support(a: BBox, b: BBox): number {
  const gap = Math.abs(a.min[1] - b.max[1]);
  const contact = gap <= CONTACT_TOLERANCE ? 1 : Math.max(0, 1 - (gap - CONTACT_TOLERANCE) / CONTACT_TOLERANCE);
  const footprint = Math.max(0, a.max[0] - a.min[0]) * Math.max(0, a.max[2] - a.min[2]);
  const shared = overlap1(a.min[0], a.max[0], b.min[0], b.max[0]) * overlap1(a.min[2], a.max[2], b.min[2], b.max[2]);
  return footprint > 0 ? (shared / footprint) * contact : 0;
}

export function distance(a: Vec3, b: Vec3): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  const dz = a[2] - b[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}
