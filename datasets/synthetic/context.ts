import type { Magnitude } from './emergencies';
import { inPlace, type Place } from './places';
import { Weighted, type Rng } from './prng';
import { dayMonth, genitiveCount, grouped, ordinalDay, plural, thousandsShort } from './russian';
import type { Context } from './template';
import type { FactOption } from './topics';
import { STREET_NAMES, STREET_TYPES } from './vocab';

/**
 * Slot values for one text: the place in every case, a locality, two streets, house numbers, dates and
 * numbers. Values are drawn lazily on first use and then fixed, so a story's copies and paraphrases
 * (rendered from the same context) name the same facts, and a 1M-post run does not build ~50 strings for
 * every post when a template uses five. Fixed values (story facts, an incident's figures) are given up
 * front and take precedence.
 */
export class SlotContext implements Context {
  private readonly memo: Map<string, string>;
  private readonly base: PlaceSlots;

  constructor(
    private readonly rng: Rng,
    readonly place: Place,
    private readonly epochSeconds: number,
    fixed: Readonly<Record<string, string>> = {},
    memo?: Map<string, string>,
  ) {
    this.base = placeSlots(place);
    this.memo = memo ?? new Map<string, string>();
    for (const [k, v] of Object.entries(fixed)) this.memo.set(k, v);
  }

  /** The same drawn values plus a few more fixed ones (a refutation adds what it refutes). */
  extend(fixed: Readonly<Record<string, string>>): SlotContext {
    return new SlotContext(this.rng, this.place, this.epochSeconds, fixed, new Map(this.memo));
  }

  set(slot: string, value: string): void {
    this.memo.set(slot, value);
  }

  get(slot: string): string | undefined {
    const fixed = this.base.get(slot);
    if (fixed !== undefined) return fixed;
    let value = this.memo.get(slot);
    if (value === undefined) {
      value = this.draw(slot);
      if (value !== undefined) this.memo.set(slot, value);
    }
    return value;
  }

  private draw(slot: string): string | undefined {
    const rng = this.rng;
    const dot = slot.indexOf('.');
    const head = dot < 0 ? slot : slot.slice(0, dot);
    switch (head) {
      case 'S':
      case 'onS':
        return this.street('', slot);
      case 'S2':
      case 'onS2':
        return this.street('2', slot);
      case 'L':
      case 'inL': {
        const locality = rng.pick(this.place.localities);
        this.memo.set('L', locality.name);
        this.memo.set('inL', locality.in);
        return slot === 'L' ? locality.name : locality.in;
      }
      case 'H':
        return String(rng.int(1, 120));
      case 'H2':
        return String(Number(this.get('H')) + rng.int(2, 30));
      case 'H3':
        return String(rng.int(1, 90));
      case 'pay':
        return grouped(rng.int(15, 90) * 100);
      case 'ticket':
        return String(rng.int(100000, 999999));
      case 'No':
        return String(rng.int(1, 35));
      case 'n':
        return String(rng.int(5, 9));
      case 'nn':
        return String(manyFormNumber(rng, 10, 90));
      case 'nn0':
        return String(rng.int(12, 90) * 10);
      case 'nnHouses':
        return countPhrase(
          rng.int(6, 60),
          'многоквартирный дом',
          'многоквартирных дома',
          'многоквартирных домов',
        );
      case 'km':
        return `${rng.int(0, 3)},${rng.int(1, 9)}`;
      case 'sum':
        return `${rng.int(2, 90)},${rng.int(1, 9)} млн рублей`;
      case 'pct':
        return String(rng.int(60, 98));
      case 'route':
        return String(rng.int(1, 45));
      case 'route2':
        return String(rng.int(46, 120));
      case 'date':
        return dayMonthCached(this.epochSeconds + this.daysAhead() * 86400);
      case 'date2':
        return dayMonthCached(this.epochSeconds + (this.daysAhead() + rng.int(3, 10)) * 86400);
      case 't1':
        return `${rng.int(8, 10)}:00`;
      case 't2':
        return `${rng.int(15, 18)}:00`;
      case 'eta':
        return rng.pick(ETAS);
      default:
        return undefined;
    }
  }

  private daysAhead(): number {
    const v = this.get('_daysAhead') ?? '';
    if (v !== '') return Number(v);
    const d = this.rng.int(1, 12);
    this.memo.set('_daysAhead', String(d));
    return d;
  }

  /** Draws a street (distinct from the other one) and records all its forms at once. */
  private street(suffix: '' | '2', slot: string): string | undefined {
    const other = suffix === '' ? this.memo.get('S2') : this.memo.get('S');
    let street = randomStreet(this.rng);
    if (other !== undefined && street.forms.S === other) street = randomStreet(this.rng);
    for (const [key, value] of suffix === '' ? street.first : street.second) this.memo.set(key, value);
    return this.memo.get(slot);
  }
}

const ETAS = ['до 18:00', 'к вечеру', 'к утру', 'в течение суток', 'до конца дня', 'в ближайшие часы'];

type PlaceSlots = ReadonlyMap<string, string>;
const placeSlotCache = new Map<string, PlaceSlots>();

