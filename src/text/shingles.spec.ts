import { charShingles, hash32, shingleHashes, wordShingles } from './shingles';

describe('wordShingles', () => {
  it('makes overlapping k-grams', () => {
    expect(wordShingles(['a', 'b', 'c', 'd'], 3)).toEqual(['a b c', 'b c d']);
  });

  it('makes one shingle of a short sequence and none of an empty one', () => {
    expect(wordShingles(['a', 'b'], 3)).toEqual(['a b']);
    expect(wordShingles([], 3)).toEqual([]);
  });
});

describe('charShingles', () => {
  it('normalizes case, ё and punctuation before cutting', () => {
    expect(charShingles('Ёлка, ЁЛКА!', 5)).toEqual(['елка ', 'лка е', 'ка ел', 'а елк', ' елка']);
  });

  it('does not split emoji surrogate pairs and returns nothing for text without letters', () => {
    expect(charShingles('🔥🔥', 3)).toEqual([]);
  });
});

describe('hash32 and shingleHashes', () => {
  it('is stable and spreads close strings apart', () => {
    expect(hash32('вода')).toBe(hash32('вода'));
    expect(hash32('вода')).not.toBe(hash32('воды'));
    expect(hash32('')).toBe(0x811c9dc5);
  });

  it('returns distinct sorted hashes', () => {
    const hashes = Array.from(shingleHashes(['a', 'b', 'a']));
    expect(hashes).toHaveLength(2);
    expect(hashes).toEqual([...hashes].sort((x, y) => x - y));
  });
});
