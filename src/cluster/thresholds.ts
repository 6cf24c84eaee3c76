/**
 * Every number that decides sameness lives here, with the reason for its value. Scores are in [0, 1].
 * The values were chosen on data by `npm run eval:stories` (report: docs/eval/stories.md); change them
 * there first, then here, and re-run the evaluation.
 */

/** Shingling and MinHash/LSH parameters: the candidate filter in front of the exact verification. */
export const SKETCH = {
  /**
   * Character n-gram length over the comparison form of the text. Character shingles survive Russian
   * inflection and typos, which word shingles over lemmas lose to lemmatizer errors; 5 keeps unrelated
   * texts' overlap low (Jaccard ≈ 0.02 on news) while a changed word touches only ~5 shingles.
   */
  shingleSize: 5,
  /**
   * LSH banding: `bands` × `rows` MinHash values. A pair with Jaccard J becomes a candidate with
   * probability 1 − (1 − J^rows)^bands; with 20 × 3 that is 0.80 at J = 0.40, 0.95 at J = 0.50 and
   * 0.9996 at J = 0.70, while unrelated pairs (J ≈ 0.05) collide with probability 0.25 %. 60 hashes keep
   * the sketch at ~40 µs for a typical post.
   */
  bands: 20,
  rows: 3,
  /** Texts longer than this are compared on their start only: bounds edit-distance cost and Redis memory. */
  maxCompareChars: 2000,
  /** Below this many characters of comparison text a post gets no near-level sketch (too little signal). */
  minChars: 20,
} as const;

/** Near level: score = max(Jaccard of shingle sets, 1 − normalized edit distance, containment). */
export const NEAR = {
  /**
   * Containment counts only when the smaller text has this many distinct shingles (~100 characters):
   * a short line like «Отключат воду» is contained in many unrelated posts and must not bridge them.
   */
  minContainedShingles: 96,
  /** At or above: the same text with light edits — joins the story automatically. */
  autoMerge: 0.82,
  /** At or above (and below `autoMerge`): linked as a suggested member for an analyst to decide. */
  suggest: 0.4,
  /** Texts exchanging at most this many facts (and scoring `autoMerge`) are still suggested. */
  maxChangedFactsToSuggest: 1,
} as const;

/**
 * Semantic level: cosine of normalized e5 vectors (via Elasticsearch kNN). e5 squeezes cosines into
 * [0.7, 1]: unrelated Russian news sit around 0.8, so only very high scores are trusted automatically.
 */
export const SEMANTIC = {
  autoMerge: 0.96,
  suggest: 0.9,
  /** Neighbours fetched per post from kNN. */
  k: 5,
  /** HNSW candidates per shard considered by kNN. */
  numCandidates: 50,
} as const;

/** Pair verdicts (`dozor similar`): which score makes which verdict. */
export const VERDICT = {
  /** near ≥ this (and not exact): `near-duplicate`. Same as the auto-merge threshold on purpose. */
  nearDuplicate: NEAR.autoMerge,
  /** semantic ≥ this (and not a near-duplicate): `paraphrase`. */
  paraphrase: SEMANTIC.suggest,
} as const;

/** Bounds of the shared LSH state in Redis and of the story record in Elasticsearch. */
export const LIMITS = {
  /** A bucket holding this many stories stops growing: such a band is boilerplate, not a signal. */
  bucketCap: 32,
  /** Candidate stories verified per post at most (after merges are resolved). */
  maxCandidates: 48,
  /** Texts kept per story for verification: the first variants that joined it. */
  exemplarsPerStory: 8,
  /** Suggested links recorded per post at most. */
  suggestionsPerPost: 3,
  /**
   * Clustering state of a story expires this long after its last activity: news stories are short-lived,
   * and this is what bounds Redis memory on an endless stream.
   */
  stateTtlSeconds: 14 * 24 * 3600,
  /** Members listed in a story record; `size` keeps counting past it (the posts index has every member). */
  membersInRecord: 1000,
  /** Sources listed in a story record (the largest are kept). */
  sourcesInRecord: 500,
  /** Timeline buckets kept: one day of 5-minute buckets, 30 days of hourly ones. */
  timeline5m: 288,
  timeline1h: 720,
  /** History entries kept in a story record. */
  history: 200,
} as const;
