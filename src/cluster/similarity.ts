import { distance } from 'fastest-levenshtein';
import { MinHasher, charShingles, comparisonText, jaccardSorted } from './minhash';
import { NEAR, SEMANTIC, SKETCH, VERDICT } from './thresholds';

/** What clustering keeps of a text: its fingerprint, comparison form, shingle set and LSH band keys. */
export interface TextSketch {
  fingerprint: string;
  /** Comparison form (see {@link comparisonText}), truncated to `SKETCH.maxCompareChars`. */
  text: string;
  shingles: Uint32Array;
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
  return { fingerprint, text, shingles, bands };
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
}

/** 1 − normalized Levenshtein distance of two comparison texts. */
export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - distance(a, b) / longest;
}

/** Near-level score of two sketches; texts too short for shingles rely on edit similarity alone. */
export function nearScore(a: TextSketch, b: TextSketch): NearScore {
  if (a.text.length === 0 || b.text.length === 0) return { jaccard: 0, edit: 0, containment: 0, score: 0 };
  const jaccard = jaccardSorted(a.shingles, b.shingles);
  // fastest-levenshtein is bit-parallel (Myers): ~0.1 ms for two 2,000-character texts.
  const edit = editSimilarity(a.text, b.text);
  const smaller = Math.min(a.shingles.length, b.shingles.length);
  const containment =
    smaller >= NEAR.minContainedShingles
      ? // |A ∩ B| from Jaccard: J = c / (|A| + |B| − c)  ⇒  c = J (|A| + |B|) / (1 + J).
        (jaccard * (a.shingles.length + b.shingles.length)) / (1 + jaccard) / smaller
      : 0;
  return { jaccard, edit, containment, score: Math.max(jaccard, edit, containment) };
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

/** The three levels of sameness of a pair; `semantic` is null when no encoder was available. */
export interface PairScores {
  exact: boolean;
  near: number;
  semantic: number | null;
}

/** Verdict of a pair from its scores, with the thresholds of `thresholds.ts`. */
export function verdictOf(scores: PairScores): Verdict {
  if (scores.exact) return 'duplicate';
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
  const near = exact ? 1 : nearScore(a, b).score;
  const semantic = vectors ? (cosine(vectors.a, vectors.b) ?? null) : null;
  const scores = { exact, near, semantic };
  return { ...scores, verdict: verdictOf(scores) };
}

/** How one level's score relates a post to a story. */
export type LinkStrength = 'auto' | 'suggest' | 'none';

export function nearStrength(score: number): LinkStrength {
  if (score >= NEAR.autoMerge) return 'auto';
  return score >= NEAR.suggest ? 'suggest' : 'none';
}

export function semanticStrength(score: number): LinkStrength {
  if (score >= SEMANTIC.autoMerge) return 'auto';
  return score >= SEMANTIC.suggest ? 'suggest' : 'none';
}
