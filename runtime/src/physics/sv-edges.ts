// The SV network's edge frames and pair scalars (SV seed §5.2, DESIGN.md
// "SV physics"): the geometry both CPU paths share (sv-forward.ts and
// sv-forward-wasm.ts), so they take the same degenerate-frame branches.

export const SV_EPS = 1e-8;
export const SV_EPS_DEG = 1e-6;
export const LAYER_NORM_EPS = 1e-5;

/**
 * Per unordered pair i < j of the N objects at `at` in `pos`/`vel` (p
 * counting up), in float64:
 *
 *   e1 = (x_j − x_i)/(‖x_j − x_i‖ + ε),  ẋ_ij = ẋ_j − ẋ_i
 *   v⊥ = ẋ_ij − (ẋ_ij·e1) e1,  λ = 1[‖v⊥‖ > ε_deg]
 *   e2_fall = normalize(e1 × ẑ), or normalize(e1 × ŷ) when ‖e1 × ẑ‖ ≤ ε_deg
 *   e2 = λ v⊥/(‖v⊥‖ + ε) + (1 − λ) e2_fall,  e3 = e1 × e2
 *
 * writes the frame [e1, e2, e3] to frames[9p ..] and the pair scalars
 * σ = [d, ẋ_ij·e1, ẋ_ij·e2, ẋ_ij·e3, ‖ẋ_ij‖] to sigma[p·sigmaStride ..].
 */
export function edgeFrames(
  pos: Float32Array,
  vel: Float32Array,
  at: number,
  n: number,
  frames: Float64Array,
  sigma: Float64Array,
  sigmaStride: number,
): void {
  let p = 0;
  for (let i = 0; i < n - 1; i++) {
    const pi = at + 3 * i;
    const xi = pos[pi]!, yi = pos[pi + 1]!, zi = pos[pi + 2]!;
    const ui = vel[pi]!, vi = vel[pi + 1]!, wi = vel[pi + 2]!;
    for (let j = i + 1; j < n; j++, p++) {
      const pj = at + 3 * j;
      const rx = pos[pj]! - xi, ry = pos[pj + 1]! - yi, rz = pos[pj + 2]! - zi;
      const d = Math.sqrt(rx * rx + ry * ry + rz * rz);
      const inv = 1 / (d + SV_EPS);
      const e1x = rx * inv, e1y = ry * inv, e1z = rz * inv;
      const dx = vel[pj]! - ui, dy = vel[pj + 1]! - vi, dz = vel[pj + 2]! - wi;
      const vr = dx * e1x + dy * e1y + dz * e1z;
      const px = dx - vr * e1x, py = dy - vr * e1y, pz = dz - vr * e1z;
      const pn = Math.sqrt(px * px + py * py + pz * pz);
      let e2x: number, e2y: number, e2z: number;
      if (pn > SV_EPS_DEG) {
        const q = 1 / (pn + SV_EPS);
        e2x = px * q;
        e2y = py * q;
        e2z = pz * q;
      } else {
        // e1 × ẑ = (e1y, −e1x, 0); when that vanishes, e1 × ŷ = (−e1z, 0, e1x)
        const cn = Math.sqrt(e1y * e1y + e1x * e1x);
        if (cn > SV_EPS_DEG) {
          const q = 1 / (cn + SV_EPS);
          e2x = e1y * q;
          e2y = -e1x * q;
          e2z = 0;
        } else {
          const q = 1 / (Math.sqrt(e1z * e1z + e1x * e1x) + SV_EPS);
          e2x = -e1z * q;
          e2y = 0;
          e2z = e1x * q;
        }
      }
      const e3x = e1y * e2z - e1z * e2y;
      const e3y = e1z * e2x - e1x * e2z;
      const e3z = e1x * e2y - e1y * e2x;
      const fr = 9 * p;
      frames[fr] = e1x;
      frames[fr + 1] = e1y;
      frames[fr + 2] = e1z;
      frames[fr + 3] = e2x;
      frames[fr + 4] = e2y;
      frames[fr + 5] = e2z;
      frames[fr + 6] = e3x;
      frames[fr + 7] = e3y;
      frames[fr + 8] = e3z;
      const q = p * sigmaStride;
      sigma[q] = d;
      sigma[q + 1] = vr;
      sigma[q + 2] = dx * e2x + dy * e2y + dz * e2z;
      sigma[q + 3] = dx * e3x + dy * e3y + dz * e3z;
      sigma[q + 4] = Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
}
