import { distance } from 'fastest-levenshtein';
import { changedFacts, extractFacts, factView, type FactView } from './facts';
import { MinHasher, charShingles, comparisonText, jaccardSorted } from './minhash';
import { NEAR, SEMANTIC, SKETCH, VERDICT } from './thresholds';

/**
 * What clustering keeps of a text: its fingerprint, comparison form, shingle set, facts and LSH band
 * keys.
 */
export interface TextSketch {
  fingerprint: string;
  /** Comparison form (see {@link comparisonText}), truncated to `SKETCH.maxCompareChars`. */
  text: string;
  shingles: Uint32Array;
  /** Numbers and names the text states (see src/cluster/facts.ts). */
  facts: FactView;
  /** Empty when the text is too short for the near level. */
  bands: string[];
}

const defaultHasher = new MinHasher();

/** Builds the sketch of a cleaned text; `fingerprint` is the normalize stage's content fingerprint. */
export function sketchText(
  textClean: string,
  fingerprint: string,
  hasher: MinHasher = defaultHasher,
): TextSketch {
  const text = comparisonText(textClean);
  const shingles = charShingles(text);
  const bands = text.length >= SKETCH.minChars ? hasher.bandKeys(hasher.signature(shingles)) : [];
  return { fingerprint, text, shingles, facts: factView(extractFacts(textClean), text), bands };
}

/**
 * The sketch of a stored exemplar (comparison text and facts kept in Redis); no bands needed. Its
 * shingles are computed on first use: most candidates are ruled out by their facts before that.
 */
export function exemplarSketch(text: string, facts: readonly string[]): TextSketch {
  let shingles: Uint32Array | undefined;
  return {
    fingerprint: '',
    text,
    get shingles(): Uint32Array {
      shingles ??= charShingles(text);
      return shingles;
    },
    facts: factView(facts, text),
    bands: [],
  };
}

/** Near-level evidence for one pair. */
export interface NearScore {
  jaccard: number;
  /** 1 − Levenshtein distance / length of the longer text. */
  edit: number;
  /**
   * Share of the smaller text's shingles found in the larger one: a repost with a comment added, or a
   * digest quoting the post, contains it whole. 0 when the smaller text is too short to be evidence.
   */
  containment: number;
  /** max of the three: Jaccard tolerates moved paragraphs, edit similarity short texts, containment additions. */
  score: number;
  /**
   * Facts exchanged between the texts (see {@link changedFacts}): each states numbers or names the
   * other lacks — the same phrasing about different events. Such a pair is never merged automatically.
   */
  changedFacts: number;
}

/** 1 − normalized Levenshtein distance of two comparison texts. */
export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - distance(a, b) / longest;
}

/** Share of the smaller shingle set found in the larger one, from their Jaccard similarity. */
function containmentOf(a: TextSketch, b: TextSketch, jaccard: number): number {
  const smaller = Math.min(a.shingles.length, b.shingles.length);
  return smaller >= NEAR.minContainedShingles
    ? // |A ∩ B| from Jaccard: J = c / (|A| + |B| − c)  ⇒  c = J (|A| + |B|) / (1 + J).
      (jaccard * (a.shingles.length + b.shingles.length)) / (1 + jaccard) / smaller
    : 0;
}

/** Near-level score of two sketches; texts too short for shingles rely on edit similarity alone. */
export function nearScore(a: TextSketch, b: TextSketch): NearScore {
  if (a.text.length === 0 || b.text.length === 0)
    return { jaccard: 0, edit: 0, containment: 0, score: 0, changedFacts: 0 };
  const jaccard = jaccardSorted(a.shingles, b.shingles);
  // fastest-levenshtein is bit-parallel (Myers): ~0.1 ms for two 2,000-character texts.
  const edit = editSimilarity(a.text, b.text);
  const containment = containmentOf(a, b, jaccard);
  return {
    jaccard,
    edit,
    containment,
    score: Math.max(jaccard, edit, containment),
    changedFacts: changedFacts(a.facts, b.facts),
  };
}

/**
 * The near-level link of a pair, cheapest evidence first: what the cluster stage runs for every
 * candidate exemplar. Equal to `nearStrength(nearScore(a, b))`, and whenever that is not `none` the
 * score is exactly `nearScore(a, b).score` (`changedFacts` always is, the caller needs it for every
 * exemplar); the shortcuts only skip work that cannot change either: facts first (most candidates of a common phrasing exchange several and are out at once), then
 * Jaccard and containment, and the edit distance (the costly part) only when it can still decide —
 * it never exceeds the ratio of the two lengths, since at least their difference must be inserted.
 */
