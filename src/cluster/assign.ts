import { changedFacts, coversFacts, type FactView } from './facts';
import { exemplarSketch, nearLink, semanticStrength, type LinkStrength, type TextSketch } from './similarity';
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

/**
 * Caches exemplar sketches: posts verify against the same stories' exemplars again and again (a story
 * that spreads, the stock phrasings of a topic), and an exemplar never changes, so one cache can serve a
 * worker's every batch. Bounded, least recently used out first (~5 KB a sketch).
 */
export class ExemplarCache {
  private readonly sketches = new Map<string, TextSketch>();

  constructor(private readonly capacity = 5000) {}

  sketch(exemplar: Exemplar): TextSketch {
    let sketch = this.sketches.get(exemplar.postId);
    if (sketch === undefined) {
      sketch = exemplarSketch(exemplar.text, exemplar.facts);
      if (this.sketches.size >= this.capacity) {
        const oldest = this.sketches.keys().next();
        if (oldest.done !== true) this.sketches.delete(oldest.value);
      }
    } else this.sketches.delete(exemplar.postId);
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.sketches.set(exemplar.postId, sketch);
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
  // What each linked story's matching text states: two stories a post links are merged only when
  // these agree (see below).
  const viaFacts = new Map<string, FactView>();
  const nearBest = new Map<string, { strength: LinkStrength; link: Link; facts: FactView }>();
  for (const candidate of candidates) {
    // A story is the sum of its first members: a post that states other facts than any of them is
    // another event, even if it copies one of them. This stops a vague text («свалку убрали, вывезено
    // 65 кубометров») from gathering the reports of every place where that happened into one story.
    let disagrees = false;
    for (const exemplar of candidate.exemplars) {
      const sketch = cache.sketch(exemplar);
      const near = nearLink(post, sketch);
      if (near.changedFacts > 0) disagrees = true;
      const strength = near.strength;
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
          facts: sketch.facts,
        });
      }
    }
    const best = nearBest.get(candidate.storyId);
    if (disagrees && best?.strength === 'auto') best.strength = 'suggest';
  }
  const semanticBest = new Map<string, { link: Link; facts: FactView }>();
  for (const hit of semantic) {
    if (changedFacts(post.facts, hit.facts) > 0) continue;
    const known = semanticBest.get(hit.storyId);
    if (known === undefined || hit.score > known.link.score) {
      semanticBest.set(hit.storyId, {
        link: { storyId: hit.storyId, level: 'semantic', score: hit.score, viaPostId: hit.postId },
        facts: hit.facts,
      });
    }
  }
  // Scores of different levels are on different scales: a story's link is its strongest level (auto over
  // suggest), and near wins a tie because it is verified on the text itself.
  const auto: Link[] = [];
  const suggest: Link[] = [];
  for (const storyId of new Set([...nearBest.keys(), ...semanticBest.keys()])) {
    const nearHit = nearBest.get(storyId);
    const semHit = semanticBest.get(storyId);
    const sem = semHit?.link;
    const nearLevel = nearHit?.strength ?? 'none';
    const semLevel = sem ? semanticStrength(sem.score) : 'none';
    let chosen: { link: Link; facts: FactView } | undefined;
    if (nearHit && nearLevel === 'auto') auto.push((chosen = nearHit).link);
    else if (semHit && semLevel === 'auto') auto.push((chosen = semHit).link);
    else if (nearHit && nearLevel === 'suggest') suggest.push((chosen = nearHit).link);
    else if (semHit && semLevel === 'suggest') suggest.push((chosen = semHit).link);
    if (chosen) viaFacts.set(storyId, chosen.facts);
  }
  auto.sort(byStrength);
  suggest.sort(byStrength);
  const rejectedOf = new Map(candidates.map((c) => [c.storyId, c.rejected]));
  const conflicts = (a: string, b: string): boolean =>
    (rejectedOf.get(a)?.has(b) ?? false) || (rejectedOf.get(b)?.has(a) ?? false);

  // A post that copies two stories proves them one only if they tell the same facts, or if the post
  // itself states the facts of both (a text joining the crash report and the road closure). A vague
  // text («Свалку убрали, вывезено 77 кубометров») is contained in the reports of every place it
  // happened in, and merging through it would chain them all: such a second story stays a suggestion.
  const sameFacts = (a: string, b: string): boolean => {
    const fa = viaFacts.get(a);
    const fb = viaFacts.get(b);
    if (fa === undefined || fb === undefined || changedFacts(fa, fb) === 0) return true;
    return coversFacts(post.facts, fa) && coversFacts(post.facts, fb);
  };
  const [primary, ...others] = auto;
  const joined: Link[] = primary ? [primary] : [];
  const bridges: Link[] = [];
  const unbridged: Link[] = [];
  for (const link of others) {
    if (joined.some((j) => conflicts(j.storyId, link.storyId))) continue;
    if (!joined.every((j) => sameFacts(j.storyId, link.storyId))) {
      unbridged.push(link);
      continue;
    }
    joined.push(link);
    bridges.push(link);
  }
  const suggestions = [...unbridged, ...suggest]
    .filter((link) => !joined.some((j) => conflicts(j.storyId, link.storyId)))
    .slice(0, LIMITS.suggestionsPerPost);
  return { primary, bridges, suggestions };
}
