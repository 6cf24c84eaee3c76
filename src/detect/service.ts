import { z } from 'zod';
import type { AlertDocument, EvidencePost, VersionedAlert } from '../alerts/alert';
import { alertIdFor, isClosed, subjectKeyOf } from '../alerts/alert';
import type { DetectionChange } from '../alerts/detection';
import { recordDetection } from '../alerts/record';
import { knownFakeIdFor, sourceIdFor, type KnownFake, type SourceRecord } from '../alerts/registry';
import type { StoryDocument } from '../cluster/story';
import type { PostDocument } from '../domain/post-document';
import type { ClassifyResult } from '../models/heads/classifier';
import { TAXONOMY } from '../models/heads/taxonomy';
import type { AlertsRepository } from '../store/alerts.repository';
import type { AppealsRepository } from '../store/appeals.repository';
import type { BurstEvent, BurstsRepository } from '../store/bursts.repository';
import type { KnownFakesRepository } from '../store/known-fakes.repository';
import type { LocksRepository } from '../store/locks.repository';
import type { SourceSightingsRepository } from '../store/source-sightings.repository';
import type { SourcesRepository } from '../store/sources.repository';
import type { StoriesRepository } from '../store/stories.repository';
import {
  ALL_TOPICS,
  TREND_DAY_MS,
  TREND_HOUR_MS,
  type TrendPost,
  type TrendsRepository,
} from '../store/trends.repository';
import { analyzeQuery } from '../text';
import { DETECTORS } from './detectors.config';
import { detectEmergency } from './emergency';
import { CATEGORY_TOPICS, emergencyCategories, type EmergencyCategory } from './emergency-lexicon';
import {
  detectFake,
  type FakeInput,
  type RegistryMatch,
  type SourceView,
  type StoryMemberView,
} from './fake';
import { Gazetteer, placeLemmas, resolvePlace, type ResolvedPlace } from './gazetteer';
import { combineMagnitudes, extractMagnitude } from './magnitude';
import { claimMatch, claimSimilarity, isRefutationText, matchKnownFake } from './registry-match';
import { DEFAULT_ROUTING_TABLE, appealOf, isResidentProblem, route, type RoutingTable } from './routing';
import { CachedList, channelKey, indexSources, sourceView } from './source-views';
import { detectTrend, trendTest } from './trend';

/** Dependencies of the detectors: repositories, the heads, configuration. */
export interface DetectDeps {
  alerts: Pick<AlertsRepository, 'get' | 'getMany' | 'create' | 'replace' | 'list'>;
  stories: Pick<StoriesRepository, 'getVersioned'>;
  sources: Pick<SourcesRepository, 'all'>;
  knownFakes: Pick<KnownFakesRepository, 'listActive' | 'upsert'>;
  sightings: Pick<SourceSightingsRepository, 'sight'>;
  bursts: Pick<BurstsRepository, 'record' | 'stats'>;
  trends: Pick<TrendsRepository, 'add' | 'hourly' | 'terms' | 'distinctStories'>;
  appeals: Pick<AppealsRepository, 'createMissing'>;
  /** Serializes the opening of new fake alerts per place across worker processes. */
  locks: Pick<LocksRepository, 'withLock'>;
  /** Webhook deliveries of created and escalated alerts. */
  notifier?: { notify(doc: AlertDocument, change: DetectionChange): Promise<number> };
  /** The `fake` and `route` heads, applied to post vectors; without them those signals are absent. */
  heads?: { classify(task: 'fake' | 'route', vectors: readonly Float32Array[]): ClassifyResult[] };
  routingTable?: RoutingTable;
  responseDeadlineMs?: number;
  gazetteer?: Gazetteer;
  now?: () => Date;
}

/** What one batch produced (for logs, tests and the evaluation). */
export interface DetectOutcome {
  alerts: { doc: AlertDocument; change: DetectionChange }[];
  appeals: number;
  refutations: number;
}

/** Per-post facts the detectors share. */
interface PostFacts {
  doc: PostDocument;
  at: number;
  source: SourceView;
  record: SourceRecord | undefined;
  place: ResolvedPlace | undefined;
  categories: EmergencyCategory[];
  fakeHead?: number;
  route?: { label: string; score: number };
}

const EXCERPT = 280;
const EVIDENCE_POSTS = 8;
const TOPIC_NAMES: Readonly<Record<string, string>> = Object.fromEntries(TAXONOMY.map((t) => [t.id, t.name]));

function evidenceOf(doc: PostDocument, kind: string): EvidencePost {
  return {
    postId: doc.id,
    publishedAt: doc.publishedAt,
    platform: doc.platform,
    channel: doc.channel,
    sourceKind: kind,
    excerpt: doc.textClean.slice(0, EXCERPT),
  };
}

