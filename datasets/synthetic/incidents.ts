import { SlotContext, magnitudeSlots, manyFormAtLeast, manyFormNumber, withCapital } from './context';
import { campaignEdit } from './edits';
import {
  EMERGENCY_CATEGORIES,
  EMERGENCY_TEXTS,
  WITHOUT,
  type EmergencyCategory,
  type Magnitude,
} from './emergencies';
import { FAKE_NARRATIVES, type FakeNarrative } from './fakes';
import { PLACES, placeById, type Place } from './places';
import type { Rng } from './prng';
import { isoMsk } from './russian';
import type { PlannedCampaign, PlannedEmergency } from './scenarios';
import type { Draft, Label } from './schedule';
import { coordinatedAccounts } from './sources';
import {
  emergencyNews,
  emergencyOfficial,
  emergencyResident,
  fakeClaim,
  refutation,
  rumourQuestion,
} from './texts';
import type { CampaignSummary, EmergencyLabel, EmergencySummary } from './truth';
import { regionalOf, resident, reposter, rewriter, sourcesOf, spread, type World } from './world';

/**
 * Plants a fake campaign: an anonymous channel seeds the claim, coordinated fresh accounts push near
 * copies within minutes, other channels repost, residents ask whether it is true, and (if refuted) the
 * administration publishes a refutation that media repeat.
 */
export function plantCampaign(rng: Rng, world: World, index: number, plan: PlannedCampaign): CampaignSummary {
  const narrative = FAKE_NARRATIVES.find((n) => n.key === plan.narrative);
  if (narrative === undefined) throw new Error(`unknown narrative ${plan.narrative}`);
  const place = placeById(plan.placeId);
  const id = `fc-${index + 1}`;
  const t0 = world.schedule.start + plan.day * 86400 + plan.hour * 3600 + rng.int(0, 1800);
  const ctx = new SlotContext(rng, place, t0);
  const story = world.schedule.newStory();
  const label: Label = {
    story,
    copyType: 'original',
    topic: narrative.topic,
    role: 'fake',
    placeId: place.id,
    campaignId: id,
    emergency: null,
  };
  const seedSource = rng.pick(sourcesOf(world, place).anonymous);
  const seedText = fakeClaim(rng, narrative, 0, ctx);
  world.schedule.add({ t: t0, source: seedSource, text: seedText, label });
  let posts = 1;
  const tag = `#${place.name.replace(/[\s-]+/g, '_')}`;

  const burst = Math.round(rng.int(12, 25) * Math.min(3, Math.sqrt(world.scale)));
  const accounts = coordinatedAccounts(world.seed, id, place, burst, isoMsk(t0 - rng.int(1, 5) * 86400));
  world.coordinated.push(...accounts);
  for (const source of accounts) {
    const t = t0 + rng.int(60, 40 * 60);
    const r = rng.next();
    if (r < 0.55) {
      world.schedule.add({
        t,
        source,
        text: campaignEdit(rng, seedText, tag),
        label: { ...label, copyType: 'edit' },
      });
    } else if (r < 0.8) {
      const text = campaignEdit(rng, fakeClaim(rng, narrative, 1, ctx), tag);
      world.schedule.add({ t, source, text, label: { ...label, copyType: 'paraphrase' } });
    } else {
      const forwarded = { forwardedFrom: seedSource.channelTitle };
      world.schedule.add({
        t,
        source,
        text: seedText,
        ...forwarded,
        label: { ...label, copyType: 'repost' },
      });
    }
    posts++;
  }
  // Neighbouring places' anonymous channels pick it up.
  const reposts = rng.int(2, 4);
  for (let i = 0; i < reposts; i++) {
    const other = neighbour(rng, place);
    const source = rng.pick(sourcesOf(world, other).anonymous);
    const t = t0 + rng.int(10 * 60, 120 * 60);
    world.schedule.add({
      t,
      source,
      text: seedText,
      forwardedFrom: seedSource.channelTitle,
      label: { ...label, copyType: 'repost' },
    });
    posts++;
  }
  const questions = Math.round(rng.int(4, 10) * Math.min(3, Math.sqrt(world.scale)));
  for (let i = 0; i < questions; i++) {
    const t = t0 + rng.int(30 * 60, 6 * 3600);
    world.schedule.add({
      t,
      source: resident(rng, world, place),
      text: rumourQuestion(rng, narrative, ctx),
      label: { ...label, copyType: 'paraphrase' },
    });
    posts++;
  }

  let refuted: CampaignSummary['refutation'] = null;
  if (plan.refuted) refuted = plantRefutation(rng, world, narrative, place, id, t0, ctx);
  return {
    id,
    narrative: narrative.key,
    topic: narrative.topic,
    place: place.name,
    placeId: place.id,
    region: place.region.name,
    startAt: isoMsk(t0),
    storyId: story.id,
    posts,
    accounts: accounts.length,
    refutation: refuted,
  };
}

