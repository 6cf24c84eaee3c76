import { createHash } from 'node:crypto';
import type { PostDocument } from '../../domain/post-document';
import {
  ExemplarCache,
  decide,
  type CandidateStory,
  type Exemplar,
  type Decision,
  type Link,
  type SemanticHit,
} from '../../cluster/assign';
import { extractFacts, factView } from '../../cluster/facts';
import { comparisonText } from '../../cluster/minhash';
import { earlier, type MemberEvent } from '../../cluster/story';
import { writeStoryOps, type StoryOp, type StoryStore } from '../../cluster/story-ops';
import { sketchText, type TextSketch } from '../../cluster/similarity';
import { LIMITS, SEMANTIC } from '../../cluster/thresholds';
import type { LshEntry, LshRepository, LookupResult, PendingMerge } from '../../store/lsh.repository';
import type { StoriesRepository } from '../../store/stories.repository';
import { StoryRecordCache } from '../../store/story-record-cache';
import type { PostInFlight } from '../jobs';
import type { StageHandler } from './stage';

export interface ClusterStageDeps {
  lsh: LshRepository;
  stories: Pick<StoriesRepository, 'getVersioned' | 'writeGuarded' | 'nearestStories' | 'aliasTargetKey'>;
  /** Use the semantic level (ES kNN on post vectors) for posts that carry a `vector`. Default true. */
  semantic?: boolean;
  now?: () => Date;
}

/** Story id of a story created by a post: derived from its fingerprint, the same in every process. */
export function storyIdFor(fingerprint: string): string {
  return `s${createHash('sha256').update(fingerprint).digest('hex').slice(0, 23)}`;
}

/** A post of the batch with everything the stage computes for it. */
interface Work {
  item: PostInFlight & { doc: PostDocument };
  sketch: TextSketch;
  entry: LshEntry;
  decision: Decision;
  /** Story the post joins, or the story it creates (`creates`). */
  storyId: string;
  creates: boolean;
  /** Bucket sizes its lookup saw, one per band: a creation is refused if a bucket grew since. */
  bandCounts: number[];
}

/** In-batch view of stories touched so far: posts of one batch must see each other before commit. */
class BatchOverlay {
  readonly byFingerprint = new Map<string, string>();
  private readonly byBand = new Map<string, Set<string>>();
  private readonly exemplars = new Map<string, Exemplar[]>();

  add(storyId: string, sketch: TextSketch, postId: string, keepText: boolean): void {
    this.byFingerprint.set(sketch.fingerprint, storyId);
    for (const band of sketch.bands) {
      let set = this.byBand.get(band);
      if (!set) this.byBand.set(band, (set = new Set()));
      set.add(storyId);
    }
    const list = this.exemplars.get(storyId) ?? [];
    if (keepText && list.length < LIMITS.exemplarsPerStory)
      list.push({ postId, text: sketch.text, facts: sketch.facts.facts });
    this.exemplars.set(storyId, list);
  }

  /** Merges in-batch stories and exemplars into the candidates Redis returned. */
  candidates(sketch: TextSketch, remote: readonly CandidateStory[]): CandidateStory[] {
    const out = new Map(remote.map((c) => [c.storyId, { ...c, exemplars: [...c.exemplars] }]));
    for (const band of sketch.bands) {
      for (const storyId of this.byBand.get(band) ?? []) {
        if (!out.has(storyId)) out.set(storyId, { storyId, exemplars: [], rejected: new Set() });
      }
    }
    for (const [storyId, candidate] of out) {
      const known = new Set(candidate.exemplars.map((e) => e.postId));
      for (const e of this.exemplars.get(storyId) ?? [])
        if (!known.has(e.postId)) candidate.exemplars.push(e);
    }
    return [...out.values()];
  }
}

const noCandidates = (bands: number): LookupResult => ({
  kind: 'candidates',
  candidates: [],
  bandCounts: new Array<number>(bands).fill(0),
});

const toCandidates = (lookup: LookupResult): CandidateStory[] =>
  lookup.kind === 'exact'
    ? []
    : lookup.candidates.map((c) => ({
        storyId: c.storyId,
        exemplars: c.exemplars,
        rejected: new Set(c.rejected),
      }));