/** `platform:channel:author`: residents posting in one group are distinct voices. */
const voiceKey = (doc: PostDocument): string => `${doc.platform}:${doc.channel}:${doc.author ?? ''}`;

/**
 * The detectors of one batch, wired to their repositories: fakes per story, emergencies per (place,
 * category), trends per topic, routing per resident problem. Each writes through `recordDetection`
 * (one alert per subject, optimistic concurrency), so any number of workers can run it.
 */
export class DetectService {
  private readonly registry: CachedList<SourceRecord>;
  private readonly registryIndex = new WeakMap<SourceRecord[], Map<string, SourceRecord>>();
  private readonly fakes: CachedList<KnownFake>;
  private readonly gazetteer: Gazetteer;
  private readonly table: RoutingTable;
  private readonly now: () => Date;
  /** Trend baselines (distinct stories per day) by window-end hour and topic. */
  private readonly baselines = new Map<string, number[]>();

  constructor(private readonly deps: DetectDeps) {
    this.registry = new CachedList(() => deps.sources.all());
    this.fakes = new CachedList(() => deps.knownFakes.listActive());
    this.gazetteer = deps.gazetteer ?? Gazetteer.build();
    this.table = deps.routingTable ?? DEFAULT_ROUTING_TABLE;
    this.now = deps.now ?? (() => new Date());
  }

  async run(docs: PostDocument[]): Promise<DetectOutcome> {
    const outcome: DetectOutcome = { alerts: [], appeals: 0, refutations: 0 };
    if (docs.length === 0) return outcome;
    const records = await this.registry.get();
    let index = this.registryIndex.get(records);
    if (index === undefined) {
      index = indexSources(records);
      this.registryIndex.set(records, index);
    }
    const registry = index;

    const stories = await this.loadStories(docs);
    // Every channel the detectors look at, with its earliest post here: batch posts and story members.
    const sightings = new Map<string, number>();
    const sight = (platform: string, channel: string, publishedAt: string): void => {
      const key = channelKey(platform, channel);
      const at = Date.parse(publishedAt);
      if (Number.isFinite(at)) sightings.set(key, Math.min(sightings.get(key) ?? Infinity, at));
    };
    for (const doc of docs) sight(doc.platform, doc.channel, doc.publishedAt);
    for (const story of stories.values())
      for (const m of story.members) sight(m.platform, m.channel, m.publishedAt);
    const seen = await this.deps.sightings.sight(sightings);
    const batchAt = Math.max(...docs.map((d) => Date.parse(d.publishedAt)).filter(Number.isFinite));
    const viewOf = (platform: string, channel: string, at = batchAt): SourceView =>
      sourceView({ platform, channel, registry, firstSeen: seen.first, observedSince: seen.since, at });

    const facts = this.analyze(docs, registry, viewOf);
    this.applyHeads(facts);
    for (const f of facts) {
      if (f.place !== undefined) f.doc.places = [f.place.name];
    }

    const knownFakes = await this.fakes.get();
    const refutations = await this.registerRefutations(facts);
    outcome.refutations = refutations.length;
    const fakeStories = await this.detectFakes(facts, stories, knownFakes, refutations, viewOf, outcome);
    await this.detectEmergencies(facts, fakeStories, seen.since, outcome);
    await this.detectTrends(facts, outcome);
    outcome.appeals = await this.routeProblems(facts, fakeStories);

    if (this.deps.notifier !== undefined) {
      for (const { doc, change } of outcome.alerts) await this.deps.notifier.notify(doc, change);
    }
    return outcome;
  }

  private async loadStories(docs: readonly PostDocument[]): Promise<Map<string, StoryDocument>> {
    const ids = [...new Set(docs.flatMap((d) => (d.storyId === undefined ? [] : [d.storyId])))];
    const found = await this.deps.stories.getVersioned(ids);
    return new Map([...found].map(([id, v]) => [id, v.doc]));
  }

  private analyze(
    docs: readonly PostDocument[],
    registry: ReadonlyMap<string, SourceRecord>,
    viewOf: (platform: string, channel: string, at?: number) => SourceView,
  ): PostFacts[] {
    return docs.map((doc) => {
      const at = Date.parse(doc.publishedAt);
      const record = registry.get(sourceIdFor(doc.platform, doc.channel));
      const mentions = [
        ...this.gazetteer.find(doc.textClean),
        ...doc.hashtags.flatMap((tag) => this.gazetteer.find(tag, 'hashtag')),
        // A person's own wall is titled with their name, which says nothing about the place.
        ...(doc.channelTitle === undefined || doc.channelTitle === doc.author
          ? []
          : this.gazetteer.find(doc.channelTitle, 'channel')),
      ];
      return {
        doc,
        at,
        source: viewOf(doc.platform, doc.channel, at),
        record,
        place: resolvePlace(this.gazetteer, mentions, record?.region),
        categories: emergencyCategories(doc.textClean),
      };
    });
  }

