/** Precision, recall and F1 of a binary decision, from counts. */
export interface Prf {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

export function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}

/** P/R/F1 of `score >= threshold` against labels. */
export function atThreshold(scored: readonly { score: number; positive: boolean }[], threshold: number): Prf {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { score, positive } of scored) {
    const predicted = score >= threshold;
    if (predicted && positive) tp++;
    else if (predicted) fp++;
    else if (positive) fn++;
  }
  return prf(tp, fp, fn);
}

/** The threshold (on a 0.01 grid within [from, to]) with the best F1, or the lowest one reaching `minPrecision`. */
export function sweep(
  scored: readonly { score: number; positive: boolean }[],
  options: { from?: number; to?: number; minPrecision?: number } = {},
): { threshold: number; prf: Prf } {
  let best = { threshold: options.to ?? 1, prf: atThreshold(scored, options.to ?? 1) };
  for (let t = options.from ?? 0; t <= (options.to ?? 1) + 1e-9; t += 0.01) {
    const threshold = Math.round(t * 100) / 100;
    const result = atThreshold(scored, threshold);
    if (options.minPrecision !== undefined) {
      if (result.precision >= options.minPrecision) return { threshold, prf: result };
    } else if (result.f1 > best.prf.f1) best = { threshold, prf: result };
  }
  return best;
}

/**
 * Pairwise clustering quality: a pair of items is positive when both are in the same true cluster, and
 * predicted positive when both are in the same predicted cluster. Counted per cluster, no pair listing.
 */
export function pairwise(items: readonly { truth: string; predicted: string }[]): Prf {
  const count = (keyOf: (i: { truth: string; predicted: string }) => string): number => {
    const sizes = new Map<string, number>();
    for (const item of items) sizes.set(keyOf(item), (sizes.get(keyOf(item)) ?? 0) + 1);
    let pairs = 0;
    for (const n of sizes.values()) pairs += (n * (n - 1)) / 2;
    return pairs;
  };
  const both = count((i) => `${i.truth}\u0000${i.predicted}`);
  const truthPairs = count((i) => i.truth);
  const predictedPairs = count((i) => i.predicted);
  return prf(both, predictedPairs - both, truthPairs - both);
}

/** B-cubed precision (purity) and recall (completeness), averaged over items. */
export function bcubed(items: readonly { truth: string; predicted: string }[]): {
  purity: number;
  completeness: number;
} {
  const byTruth = new Map<string, number>();
  const byPred = new Map<string, number>();
  const byBoth = new Map<string, number>();
  for (const i of items) {
    byTruth.set(i.truth, (byTruth.get(i.truth) ?? 0) + 1);
    byPred.set(i.predicted, (byPred.get(i.predicted) ?? 0) + 1);
    const k = `${i.truth}\u0000${i.predicted}`;
    byBoth.set(k, (byBoth.get(k) ?? 0) + 1);
  }
  let p = 0;
  let r = 0;
  for (const i of items) {
    const both = byBoth.get(`${i.truth}\u0000${i.predicted}`) ?? 0;
    p += both / (byPred.get(i.predicted) ?? 1);
    r += both / (byTruth.get(i.truth) ?? 1);
  }
  return { purity: p / Math.max(1, items.length), completeness: r / Math.max(1, items.length) };
}
