import type { AlertSignal, EvidencePost, Severity } from '../alerts/alert';
import type { Detection } from '../alerts/detection';
import { SOURCE_KIND_NAMES, type KnownFake, type SourceKind } from '../alerts/registry';
import { DETECTORS } from './detectors.config';
import { plural } from './magnitude';

/**
 * The fake detector: combines what is known about a story into a calibrated probability that it is a
 * fake campaign, with a Russian sentence per reason. Pure: the stage gathers the inputs.
 */

/** What the stage knows about one source. */
export interface SourceView {
  kind: SourceKind;
  credibility: number;
  registered: boolean;
  /** First seen by Dozor (or created, per the registry) within `sources.newWithinMs`. */
  isNew: boolean;
}

/** A member of a story, as the story record lists it. */
export interface StoryMemberView {
  postId: string;
  publishedAt: string;
  platform: string;
  channel: string;
}

/** What the fake detector reads about one story. */
export interface FakeInput {
  storyId: string;
  title: string;
  representativeText: string;
  firstSeenAt: string;
  size: number;
  members: readonly StoryMemberView[];
  patientZero: StoryMemberView;
  /** Texts of the story's posts in this batch (copies), for stylistic markers. */
  texts: readonly string[];
  /** Fake-likeness head probabilities of this batch's posts of the story. */
  headScores: readonly number[];
  source: (platform: string, channel: string) => SourceView;
  knownFake?: RegistryMatch;
  refutation?: RegistryMatch;
  /** Place of the story (for the alert's subject fields). */
  place?: { placeId: string; name: string; region: string };
  topic?: string;
  vector?: number[];
  modelVersion?: string;
}

/** A registry entry a story matched, and how. */
export interface RegistryMatch {
  entry: Pick<KnownFake, 'id' | 'title' | 'confirmedAt' | 'kind' | 'url' | 'sourceChannel'>;
  similarity: number;
  via: 'semantic' | 'lexical' | 'place-topic';
}

