import type { Platform } from '../../src/domain/post';
import { inPlace, PLACES, REGIONS, type Place, type Region } from './places';
import { Rng } from './prng';
import { FEMALE_NAMES, MALE_NAMES, NICK_PARTS, SURNAMES, feminineSurname } from './vocab';

/**
 * Who publishes: official госпаблики, registered media, anonymous channels, community groups, residents,
 * and the coordinated accounts of fake campaigns. `kind` is the credibility label the detectors are
 * evaluated against; it is written to `sources.jsonl`, never into the posts.
 */
export type SourceKind = 'official' | 'media' | 'anonymous' | 'community' | 'resident' | 'coordinated';

export interface Source {
  readonly kind: SourceKind;
  readonly platform: Platform;
  /** `@handle` on Telegram, the owner id on VK (negative for groups), the feed URL for RSS. */
  readonly channel: string;
  readonly channelTitle: string;
  /** Set for people posting in a group or on their own wall. */
  readonly author?: string;
  /** Telegram handle without `@`, or the site's domain for RSS; used to build post URLs. */
  readonly handle: string;
  readonly place: Place | null;
  readonly region: Region;
  /** When the account appeared: long ago for established sources, days before for campaign accounts. */
  readonly createdAt: string;
}

/** The established sources of one place, built once per run. */
export interface PlaceSources {
  readonly place: Place;
  readonly officials: readonly Source[];
  readonly media: readonly Source[];
  readonly anonymous: readonly Source[];
  /** VK groups and Telegram chats where residents post. */
  readonly community: readonly Source[];
  readonly communityVk: readonly Source[];
  readonly chat: Source;
}

export interface SourceBook {
  readonly byPlace: ReadonlyMap<string, PlaceSources>;
  readonly regional: ReadonlyMap<string, { officials: readonly Source[]; media: readonly Source[] }>;
  /** Every named source, for `sources.jsonl`. */
  readonly all: readonly Source[];
}

const ESTABLISHED = '2016-01-01T00:00:00+03:00';

/** Deterministic 9-digit VK group ids derived from a name, so every run names the same groups. */
function groupId(seed: string, name: string): string {
  const rng = Rng.derive(seed, 'group', name);
  return `-${rng.int(10_000_000, 229_999_999)}`;
}

function adminTitle(place: Place): string {
  return place.kind === 'city'
    ? `Администрация города ${place.forms.gen}`
    : `Администрация ${place.forms.gen}`;
}

/** «Типичный Муром» reads right only for masculine city names; others get «Будни Тулы». */
function typicalTitle(place: Place): string {
  return place.kind === 'city' && /[^аяоеиыь]$|ль$/.test(place.name)
    ? `Типичный ${place.name}`
    : `Будни ${place.forms.gen}`;
}

/** Builds the established sources of every place and region; deterministic in the seed. */
export function buildSourceBook(seed: string): SourceBook {
  const all: Source[] = [];
  const add = (s: Source): Source => {
    all.push(s);
    return s;
  };
  const regional = new Map<string, { officials: Source[]; media: Source[] }>();
  for (const r of REGIONS) {
    const base = { place: null, region: r, createdAt: ESTABLISHED } as const;
    regional.set(r.slug, {
      officials: [
        add({
          ...base,
          kind: 'official',
          platform: 'telegram',
          channel: `@${r.slug}_gov`,
          channelTitle: `Правительство ${r.forms.gen}`,
          handle: `${r.slug}_gov`,
        }),
        add({
          ...base,
          kind: 'official',
          platform: 'vk',
          channel: groupId(seed, `cur ${r.slug}`),
          channelTitle: `ЦУР ${r.forms.gen}`,
          handle: '',
        }),
      ],
      media: [
        add({
          ...base,
          kind: 'media',
          platform: 'rss',
          channel: `https://${r.slug}-vesti.ru/rss`,
          channelTitle: `Вести ${r.forms.gen}`,
          handle: `${r.slug}-vesti.ru`,
        }),
        add({
          ...base,
          kind: 'media',
          platform: 'telegram',
          channel: `@${r.slug}_news`,
          channelTitle: `Новости ${r.forms.gen}`,
          handle: `${r.slug}_news`,
        }),
      ],
    });
  }
  const byPlace = new Map<string, PlaceSources>();
  for (const p of PLACES) {
    const base = { place: p, region: p.region, createdAt: ESTABLISHED } as const;
    const s = p.slug;
    const officials = [
      add({
        ...base,
        kind: 'official',
        platform: 'vk',
        channel: groupId(seed, `adm ${p.id}`),
        channelTitle: adminTitle(p),
        handle: '',
      }),
      add({
        ...base,
        kind: 'official',
        platform: 'telegram',
        channel: `@${s}_adm`,
        channelTitle: adminTitle(p),
        handle: `${s}_adm`,
      }),
    ];
    const media = [
      add({
        ...base,
        kind: 'media',
        platform: 'rss',
        channel: `https://${s}-news.ru/rss`,
        channelTitle: `Новости ${p.forms.gen}`,
        handle: `${s}-news.ru`,
      }),
      add({
        ...base,
        kind: 'media',
        platform: 'telegram',
        channel: `@${s}_segodnya`,
        channelTitle: `${p.name} сегодня`,
        handle: `${s}_segodnya`,
      }),
    ];
    const anonymous = [
      add({
        ...base,
        kind: 'anonymous',
        platform: 'telegram',
        channel: `@insider_${s}`,
        channelTitle: `${p.name} | Инсайд`,
        handle: `insider_${s}`,
      }),
      add({
        ...base,
        kind: 'anonymous',
        platform: 'telegram',
        channel: `@typical_${s}`,
        channelTitle: typicalTitle(p),
        handle: `typical_${s}`,
      }),
    ];
    const community = [
      add({
        ...base,
        kind: 'community',
        platform: 'vk',
        channel: groupId(seed, `podslushano ${p.id}`),
        channelTitle: `Подслушано ${inPlace(p)}`,
        handle: '',
      }),
      add({
        ...base,
        kind: 'community',
        platform: 'vk',
        channel: groupId(seed, `zhiteli ${p.id}`),
        channelTitle: `Жители ${p.forms.gen}`,
        handle: '',
      }),
      add({
        ...base,
        kind: 'community',
        platform: 'telegram',
        channel: `@${s}_chat`,
        channelTitle: `${p.name} — чат жителей`,
        handle: `${s}_chat`,
      }),
    ];
    const [podslushano, zhiteli, chat] = community;
    if (podslushano === undefined || zhiteli === undefined || chat === undefined)
      throw new Error('community sources');
    byPlace.set(p.id, {
      place: p,
      officials,
      media,
      anonymous,
      community,
      communityVk: [podslushano, zhiteli],
      chat,
    });
  }
  return { byPlace, regional, all };
}

