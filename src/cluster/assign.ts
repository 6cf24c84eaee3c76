import { changedFacts, type FactView } from './facts';
import {
  exemplarSketch,
  nearScore,
  nearStrength,
  semanticStrength,
  type LinkStrength,
  type TextSketch,
} from './similarity';
import { LIMITS } from './thresholds';

/** A text kept for verification: one of the first variants that joined a story. */
export interface Exemplar {
  postId: string;
  /** Comparison form of the text. */
  text: string;
  /** Its facts (see src/cluster/facts.ts): the comparison form has lost the capitals they need. */
  facts: readonly string[];
}

/** A story the LSH buckets (or this batch) proposed, with what is needed to verify it. */
export interface CandidateStory {
  storyId: string;
  exemplars: readonly Exemplar[];
  /** Stories an analyst ruled different from this one: never merged with it automatically. */
  rejected: ReadonlySet<string>;
}

/** A story found by kNN on post vectors: the nearest member, its cosine and its facts. */
export interface SemanticHit {
  storyId: string;
  postId: string;
  score: number;
  /** Facts of the neighbour's text; a conflict with the post's facts rules the hit out. */
  facts: FactView;
}

export const LEVELS = ['exact', 'near', 'semantic'] as const;
export type Level = (typeof LEVELS)[number];

/** Why a post is related to a story: the level, its score, and the story text it matched. */
export interface Link {
  storyId: string;
  level: Level;
  score: number;
  viaPostId: string;
}

/**
 * What to do with one post: join `primary` (absent: create a new story), merge the `bridges` into it
 * (the post connects them), and link the post as a suggested member of the `suggestions`.
 */
export interface Decision {
  primary: Link | undefined;
  bridges: Link[];
  suggestions: Link[];
}

/** Caches exemplar sketches within a batch: many posts verify against the same few stories. */
export class ExemplarCache {
  private readonly sketches = new Map<string, TextSketch>();

  sketch(exemplar: Exemplar): TextSketch {
    let sketch = this.sketches.get(exemplar.postId);
    if (sketch === undefined) {
      sketch = exemplarSketch(exemplar.text, exemplar.facts);
      this.sketches.set(exemplar.postId, sketch);
    }
    return sketch;
  }
}

const RANK: Record<LinkStrength, number> = { none: 0, suggest: 1, auto: 2 };

const LEVEL_RANK: Record<Level, number> = { exact: 0, near: 1, semantic: 2 };

/** Stronger first: verified levels before semantic ones, then higher score, then smaller story id. */
const byStrength = (a: Link, b: Link): number =>
  LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
  b.score - a.score ||
  (a.storyId < b.storyId ? -1 : a.storyId > b.storyId ? 1 : 0);

/**
 * Decides a post's story from verified evidence. Pure and deterministic: ties break on story id, so the
 * same evidence gives the same decision in every process.
 *
 * - A known fingerprint wins outright (exact level).
 * - Otherwise the best story above an auto-merge threshold (near or semantic) is the primary; the other
 *   auto-level stories are bridges to merge into it, unless an analyst rejected that pair.
 * - Stories between the suggest and auto-merge thresholds become suggestions (at most a few).
 */
export function decide(
  post: TextSketch,
  fingerprintStory: string | undefined,
  candidates: readonly CandidateStory[],
  semantic: readonly SemanticHit[],
  cache: ExemplarCache = new ExemplarCache(),
): Decision {
  if (fingerprintStory !== undefined) {
    // An exact copy adds no new text, so it cannot bridge stories: the near pass is skipped.
    return {
      primary: { storyId: fingerprintStory, level: 'exact', score: 1, viaPostId: '' },
      bridges: [],
      suggestions: [],
    };
  }
  const nearBest = new Map<string, { strength: LinkStrength; link: Link }>();
  for (const candidate of candidates) {
    for (const exemplar of candidate.exemplars) {
      const near = nearScore(post, cache.sketch(exemplar));
      const strength = nearStrength(near);
      if (strength === 'none') continue;
      // The story's link is its strongest exemplar's: an auto-level one beats any suggestion.
      const known = nearBest.get(candidate.storyId);
      if (
        known === undefined ||
        RANK[strength] > RANK[known.strength] ||
        (strength === known.strength && near.score > known.link.score)
      ) {
        nearBest.set(candidate.storyId, {
          strength,
          link: { storyId: candidate.storyId, level: 'near', score: near.score, viaPostId: exemplar.postId },
        });
      }
    }
  }
  const semanticBest = new Map<string, Link>();
  for (const hit of semantic) {
    if (changedFacts(post.facts, hit.facts) > 0) continue;
    const known = semanticBest.get(hit.storyId);
    if (known === undefined || hit.score > known.score) {
      semanticBest.set(hit.storyId, {
        storyId: hit.storyId,
        level: 'semantic',
        score: hit.score,
        viaPostId: hit.postId,
      });
    }
  }
  // Scores of different levels are on different scales: a story's link is its strongest level (auto over
  // suggest), and near wins a tie because it is verified on the text itself.
  const auto: Link[] = [];
  const suggest: Link[] = [];
  for (const storyId of new Set([...nearBest.keys(), ...semanticBest.keys()])) {
    const nearHit = nearBest.get(storyId);
    const near = nearHit?.link;
    const sem = semanticBest.get(storyId);
    const nearLevel = nearHit?.strength ?? 'none';
    const semLevel = sem ? semanticStrength(sem.score) : 'none';
    if (near && nearLevel === 'auto') auto.push(near);
    else if (sem && semLevel === 'auto') auto.push(sem);
    else if (near && nearLevel === 'suggest') suggest.push(near);
    else if (sem && semLevel === 'suggest') suggest.push(sem);
  }
  auto.sort(byStrength);
  suggest.sort(byStrength);
  const rejectedOf = new Map(candidates.map((c) => [c.storyId, c.rejected]));
  const conflicts = (a: string, b: string): boolean =>
    (rejectedOf.get(a)?.has(b) ?? false) || (rejectedOf.get(b)?.has(a) ?? false);

  const [primary, ...others] = auto;
  const joined: Link[] = primary ? [primary] : [];
  const bridges: Link[] = [];
  for (const link of others) {
    if (joined.some((j) => conflicts(j.storyId, link.storyId))) continue;
    joined.push(link);
    bridges.push(link);
  }
  const suggestions = suggest
    .filter((link) => !joined.some((j) => conflicts(j.storyId, link.storyId)))
    .slice(0, LIMITS.suggestionsPerPost);
  return { primary, bridges, suggestions };
}