/**
 * The cluster stage: assigns each post a story (exact fingerprint, near copy via MinHash/LSH verified on
 * the text, or semantic neighbour), creates stories, merges stories a post bridges, links suggested
 * members, and updates the story records. Shared state is in Redis, so any number of workers agree; see
 * docs in src/store/lsh.repository.ts for the atomic steps.
 */
export function clusterStage(deps: ClusterStageDeps): StageHandler {
  const now = deps.now ?? (() => new Date());
  const useSemantic = deps.semantic ?? true;
  const cache = new ExemplarCache();
  const records = new StoryRecordCache(deps.stories);
  return async (batch) => {
    const at = now().toISOString();
    const withDoc = batch.posts.filter(
      (item): item is PostInFlight & { doc: PostDocument } => item.doc !== undefined,
    );
    const start = await deps.lsh.batchStart(withDoc.map((item) => item.post.id));
    await repairMerges(deps, records, start.pendingMerges, at);
    // Retries reuse what an earlier attempt stored, so a post never moves between stories on retry.
    const previous = start.assignments;
    const fresh: (PostInFlight & { doc: PostDocument })[] = [];
    const reused: { item: PostInFlight & { doc: PostDocument }; storyId: string }[] = [];
    withDoc.forEach((item, i) => {
      const known = previous[i];
      if (known) reused.push({ item, storyId: known.storyId });
      else fresh.push(item);
    });
    // Earliest first: within a batch, the patient zero creates the story and later copies join it.
    fresh.sort((a, b) =>
      earlier(postKey(a.doc), postKey(b.doc)) ? -1 : earlier(postKey(b.doc), postKey(a.doc)) ? 1 : 0,
    );

    const sketches = fresh.map((item) =>
      sketchText(item.doc.textClean, item.doc.fingerprint || `none:${item.doc.id}`),
    );
    const lookups = await deps.lsh.lookup(sketches);
    const semantic = await semanticHits(deps, useSemantic, fresh, lookups);
    // Analysts' rejections of stories only kNN found (the bands returned them for the others).
    const banded = new Set(
      lookups.flatMap((l) => (l.kind === 'candidates' ? l.candidates.map((c) => c.storyId) : [])),
    );
    const semanticOnly = await deps.lsh.rejections(
      semantic.flat().flatMap((hit) => (banded.has(hit.storyId) ? [] : [hit.storyId])),
    );

    const overlay = new BatchOverlay();
    const work: Work[] = fresh.map((item, i) => {
      const sketch = sketches[i] ?? sketchText('', item.doc.id);
      const lookup = lookups[i] ?? noCandidates(sketch.bands.length);
      const entry: LshEntry = {
        postId: item.doc.id,
        fingerprint: sketch.fingerprint,
        bands: sketch.bands,
        exemplar: sketch.text,
        facts: sketch.facts.facts,
        publishedAt: item.doc.publishedAt,
      };
      const fpStory =
        lookup.kind === 'exact' ? lookup.storyId : overlay.byFingerprint.get(sketch.fingerprint);
      const candidates = overlay.candidates(sketch, toCandidates(lookup));
      for (const hit of semantic[i] ?? []) {
        const rejected = semanticOnly.get(hit.storyId);
        if (rejected !== undefined && !candidates.some((c) => c.storyId === hit.storyId))
          candidates.push({ storyId: hit.storyId, exemplars: [], rejected: new Set(rejected) });
      }
      const decision = decide(sketch, fpStory, candidates, semantic[i] ?? [], cache);
      const creates = decision.primary === undefined;
      const storyId = decision.primary?.storyId ?? storyIdFor(sketch.fingerprint);
      // Exact copies keep no exemplar and claim no bands: the fingerprint already covers them.
      if (decision.primary?.level === 'exact') entry.bands = [];
      overlay.add(storyId, sketch, item.doc.id, decision.primary?.level !== 'exact');
      return {
        item,
        sketch,
        entry,
        decision,
        storyId,
        creates,
        bandCounts: lookup.kind === 'candidates' ? lookup.bandCounts : [],
      };
    });

    const redirect = await commitCreates(deps, work, cache);
    const joins = work.filter((w) => !w.creates);
    const joined = await deps.lsh.join(
      joins.map((w) => ({
        storyId: redirect.get(w.storyId) ?? w.storyId,
        entry: w.decision.primary?.level === 'exact' ? { ...w.entry, exemplar: '' } : w.entry,
      })),
    );
    const merges: { a: string; b: string; postId: string; by: string; at: string }[] = [];
    joins.forEach((w, i) => {
      const result = joined[i];
      if (result?.clash !== undefined)
        merges.push({ a: result.storyId, b: result.clash, postId: w.item.doc.id, by: 'cluster', at });
    });
    for (const w of work) {
      for (const bridge of w.decision.bridges) {
        merges.push({
          a: redirect.get(w.storyId) ?? w.storyId,
          b: bridge.storyId,
          postId: w.item.doc.id,
          by: 'cluster',
          at,
        });
      }
    }
    const merged = await deps.lsh.merge(merges);

    const ops = new Map<string, StoryOp[]>();
    const push = (id: string, op: StoryOp): void => {
      ops.set(id, [...(ops.get(id) ?? []), op]);
    };
    const losers: string[] = [];
    merged.forEach((result, i) => {
      if (result.kind !== 'merged') return;
      losers.push(result.loser);
      const postId = merges[i]?.postId;
      push(result.loser, {
        kind: 'merge-into',
        into: result.survivor,
        at,
        by: 'cluster',
        ...(postId ? { postId } : {}),
      });
    });

    const ids = [
      ...work.map((w) => redirect.get(w.storyId) ?? w.storyId),
      ...work.flatMap((w) => w.decision.suggestions.map((s) => s.storyId)),
      ...reused.map((r) => r.storyId),
    ];
    const roots = await deps.lsh.resolve(ids);
    const root = (id: string): string => roots.get(redirect.get(id) ?? id) ?? id;
    const events = new Map<string, MemberEvent[]>();
    const addEvent = (storyId: string, event: MemberEvent): void => {
      events.set(storyId, [...(events.get(storyId) ?? []), event]);
    };
    const assignments: { postId: string; storyId: string; level: string; score: number }[] = [];
    for (const w of work) {
      const storyId = root(w.storyId);
      const primary: Link = w.decision.primary ?? { storyId, level: 'exact', score: 1, viaPostId: '' };
      w.item.doc.storyId = storyId;
      addEvent(storyId, memberEvent(w.item.doc, primary, 'auto'));
      assignments.push({ postId: w.item.doc.id, storyId, level: primary.level, score: primary.score });
      for (const suggestion of w.decision.suggestions) {
        const target = root(suggestion.storyId);
        if (target !== storyId) addEvent(target, memberEvent(w.item.doc, suggestion, 'suggested'));
      }
    }
    for (const r of reused) r.item.doc.storyId = root(r.storyId);
    for (const [storyId, list] of events) push(storyId, { kind: 'members', events: list });

    // Stories this batch created have no record yet: not read before their first write.
    const created = new Set(work.filter((w) => w.creates).map((w) => w.storyId));
    await writeStoryOps(records, ops, () => now().toISOString(), { absent: created });
    await deps.lsh.settle(losers, assignments);
    return { next: batch, poison: [] };
  };
}

