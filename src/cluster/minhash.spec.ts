import { charShingles as textCharShingles, shingleHashes } from '../text';
import { MinHasher, candidateProbability, charShingles, comparisonText, jaccardSorted } from './minhash';

describe('MinHash and LSH', () => {
  const a = comparisonText(
    'В Коврове завтра отключат горячую воду на улицах Ленина, Труда и Кирова до 18:00.',
  );
  const b = comparisonText(
    'В Коврове завтра отключат горячую воду на улицах Ленина, Труда и Кирова до 19:00!',
  );
  const c = comparisonText(
    'Во Владимире прошёл фестиваль уличной еды на Соборной площади, пришли тысячи гостей.',
  );

  it('hashes the same shingles as src/text, without allocating a string per shingle', () => {
    expect([...charShingles(a)]).toEqual([...shingleHashes(textCharShingles(a))]);
  });

  it('folds case, ё and punctuation before shingling', () => {
    expect(comparisonText('Ёлка — ЗЕЛЁНАЯ!!!')).toBe('елка зеленая');
  });

  it('estimates Jaccard within sampling error and gives identical texts identical bands', () => {
    const hasher = new MinHasher(32, 4);
    const [sa, sb, sc] = [a, b, c].map((t) => charShingles(t));
    const exact = jaccardSorted(sa ?? new Uint32Array(), sb ?? new Uint32Array());
    const estimate = MinHasher.estimate(
      hasher.signature(sa ?? new Uint32Array()),
      hasher.signature(sb ?? new Uint32Array()),
    );
    expect(Math.abs(estimate - exact)).toBeLessThan(0.2);
    expect(hasher.bandKeys(hasher.signature(sa ?? new Uint32Array()))).toEqual(
      hasher.bandKeys(hasher.signature(charShingles(a))),
    );
    expect(jaccardSorted(sa ?? new Uint32Array(), sc ?? new Uint32Array())).toBeLessThan(0.1);
  });

  it('the default banding finds near copies and rarely unrelated texts', () => {
    expect(candidateProbability(0.7)).toBeGreaterThan(0.99);
    expect(candidateProbability(0.6)).toBeGreaterThan(0.94);
    expect(candidateProbability(0.05)).toBeLessThan(0.01);
  });

  it('two processes with the same parameters produce the same band keys', () => {
    const s = charShingles(a);
    expect(new MinHasher().bandKeys(new MinHasher().signature(s))).toEqual(
      new MinHasher().bandKeys(new MinHasher().signature(s)),
    );
  });
});