function plantRefutation(
  rng: Rng,
  world: World,
  narrative: FakeNarrative,
  place: Place,
  campaignId: string,
  t0: number,
  ctx: SlotContext,
): NonNullable<CampaignSummary['refutation']> {
  const t = t0 + rng.int(2 * 3600, 8 * 3600);
  const story = world.schedule.newStory();
  const label: Label = {
    story,
    copyType: 'original',
    topic: narrative.topic,
    role: 'refutation',
    placeId: place.id,
    campaignId,
    emergency: null,
  };
  const source = rng.pick(sourcesOf(world, place).officials);
  const original = world.schedule.add({ t, source, text: refutation(rng, narrative, 0, ctx), label });
  const copies = rng.int(3, 6);
  spread(rng, world, original, place, {
    count: copies,
    mix: [5, 2, 2],
    meanDelay: 3600,
    paraphrase: (prng) => refutation(prng, narrative, 1, ctx),
    reposter: (prng) =>
      prng.chance(0.5)
        ? prng.pick(sourcesOf(world, place).media)
        : prng.pick(regionalOf(world, place).officials),
  });
  return { storyId: story.id, at: isoMsk(t), posts: 1 + copies };
}

/** Another place of the same region. */
function neighbour(rng: Rng, place: Place): Place {
  const others = PLACES.filter((p) => p.region === place.region && p !== place);
  return others.length === 0 ? place : rng.pick(others);
}

/** The figures an incident of this category states, sized to the place. */
function magnitudeFor(rng: Rng, category: EmergencyCategory, place: Place): Magnitude {
  const m: Magnitude = {};
  const figures = EMERGENCY_TEXTS[category].figures;
  const smallEvent = category === 'fire' || category === 'building_damage';
  if (figures.includes('people')) {
    if (smallEvent) m.people = rng.int(3, 15) * 10;
    else {
      const share = place.kind === 'city' ? rng.int(4, 20) / 100 : rng.int(3, 12) / 100;
      const raw = place.population * share;
      m.people = raw >= 5000 ? Math.round(raw / 500) * 500 : Math.max(100, Math.round(raw / 100) * 100);
    }
  }
  if (figures.includes('houses')) {
    if (smallEvent) m.houses = manyFormNumber(rng, 5, 9);
    else if (m.people === undefined) m.houses = manyFormNumber(rng, 15, 95);
    else {
      // Apartment blocks in a city, private houses in a district: keep people per house plausible.
      const perHouse = place.kind === 'city' ? rng.int(80, 200) : rng.int(3, 6);
      m.houses = manyFormAtLeast(Math.min(400, Math.max(10, Math.round(m.people / perHouse))));
    }
  }
  if (figures.includes('days') && rng.chance(0.75)) m.days = rng.int(2, 5);
  return m;
}

/**
 * Plants an emergency: residents of one place flood their groups within the first hour (and keep
 * posting, less, for hours), a channel relays it, media report with figures, the administration issues
 * a statement; each of those stories is copied on.
 */