  private applyHeads(facts: PostFacts[]): void {
    const heads = this.deps.heads;
    if (heads === undefined) return;
    const withVector = facts.filter((f) => f.doc.vector !== undefined && f.doc.vector.length > 0);
    if (withVector.length === 0) return;
    const vectors = withVector.map((f) => Float32Array.from(f.doc.vector ?? []));
    const fake = heads.classify('fake', vectors);
    const routed = heads.classify('route', vectors);
    withVector.forEach((f, i) => {
      const fakeResult = fake[i];
      if (fakeResult !== undefined) {
        f.fakeHead = fakeResult.label === 'fake' ? fakeResult.score : 1 - fakeResult.score;
      }
      const r = routed[i];
      if (r !== undefined) f.route = { label: r.label, score: r.score };
    });
  }

  /** Official refutations in the batch become registry entries (kind `refutation`, origin `official`). */
  private async registerRefutations(facts: readonly PostFacts[]): Promise<KnownFake[]> {
    const out: KnownFake[] = [];
    const at = this.now().toISOString();
    for (const f of facts) {
      if (f.source.kind !== 'official' || !isRefutationText(f.doc.textClean)) continue;
      const entry: KnownFake = {
        id: knownFakeIdFor({ kind: 'refutation', text: f.doc.textClean }),
        kind: 'refutation',
        title: f.doc.textClean.slice(0, 120),
        text: f.doc.textClean,
        lemmas: f.doc.lemmas,
        ...(f.doc.vector === undefined ? {} : { vector: f.doc.vector }),
        ...(f.doc.modelVersion === undefined ? {} : { modelVersion: f.doc.modelVersion }),
        ...(f.doc.url === undefined ? {} : { url: f.doc.url }),
        sourceChannel: f.doc.channelTitle ?? f.doc.channel,
        ...(f.place === undefined ? {} : { placeIds: [f.place.placeId] }),
        origin: 'official',
        status: 'active',
        confirmedAt: f.doc.publishedAt,
        createdAt: at,
        updatedAt: at,
        createdBy: 'detector:fake',
      };
      await this.deps.knownFakes.upsert(entry, false);
      this.fakes.push(entry);
      out.push(entry);
    }
    return out;
  }