/** Features in 0..1, with the raw figures their sentences quote. */
export interface FakeFeatures {
  coordination: number;
  style: number;
  head: number;
  lowCredibility: number;
  speed: number;
  knownFake: number;
  refuted: number;
  officialShare: number;
  figures: {
    windowSources: number;
    windowSuspects: number;
    windowNew: number;
    windowMinutes: number;
    markers: string[];
    capsPosts: number;
    exclamationPosts: number;
    firstHourPosts: number;
    /** Distinct channels among the first hour's posts (the speed signal states both). */
    firstHourSources: number;
    meanCredibility: number;
    officialPosts: number;
    distinctSources: number;
  };
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
const sourceKey = (m: { platform: string; channel: string }): string => `${m.platform}\u0000${m.channel}`;

/** Stylistic marker points of one text: marker patterns, capitals and runs of exclamation marks. */
export function styleOf(text: string): {
  points: number;
  markers: string[];
  caps: boolean;
  exclamations: boolean;
} {
  const config = DETECTORS.fake;
  const markers: string[] = [];
  let points = 0;
  for (const marker of config.markers) {
    if (marker.pattern.test(text)) {
      points += marker.points;
      markers.push(marker.name);
    }
  }
  const words = text.match(/\p{L}{4,}/gu) ?? [];
  const capitals = words.filter((w) => w === w.toUpperCase() && w !== w.toLowerCase()).length;
  const capsShare = words.length === 0 ? 0 : capitals / words.length;
  const caps = capsShare >= config.capsShare;
  if (caps) points += capsShare >= 2 * config.capsShare ? 2 : 1;
  const runs = text.match(new RegExp(`!{${config.exclamationRun},}|‼`, 'gu')) ?? [];
  const exclamations = runs.length >= 2;
  if (exclamations) points += 1;
  return { points, markers, caps, exclamations };
}

/**
 * The busiest window of the story: the most distinct suspect (unregistered, anonymous or new) sources
 * within `coordinationWindowMs`, found with two pointers over the members in time order.
 */
function busiestWindow(
  members: readonly StoryMemberView[],
  source: FakeInput['source'],
): { sources: number; suspects: number; fresh: number; minutes: number } {
  const windowMs = DETECTORS.fake.coordinationWindowMs;
  const sorted = members
    .map((m) => ({ key: sourceKey(m), at: Date.parse(m.publishedAt), m }))
    .sort((a, b) => a.at - b.at);
  const kinds = new Map<string, { suspect: boolean; fresh: boolean }>();
  const kindOf = (key: string, m: StoryMemberView): { suspect: boolean; fresh: boolean } => {
    let known = kinds.get(key);
    if (known === undefined) {
      const view = source(m.platform, m.channel);
      known = { suspect: !view.registered || view.kind === 'anonymous' || view.isNew, fresh: view.isNew };
      kinds.set(key, known);
    }
    return known;
  };
  const inWindow = new Map<string, number>();
  const current = { sources: 0, suspects: 0, fresh: 0 };
  const step = (key: string, m: StoryMemberView, delta: 1 | -1): void => {
    const before = inWindow.get(key) ?? 0;
    const after = before + delta;
    inWindow.set(key, after);
    if ((before === 0) === (after === 0)) return;
    const kind = kindOf(key, m);
    current.sources += delta;
    if (kind.suspect) current.suspects += delta;
    if (kind.fresh) current.fresh += delta;
  };
  let best = { sources: 0, suspects: 0, fresh: 0, minutes: 0 };
  let start = 0;
  for (const [end, item] of sorted.entries()) {
    step(item.key, item.m, 1);
    for (
      let first = sorted[start];
      first !== undefined && item.at - first.at > windowMs;
      first = sorted[start]
    ) {
      step(first.key, first.m, -1);
      start++;
    }
    if (current.suspects > best.suspects) {
      const first = sorted[start]?.at ?? item.at;
      best = {
        ...current,
        minutes: Math.max(1, Math.round((sorted[end]?.at ?? item.at) / 60_000 - first / 60_000)),
      };
    }
  }
  return best;
}

export function fakeFeatures(input: FakeInput): FakeFeatures {
  const config = DETECTORS.fake;
  const window = busiestWindow(input.members, input.source);
  const coordination =
    window.suspects < config.coordinationMinSources
      ? 0
      : clamp01(
          (window.suspects - config.coordinationMinSources + 1) /
            (config.coordinationSaturation - config.coordinationMinSources + 1),
        ) * (window.sources === 0 ? 0 : window.suspects / window.sources);

  const texts = [input.representativeText, ...input.texts].filter((t) => t.trim() !== '');
  const styles = texts.map(styleOf);
  const style =
    styles.length === 0
      ? 0
      : styles.reduce((sum, s) => sum + clamp01(s.points / config.styleSaturation), 0) / styles.length;
  const markers = [...new Set(styles.flatMap((s) => s.markers))];

  const head =
    input.headScores.length === 0 ? 0 : input.headScores.reduce((a, b) => a + b, 0) / input.headScores.length;

  const distinct = new Map<string, StoryMemberView>();
  for (const m of input.members) distinct.set(sourceKey(m), m);
  const views = [...distinct.values()].map((m) => input.source(m.platform, m.channel));
  const meanCredibility =
    views.length === 0
      ? DETECTORS.sources.credibility.unknown
      : views.reduce((s, v) => s + v.credibility, 0) / views.length;
  const officialPosts = input.members.filter((m) => {
    const kind = input.source(m.platform, m.channel).kind;
    return kind === 'official' || kind === 'media';
  }).length;

  const first = Date.parse(input.firstSeenAt);
  const firstHour = input.members.filter((m) => Date.parse(m.publishedAt) - first <= 3_600_000);
  const firstHourPosts = firstHour.length;

  return {
    coordination,
    style,
    head,
    lowCredibility: 1 - meanCredibility,
    speed: clamp01(firstHourPosts / config.speedSaturation),
    knownFake: input.knownFake === undefined ? 0 : 1,
    refuted: input.refutation === undefined ? 0 : 1,
    officialShare: input.members.length === 0 ? 0 : officialPosts / input.members.length,
    figures: {
      windowSources: window.sources,
      windowSuspects: window.suspects,
      windowNew: window.fresh,
      windowMinutes: window.minutes,
      markers,
      capsPosts: styles.filter((s) => s.caps).length,
      exclamationPosts: styles.filter((s) => s.exclamations).length,
      firstHourPosts,
      firstHourSources: new Set(firstHour.map(sourceKey)).size,
      meanCredibility,
      officialPosts,
      distinctSources: distinct.size,
    },
  };
}

/** The calibrated probability and each feature's contribution in log-odds. */
export function scoreFake(features: FakeFeatures): { score: number; contributions: Record<string, number> } {
  const w = DETECTORS.fake.weights;
  const contributions: Record<string, number> = {
    coordination: w.coordination * features.coordination,
    style: w.style * features.style,
    head: w.head * features.head,
    lowCredibility: w.lowCredibility * features.lowCredibility,
    speed: w.speed * features.speed,
    knownFake: w.knownFake * features.knownFake,
    refuted: w.refuted * features.refuted,
    officialShare: w.officialShare * features.officialShare,
  };
  const logit = w.bias + Object.values(contributions).reduce((a, b) => a + b, 0);
  return { score: 1 / (1 + Math.exp(-logit)), contributions };
}

const date = (iso: string): string => iso.slice(0, 10).split('-').reverse().join('.');

function signalsOf(input: FakeInput, f: FakeFeatures, contributions: Record<string, number>): AlertSignal[] {
  const signals: AlertSignal[] = [];
  const fig = f.figures;
  const weight = (code: string): number => Math.round((contributions[code] ?? 0) * 100) / 100;
  if (input.knownFake !== undefined) {
    const m = input.knownFake;
    signals.push({
      code: 'known_fake',
      text: `Совпадает с известным фейком «${m.entry.title}», подтверждённым ${date(m.entry.confirmedAt)} (сходство ${m.similarity.toFixed(2)}, ${m.via === 'semantic' ? 'по смыслу' : 'по словам'}).`,
      values: { entryId: m.entry.id, similarity: Math.round(m.similarity * 1000) / 1000, via: m.via },
      weight: weight('knownFake'),
    });
  }
  if (input.refutation !== undefined) {
    const m = input.refutation;
    signals.push({
      code: 'refuted',
      text: `Противоречит официальному опровержению «${m.entry.title}» от ${date(m.entry.confirmedAt)}${m.entry.sourceChannel === undefined ? '' : ` (${m.entry.sourceChannel})`}.`,
      values: { entryId: m.entry.id, similarity: Math.round(m.similarity * 1000) / 1000, via: m.via },
      weight: weight('refuted'),
    });
  }
  if (f.coordination > 0) {
    const fresh =
      fig.windowNew > 0
        ? `, из них ${fig.windowNew} ${plural(fig.windowNew, 'новый аккаунт', 'новых аккаунта', 'новых аккаунтов')}`
        : '';
    signals.push({
      code: 'coordination',
      text: `Почти одинаковый текст за ${fig.windowMinutes} мин опубликовали ${fig.windowSuspects} ${plural(fig.windowSuspects, 'незарегистрированный или анонимный источник', 'незарегистрированных или анонимных источника', 'незарегистрированных или анонимных источников')}${fresh}.`,
      values: {
        suspects: fig.windowSuspects,
        sources: fig.windowSources,
        newAccounts: fig.windowNew,
        minutes: fig.windowMinutes,
      },
      weight: weight('coordination'),
    });
  }
  if (fig.markers.length > 0 || fig.capsPosts > 0 || fig.exclamationPosts > 0) {
    const parts = [...fig.markers];
    if (fig.capsPosts > 0) parts.push('слова заглавными буквами');
    if (fig.exclamationPosts > 0) parts.push('«!!!»');
    signals.push({
      code: 'style',
      text: `Манипулятивный стиль: ${parts.join(', ')}.`,
      values: {
        markers: fig.markers.join(', '),
        capsPosts: fig.capsPosts,
        exclamationPosts: fig.exclamationPosts,
      },
      weight: weight('style'),
    });
  }
  if (f.head >= 0.5) {
    signals.push({
      code: 'fake_head',
      text: `Модель похожести на фейк оценивает текст в ${Math.round(f.head * 100)}%.`,
      values: { probability: Math.round(f.head * 1000) / 1000 },
      weight: weight('head'),
    });
  }
  const pz = input.source(input.patientZero.platform, input.patientZero.channel);
  signals.push({
    code: 'credibility',
    text: `Первоисточник — ${SOURCE_KIND_NAMES[pz.kind]} (${input.patientZero.channel}); средняя достоверность источников ${fig.meanCredibility.toFixed(2)}.`,
    values: { patientZeroKind: pz.kind, meanCredibility: Math.round(fig.meanCredibility * 100) / 100 },
    weight: weight('lowCredibility'),
  });
  if (fig.firstHourPosts >= 5) {
    signals.push({
      code: 'speed',
      text: `За первый час — ${fig.firstHourPosts} ${plural(fig.firstHourPosts, 'публикация', 'публикации', 'публикаций')} в ${fig.firstHourSources} ${plural(fig.firstHourSources, 'источнике', 'источниках', 'источниках')}.`,
      values: { firstHourPosts: fig.firstHourPosts, sources: fig.firstHourSources },
      weight: weight('speed'),
    });
  }
  if (fig.officialPosts > 0) {
    signals.push({
      code: 'official_share',
      text: `${fig.officialPosts} ${plural(fig.officialPosts, 'публикация', 'публикации', 'публикаций')} из ${input.members.length} — официальные источники и СМИ.`,
      values: { officialPosts: fig.officialPosts, posts: input.members.length },
      weight: weight('officialShare'),
    });
  }
  return signals;
}

function severityOf(input: FakeInput, f: FakeFeatures): Severity {
  const config = DETECTORS.fake.severity;
  const registry = input.knownFake !== undefined || input.refutation !== undefined;
  const sources = f.figures.distinctSources;
  if (registry && sources >= config.criticalSources) return 'critical';
  if (registry || sources >= config.highSources) return 'high';
  return 'medium';
}

/**
 * A fake alert for the story, or undefined when the score stays below `fake.alertAt` (or the story is
 * too small without a registry match). `evidence` is built by the caller.
 */
export function detectFake(
  input: FakeInput,
  evidence: { firstPost: EvidencePost; posts: EvidencePost[]; sources: Detection['evidence']['sources'] },
): Detection | undefined {
  const config = DETECTORS.fake;
  const registry = input.knownFake !== undefined || input.refutation !== undefined;
  if (input.size < config.minStorySize && input.knownFake === undefined) return undefined;
  const features = fakeFeatures(input);
  const { score, contributions } = scoreFake(features);
  if (score < config.alertAt) return undefined;
  const severity = severityOf(input, features);
  const signals = signalsOf(input, features, contributions).sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
  const lead = signals[0]?.text ?? '';
  const where = input.place === undefined ? '' : ` (${input.place.name})`;
  return {
    type: 'fake',
    subject: { kind: 'story', storyId: input.storyId },
    storyId: input.storyId,
    title: `Вероятный фейк${where}: ${input.title}`,
    summary: `Вероятность фейка ${Math.round(score * 100)}%${registry ? ', есть совпадение с реестром' : ''}. ${lead}`,
    severity,
    score: Math.round(score * 1000) / 1000,
    signals,
    evidence: {
      ...evidence,
      text: input.representativeText,
      ...(input.vector === undefined ? {} : { vector: input.vector }),
      ...(input.modelVersion === undefined ? {} : { modelVersion: input.modelVersion }),
    },
    postCount: input.size,
    sourceCount: features.figures.distinctSources,
    firstPostAt: input.firstSeenAt,
    ...(input.place === undefined
      ? {}
      : { place: input.place.name, placeId: input.place.placeId, region: input.place.region }),
    ...(input.topic === undefined ? {} : { topic: input.topic }),
    detector: {
      name: 'fake',
      version: DETECTORS.version,
      ...(input.modelVersion === undefined ? {} : { modelVersion: input.modelVersion }),
    },
  };
}