/** The slots that depend only on the place, built once per place. */
function placeSlots(place: Place): PlaceSlots {
  let slots = placeSlotCache.get(place.id);
  if (slots === undefined) {
    slots = new Map([
      ['P', place.name],
      ['P.gen', place.forms.gen],
      ['P.dat', place.forms.dat],
      ['P.acc', place.forms.acc],
      ['P.ins', place.forms.ins],
      ['P.loc', place.forms.loc],
      ['inP', inPlace(place)],
      ['R', place.region.name],
      ['R.gen', place.region.forms.gen],
      ['inR', inPlace(place.region)],
      ['tagP', `#${place.name.replace(/[\s-]+/g, '_')}`],
    ]);
    placeSlotCache.set(place.id, slots);
  }
  return slots;
}

const dayMonthCache = new Map<number, string>();

function dayMonthCached(epochSeconds: number): string {
  const day = Math.floor(epochSeconds / 86400);
  let s = dayMonthCache.get(day);
  if (s === undefined) {
    s = dayMonth(epochSeconds);
    dayMonthCache.set(day, s);
  }
  return s;
}

type StreetForms = Readonly<Record<'S' | 'S.gen' | 'S.dat' | 'S.acc' | 'S.ins' | 'onS', string>>;

interface Street {
  readonly forms: StreetForms;
  /** Slot names and values as the first ({S}, {onS}…) and as the second street ({S2}, {onS2}…). */
  readonly first: readonly (readonly [string, string])[];
  readonly second: readonly (readonly [string, string])[];
}

/** Every street's forms by type, built once: «улица Ленина», «улицы Ленина», «на улице Ленина»… */
const STREETS: readonly (readonly Street[])[] = STREET_TYPES.map((type) =>
  // Feminine adjectives («Садовая») agree only with «улица»; other types take genitive names («Ленина»).
  STREET_NAMES.filter((name) => type.forms[0] === 'улица' || !name.endsWith('ая')).map((name) => {
    const [nom, gen, dat, acc, ins, loc] = type.forms;
    const forms: StreetForms = {
      S: `${nom} ${name}`,
      'S.gen': `${gen} ${name}`,
      'S.dat': `${dat} ${name}`,
      'S.acc': `${acc} ${name}`,
      'S.ins': `${ins} ${name}`,
      onS: `${type.prep} ${loc} ${name}`,
    };
    const entries = Object.entries(forms);
    return {
      forms,
      first: entries,
      second: entries.map(([k, v]): [string, string] => [k === 'onS' ? 'onS2' : `S2${k.slice(1)}`, v]),
    };
  }),
);
const STREET_TABLE = new Weighted(
  STREETS,
  STREET_TYPES.map((type) => type.weight),
);

function randomStreet(rng: Rng): Street {
  return rng.pick(STREET_TABLE.pick(rng));
}

/** A news item's story-level facts (`{work}`, `{part.gen}`…), chosen once per story. */
export function factSlots(
  rng: Rng,
  facts: Readonly<Record<string, readonly FactOption[]>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (facts === undefined) return out;
  for (const [name, options] of Object.entries(facts)) {
    const chosen = rng.pick(options);
    if (typeof chosen === 'string') out[name] = chosen;
    else for (const [form, value] of Object.entries(chosen)) out[`${name}.${form}`] = value;
  }
  return out;
}

/**
 * The magnitude slots an incident states (see the emergencies module for their forms). Slots for
 * figures the incident does not state are left out, so templates naming them are skipped.
 */
export function magnitudeSlots(m: Magnitude): Record<string, string> {
  const out: Record<string, string> = {};
  if (m.people !== undefined) {
    const p = m.people;
    out['pplN'] = grouped(p);
    if (p >= 1000) {
      const t = p / 1000;
      const whole = Number.isInteger(t);
      out['pplK'] = thousandsShort(p);
      out['pplG'] =
        `${whole ? String(t) : t.toFixed(1).replace('.', ',')} ${whole ? genitiveCount(t, 'тысячи', 'тысяч') : 'тысячи'}`;
    } else {
      out['pplK'] = String(p);
      out['pplG'] = String(p);
    }
  }
  if (m.houses !== undefined) {
    out['hsN'] = countPhrase(m.houses, 'дом', 'дома', 'домов');
    out['hsG'] = `${m.houses} ${genitiveCount(m.houses, 'дома', 'домов')}`;
  }
  if (m.days !== undefined && m.days >= 2) {
    out['dOrd'] = ordinalDay(m.days);
    out['dN'] = countPhrase(m.days, 'день', 'дня', 'дней');
  }
  return out;
}

/** `{name}` and `{Name}` (capitalised, for the start of a sentence). */
export function withCapital(name: string, value: string): Record<string, string> {
  return {
    [name]: value,
    [name.charAt(0).toUpperCase() + name.slice(1)]: value.charAt(0).toUpperCase() + value.slice(1),
  };
}

export function countPhrase(n: number, one: string, few: string, many: string): string {
  return `${n} ${plural(n, one, few, many)}`;
}

/** A number whose noun takes the genitive plural (10, 15, 27…), so «{nn} новых фонарей» always agrees. */
export function manyFormNumber(rng: Rng, min: number, max: number): number {
  for (;;) {
    const n = rng.int(min, max);
    if (plural(n, 'a', 'b', 'c') === 'c') return n;
  }
}

/** The smallest number ≥ n whose noun takes the genitive plural (21 → 25), for derived figures. */
export function manyFormAtLeast(n: number): number {
  let m = n;
  while (plural(m, 'a', 'b', 'c') !== 'c') m++;
  return m;
}
