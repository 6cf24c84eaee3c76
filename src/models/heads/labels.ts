/** The label rare classes are merged into. */
export const OTHER_LABEL = 'Прочее';

/** Labels after merging rare classes, and what was merged. */
export interface MergedLabels {
  labels: string[];
  /** Kept classes, most frequent first, then {@link OTHER_LABEL} if anything was merged. */
  classes: string[];
  /** Original classes folded into the other label, with their counts. */
  merged: { label: string; count: number }[];
}

/**
 * Folds classes with fewer than `minCount` examples into `other`: a long tail of classes with 1–10
 * appeals cannot be learned or measured (a 15% test split would hold 0–1 of them), while a department
 * that sees "other" can still route by hand.
 */
export function mergeRareLabels(
  labels: readonly string[],
  minCount: number,
  other = OTHER_LABEL,
): MergedLabels {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const kept = [...counts.entries()]
    .filter(([label, count]) => count >= minCount && label !== other)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const keptSet = new Set(kept.map(([label]) => label));
  const merged = [...counts.entries()]
    .filter(([label]) => !keptSet.has(label))
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const classes = kept.map(([label]) => label);
  if (merged.length > 0) classes.push(other);
  return { labels: labels.map((label) => (keptSet.has(label) ? label : other)), classes, merged };
}