  /** Evaluates every story the batch touched (and stories a new refutation is about). */
  private async detectFakes(
    facts: readonly PostFacts[],
    stories: Map<string, StoryDocument>,
    knownFakes: readonly KnownFake[],
    newRefutations: readonly KnownFake[],
    viewOf: (platform: string, channel: string, at?: number) => SourceView,
    outcome: DetectOutcome,
  ): Promise<Set<string>> {
    const byStory = new Map<string, PostFacts[]>();
    for (const f of facts) {
      if (f.doc.storyId !== undefined) byStory.set(f.doc.storyId, [...(byStory.get(f.doc.storyId) ?? []), f]);
    }
    // Open fake alerts a new refutation is about are re-evaluated even without new copies.
    if (newRefutations.length > 0) {
      const open = await this.deps.alerts.list({
        type: 'fake',
        status: ['new', 'in_review', 'confirmed'],
        size: 200,
      });
      const extra = open.items.flatMap((a) =>
        a.storyId !== undefined && !stories.has(a.storyId) ? [a.storyId] : [],
      );
      for (const [id, v] of await this.deps.stories.getVersioned(extra)) stories.set(id, v.doc);
      for (const a of open.items)
        if (a.storyId !== undefined && !byStory.has(a.storyId)) byStory.set(a.storyId, []);
    }
    const existing = await this.deps.alerts.getMany(
      [...byStory.keys()].map((id) => alertIdFor('fake', subjectKeyOf({ kind: 'story', storyId: id }))),
    );
    const refutationEntries = knownFakes.filter((e) => e.kind === 'refutation');
    const fakeStories = new Set<string>();
    let open: AlertDocument[] | undefined;
    const openAlerts = async (): Promise<AlertDocument[]> => {
      open ??= (
        await this.deps.alerts.list({ type: 'fake', status: ['new', 'in_review', 'confirmed'], size: 200 })
      ).items;
      return open;
    };
    // Larger stories first: when a claim and its retellings arrive together, the claim gets the alert.
    const ordered = [...byStory].sort(
      (a, b) => (stories.get(b[0])?.size ?? 0) - (stories.get(a[0])?.size ?? 0),
    );
    for (const [storyId, posts] of ordered) {
      const story = stories.get(storyId);
      if (story === undefined || story.status !== 'active') continue;
      const alert = existing.get(alertIdFor('fake', subjectKeyOf({ kind: 'story', storyId })));
      const input = this.fakeInput(story, posts, knownFakes, refutationEntries, viewOf, alert);
      if (input === undefined) continue;
      const first = story.patientZeroPost;
      const evidencePosts = posts.slice(0, EVIDENCE_POSTS).map((p) => evidenceOf(p.doc, p.source.kind));
      const firstEvidence: EvidencePost = {
        postId: first.postId,
        publishedAt: first.publishedAt,
        platform: first.platform,
        channel: first.channel,
        sourceKind: viewOf(first.platform, first.channel).kind,
        excerpt: story.representativeText.slice(0, EXCERPT),
      };
      const detection = detectFake(input, {
        firstPost: firstEvidence,
        posts: evidencePosts.length > 0 ? evidencePosts : (alert?.doc.evidence.posts ?? []),
        sources: story.sources.slice(0, 20).map((s) => ({
          platform: s.platform,
          channel: s.channel,
          kind: viewOf(s.platform, s.channel).kind,
          count: s.count,
        })),
      });
      if (detection === undefined) {
        if (alert !== undefined && alert.doc.status !== 'dismissed') fakeStories.add(storyId);
        continue;
      }
      fakeStories.add(storyId);
      const newest = Math.max(...posts.map((p) => p.at).filter(Number.isFinite));
      detection.observedAt = Number.isFinite(newest) ? new Date(newest).toISOString() : story.lastActivityAt;
      const record = async (): Promise<void> => {
        if (alert === undefined) {
          const same = this.sameClaim(storyId, input, await openAlerts());
          if (same !== undefined) {
            detection.subject = { kind: 'story', storyId: same.storyId };
            detection.storyId = same.storyId;
            detection.relatedStory = { storyId, similarity: same.similarity };
          }
        }
        const recorded = await recordDetection(this.deps.alerts, detection, this.now);
        if (recorded.change === 'created') (await openAlerts()).push(recorded.doc);
        outcome.alerts.push(recorded);
      };
      if (alert === undefined && input.place !== undefined) {
        // Another worker may be opening an alert for this claim's other wording right now: new fake alerts
        // of one place are decided one at a time, on open alerts listed again under the lock.
        await this.deps.locks.withLock(`fake-claim:${input.place.placeId}`, async () => {
          open = undefined;
          await record();
        });
      } else {
        await record();
      }
    }
    return fakeStories;
  }

  private fakeInput(
    story: StoryDocument,
    posts: readonly PostFacts[],
    knownFakes: readonly KnownFake[],
    refutations: readonly KnownFake[],
    viewOf: (platform: string, channel: string, at?: number) => SourceView,
    alert: VersionedAlert | undefined,
  ): FakeInput | undefined {
    const members: StoryMemberView[] = story.members
      .filter((m) => m.state === 'auto' || m.state === 'confirmed')
      .map((m) => ({
        postId: m.postId,
        publishedAt: m.publishedAt,
        platform: m.platform,
        channel: m.channel,
      }));
    let knownFake: RegistryMatch | undefined;
    for (const p of posts) {
      const match = matchKnownFake(
        {
          lemmas: p.doc.lemmas,
          ...(p.doc.vector === undefined ? {} : { vector: p.doc.vector }),
          ...(p.doc.modelVersion === undefined ? {} : { modelVersion: p.doc.modelVersion }),
        },
        knownFakes,
      );
      if (match !== undefined && (knownFake === undefined || match.similarity > knownFake.similarity))
        knownFake = match;
    }
    if (story.size < DETECTORS.fake.minStorySize && knownFake === undefined && alert === undefined)
      return undefined;
    const place = this.storyPlace(story, posts);
    const vector = posts.find((p) => p.doc.vector !== undefined)?.doc;
    const refutation =
      place === undefined ? undefined : this.refutationFor(story, place, vector, refutations);
    const heads = posts.flatMap((p) => (p.fakeHead === undefined ? [] : [p.fakeHead]));
    const topics = posts.flatMap((p) => p.doc.topics ?? []);
    const topic = mostCommon(topics);
    return {
      storyId: story.id,
      title: story.title,
      representativeText: story.representativeText,
      firstSeenAt: story.firstSeenAt,
      size: story.size,
      members,
      patientZero: {
        postId: story.patientZeroPost.postId,
        publishedAt: story.patientZeroPost.publishedAt,
        platform: story.patientZeroPost.platform,
        channel: story.patientZeroPost.channel,
      },
      texts: posts.map((p) => p.doc.textClean),
      headScores: heads,
      source: (platform, channel) => viewOf(platform, channel),
      ...(knownFake === undefined ? {} : { knownFake }),
      ...(refutation === undefined ? {} : { refutation }),
      ...(place === undefined
        ? {}
        : { place: { placeId: place.placeId, name: place.name, region: place.region } }),
      ...(topic === undefined ? {} : { topic }),
      ...(vector?.vector === undefined ? {} : { vector: vector.vector }),
      ...(vector?.modelVersion === undefined ? {} : { modelVersion: vector.modelVersion }),
    };
  }

