import { groupSplit, stratifiedSplit } from './split';

const labels = [
  ...Array<string>(60).fill('a'),
  ...Array<string>(20).fill('b'),
  ...Array<string>(2).fill('c'),
];

describe('stratifiedSplit', () => {
  const split = stratifiedSplit(labels, { validation: 0.15, test: 0.15 }, 42);

  it('uses every row exactly once', () => {
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
  });

  it('cuts every class in the same proportions', () => {
    const count = (rows: number[], label: string) => rows.filter((r) => labels[r] === label).length;
    expect(count(split.test, 'a')).toBe(9);
    expect(count(split.test, 'b')).toBe(3);
    expect(count(split.validation, 'b')).toBe(3);
  });

  it('always leaves a tiny class at least one training row', () => {
    expect(split.train.filter((r) => labels[r] === 'c').length).toBeGreaterThanOrEqual(1);
  });

  it('is reproducible from the seed and changes with it', () => {
    expect(stratifiedSplit(labels, { validation: 0.15, test: 0.15 }, 42)).toEqual(split);
    expect(stratifiedSplit(labels, { validation: 0.15, test: 0.15 }, 43).test).not.toEqual(split.test);
  });
});

describe('groupSplit', () => {
  const groups = labels.map((_, i) => `event${i % 10}`);

  it('puts whole groups in test and none of them in train or validation', () => {
    const split = groupSplit(groups, labels, { validation: 0.15, test: 0.2 }, 1);
    const testGroups = new Set(split.test.map((r) => groups[r]));
    expect(testGroups.size).toBe(2);
    for (const row of [...split.train, ...split.validation]) expect(testGroups.has(groups[row])).toBe(false);
    expect(split.train.length + split.validation.length + split.test.length).toBe(labels.length);
  });
});