export function nearLink(
  a: TextSketch,
  b: TextSketch,
): { strength: LinkStrength; score: number; changedFacts: number } {
  if (a.text.length === 0 || b.text.length === 0) return { strength: 'none', score: 0, changedFacts: 0 };
  const changed = changedFacts(a.facts, b.facts);
  const none = { strength: 'none', score: 0, changedFacts: changed } as const;
  if (changed > NEAR.maxChangedFactsToSuggest) return none;
  const jaccard = jaccardSorted(a.shingles, b.shingles);
  const lower = Math.max(jaccard, containmentOf(a, b, jaccard));
  const editBound = Math.min(a.text.length, b.text.length) / Math.max(a.text.length, b.text.length);
  // Below this the pair is not linked whatever the edit distance says.
  const needed = changed > 0 ? NEAR.autoMerge : NEAR.suggest;
  if (lower < needed && editBound < needed) return none;
  const score = editBound <= lower ? lower : Math.max(lower, editSimilarity(a.text, b.text));
  const strength = nearStrength({ score, changedFacts: changed });
  return strength === 'none' ? none : { strength, score, changedFacts: changed };
}

/** Cosine of two L2-normalized vectors (a dot product); undefined when either is missing. */
export function cosine(
  a: ArrayLike<number> | undefined,
  b: ArrayLike<number> | undefined,
): number | undefined {
  if (a === undefined || b === undefined || a.length !== b.length || a.length === 0) return undefined;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

export const VERDICTS = ['duplicate', 'near-duplicate', 'paraphrase', 'different'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * The three levels of sameness of a pair; `semantic` is null when no encoder was available. `conflict`:
 * the texts state different facts (see {@link NearScore.changedFacts}), which rules out every verdict
 * but `duplicate` and `different`.
 */
export interface PairScores {
  exact: boolean;
  near: number;
  semantic: number | null;
  conflict: boolean;
}

/** Verdict of a pair from its scores, with the thresholds of `thresholds.ts`. */
export function verdictOf(scores: PairScores): Verdict {
  if (scores.exact) return 'duplicate';
  if (scores.conflict) return 'different';
  if (scores.near >= VERDICT.nearDuplicate) return 'near-duplicate';
  if (scores.semantic !== null && scores.semantic >= VERDICT.paraphrase) return 'paraphrase';
  return 'different';
}

/** Scores and verdict of one pair: exactly what the cluster stage computes for a post and a story text. */
export function comparePair(
  a: TextSketch,
  b: TextSketch,
  vectors?: { a: ArrayLike<number>; b: ArrayLike<number> },
): PairScores & { verdict: Verdict } {
  const exact = a.fingerprint === b.fingerprint;
  const near = exact ? { score: 1, changedFacts: 0 } : nearScore(a, b);
  const semantic = vectors ? (cosine(vectors.a, vectors.b) ?? null) : null;
  const scores = { exact, near: near.score, semantic, conflict: near.changedFacts > 0 };
  return { ...scores, verdict: verdictOf(scores) };
}

/** How one level's score relates a post to a story. */
export type LinkStrength = 'auto' | 'suggest' | 'none';

/**
 * Strength of a near-level link. Texts that exchange facts are never merged: with a single replaced
 * fact and an otherwise auto-merge score (a corrected figure, or the same report about the next house)
 * the pair is suggested for an analyst; with more it is not linked at all — that is the same phrasing
 * about another event, and suggesting every such sibling would bury the analyst.
 */
export function nearStrength(near: Pick<NearScore, 'score' | 'changedFacts'>): LinkStrength {
  if (near.changedFacts > NEAR.maxChangedFactsToSuggest) return 'none';
  if (near.changedFacts > 0) return near.score >= NEAR.autoMerge ? 'suggest' : 'none';
  if (near.score >= NEAR.autoMerge) return 'auto';
  return near.score >= NEAR.suggest ? 'suggest' : 'none';
}

/**
 * Strength of a semantic score of a pair without a fact conflict (the caller drops conflicting
 * neighbours: a paraphrase restates the same facts in other words, so a neighbour stating different
 * facts — the same kind of news about another town — is no paraphrase however close its vector is).
 */
export function semanticStrength(score: number): LinkStrength {
  if (score >= SEMANTIC.autoMerge) return 'auto';
  return score >= SEMANTIC.suggest ? 'suggest' : 'none';
}