/** A person: name for VK, handle for Telegram chats; deterministic in (seed, place, index). */
export interface Person {
  readonly name: string;
  readonly nick: string;
  readonly vkId: string;
}

export function person(seed: string, placeId: string, index: number): Person {
  const rng = Rng.derive(seed, 'person', placeId, index);
  const female = rng.chance(0.55);
  const first = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
  const surname = rng.pick(SURNAMES);
  const name = `${first} ${female ? feminineSurname(surname) : surname}`;
  const nick = `${rng.pick(NICK_PARTS)}_${rng.pick(NICK_PARTS)}${rng.int(1, 999)}`;
  return { name, nick, vkId: String(rng.int(1_000_000, 699_999_999)) };
}

/** A resident posting where residents post: a community group, their own wall, or a Telegram chat. */
export function residentSource(rng: Rng, sources: PlaceSources, who: Person): Source {
  const { place } = sources;
  // Built field by field rather than spread from a base: this runs for half of all posts.
  const r = rng.next();
  let platform: Platform = 'vk';
  let channel = who.vkId;
  let channelTitle = who.name;
  let author = who.name;
  let handle = '';
  if (r < 0.45) {
    const group = rng.pick(sources.communityVk);
    channel = group.channel;
    channelTitle = group.channelTitle;
  } else if (r >= 0.8) {
    platform = 'telegram';
    channel = sources.chat.channel;
    channelTitle = sources.chat.channelTitle;
    author = `@${who.nick}`;
    handle = sources.chat.handle;
  }
  return {
    kind: 'resident',
    platform,
    channel,
    channelTitle,
    author,
    handle,
    place,
    region: place.region,
    createdAt: ESTABLISHED,
  };
}

const COORDINATED_TITLES = [
  'Новости {code}',
  'Правда {gen}',
  '{nom} Live',
  'Народные новости {code}',
  'Свежие новости {rgen}',
  '{nom} без цензуры',
  'Что скрывают в {loc}',
  'Открытый {nom}',
];

/**
 * The accounts of one fake campaign: fresh Telegram channels with generic names and fresh VK profiles,
 * all created a few days before the campaign.
 */
export function coordinatedAccounts(
  seed: string,
  campaignId: string,
  place: Place,
  count: number,
  createdAt: string,
): Source[] {
  const rng = Rng.derive(seed, 'coordinated', campaignId);
  const out: Source[] = [];
  for (let i = 0; i < count; i++) {
    const base = { kind: 'coordinated', place, region: place.region, createdAt } as const;
    if (rng.chance(0.55)) {
      const handle = `${rng.pick(NICK_PARTS)}_news_${place.region.code}_${rng.int(100, 9999)}`;
      const title = rng
        .pick(COORDINATED_TITLES)
        .replace('{code}', place.region.code)
        .replace('{gen}', place.forms.gen)
        .replace('{nom}', place.name)
        .replace('{loc}', place.forms.loc)
        .replace('{rgen}', place.region.forms.gen);
      out.push({ ...base, platform: 'telegram', channel: `@${handle}`, channelTitle: title, handle });
    } else {
      const who = person(seed, `coordinated/${campaignId}`, i);
      // New VK profiles have the highest ids: that is what "a fresh account" looks like from outside.
      const id = String(rng.int(870_000_000, 899_999_999));
      out.push({
        ...base,
        platform: 'vk',
        channel: id,
        channelTitle: who.name,
        author: who.name,
        handle: '',
      });
    }
  }
  return out;
}