export function plantEmergency(
  rng: Rng,
  world: World,
  index: number,
  plan: PlannedEmergency,
): EmergencySummary {
  const place = placeById(plan.placeId);
  const { category } = plan;
  const id = `em-${index + 1}`;
  const t0 = world.schedule.start + plan.day * 86400 + plan.hour * 3600 + rng.int(0, 1800);
  const magnitude = magnitudeFor(rng, category, place);
  const emergency: EmergencyLabel = {
    id,
    category,
    place: place.name,
    placeId: place.id,
    placeKind: place.kind,
    region: place.region.name,
    magnitude,
  };
  const texts = EMERGENCY_TEXTS[category];
  const without = WITHOUT[category];
  const figures: Record<string, string> = {
    ...magnitudeSlots(magnitude),
    ...(without === undefined ? {} : { ...withCapital('without', without.without), what: without.what }),
  };
  const incidentCtx = new SlotContext(rng, place, t0, figures);
  const locality = { L: incidentCtx.get('L') ?? '', inL: incidentCtx.get('inL') ?? '' };
  const labelFor = (): Label => ({
    story: world.schedule.newStory(),
    copyType: 'original',
    topic: texts.topic,
    role: 'emergency',
    placeId: place.id,
    campaignId: null,
    emergency,
  });

  let posts = 0;
  const residents = Math.round(rng.int(30, 50) * world.scale);
  let firstResident: Draft | null = null;
  for (let i = 0; i < residents; i++) {
    const t = rng.chance(0.75)
      ? t0 + rng.int(0, 3599)
      : t0 + 3600 + Math.min(rng.exponential(2 * 3600), 12 * 3600);
    const source = resident(rng, world, place);
    if (firstResident !== null && rng.chance(0.08)) {
      const label = { ...firstResident.label, copyType: 'repost' as const };
      world.schedule.add({
        t: Math.max(t, firstResident.t + 60),
        source,
        text: firstResident.text,
        forwardedFrom: firstResident.source.channelTitle,
        label,
      });
    } else {
      // Each resident lives somewhere else in the same locality: own street and house, same figures.
      const ctx = new SlotContext(rng, place, t, {
        ...figures,
        ...locality,
        eta: incidentCtx.get('eta') ?? '',
      });
      const text = withPlaceMention(rng, place, emergencyResident(rng, category, ctx));
      const draft = world.schedule.add({ t, source, text, label: labelFor() });
      if (firstResident === null || draft.t < firstResident.t) firstResident = draft;
    }
    posts++;
  }

  const channel = rng.pick(sourcesOf(world, place).anonymous);
  const relayed = world.schedule.add({
    t: t0 + rng.int(15 * 60, 40 * 60),
    source: channel,
    text: `${rng.pick(['Пишут подписчики:', 'Нам пишут:', 'Сообщения от жителей:'])} ${emergencyResident(rng, category, incidentCtx)}`,
    label: labelFor(),
  });
  const relayCopies = rng.int(2, 5);
  spread(rng, world, relayed, place, { count: relayCopies, mix: [3, 1, 0], meanDelay: 1800 });
  posts += 1 + relayCopies;

  const news = world.schedule.add({
    t: t0 + rng.int(40 * 60, 100 * 60),
    source: rng.pick(sourcesOf(world, place).media),
    text: emergencyNews(rng, category, 0, incidentCtx),
    label: labelFor(),
  });
  const newsCopies = rng.int(4, 9);
  spread(rng, world, news, place, {
    count: newsCopies,
    mix: [5, 3, 2],
    meanDelay: 3600,
    paraphrase: (prng) => emergencyNews(prng, category, 1, incidentCtx),
    rewriter: (prng) => rewriter(prng, world, place),
  });
  posts += 1 + newsCopies;

  const official = world.schedule.add({
    t: t0 + rng.int(60 * 60, 150 * 60),
    source: rng.pick(sourcesOf(world, place).officials),
    text: emergencyOfficial(rng, category, 0, incidentCtx),
    label: labelFor(),
  });
  const officialCopies = rng.int(2, 5);
  const secondWording = texts.official.length > 1;
  spread(rng, world, official, place, {
    count: officialCopies,
    mix: [5, 2, secondWording ? 1 : 0],
    meanDelay: 3600,
    ...(secondWording
      ? { paraphrase: (prng: Rng) => emergencyOfficial(prng, category, 1, incidentCtx) }
      : {}),
    reposter: (prng) =>
      prng.chance(0.5) ? reposter(prng, world, place) : prng.pick(regionalOf(world, place).officials),
  });
  posts += 1 + officialCopies;

  return {
    ...emergency,
    startAt: isoMsk(t0),
    burstEndAt: isoMsk(t0 + 3600),
    posts,
    residentPosts: residents,
  };
}

/**
 * Residents often name only their street or micro-district; most add the town as a geotag or hashtag,
 * which is what lets a place be found at all in a wall post without a group.
 */
function withPlaceMention(rng: Rng, place: Place, text: string): string {
  if (Object.values(place.forms).some((f) => text.includes(f)) || !rng.chance(0.65)) return text;
  return rng.chance(0.5) ? `${place.name}. ${text}` : `${text} #${place.name.replace(/[\s-]+/g, '_')}`;
}

/**
 * Random incidents for scalable runs: spread over the days at daytime hours, never two emergencies of
 * one place on the same day, places weighted towards larger ones.
 */
export function randomPlans(
  rng: Rng,
  days: number,
  campaigns: number,
  emergencies: number,
): { campaigns: PlannedCampaign[]; emergencies: PlannedEmergency[] } {
  const taken = new Set<string>();
  const slot = (placeId: string): { day: number; hour: number } => {
    for (;;) {
      const day = rng.int(0, Math.max(0, days - 1));
      const key = `${placeId}/${day}`;
      if (!taken.has(key) || taken.size > days * PLACES.length - 1) {
        taken.add(key);
        return { day, hour: rng.int(7, 20) };
      }
    }
  };
  const weights = PLACES.map((p) => Math.sqrt(p.population));
  const pickPlace = (): Place => PLACES[rng.weightedIndex(weights)] ?? placeById('vladimir_obl/kovrov');
  const c: PlannedCampaign[] = [];
  for (let i = 0; i < campaigns; i++) {
    const place = pickPlace();
    const narrative = FAKE_NARRATIVES[i % FAKE_NARRATIVES.length] ?? rng.pick(FAKE_NARRATIVES);
    c.push({ narrative: narrative.key, placeId: place.id, ...slot(place.id), refuted: rng.chance(0.7) });
  }
  const e: PlannedEmergency[] = [];
  for (let i = 0; i < emergencies; i++) {
    const place = pickPlace();
    const category = EMERGENCY_CATEGORIES[i % EMERGENCY_CATEGORIES.length] ?? 'water';
    e.push({ category, placeId: place.id, ...slot(place.id) });
  }
  return { campaigns: c, emergencies: e };
}
