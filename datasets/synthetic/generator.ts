import { postId, type PostMetrics } from '../../src/domain/post';
import type { PostInput } from '../../src/domain/post-input';
import { backgroundHour } from './background';
import { plantCampaign, plantEmergency, randomPlans } from './incidents';
import { Rng } from './prng';
import { HOUR_WEIGHTS, allocateHours } from './rhythm';
import { isoMsk, mskClock } from './russian';
import { scenario, type ScenarioName, type ScenarioOverrides } from './scenarios';
import { Schedule, type Draft } from './schedule';
import { buildSourceBook, type Source } from './sources';
import type { Summary, TruthRecord } from './truth';
import type { World } from './world';

export interface GenerateOptions extends ScenarioOverrides {
  scenario: ScenarioName;
  seed: string;
}

/** One generated post in Dozor's input schema, with its ground truth. */
export interface Emitted {
  post: PostInput;
  truth: TruthRecord;
}

export interface GenerateResult {
  summary: Summary;
  /** Every named source (not individual residents) with its credibility kind. */
  sources: readonly Source[];
}

/** Posts per hour in the demo, the unit incidents are sized against. */
const DEMO_POSTS_PER_HOUR = 4000 / (7 * 24);

/**
 * Generates a scenario as a stream in publication order. Everything derives from the seed: the plan of
 * incidents from one sub-stream, each hour of background from its own, so the output is byte-identical
 * for the same seed and options and memory stays bounded by the hours still pending.
 */
export function* generate(options: GenerateOptions): Generator<Emitted, GenerateResult> {
  const sc = scenario(options.scenario, options);
  const start = Math.floor(Date.parse(sc.start) / 1000);
  if (!Number.isFinite(start)) throw new Error(`invalid start ${sc.start}`);
  const hours = sc.days * 24;
  const schedule = new Schedule(start, start + hours * 3600);
  const world: World = {
    seed: options.seed,
    book: buildSourceBook(options.seed),
    schedule,
    scale: Math.max(1, Math.sqrt(sc.posts / hours / DEMO_POSTS_PER_HOUR)),
    coordinated: [],
  };

  const planRng = Rng.derive(options.seed, sc.name, 'plan');
  const plans =
    typeof sc.campaigns === 'number' || typeof sc.emergencies === 'number'
      ? randomPlans(
          planRng,
          sc.days,
          typeof sc.campaigns === 'number' ? sc.campaigns : 0,
          typeof sc.emergencies === 'number' ? sc.emergencies : 0,
        )
      : { campaigns: [...sc.campaigns], emergencies: [...sc.emergencies] };
  const campaigns = plans.campaigns.map((p, i) =>
    plantCampaign(Rng.derive(options.seed, 'campaign', i), world, i, p),
  );
  const emergencies = plans.emergencies.map((p, i) =>
    plantEmergency(Rng.derive(options.seed, 'emergency', i), world, i, p),
  );

  const background = Math.max(0, sc.posts - schedule.pendingCount);
  const perHour = allocateHours(planRng, background, hours, (h) => {
    const { hour, weekday } = mskClock(start + h * 3600);
    return (HOUR_WEIGHTS[hour] ?? 1) * (sc.weekdayWeights[weekday] ?? 1);
  });

  const counts: Summary['counts'] = {
    byCopyType: {},
    byRole: {},
    byPlatform: {},
    bySourceKind: {},
    byTopic: {},
  };
  let emitted = 0;
  let withCopies = 0;
  let nextId = 1000;
  for (let h = 0; h < hours; h++) {
    const hourStart = start + h * 3600;
    backgroundHour(Rng.derive(options.seed, 'hour', h), world, hourStart, perHour[h] ?? 0);
    const emitRng = Rng.derive(options.seed, 'emit', h);
    const clock = new HourClock(hourStart);
    for (const draft of schedule.take(h)) {
      const out = emit(emitRng, draft, nextId++, clock);
      if (draft.label.copyType === 'original' && draft.label.story.copies > 0) withCopies++;
      emitted++;
      bump(counts.byCopyType, out.truth.copyType);
      bump(counts.byRole, out.truth.role);
      bump(counts.byPlatform, out.truth.platform);
      bump(counts.bySourceKind, out.truth.sourceKind);
      bump(counts.byTopic, out.truth.topic);
      yield out;
    }
  }

  return {
    summary: {
      scenario: sc.name,
      seed: options.seed,
      posts: emitted,
      start: isoMsk(start),
      end: isoMsk(start + hours * 3600),
      counts,
      stories: { total: schedule.storyCount, withCopies },
      campaigns,
      emergencies,
      expectedAlerts: { fake: campaigns.length, emergency: emergencies.length },
    },
    sources: [...world.book.all, ...world.coordinated],
  };
}

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** Gives a draft its external id, URL and metrics, and resolves its story's original post id. */
function emit(rng: Rng, draft: Draft, id: number, clock: HourClock): Emitted {
  const { source, label } = draft;
  const externalId = source.platform === 'rss' ? `news-${id}` : id;
  const pid = postId(source.platform, source.channel, String(externalId));
  if (label.copyType === 'original') label.story.rootPostId = pid;
  const metrics = metricsFor(rng, source);
  const post: PostInput = {
    platform: source.platform,
    channel: source.channel,
    channelTitle: source.channelTitle,
    ...(source.author === undefined ? {} : { author: source.author }),
    externalId,
    url: urlFor(source, id),
    text: draft.text,
    publishedAt: clock.iso(draft.t),
    ...(draft.forwardedFrom === undefined ? {} : { forwardedFrom: draft.forwardedFrom }),
    ...(metrics === undefined ? {} : { metrics }),
  };
  const truth: TruthRecord = {
    postId: pid,
    platform: source.platform,
    channel: source.channel,
    externalId: String(externalId),
    storyId: label.story.id,
    copyType: label.copyType,
    copyOf: label.copyType === 'original' ? null : label.story.rootPostId,
    topic: label.topic,
    role: label.role,
    sourceKind: source.kind,
    placeId: label.placeId,
    campaignId: label.campaignId,
    emergency: label.emergency,
  };
  return { post, truth };
}

