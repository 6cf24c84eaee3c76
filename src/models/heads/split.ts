import { createRng, shuffled } from './rng';

/** Row indices of a train / validation / test split. */
export interface Split {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * Seeded stratified split: every class is cut in the same proportions, so a class with 20 examples still
 * has about 3 in test. A class too small to cut keeps its rows in train (at least one always stays there).
 */
export function stratifiedSplit(
  labels: readonly string[],
  fractions: { validation: number; test: number },
  seed: number,
): Split {
  const rng = createRng(seed);
  const byClass = new Map<string, number[]>();
  labels.forEach((label, index) => {
    const rows = byClass.get(label) ?? [];
    rows.push(index);
    byClass.set(label, rows);
  });
  const split: Split = { train: [], validation: [], test: [] };
  for (const label of [...byClass.keys()].sort()) {
    const rows = shuffled(byClass.get(label) ?? [], rng);
    const test = Math.min(Math.round(rows.length * fractions.test), Math.max(0, rows.length - 1));
    const validation = Math.min(
      Math.round(rows.length * fractions.validation),
      Math.max(0, rows.length - 1 - test),
    );
    split.test.push(...rows.slice(0, test));
    split.validation.push(...rows.slice(test, test + validation));
    split.train.push(...rows.slice(test + validation));
  }
  const ascending = (a: number, b: number): number => a - b;
  return {
    train: split.train.sort(ascending),
    validation: split.validation.sort(ascending),
    test: split.test.sort(ascending),
  };
}

/**
 * Seeded split by group (e.g. crisis event): whole groups go to test, so the score says how a head does
 * on an event it never saw; validation is then cut stratified from the remaining groups.
 */
export function groupSplit(
  groups: readonly string[],
  labels: readonly string[],
  fractions: { validation: number; test: number },
  seed: number,
): Split {
  const rng = createRng(seed);
  const names = shuffled([...new Set(groups)].sort(), rng);
  const testGroups = new Set(names.slice(0, Math.max(1, Math.round(names.length * fractions.test))));
  const test: number[] = [];
  const rest: number[] = [];
  groups.forEach((group, index) => (testGroups.has(group) ? test : rest).push(index));
  const inner = stratifiedSplit(
    rest.map((index) => labels[index] ?? ''),
    { validation: fractions.validation / (1 - fractions.test), test: 0 },
    seed + 1,
  );
  const pick = (positions: number[]): number[] => positions.map((p) => rest[p] ?? -1).filter((i) => i >= 0);
  return { train: pick(inner.train), validation: pick(inner.validation), test };
}