const postKey = (doc: PostDocument): { publishedAt: string; postId: string } => ({
  publishedAt: doc.publishedAt,
  postId: doc.id,
});

function memberEvent(doc: PostDocument, link: Link, state: 'auto' | 'suggested'): MemberEvent {
  return {
    postId: doc.id,
    level: link.level,
    score: link.score,
    state,
    publishedAt: doc.publishedAt,
    platform: doc.platform,
    channel: doc.channel,
    text: doc.textClean,
    lemmas: doc.lemmas,
  };
}

/**
 * Claims the stories the batch creates (one atomic call). A claim that lost a race (a story appeared in
 * its buckets meanwhile) looks up again, re-verifies and either joins a story or claims again; returns
 * where each planned story id ended up. Posts that joined a story created in this batch follow it.
 */
async function commitCreates(
  deps: ClusterStageDeps,
  work: Work[],
  cache: ExemplarCache,
): Promise<Map<string, string>> {
  const redirect = new Map<string, string>();
  let pending = work.filter((w) => w.creates);
  for (let round = 0; pending.length > 0; round++) {
    if (round > 20) throw new Error('cluster: story creation kept conflicting; the batch will be retried');
    const results = await deps.lsh.create(
      pending.map((w) => ({ storyId: w.storyId, entry: w.entry, bandCounts: w.bandCounts })),
    );
    const conflicted: Work[] = [];
    for (const [i, w] of pending.entries()) {
      const result = results[i];
      if (result === undefined || result.kind === 'created') continue;
      if (result.kind === 'conflict') {
        conflicted.push(w);
        continue;
      }
      redirect.set(w.storyId, result.storyId);
      w.creates = false;
      w.decision = {
        primary: { storyId: result.storyId, level: 'exact', score: 1, viaPostId: '' },
        bridges: [],
        suggestions: [],
      };
      w.entry.bands = [];
    }
    // Another worker created stories in these posts' buckets: verify against them and decide again.
    const lookups = await deps.lsh.lookup(conflicted.map((w) => w.entry));
    const retry: Work[] = [];
    for (const [i, w] of conflicted.entries()) {
      const lookup = lookups[i] ?? noCandidates(w.entry.bands.length);
      const fpStory = lookup.kind === 'exact' ? lookup.storyId : undefined;
      const decision = decide(w.sketch, fpStory, toCandidates(lookup), [], cache);
      if (decision.primary) {
        redirect.set(w.storyId, decision.primary.storyId);
        w.creates = false;
        w.decision = { ...decision, suggestions: [...decision.suggestions, ...w.decision.suggestions] };
        if (decision.primary.level === 'exact') w.entry.bands = [];
      } else {
        w.bandCounts = lookup.kind === 'candidates' ? lookup.bandCounts : [];
        retry.push(w);
      }
    }
    pending = retry;
  }
  // Redirects chain when a post joined another post's planned story that itself was redirected.
  for (const w of work) {
    let target = w.storyId;
    for (let hops = 0; redirect.has(target) && hops < 10; hops++) target = redirect.get(target) ?? target;
    if (target !== w.storyId) redirect.set(w.storyId, target);
  }
  return redirect;
}

