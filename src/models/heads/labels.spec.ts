import { mergeRareLabels, OTHER_LABEL } from './labels';

describe('mergeRareLabels', () => {
  const labels = ['roads', 'roads', 'roads', 'water', 'water', 'gas'];

  it('keeps classes with at least minCount examples and folds the rest into «Прочее»', () => {
    const merged = mergeRareLabels(labels, 2);
    expect(merged.labels).toEqual(['roads', 'roads', 'roads', 'water', 'water', OTHER_LABEL]);
    expect(merged.classes).toEqual(['roads', 'water', OTHER_LABEL]);
    expect(merged.merged).toEqual([{ label: 'gas', count: 1 }]);
  });

  it('adds no other class when nothing is rare', () => {
    expect(mergeRareLabels(labels, 1).classes).toEqual(['roads', 'water', 'gas']);
  });

  it('folds an existing «Прочее» label into the merged one rather than keeping two', () => {
    const merged = mergeRareLabels([OTHER_LABEL, OTHER_LABEL, OTHER_LABEL, 'a', 'a', 'a'], 2);
    expect(merged.classes).toEqual(['a', OTHER_LABEL]);
    expect(merged.labels.filter((l) => l === OTHER_LABEL)).toHaveLength(3);
  });

  it('orders kept classes by frequency, ties by name', () => {
    expect(mergeRareLabels(['b', 'a', 'c', 'c'], 1).classes).toEqual(['c', 'a', 'b']);
  });
});
