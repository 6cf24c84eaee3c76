import { SlotContext, factSlots } from './context';
import { PLACES } from './places';
import { Weighted, type Rng } from './prng';
import type { Draft } from './schedule';
import type { Source } from './sources';
import { newsText, relay, residentComplaint } from './texts';
import { TOPICS, TOPIC_TEXTS, type NewsKind, type Topic } from './topics';
import { placeWeights, regionalOf, resident, sourcesOf, spread, type World } from './world';

const PLACE_TABLE = new Weighted(PLACES, placeWeights(PLACES));
const TOPIC_TABLE = new Weighted(
  TOPICS,
  TOPICS.map((t) => TOPIC_TEXTS[t].weight),
);

/** Copies per story: 1 + a geometric tail, capped, so most spread a little and a few spread widely. */
function copyCount(rng: Rng, cap: number, continueP: number): number {
  let n = 1;
  while (n < cap && rng.chance(continueP)) n++;
  return n;
}

/**
 * Fills one hour with `count` ordinary posts (originals plus the copies they start): residents'
 * complaints, channels relaying them, media and official news, planned-works notices. Copies land in
 * later hours; the count of an hour includes the copies its originals start.
 */
export function backgroundHour(rng: Rng, world: World, hourStart: number, count: number): void {
  let left = count;
  while (left > 0) {
    const place = PLACE_TABLE.pick(rng);
    const topic = TOPIC_TABLE.pick(rng);
    const t = hourStart + rng.int(0, 3599);
    let ctx = new SlotContext(rng, place, t);
    const label = {
      story: world.schedule.newStory(),
      copyType: 'original',
      topic,
      role: 'background',
      placeId: place.id,
      campaignId: null,
      emergency: null,
    } as const;
    const r = rng.next();
    let original: Draft;
    let copies = 0;
    let mix: [number, number, number] = [1, 1, 0];
    let paraphrase: ((rng: Rng) => string) | undefined;
    let meanDelay = 3 * 3600;
    if (r < 0.55) {
      original = world.schedule.add({
        t,
        source: resident(rng, world, place),
        text: residentComplaint(rng, topic, ctx),
        label,
      });
      if (rng.chance(0.06)) copies = copyCount(rng, 3, 0.3);
    } else if (r < 0.63) {
      const source = rng.pick(sourcesOf(world, place).anonymous);
      original = world.schedule.add({
        t,
        source,
        text: relay(rng, residentComplaint(rng, topic, ctx)),
        label,
      });
      if (rng.chance(0.2)) copies = copyCount(rng, 5, 0.4);
    } else {
      const official = r >= 0.83;
      const kind = pickNews(rng, topic, official);
      if (kind.facts !== undefined) ctx = ctx.extend(factSlots(rng, kind.facts));
      const wording = rng.int(0, kind.wordings.length - 1);
      const source = newsSource(rng, world, place, official);
      original = world.schedule.add({ t, source, text: newsText(rng, kind, wording, ctx), label });
      if (rng.chance(official ? 0.45 : 0.4)) copies = copyCount(rng, kind.notice === true ? 5 : 12, 0.6);
      mix = official ? [6, 3, 1] : [5, 3, 2];
      meanDelay = 2.5 * 3600;
      const storyCtx = ctx;
      if (kind.wordings.length > 1) {
        paraphrase = (prng) => {
          const other = (wording + prng.int(1, kind.wordings.length - 1)) % kind.wordings.length;
          return newsText(prng, kind, other, storyCtx);
        };
      }
    }
    copies = Math.min(copies, left - 1);
    if (copies > 0) {
      spread(rng, world, original, place, {
        count: copies,
        mix,
        meanDelay,
        ...(paraphrase === undefined ? {} : { paraphrase }),
      });
    }
    left -= 1 + copies;
  }
}

function pickNews(rng: Rng, topic: Topic, official: boolean): NewsKind {
  const kinds = TOPIC_TEXTS[topic].news.filter((k) => official || k.notice !== true);
  return rng.pick(kinds.length > 0 ? kinds : TOPIC_TEXTS[topic].news);
}

function newsSource(rng: Rng, world: World, place: (typeof PLACES)[number], official: boolean): Source {
  const regional = rng.chance(0.15);
  if (official)
    return rng.pick(regional ? regionalOf(world, place).officials : sourcesOf(world, place).officials);
  return rng.pick(regional ? regionalOf(world, place).media : sourcesOf(world, place).media);
}