  /**
   * An open fake alert about the same place whose claim this story repeats in other words (the
   * campaign's second wording, residents retelling it): one campaign, one alert.
   */
  private sameClaim(
    storyId: string,
    input: FakeInput,
    open: readonly AlertDocument[],
  ): { storyId: string; similarity: number } | undefined {
    if (input.place === undefined) return undefined;
    const placeStems = new Set(placeLemmas(input.place.name).map((l) => l.slice(0, 5)));
    const claim = {
      lemmas: analyzeQuery(input.representativeText),
      ...(input.vector === undefined ? {} : { vector: input.vector }),
      ...(input.modelVersion === undefined ? {} : { modelVersion: input.modelVersion }),
    };
    let best: { storyId: string; similarity: number } | undefined;
    for (const alert of open) {
      if (alert.placeId !== input.place.placeId || alert.storyId === undefined || alert.storyId === storyId)
        continue;
      if (alert.relatedStories?.some((r) => r.storyId === storyId) === true)
        return { storyId: alert.storyId, similarity: 1 };
      const other = {
        lemmas: analyzeQuery(alert.evidence.text ?? alert.evidence.firstPost?.excerpt ?? ''),
        ...(alert.evidence.vector === undefined ? {} : { vector: alert.evidence.vector }),
        ...(alert.evidence.modelVersion === undefined ? {} : { modelVersion: alert.evidence.modelVersion }),
      };
      const match = claimMatch(claimSimilarity(claim, other, placeStems), {
        semantic: DETECTORS.fake.sameClaimCosine,
        lexical: 1,
      });
      if (match !== undefined && (best === undefined || match.similarity > best.similarity)) {
        best = { storyId: alert.storyId, similarity: match.similarity };
      }
    }
    return best;
  }

  private storyPlace(story: StoryDocument, posts: readonly PostFacts[]): ResolvedPlace | undefined {
    const fromPosts = posts.flatMap((p) => (p.place === undefined ? [] : [p.place]));
    const common = mostCommon(fromPosts.map((p) => p.placeId));
    const place = fromPosts.find((p) => p.placeId === common);
    return place ?? resolvePlace(this.gazetteer, this.gazetteer.find(story.representativeText));
  }

  /** An official refutation about the same place that says what the story claims, if any. */
  private refutationFor(
    story: StoryDocument,
    place: ResolvedPlace,
    doc: PostDocument | undefined,
    refutations: readonly KnownFake[],
  ): RegistryMatch | undefined {
    const placeStems = new Set(placeLemmas(place.name).map((l) => l.slice(0, 5)));
    const claim = {
      lemmas: story.lemmas.length > 0 ? story.lemmas : analyzeQuery(story.representativeText),
      ...(doc?.vector === undefined ? {} : { vector: doc.vector }),
      ...(doc?.modelVersion === undefined ? {} : { modelVersion: doc.modelVersion }),
    };
    let best: RegistryMatch | undefined;
    for (const entry of refutations) {
      if (entry.status !== 'active' || entry.placeIds?.includes(place.placeId) !== true) continue;
      // A refutation answers a claim already made: one older than the story is about something else.
      if (Date.parse(entry.confirmedAt) < Date.parse(story.firstSeenAt) - 30 * TREND_DAY_MS) continue;
      const match = claimMatch(claimSimilarity(claim, entry, placeStems), {
        semantic: DETECTORS.fake.semanticMatch,
        lexical: DETECTORS.fake.refutationStems,
      });
      if (match !== undefined && (best === undefined || match.similarity > best.similarity)) {
        best = { entry, similarity: match.similarity, via: match.via };
      }
    }
    return best;
  }