/** ISO timestamps within one hour, formatted from a per-hour prefix (Date formatting per post is costly). */
class HourClock {
  private readonly prefix: string;

  constructor(private readonly hourStart: number) {
    this.prefix = isoMsk(hourStart).slice(0, 14);
  }

  iso(t: number): string {
    const s = t - this.hourStart;
    if (s < 0 || s >= 3600) return isoMsk(t);
    const mm = Math.floor(s / 60);
    const ss = s % 60;
    return `${this.prefix}${mm < 10 ? '0' : ''}${mm}:${ss < 10 ? '0' : ''}${ss}+03:00`;
  }
}

function urlFor(source: Source, id: number): string {
  switch (source.platform) {
    case 'telegram':
      return `https://t.me/${source.handle}/${id}`;
    case 'vk':
      return `https://vk.com/wall${source.channel}_${id}`;
    case 'rss':
      return `https://${source.handle}/news/${id}`;
    case 'file':
    case 'api':
      return `https://example.org/${id}`;
  }
}

/** Typical reach by kind of source: campaign accounts are fresh and barely read, which is itself a signal. */
const REACH: Readonly<Record<Source['kind'], number>> = {
  official: 6000,
  media: 8000,
  anonymous: 12000,
  community: 3000,
  resident: 150,
  coordinated: 60,
};

function metricsFor(rng: Rng, source: Source): PostMetrics | undefined {
  const typical = REACH[source.kind];
  const scale = Math.exp(rng.normal(0, 0.8));
  switch (source.platform) {
    case 'telegram':
      return { views: Math.round(typical * scale) };
    case 'vk': {
      const views = typical * scale;
      return {
        likes: Math.round(views * 0.02 * rng.next()),
        reposts: Math.round(views * 0.004 * rng.next()),
        comments: Math.round(views * 0.006 * rng.next()),
      };
    }
    case 'rss':
    case 'file':
    case 'api':
      return undefined;
  }
}
