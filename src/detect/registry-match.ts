import type { KnownFake } from '../alerts/registry';
import { DETECTORS } from './detectors.config';
import type { RegistryMatch } from './fake';

/**
 * Matching posts against the known-fakes registry: semantic (cosine of e5 vectors) or lexical (share of
 * the entry's distinct content lemmas found in the post), and telling official refutations apart.
 */

/** Cosine of two L2-normalized vectors (a dot product); 0 when their sizes differ. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** Share of `entry`'s distinct lemmas found in `post` (containment: a copy with additions still matches). */
export function containment(entry: readonly string[], post: ReadonlySet<string>): number {
  const distinct = new Set(entry);
  if (distinct.size === 0) return 0;
  let found = 0;
  for (const lemma of distinct) if (post.has(lemma)) found++;
  return found / distinct.size;
}

/** Distinctive stems of lemmas (first five letters of words of four letters or more). */
export function stems(lemmas: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const lemma of lemmas) if (lemma.length >= 4 && /^\p{L}+$/u.test(lemma)) out.add(lemma.slice(0, 5));
  return out;
}

/** What a post (or story) offers for matching. */
export interface MatchablePost {
  lemmas: readonly string[];
  vector?: readonly number[];
  modelVersion?: string;
}

/**
 * The best active known fake (kind `fake`) the post matches, if any. Vectors are compared only when
 * both come from the same model version (cosines across versions mean nothing).
 */
export function matchKnownFake(
  post: MatchablePost,
  entries: readonly KnownFake[],
): RegistryMatch | undefined {
  const config = DETECTORS.fake;
  const lemmaSet = new Set(post.lemmas);
  let best: RegistryMatch | undefined;
  for (const entry of entries) {
    if (entry.kind !== 'fake' || entry.status !== 'active') continue;
    let similarity = 0;
    let via: RegistryMatch['via'] = 'lexical';
    if (
      post.vector !== undefined &&
      entry.vector !== undefined &&
      entry.modelVersion !== undefined &&
      entry.modelVersion === post.modelVersion
    ) {
      const cos = cosine(post.vector, entry.vector);
      if (cos >= config.semanticMatch) {
        similarity = cos;
        via = 'semantic';
      }
    }
    if (new Set(entry.lemmas).size >= config.lexicalMinLemmas) {
      const share = containment(entry.lemmas, lemmaSet);
      if (share >= config.lexicalMatch && share > similarity) {
        similarity = share;
        via = 'lexical';
      }
    }
    if (similarity > 0 && (best === undefined || similarity > best.similarity))
      best = { entry, similarity, via };
  }
  return best;
}

/** True when an official source's text refutes something («не соответствует действительности», «фейк»). */
export function isRefutationText(text: string): boolean {
  return DETECTORS.fake.refutationPatterns.some((pattern) => pattern.test(text));
}

/** Words of refutations and claims alike that say nothing about what the claim is. */
const GENERIC_STEMS = stems([
  'информация',
  'сообщение',
  'администрация',
  'житель',
  'официальный',
  'источник',
  'распространять',
  'соцсеть',
  'мессенджер',
  'действительность',
  'соответствовать',
  'проверять',
  'доверять',
  'пересылать',
  'непроверенный',
  'фейк',
  'опровергать',
  'власть',
  'срочно',
  'внимание',
  'перешлите',
  'скрывать',
  'инсайдер',
  'уважаемый',
]);

/**
 * How much two texts about the same place say the same thing: shared distinctive stems («отрав», «вода»,
 * «водоп»; 3 shared = 1), or the cosine of their vectors when that is at least `fake.semanticMatch`.
 * Used for a refutation against a claim, and for two stories of one claim. `placeLemmas` (the place's
 * own words) are not counted: sharing the town's name is what makes them candidates, not evidence.
 */
export function claimSimilarity(
  a: MatchablePost,
  b: MatchablePost,
  placeLemmas: ReadonlySet<string>,
): { lexical: number; semantic: number } {
  const drop = (set: Set<string>): Set<string> => {
    for (const s of [...set]) if (GENERIC_STEMS.has(s) || placeLemmas.has(s)) set.delete(s);
    return set;
  };
  const left = drop(stems(a.lemmas));
  const right = drop(stems(b.lemmas));
  let shared = 0;
  for (const s of left) if (right.has(s)) shared++;
  const semantic =
    a.vector !== undefined &&
    b.vector !== undefined &&
    a.modelVersion !== undefined &&
    a.modelVersion === b.modelVersion
      ? cosine(a.vector, b.vector)
      : 0;
  return { lexical: Math.min(1, shared / 3), semantic };
}

/** The better of the two similarities against their thresholds, as a registry match's `similarity`/`via`. */
export function claimMatch(
  similarity: { lexical: number; semantic: number },
  thresholds: { lexical: number; semantic: number },
): { similarity: number; via: 'semantic' | 'lexical' } | undefined {
  if (similarity.semantic >= thresholds.semantic) return { similarity: similarity.semantic, via: 'semantic' };
  if (similarity.lexical >= thresholds.lexical) return { similarity: similarity.lexical, via: 'lexical' };
  return undefined;
}
