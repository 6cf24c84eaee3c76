import { chunkByBytes } from './bulk';

describe('chunkByBytes', () => {
  it('keeps every chunk under the limit and loses no item', () => {
    const items = [40, 30, 50, 10, 90, 5].map((bytes, i) => ({ i, bytes }));
    const chunks = chunkByBytes(items, 100);
    expect(chunks.map((chunk) => chunk.map((item) => item.i))).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(chunks.flat()).toHaveLength(items.length);
  });

  it('sends an item larger than the limit alone rather than dropping it', () => {
    expect(chunkByBytes([{ bytes: 500 }, { bytes: 1 }], 100)).toEqual([[{ bytes: 500 }], [{ bytes: 1 }]]);
  });
});
