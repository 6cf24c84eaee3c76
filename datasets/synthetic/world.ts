import { lightEdit, repostText } from './edits';
import type { Place } from './places';
import type { Rng } from './prng';
import type { Draft, Label, Schedule } from './schedule';
import { person, residentSource, type PlaceSources, type Source, type SourceBook } from './sources';
import type { CopyType } from './truth';

/** What every part of the generator shares during one run. */
export interface World {
  readonly seed: string;
  readonly book: SourceBook;
  readonly schedule: Schedule;
  /**
   * How much incidents grow over the demo's: the square root of the volume ratio, so a burst still stands
   * out against a busier background without dwarfing it.
   */
  readonly scale: number;
  /** Campaign accounts created during the run, for `sources.jsonl`. */
  readonly coordinated: Source[];
}

export function sourcesOf(world: World, place: Place): PlaceSources {
  const s = world.book.byPlace.get(place.id);
  if (s === undefined) throw new Error(`no sources for ${place.id}`);
  return s;
}

export function regionalOf(
  world: World,
  place: Place,
): { officials: readonly Source[]; media: readonly Source[] } {
  const r = world.book.regional.get(place.region.slug);
  if (r === undefined) throw new Error(`no regional sources for ${place.region.slug}`);
  return r;
}

/** A resident of the place; the pool grows with population so large cities have more distinct voices. */
export function resident(rng: Rng, world: World, place: Place): Source {
  const pool = Math.max(200, Math.round((place.population / 40) * Math.max(1, Math.sqrt(world.scale))));
  return residentSource(rng, sourcesOf(world, place), person(world.seed, place.id, rng.int(0, pool - 1)));
}

/** A resident reposting to their own VK wall. */
function residentWall(rng: Rng, world: World, place: Place): Source {
  const who = person(world.seed, place.id, rng.int(0, Math.max(200, Math.round(place.population / 40)) - 1));
  return {
    kind: 'resident',
    platform: 'vk',
    channel: who.vkId,
    channelTitle: who.name,
    author: who.name,
    handle: '',
    place,
    region: place.region,
    createdAt: '2016-01-01T00:00:00+03:00',
  };
}

/** Who reposts: channels and groups of the place and region, and residents on their walls. */
export function reposter(rng: Rng, world: World, place: Place): Source {
  const s = sourcesOf(world, place);
  const r = rng.next();
  if (r < 0.3) return rng.pick(s.anonymous);
  if (r < 0.5) return rng.pick(s.community);
  // RSS feeds do not repost: only the Telegram side of a newsroom forwards.
  if (r < 0.65) return rng.pick(s.media.filter((m) => m.platform === 'telegram'));
  if (r < 0.75) return rng.pick(regionalOf(world, place).media.filter((m) => m.platform === 'telegram'));
  return residentWall(rng, world, place);
}

/** Who rewrites a text in their own words: the media of the place and of the region. */
export function rewriter(rng: Rng, world: World, place: Place): Source {
  return rng.chance(0.6) ? rng.pick(sourcesOf(world, place).media) : rng.pick(regionalOf(world, place).media);
}

/** Who posts a lightly edited copy: channels and groups (they add emoji, hashtags, a sentence). */
function editor(rng: Rng, world: World, place: Place): Source {
  const s = sourcesOf(world, place);
  return rng.chance(0.5)
    ? rng.pick(s.anonymous)
    : rng.chance(0.5)
      ? rng.pick(s.community)
      : rng.pick(s.media);
}

export interface SpreadOptions {
  /** How many copies. */
  readonly count: number;
  /** Relative weights of repost, edit and paraphrase. */
  readonly mix: readonly [repost: number, edit: number, paraphrase: number];
  /** Mean delay after the original, in seconds (exponential, at least a minute). */
  readonly meanDelay: number;
  /** Renders the same facts in other words; without it paraphrases become edits. */
  readonly paraphrase?: (rng: Rng) => string;
  /** Who posts each kind of copy; defaults to the place's channels. */
  readonly reposter?: (rng: Rng) => Source;
  readonly rewriter?: (rng: Rng) => Source;
}

/** Schedules the copies of an original: reposts, light edits and paraphrases, later in time. */
export function spread(rng: Rng, world: World, original: Draft, place: Place, opts: SpreadOptions): void {
  const tag = `#${place.name.replace(/[\s-]+/g, '_')}`;
  for (let i = 0; i < opts.count; i++) {
    let type: CopyType = (['repost', 'edit', 'paraphrase'] as const)[rng.weightedIndex(opts.mix)] ?? 'repost';
    if (type === 'paraphrase' && opts.paraphrase === undefined) type = 'edit';
    const t = original.t + 60 + Math.min(rng.exponential(opts.meanDelay), 86400);
    const label: Label = { ...original.label, copyType: type };
    const from = original.source.channelTitle;
    switch (type) {
      case 'repost': {
        const source = opts.reposter?.(rng) ?? reposter(rng, world, place);
        world.schedule.add({
          t,
          source,
          text: repostText(rng, original.text, from),
          forwardedFrom: from,
          label,
        });
        break;
      }
      case 'edit': {
        const source = editor(rng, world, place);
        const text = lightEdit(rng, original.text, tag);
        world.schedule.add(
          rng.chance(0.3) ? { t, source, text, forwardedFrom: from, label } : { t, source, text, label },
        );
        break;
      }
      case 'paraphrase': {
        const source = opts.rewriter?.(rng) ?? rewriter(rng, world, place);
        world.schedule.add({ t, source, text: opts.paraphrase?.(rng) ?? original.text, label });
        break;
      }
    }
  }
}

/** Places weighted by how much is written about them (sub-linear in population). */
export function placeWeights(places: readonly Place[]): number[] {
  return places.map((p) => Math.pow(p.population, 0.7));
}
