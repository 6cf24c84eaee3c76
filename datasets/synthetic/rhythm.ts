import type { Rng } from './prng';

/**
 * When people post: few at night, a morning rise, a lunchtime and an evening peak (Moscow time). Relative
 * weights per hour of day, 0–23.
 */
export const HOUR_WEIGHTS: readonly number[] = [
  0.35, 0.2, 0.12, 0.08, 0.08, 0.15, 0.4, 0.85, 1.3, 1.55, 1.6, 1.5, 1.45, 1.4, 1.35, 1.3, 1.3, 1.35, 1.5,
  1.7, 1.75, 1.55, 1.1, 0.65,
];

/** Relative volume per day of week, Monday first: Monday is the busiest, the weekend the calmest. */
export const WEEKDAY_WEIGHTS: readonly number[] = [1.25, 1.1, 1.05, 1.05, 1.0, 0.75, 0.7];

/**
 * Splits `total` posts over hours starting at `startEpoch`, following the hourly and weekday rhythm with
 * ±8% noise per hour, so that the counts add up to exactly `total` (largest remainder).
 */
export function allocateHours(
  rng: Rng,
  total: number,
  hours: number,
  weight: (hourIndex: number) => number,
): Int32Array {
  const raw = new Float64Array(hours);
  let sum = 0;
  for (let h = 0; h < hours; h++) {
    const w = Math.max(0, weight(h) * (1 + rng.normal(0, 0.08)));
    raw[h] = w;
    sum += w;
  }
  const counts = new Int32Array(hours);
  const remainders: { h: number; r: number }[] = [];
  let assigned = 0;
  for (let h = 0; h < hours; h++) {
    const exact = ((raw[h] ?? 0) / sum) * total;
    const whole = Math.floor(exact);
    counts[h] = whole;
    assigned += whole;
    remainders.push({ h, r: exact - whole });
  }
  remainders.sort((a, b) => b.r - a.r || a.h - b.h);
  for (let i = 0; i < total - assigned; i++) {
    const slot = remainders[i % remainders.length];
    if (slot !== undefined) counts[slot.h] = (counts[slot.h] ?? 0) + 1;
  }
  return counts;
}
