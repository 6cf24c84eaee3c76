import type { SlotContext } from './context';
import { EMERGENCY_TEXTS, type EmergencyCategory } from './emergencies';
import { FAKE_NARRATIVES, REFUTATIONS, RUMOUR_ASKS, type FakeNarrative } from './fakes';
import type { Rng } from './prng';
import { capitalize, compile, render, slotsOf, type Context, type Template } from './template';
import { APPEALS, DETAILS, OPENERS, RELAYS, TOPIC_TEXTS, type NewsKind, type Topic } from './topics';
import { EMOJI } from './vocab';

/** Post texts assembled from the template modules. Templates compile once and are cached by source. */

interface Compiled {
  template: Template;
  slots: readonly string[];
}

const cache = new Map<string, Compiled>();

function compiled(source: string): Compiled {
  let c = cache.get(source);
  if (c === undefined) {
    const template = compile(source);
    c = { template, slots: [...slotsOf(template)] };
    cache.set(source, c);
  }
  return c;
}

/** True when the context has every slot the template names (magnitude slots may be missing). */
function fits(c: Compiled, ctx: Context): boolean {
  for (const s of c.slots) if (ctx.get(s) === undefined) return false;
  return true;
}

function say(rng: Rng, source: string, ctx: Context): string {
  return render(compiled(source).template, rng, ctx);
}

/** Renders the sentences that fit the context, skipping those naming figures the incident lacks. */
function sayFitting(rng: Rng, sentences: readonly string[], ctx: Context): string {
  const out: string[] = [];
  for (const s of sentences) {
    const c = compiled(s);
    if (fits(c, ctx)) out.push(render(c.template, rng, ctx));
  }
  return out.join(' ');
}

function pickFitting(rng: Rng, sentences: readonly string[], ctx: Context): string | null {
  const usable = sentences.filter((s) => fits(compiled(s), ctx));
  return usable.length === 0 ? null : say(rng, rng.pick(usable), ctx);
}

/** A resident's complaint: maybe a greeting, one or two problems, maybe an appeal or an emoji. */
export function residentComplaint(rng: Rng, topic: Topic, ctx: Context): string {
  const { complaints } = TOPIC_TEXTS[topic];
  const parts: string[] = [];
  if (rng.chance(0.3)) parts.push(rng.pick(OPENERS));
  const first = rng.int(0, complaints.length - 1);
  parts.push(say(rng, complaints[first] ?? '', ctx));
  if (rng.chance(0.25) && complaints.length > 1) {
    const second = (first + rng.int(1, complaints.length - 1)) % complaints.length;
    parts.push(say(rng, complaints[second] ?? '', ctx));
  }
  // A complaint without an address or number is the kind that collides with an unrelated one; one with
  // an address already gets, at most, a ticket number.
  if (/\d/.test(parts.join(' '))) {
    if (rng.chance(0.4)) parts.push(say(rng, rng.pick(DETAILS.other), ctx));
  } else if (rng.chance(0.9))
    parts.push(say(rng, rng.pick(rng.chance(0.5) ? DETAILS.address : DETAILS.other), ctx));
  if (rng.chance(0.55)) parts.push(rng.pick(APPEALS));
  if (rng.chance(0.15)) parts.push(rng.pick(EMOJI));
  return parts.join(' ');
}

/** An anonymous channel passing on a subscriber's complaint. */
export function relay(rng: Rng, complaint: string): string {
  return `${rng.pick(RELAYS)} «${complaint}»`;
}

/** A news item in one of its wordings. */
export function newsText(rng: Rng, kind: NewsKind, wording: number, ctx: Context): string {
  return sayFitting(rng, kind.wordings[wording] ?? [], ctx);
}

/** A resident caught in an emergency: one or two sentences, often a figure, sometimes an appeal. */
export function emergencyResident(rng: Rng, category: EmergencyCategory, ctx: Context): string {
  const texts = EMERGENCY_TEXTS[category];
  const parts: string[] = [];
  if (rng.chance(0.15)) parts.push(rng.pick(OPENERS));
  parts.push(pickFitting(rng, texts.resident, ctx) ?? '');
  if (rng.chance(0.5)) {
    const figure = pickFitting(rng, texts.figuresSaid, ctx);
    if (figure !== null) parts.push(figure);
  }
  if (rng.chance(0.5)) parts.push(say(rng, rng.pick([...DETAILS.address, ...DETAILS.other]), ctx));
  if (rng.chance(0.3)) parts.push(rng.pick(APPEALS));
  if (rng.chance(0.2)) parts.push(rng.pick(EMOJI));
  return parts.filter((p) => p !== '').join(' ');
}

export function emergencyNews(rng: Rng, category: EmergencyCategory, wording: number, ctx: Context): string {
  return sayFitting(rng, EMERGENCY_TEXTS[category].news[wording] ?? [], ctx);
}

export function emergencyOfficial(
  rng: Rng,
  category: EmergencyCategory,
  wording: number,
  ctx: Context,
): string {
  return sayFitting(rng, EMERGENCY_TEXTS[category].official[wording] ?? [], ctx);
}

export function fakeClaim(rng: Rng, narrative: FakeNarrative, wording: number, ctx: Context): string {
  return say(rng, narrative.claim[wording] ?? '', ctx);
}

/** A resident asking whether the rumour is true: the campaign's facts in other words, no markers. */
export function rumourQuestion(rng: Rng, narrative: FakeNarrative, ctx: Context): string {
  return `${rng.pick(RUMOUR_ASKS.open)} ${capitalize(say(rng, narrative.rumour, ctx))}. ${rng.pick(RUMOUR_ASKS.close)}`;
}

export function refutation(rng: Rng, narrative: FakeNarrative, wording: number, ctx: SlotContext): string {
  return sayFitting(
    rng,
    REFUTATIONS[wording] ?? [],
    ctx.extend({ about: narrative.about, fact: narrative.fact }),
  );
}

/** Every template source, for tests that compile and render them all. */
export function allTemplateSources(): string[] {
  const out: string[] = [...OPENERS, ...APPEALS, ...DETAILS.address, ...DETAILS.other];
  for (const t of Object.values(TOPIC_TEXTS)) {
    out.push(...t.complaints);
    for (const k of t.news) for (const w of k.wordings) out.push(...w);
  }
  for (const e of Object.values(EMERGENCY_TEXTS)) {
    out.push(...e.resident, ...e.figuresSaid);
    for (const w of [...e.news, ...e.official]) out.push(...w);
  }
  for (const n of FAKE_NARRATIVES) out.push(...n.claim, n.rumour);
  for (const w of REFUTATIONS) out.push(...w);
  return out;
}