/** Semantic neighbours for posts with a vector and no exact match (one `_msearch` per batch). */
async function semanticHits(
  deps: ClusterStageDeps,
  enabled: boolean,
  items: readonly (PostInFlight & { doc: PostDocument })[],
  lookups: readonly LookupResult[],
): Promise<SemanticHit[][]> {
  const out: SemanticHit[][] = items.map(() => []);
  if (!enabled) return out;
  const asked: number[] = [];
  const vectors: number[][] = [];
  items.forEach((item, i) => {
    if (item.doc.vector !== undefined && lookups[i]?.kind !== 'exact') {
      asked.push(i);
      vectors.push(item.doc.vector);
    }
  });
  if (vectors.length === 0) return out;
  const found = await deps.stories.nearestStories(vectors, {
    k: SEMANTIC.k,
    numCandidates: SEMANTIC.numCandidates,
    minScore: SEMANTIC.suggest,
  });
  const roots = await deps.lsh.resolve(found.flat().map((hit) => hit.storyId));
  asked.forEach((index, j) => {
    out[index] = (found[j] ?? []).map((hit) => ({
      storyId: roots.get(hit.storyId) ?? hit.storyId,
      postId: hit.postId,
      score: hit.score,
      facts: factView(extractFacts(hit.textClean), comparisonText(hit.textClean)),
    }));
  });
  return out;
}

/** Finishes story-record merges a crashed worker left half-written (usually there are none). */
async function repairMerges(
  deps: ClusterStageDeps,
  records: StoryStore,
  pending: readonly PendingMerge[],
  at: string,
): Promise<void> {
  const stale = pending.filter((m) => Date.parse(at) - Date.parse(m.at) > 60_000);
  if (stale.length === 0) return;
  const ops = new Map<string, StoryOp[]>();
  for (const m of stale) {
    ops.set(m.loser, [
      { kind: 'merge-into', into: m.survivor, at: m.at, by: m.by, ...(m.postId ? { postId: m.postId } : {}) },
    ]);
  }
  await writeStoryOps(records, ops);
  await deps.lsh.mergeWritten(stale.map((m) => m.loser));
}