  private async detectEmergencies(
    facts: readonly PostFacts[],
    fakeStories: ReadonlySet<string>,
    observedSince: number,
    outcome: DetectOutcome,
  ): Promise<void> {
    const config = DETECTORS.emergency;
    const events: BurstEvent[] = [];
    const keys = new Map<string, { place: ResolvedPlace; category: EmergencyCategory; at: number }>();
    for (const f of facts) {
      if (f.place === undefined || f.categories.length === 0 || !Number.isFinite(f.at)) continue;
      if (f.doc.storyId !== undefined && fakeStories.has(f.doc.storyId)) continue;
      const magnitude = extractMagnitude(f.doc.textClean);
      const figures =
        Object.keys(magnitude).length === 0 ? undefined : { ...magnitude, weight: f.source.credibility };
      for (const category of f.categories) {
        const key = `${f.place.placeId}|${category}`;
        const known = keys.get(key);
        keys.set(key, { place: f.place, category, at: Math.max(known?.at ?? 0, f.at) });
        events.push({
          key,
          postId: f.doc.id,
          sourceKey: voiceKey(f.doc),
          at: f.at,
          ...(figures === undefined ? {} : { figures }),
          evidence: JSON.stringify(evidenceOf(f.doc, f.source.kind)),
        });
      }
    }
    if (events.length === 0) return;
    await this.deps.bursts.record(events);
    const queries = [...keys].map(([key, v]) => ({ key, at: v.at }));
    const stats = await this.deps.bursts.stats(queries, config.windowMs);
    const subjects = [...keys.values()].map((k) => ({
      kind: 'place-category' as const,
      placeId: k.place.placeId,
      category: k.category,
    }));
    const existing = await this.deps.alerts.getMany(
      subjects.map((s) => alertIdFor('emergency', subjectKeyOf(s))),
    );
    for (const s of stats) {
      const k = keys.get(s.key);
      if (k === undefined) continue;
      const windowStart = k.at - config.windowMs;
      const historyHours = Math.max(
        1,
        Math.min(
          config.baselineDays * 24,
          Number.isFinite(observedSince) ? (windowStart - observedSince) / TREND_HOUR_MS : 1,
        ),
      );
      let baselinePosts = 0;
      for (const [hour, n] of s.hourly) {
        if (hour + TREND_HOUR_MS <= windowStart && hour >= windowStart - config.baselineDays * TREND_DAY_MS)
          baselinePosts += n;
      }
      const alert = existing.get(
        alertIdFor(
          'emergency',
          subjectKeyOf({ kind: 'place-category', placeId: k.place.placeId, category: k.category }),
        ),
      );
      const ongoing =
        alert !== undefined &&
        (!isClosed(alert.doc.status) ||
          (alert.doc.status === 'resolved' && k.at - Date.parse(alert.doc.updatedAt) < config.reopenAfterMs));
      const evidence = s.evidence
        .flatMap((raw) => parseEvidence(raw))
        .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
      const first = evidence[0];
      const windowFirst = s.firstInWindow ?? k.at;
      // An ongoing incident started with the alert's first post, not with the trailing window's.
      const alertFirst = ongoing ? Date.parse(alert.doc.firstPostAt) : Number.NaN;
      const startedAt = Number.isFinite(alertFirst) ? Math.min(windowFirst, alertFirst) : windowFirst;
      const detection = detectEmergency(
        {
          placeId: k.place.placeId,
          place: k.place.name,
          region: k.place.region,
          category: k.category,
          windowPosts: s.windowPosts,
          windowSources: s.windowSources,
          previousWindowPosts: s.previousWindowPosts,
          baselinePerHour: baselinePosts / historyHours,
          firstPostAt: new Date(startedAt).toISOString(),
          windowFirstPostAt: new Date(windowFirst).toISOString(),
          lastPostAt: new Date(k.at).toISOString(),
          dayPosts: s.dayPosts,
          daySources: s.daySources,
          magnitude: combineMagnitudes(s.figures.map(({ weight, ...magnitude }) => ({ magnitude, weight }))),
          evidence: {
            ...(first === undefined ? {} : { firstPost: first }),
            posts: evidence.slice(0, EVIDENCE_POSTS),
            sources: [],
          },
        },
        ongoing,
      );
      if (detection === undefined) continue;
      detection.routing = route(
        { topic: CATEGORY_TOPICS[k.category], region: k.place.region },
        this.table,
        detection.firstPostAt,
        this.deps.responseDeadlineMs,
      );
      detection.observedAt = new Date(k.at).toISOString();
      outcome.alerts.push(await recordDetection(this.deps.alerts, detection, this.now));
    }
  }

