import type { SourceKind } from '../alerts/registry';
import { detectFake, fakeFeatures, scoreFake, styleOf, type FakeInput, type SourceView } from './fake';

const T0 = Date.parse('2025-02-04T07:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const views: Record<string, SourceView> = {};
const view = (kind: SourceKind, isNew = false): SourceView => ({
  kind,
  credibility: { official: 0.95, media: 0.8, community: 0.5, anonymous: 0.25, unknown: 0.3 }[kind],
  registered: kind !== 'unknown',
  isNew,
});
const source = (_platform: string, channel: string): SourceView => views[channel] ?? view('unknown');

const evidence = {
  firstPost: {
    postId: 'p0',
    publishedAt: at(0),
    platform: 'telegram',
    channel: '@insider',
    sourceKind: 'anonymous',
    excerpt: '',
  },
  posts: [],
  sources: [],
};

const CLAIM =
  'СРОЧНО!!! В Муроме отравлена вода в водопроводе! Инсайдер из водоканала сообщает: уже 12 человек в больнице. Власти скрывают! Перешлите всем!';
const NEWS = 'В Муроме завершили ремонт моста через Оку, движение открыто по всем полосам.';

function story(
  members: { channel: string; minute: number }[],
  text: string,
  extra: Partial<FakeInput> = {},
): FakeInput {
  const list = members.map((m, i) => ({
    postId: `p${i}`,
    publishedAt: at(m.minute),
    platform: 'telegram',
    channel: m.channel,
  }));
  const first = list[0] ?? { postId: 'p0', publishedAt: at(0), platform: 'telegram', channel: '@x' };
  return {
    storyId: 's1',
    title: text.slice(0, 60),
    representativeText: text,
    firstSeenAt: first.publishedAt,
    size: list.length,
    members: list,
    patientZero: first,
    texts: [text],
    headScores: [],
    source,
    ...extra,
  };
}

describe('fake detector', () => {
  beforeAll(() => {
    views['@insider'] = view('anonymous');
    for (let i = 0; i < 20; i++) views[`@fresh_${i}`] = view('unknown', true);
    views['@murom_adm'] = view('official');
    views['@murom_news'] = view('media');
    views['@oblast_news'] = view('media');
    views['@typical'] = view('anonymous');
    views['@chat'] = view('community');
  });

  it('raises a coordinated campaign: 14 fresh accounts push the same text within 40 minutes', () => {
    const campaign = story(
      [
        { channel: '@insider', minute: 0 },
        ...Array.from({ length: 14 }, (_, i) => ({ channel: `@fresh_${i}`, minute: 3 + i * 3 })),
      ],
      CLAIM,
    );
    const f = fakeFeatures(campaign);
    expect(f.figures.windowSuspects).toBe(15);
    expect(f.figures.windowNew).toBe(14);
    expect(f.coordination).toBeCloseTo(1, 5);
    const d = detectFake(campaign, evidence);
    expect(d?.type).toBe('fake');
    expect(d?.score).toBeGreaterThan(0.9);
    expect(d?.signals.map((s) => s.code)).toEqual(
      expect.arrayContaining(['coordination', 'style', 'credibility']),
    );
    expect(d?.signals.find((s) => s.code === 'coordination')?.text).toContain(
      '15 незарегистрированных или анонимных источников',
    );
  });

  it('states the first hour in its own numbers: posts and sources of that hour, not of the whole story', () => {
    const campaign = story(
      [
        { channel: '@insider', minute: 0 },
        ...Array.from({ length: 9 }, (_, i) => ({ channel: `@fresh_${i}`, minute: 5 + i * 5 })),
        // The same accounts again within the hour, and new ones a day later.
        { channel: '@fresh_0', minute: 55 },
        ...Array.from({ length: 6 }, (_, i) => ({ channel: `@fresh_${10 + i}`, minute: 1500 + i })),
      ],
      CLAIM,
    );
    const speed = detectFake(campaign, evidence)?.signals.find((s) => s.code === 'speed');
    expect(speed?.values).toEqual({ firstHourPosts: 11, sources: 10 });
    expect(speed?.text).toBe('За первый час — 11 публикаций в 10 источниках.');
  });

  it('does not raise ordinary news carried by officials, media and a few channels', () => {
    const news = story(
      [
        { channel: '@murom_news', minute: 0 },
        { channel: '@murom_adm', minute: 20 },
        { channel: '@oblast_news', minute: 35 },
        { channel: '@typical', minute: 50 },
        { channel: '@chat', minute: 80 },
        { channel: '@fresh_1', minute: 200 },
      ],
      NEWS,
    );
    expect(detectFake(news, evidence)).toBeUndefined();
    expect(scoreFake(fakeFeatures(news)).score).toBeLessThan(0.2);
  });

  it('raises even a lone copy of a known fake, and says which one', () => {
    const copy = story([{ channel: '@chat', minute: 0 }], CLAIM, {
      knownFake: {
        entry: {
          id: 'kf1',
          kind: 'fake',
          title: 'Отравление воды в Муроме',
          confirmedAt: '2025-01-10T00:00:00Z',
        },
        similarity: 0.95,
        via: 'semantic',
      },
    });
    const d = detectFake(copy, evidence);
    expect(d?.severity).toBe('high');
    expect(d?.signals[0]?.text).toBe(
      'Совпадает с известным фейком «Отравление воды в Муроме», подтверждённым 10.01.2025 (сходство 0.95, по смыслу).',
    );
  });

  it('reads stylistic markers', () => {
    const s = styleOf(CLAIM);
    expect(s.markers).toEqual(expect.arrayContaining(['«срочно»', '«перешлите всем»', '«власти скрывают»']));
    expect(styleOf(NEWS).points).toBe(0);
  });
});
