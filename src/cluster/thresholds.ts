/**
 * Every number that decides sameness lives here, with the reason for its value. Scores are in [0, 1].
 * The values were chosen on data by `npm run eval:stories` (report: docs/eval/stories.md,
 * whose first table shows each rule, the value it chooses and the value in use); when the data or the
 * code change, re-run it and copy what it chooses here.
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
   * probability 1 − (1 − J^rows)^bands; with 12 × 3 that is 0.95 at J = 0.60, 0.994 at J = 0.70 and
   * 0.99998 at J = 0.80, while unrelated pairs (J ≈ 0.05) collide with probability 0.15 %. Every member
   * adds its bands to its story, so a later copy is compared with the union of them. Each band costs a
   * bucket read in Redis per post, the largest share of a lookup: 12 bands gave the same story purity
   * and completeness as 20 on both synthetic seeds (0.997 / 0.999) at 60 % of the lookup cost; the
   * suggest band of the near level (J ≈ 0.4) is found less often, which the semantic level makes up.
   */
  bands: 12,
  rows: 3,
  /** Texts longer than this are compared on their start only: bounds edit-distance cost and Redis memory. */
  maxCompareChars: 2000,
  /** Below this many characters of comparison text a post gets no near-level sketch (too little signal). */
  minChars: 20,
} as const;

/**
 * Near level: score = max(Jaccard of shingle sets, 1 − normalized edit distance, containment), for a
 * pair whose texts do not exchange facts (src/cluster/facts.ts). Without that check, any two posts
 * made from one stock phrasing («В <town> установили <n> камер…») score 0.6–0.95 here, and at the old
 * 0.6 threshold the stories chained into a few giant clusters (story purity 0.24 on the synthetic
 * corpus): edit similarity alone put 85 % of those wrong pairs over the line.
 */
export const NEAR = {
  /**
   * Containment counts only when the smaller text has this many distinct shingles (~100 characters):
   * a short line like «Отключат воду» is contained in many unrelated posts and must not bridge them.
   */
  minContainedShingles: 96,
  /**
   * At or above: the same text with light edits — joins the story automatically. Chosen as the best-F1
   * threshold on the synthetic seed `tune` over every pair the stage verifies (LSH candidates of
   * different stories, and every pair of one story; copies and edits): 0.82 there (precision 0.991,
   * recall 0.985; 0.6 would give precision 0.88). Reported on the seed `eval-stories` and on
   * ParaPhraser, where it auto-merges 7 of 2,582 non-paraphrase headline pairs.
   */
  autoMerge: 0.82,
  /**
   * At or above (and below `autoMerge`): linked as a suggested member for an analyst to decide.
   * The best-F1 threshold of the (fact-checked) near score on ParaPhraser strict paraphrases vs
   * non-paraphrases: rewordings that keep much of the text are worth an analyst's look.
   */
  suggest: 0.36,
  /**
   * Texts exchanging at most this many facts (and scoring `autoMerge`) are still suggested: one changed
   * figure is a correction as often as another event. With two or more the pair is not linked at all —
   * on the synthetic corpus that is the same phrasing about another place, and suggesting every such
   * sibling would bury the analyst (it would add ~2 suggestions per post).
   */
  maxChangedFactsToSuggest: 1,
} as const;

/**
 * Semantic level: cosine of normalized e5 vectors (via Elasticsearch kNN), for neighbours whose text does
 * not exchange facts with the post's. The vectors are the enrich stage's (e5 `query:` side, the side the
 * topic heads were trained on); `dozor similar` and the evaluation embed on that same side, because the
 * two sides give different cosines for one pair. e5 squeezes cosines into [0.7, 1], and template-made
 * posts about different events reach 0.97: the fact check is what keeps this level usable (on the
 * synthetic paraphrases of the evaluation seed, 6 of the 36 pairs at ≥ 0.97 are still such siblings).
 */
export const SEMANTIC = {
  /**
   * The lowest threshold with precision ≥ 0.95 both on ParaPhraser (strict vs non, fact-checked) and
   * on the synthetic seed `tune` (paraphrases vs originals of other stories of the topic): ParaPhraser
   * decides (0.97; the synthetic seed alone would allow 0.93). Real headlines reworded by different
   * newsrooms are the harder case, and a wrong auto-merge costs more than a missed one, which the
   * suggestion below still catches.
   */
  autoMerge: 0.97,
  /**
   * At or above: suggested member, and the `paraphrase` verdict. The best-F1 threshold of the
   * fact-checked cosine on ParaPhraser strict vs non (0.92 on the synthetic evaluation seed).
   */
  suggest: 0.94,
  /**
   * Neighbours fetched per post from kNN. The fact check drops neighbours after retrieval, and the
   * nearest vectors of a templated post are mostly its siblings about other places: with 5 neighbours
   * the story level found its original for 45 of 157 synthetic paraphrases (joined or suggested;
   * measured on `passage:` vectors), with 20 on the pipeline's `query:` vectors for 49.
   */
  k: 20,
  /** HNSW candidates per shard considered by kNN. */
  numCandidates: 100,
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
  bucketCap: 16,
  /**
   * Candidate stories verified per post at most: those sharing the most bands with it. A copy shares
   * most of its 20 bands with its original (≥ 11 on average at the auto-merge threshold), a text of the
   * same stock phrasing 1–5, so the copy's story ranks first; the cap is what keeps the cost per post
   * flat while common phrasings fill buckets with hundreds of stories over a long stream.
   */
  maxCandidates: 12,
  /** Texts kept per story for verification: the first variants that joined it. */
  exemplarsPerStory: 4,
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