  private async detectTrends(facts: readonly PostFacts[], outcome: DetectOutcome): Promise<void> {
    const config = DETECTORS.trend;
    const shares: TrendPost[] = facts.flatMap((f) => {
      if (!Number.isFinite(f.at)) return [];
      return [
        {
          postId: f.doc.id,
          hour: Math.floor(f.at / TREND_HOUR_MS) * TREND_HOUR_MS,
          day: Math.floor(f.at / TREND_DAY_MS) * TREND_DAY_MS,
          storyId: f.doc.storyId ?? f.doc.id,
          topics: f.doc.topics ?? [],
          terms: [...new Set(f.doc.lemmas.filter((l) => l.length >= 4 && /^\p{L}+$/u.test(l)))],
        },
      ];
    });
    if (shares.length === 0) return;
    // Posts a retry or an earlier part of this batch counted already were checked for trends then.
    if ((await this.deps.trends.add(shares)) === 0) return;

    const at = Math.max(...facts.map((f) => f.at).filter(Number.isFinite));
    const endHour = Math.floor(at / TREND_HOUR_MS) * TREND_HOUR_MS;
    const windowHours = Math.round(config.windowMs / TREND_HOUR_MS);
    const windowKeys = Array.from({ length: windowHours }, (_, i) => endHour - i * TREND_HOUR_MS);
    const window = await this.deps.trends.hourly(windowKeys);
    const postsIn = (topic: string): number => {
      let n = 0;
      for (const r of window.values()) n += r[topic] ?? 0;
      return n;
    };
    const touched = [...new Set(facts.flatMap((f) => f.doc.topics ?? []))].filter(
      (topic) => postsIn(topic) >= config.minPosts,
    );
    if (touched.length === 0) return;
    const [total = 0, ...counts] = await this.deps.trends.distinctStories([
      { topic: ALL_TOPICS, hours: windowKeys },
      ...touched.map((topic) => ({ topic, hours: windowKeys })),
    ]);
    const allDays = await this.dailyStories(endHour, ALL_TOPICS, windowKeys);
    const historyDays = allDays.filter((n) => n > 0).length;
    const baselineTotal = allDays.reduce((a, b) => a + b, 0);
    for (const [i, topic] of touched.entries()) {
      const count = counts[i] ?? 0;
      const topicDays = await this.dailyStories(endHour, topic, windowKeys);
      const baselineCount = topicDays.reduce((a, b) => a + b, 0);
      const dailyShares = allDays.flatMap((n, d) => (n > 0 ? [(topicDays[d] ?? 0) / n] : []));
      const posts = facts.filter((f) => f.doc.topics?.includes(topic) === true);
      const windowDays = [...new Set(windowKeys.map((h) => Math.floor(h / TREND_DAY_MS) * TREND_DAY_MS))];
      const baselineDays = Array.from(
        { length: 7 },
        (_, d) => (windowDays[windowDays.length - 1] ?? 0) - (d + 1) * TREND_DAY_MS,
      );
      const windowStart = new Date(endHour - (windowHours - 1) * TREND_HOUR_MS).toISOString();
      const test = { count, total, baselineCount, baselineTotal, historyDays, dailyShares };
      if (!trendTest(test).trend) continue;
      // Posts an open emergency alert already explains are not a trend: the duty officer has them
      // (each resident's report of an outage is a story of its own, so posts stand for stories here).
      const explained = explainedPosts(
        (await this.deps.alerts.list({ type: 'emergency', topic, since: windowStart, size: 100 })).items,
        // This batch's alerts are not searchable yet (refresh interval): count them too.
        outcome.alerts.map((a) => a.doc).filter((a) => a.type === 'emergency' && a.topic === topic),
      );
      const detection = detectTrend({
        ...test,
        topic,
        name: TOPIC_NAMES[topic] ?? topic,
        count: Math.max(0, count - explained),
        posts: postsIn(topic),
        windowStart,
        windowEnd: new Date(endHour + TREND_HOUR_MS).toISOString(),
        topTerms: await this.risingTerms(topic, windowDays, baselineDays),
        evidence: {
          posts: posts.slice(0, EVIDENCE_POSTS).map((p) => evidenceOf(p.doc, p.source.kind)),
          sources: countSources(posts),
        },
      });
      if (detection === undefined) continue;
      detection.observedAt = new Date(at).toISOString();
      outcome.alerts.push(await recordDetection(this.deps.alerts, detection, this.now));
    }
  }

