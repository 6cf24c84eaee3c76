import { generate } from '../../datasets/synthetic/generator';
import { analyzePost } from '../text';
import {
  comparePair,
  editSimilarity,
  nearLink,
  nearScore,
  nearStrength,
  sketchText,
  verdictOf,
  type TextSketch,
} from './similarity';
import { NEAR, VERDICT } from './thresholds';

const original =
  'В Коврове с 10:00 до 18:00 завтра отключат горячую воду на улицах Ленина, Труда и Кирова. Управляющая компания объясняет отключение ремонтом теплотрассы.';
const edited =
  'В Коврове с 10:00 до 18:00 завтра утром отключат горячую воду на улицах Ленина, Труда и Кирова! Управляющая компания объясняет отключение плановым ремонтом теплотрассы.';
const sibling =
  'В Муроме с 10:00 до 17:00 завтра отключат горячую воду на улицах Мира, Лесной и Чкалова. Управляющая компания объясняет отключение ремонтом теплотрассы.';
const other =
  'Во Владимире прошёл фестиваль уличной еды: более ста участников и тысячи гостей на Соборной площади.';

describe('pair verification and verdicts', () => {
  it('a light edit is a near-duplicate above the auto-merge threshold', () => {
    const score = nearScore(sketchText(original, 'a'), sketchText(edited, 'b'));
    expect(score.score).toBeGreaterThanOrEqual(NEAR.autoMerge);
    expect(comparePair(sketchText(original, 'a'), sketchText(edited, 'b')).verdict).toBe('near-duplicate');
  });

  it('the same phrasing about another town and other streets is different despite a high score', () => {
    const pair = comparePair(sketchText(original, 'a'), sketchText(sibling, 's'));
    expect(pair.near).toBeGreaterThanOrEqual(NEAR.autoMerge);
    expect(pair).toMatchObject({ conflict: true, verdict: 'different' });
    expect(nearScore(sketchText(original, 'a'), sketchText(sibling, 's')).changedFacts).toBe(5);
  });

  it('unrelated texts are different', () => {
    const pair = comparePair(sketchText(original, 'a'), sketchText(other, 'c'));
    expect(pair.near).toBeLessThan(NEAR.suggest);
    expect(pair.verdict).toBe('different');
  });

  it('the same fingerprint is a duplicate whatever the text', () => {
    expect(comparePair(sketchText(original, 'f'), sketchText(`${original} 🔥`, 'f'))).toMatchObject({
      exact: true,
      verdict: 'duplicate',
    });
  });

  it('a repost with a comment added contains the original and counts as near', () => {
    const repost = `Вот что пишут жители, проверьте свои дома, это важно для всех. ${original}`;
    expect(nearScore(sketchText(repost, 'r'), sketchText(original, 'o')).containment).toBeGreaterThan(0.95);
  });

  it('short texts do not count containment: a common phrase must not bridge stories', () => {
    expect(nearScore(sketchText('отключат горячую воду', 'x'), sketchText(original, 'o')).containment).toBe(
      0,
    );
  });

  it('semantic scores decide paraphrases only when the text levels do not', () => {
    const pair = { exact: false, conflict: false };
    expect(verdictOf({ ...pair, near: 0.1, semantic: VERDICT.paraphrase })).toBe('paraphrase');
    expect(verdictOf({ ...pair, near: 0.1, semantic: null })).toBe('different');
    expect(verdictOf({ ...pair, near: VERDICT.nearDuplicate, semantic: 0 })).toBe('near-duplicate');
    expect(verdictOf({ ...pair, near: 1, semantic: 1, conflict: true })).toBe('different');
  });

  it('edit similarity is 1 for equal texts and 0 for fully different ones of equal length', () => {
    expect(editSimilarity('абв', 'абв')).toBe(1);
    expect(editSimilarity('абв', 'где')).toBe(0);
  });
});

describe('the stage verification shortcut', () => {
  it('gives the strength and score of the full near score on every pair of a synthetic sample', () => {
    const sketches: TextSketch[] = [];
    for (const { post } of generate({ scenario: 'bench', seed: 'near-link', posts: 200 })) {
      const analyzed = analyzePost(post.text);
      sketches.push(sketchText(analyzed.textClean, analyzed.fingerprint));
    }
    let linked = 0;
    for (const [i, a] of sketches.entries()) {
      for (const b of sketches.slice(i + 1)) {
        const full = nearScore(a, b);
        const strength = nearStrength(full);
        const fast = nearLink(a, b);
        expect(fast.strength).toBe(strength);
        if (strength !== 'none') {
          linked++;
          expect(fast.score).toBeCloseTo(full.score, 12);
        }
      }
    }
    // The sample must exercise linked pairs, not only unrelated ones.
    expect(linked).toBeGreaterThan(20);
  });
});