  /**
   * Distinct stories of a topic in the window's hours on each baseline day (1 = yesterday), cached per
   * window-end hour: the baseline changes only when the hour does.
   */
  private async dailyStories(
    endHour: number,
    topic: string,
    windowKeys: readonly number[],
  ): Promise<number[]> {
    const key = `${endHour}|${topic}`;
    const cached = this.baselines.get(key);
    if (cached !== undefined) return cached;
    if (![...this.baselines.keys()].some((k) => k.startsWith(`${endHour}|`))) this.baselines.clear();
    const days = Array.from({ length: DETECTORS.trend.baselineDays }, (_, d) => d + 1);
    const counts = await this.deps.trends.distinctStories(
      days.map((d) => ({ topic, hours: windowKeys.map((h) => h - d * TREND_DAY_MS) })),
    );
    this.baselines.set(key, counts);
    return counts;
  }

  /** Lemmas of a topic that rose most on the window's days against the week before. */
  private async risingTerms(
    topic: string,
    windowDays: readonly number[],
    baselineDays: readonly number[],
  ): Promise<{ term: string; count: number; lift: number }[]> {
    const limit = DETECTORS.trend.topTerms;
    const now = await this.deps.trends.terms(topic, windowDays, limit * 5);
    const before = await this.deps.trends.terms(topic, baselineDays, limit * 20);
    const scale = baselineDays.length / Math.max(1, windowDays.length);
    return [...now]
      .map(([term, count]) => ({ term, count, lift: (count + 1) / ((before.get(term) ?? 0) / scale + 1) }))
      .filter((t) => t.count >= 3)
      .sort((a, b) => b.lift * Math.log(1 + b.count) - a.lift * Math.log(1 + a.count))
      .slice(0, limit)
      .map((t) => ({ ...t, lift: Math.round(t.lift * 10) / 10 }));
  }

  /** Routes residents' problems to a department and opens an appeal per story (once). */
  private async routeProblems(
    facts: readonly PostFacts[],
    fakeStories: ReadonlySet<string>,
  ): Promise<number> {
    const now = this.now().toISOString();
    const appeals = new Map<string, ReturnType<typeof appealOf>>();
    for (const f of facts) {
      if (!isResidentProblem(f.doc.topics, f.source.kind)) continue;
      const storyId = f.doc.storyId;
      if (storyId === undefined || fakeStories.has(storyId)) continue;
      const topic = f.doc.topics?.[0];
      const routing = route(
        {
          ...(topic === undefined ? {} : { topic }),
          ...(f.place === undefined ? {} : { region: f.place.region }),
          ...(f.route === undefined ? {} : { head: f.route }),
        },
        this.table,
        f.doc.publishedAt,
        this.deps.responseDeadlineMs,
      );
      f.doc.department = routing.department;
      if (appeals.has(storyId)) continue;
      appeals.set(
        storyId,
        appealOf({
          storyId,
          title: f.doc.textClean.slice(0, 140),
          ...(topic === undefined ? {} : { topic }),
          routing,
          ...(routing.by === 'head' && f.route !== undefined ? { routeScore: f.route.score } : {}),
          ...(f.place === undefined ? {} : { place: { name: f.place.name, placeId: f.place.placeId } }),
          openedAt: f.doc.publishedAt,
          now,
        }),
      );
    }
    return (await this.deps.appeals.createMissing([...appeals.values()])).length;
  }
}

/** Posts of the emergency alerts (latest version of each) that explain a topic's rise. */
function explainedPosts(searched: readonly AlertDocument[], fresh: readonly AlertDocument[]): number {
  const byId = new Map<string, AlertDocument>();
  for (const a of [...searched, ...fresh]) byId.set(a.id, a);
  let n = 0;
  for (const a of byId.values()) n += a.postCount;
  return n;
}

function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  let bestCount = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

function countSources(
  posts: readonly PostFacts[],
): { platform: string; channel: string; kind: string; count: number }[] {
  const out = new Map<string, { platform: string; channel: string; kind: string; count: number }>();
  for (const p of posts) {
    const key = channelKey(p.doc.platform, p.doc.channel);
    const entry = out.get(key) ?? {
      platform: p.doc.platform,
      channel: p.doc.channel,
      kind: p.source.kind,
      count: 0,
    };
    entry.count++;
    out.set(key, entry);
  }
  return [...out.values()].sort((a, b) => b.count - a.count).slice(0, 20);
}

const evidenceSchema = z.object({
  postId: z.string(),
  publishedAt: z.string(),
  platform: z.string(),
  channel: z.string(),
  sourceKind: z.string(),
  excerpt: z.string(),
});

/** Evidence records the bursts repository kept (written by {@link evidenceOf}). */
function parseEvidence(raw: string): EvidencePost[] {
  try {
    const parsed = evidenceSchema.safeParse(JSON.parse(raw));
    return parsed.success ? [parsed.data] : [];
  } catch {
    // A record another version wrote in another shape: evidence is best effort.
    return [];
  }
}
