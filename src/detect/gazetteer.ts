import { foldCase, lemmatize } from '../text';
import { ALL_REGIONS, REGIONS_DETAILED, type RegionFacts } from './gazetteer.data';

/**
 * Place extraction: finds regions, cities, municipal districts and their localities in Russian text by
 * matching lemma sequences, so every case form matches («в Камешковском районе», «жителей Коврова»,
 * «#Гусь_Хрустальный»). Each place is indexed under the lemmas of all its case forms (declined here
 * from the nominative), because the lemmatizer does not always give the nominative back («Курском
 * районе» → «курск район»).
 */

export type PlaceKind = 'region' | 'city' | 'district' | 'locality';

export interface GazetteerPlace {
  /** Stable id, `<region slug>/<place slug>` (regions: `<region slug>`). */
  id: string;
  kind: PlaceKind;
  /** Canonical nominative name: «Камешковский район». */
  name: string;
  region: string;
  regionId: string;
  population: number;
  /** Localities are reported as their parent city or district. */
  parentId?: string;
}

/** A place name found in a text: the places it may denote (several for shared names) and where. */
export interface PlaceMention {
  places: GazetteerPlace[];
  /** Where it was found: the text itself, a hashtag, or the channel's title. */
  via: 'text' | 'hashtag' | 'channel';
}

const TRANSLIT: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/** Latin slug of a Russian name, for ids. */
export function slugOf(name: string): string {
  return Array.from(foldCase(name), (ch) => TRANSLIT[ch] ?? (/[a-z0-9]/.test(ch) ? ch : '_'))
    .join('')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lemma sequence of a name or text span: words split at hyphens and underscores, each lemmatized. */
export function placeLemmas(text: string): string[] {
  return Array.from(foldCase(text).matchAll(WORD), (m) => lemmatize(m[0]));
}

/** Case forms of an adjective (masculine or feminine nominative), by its ending. */
function adjectiveForms(word: string): string[] {
  const stem = word.slice(0, -2);
  const ending = word.slice(-2);
  const soft = /[кгхжшчщ]$/.test(stem);
  switch (ending) {
    case 'ий':
    case 'ый':
    case 'ой':
      return [word, `${stem}ого`, `${stem}ому`, soft ? `${stem}им` : `${stem}ым`, `${stem}ом`];
    case 'ая':
      return [word, `${stem}ой`, `${stem}ую`];
    case 'ое':
      return [word, `${stem}ого`, `${stem}ому`, soft ? `${stem}им` : `${stem}ым`, `${stem}ом`];
    default:
      return [word];
  }
}

/** Case forms of a one-word city or locality name, by its ending; indeclinable use is included. */
function nounForms(word: string): string[] {
  if (/(?:ий|ый|ой|ая|ое)$/.test(word)) return adjectiveForms(word);
  const stem = word.slice(0, -1);
  const last = word.slice(-1);
  switch (last) {
    case 'ь':
      return [word, `${stem}я`, `${stem}ю`, `${stem}ем`, `${stem}е`];
    case 'а':
      return [word, /[кгхжшчщ]$/.test(stem) ? `${stem}и` : `${stem}ы`, `${stem}е`, `${stem}у`, `${stem}ой`];
    case 'я':
      return [word, `${stem}и`, `${stem}е`, `${stem}ю`, `${stem}ей`];
    case 'о':
    case 'е':
      return [word, `${stem}а`, `${stem}у`, `${stem}ом`, `${stem}е`];
    case 'и':
    case 'ы':
      return [word];
    default:
      return [word, `${word}а`, `${word}у`, `${word}ом`, `${word}е`];
  }
}

/** Forms of a multi-word name whose last word is a noun declined with the adjective before it. */
function phraseForms(adjective: string, noun: 'район' | 'округ' | 'область' | 'край'): string[] {
  const nouns: Readonly<Record<typeof noun, readonly string[]>> = {
    район: ['район', 'района', 'району', 'районом', 'районе'],
    округ: ['округ', 'округа', 'округу', 'округом', 'округе'],
    область: ['область', 'области', 'областью'],
    край: ['край', 'края', 'краю', 'краем', 'крае'],
  };
  // Only the last part of a hyphenated adjective declines: «Гусь-Хрустального района».
  const dash = adjective.lastIndexOf('-');
  const head = dash < 0 ? '' : adjective.slice(0, dash + 1);
  const adjectives = adjectiveForms(dash < 0 ? adjective : adjective.slice(dash + 1)).map((a) => head + a);
  return adjectives.flatMap((a) => nouns[noun].map((n) => `${a} ${n}`));
}

/** All forms of a name as written in the gazetteer («X район», «X область», a city, a phrase). */
function formsOf(name: string, extra: readonly string[] = []): string[] {
  const match = /^(.+) (район|округ|область|край)$/.exec(name);
  const noun = match?.[2];
  const adjective = match?.[1];
  let forms: string[];
  if (
    adjective !== undefined &&
    (noun === 'район' || noun === 'округ' || noun === 'область' || noun === 'край')
  )
    forms = phraseForms(adjective, noun);
  else if (name.includes(' ')) forms = [name];
  else forms = nounForms(name);
  return [...new Set([...forms, ...extra])];
}

/** City names that are also common words, first names or surnames. */
const COMMON_WORDS = new Set([
  'Бор',
  'Покров',
  'Радужный',
  'Любим',
  'Суворов',
  'Данилов',
  'Ростов',
  'Донской',
  'Дмитриев',
  'Семёнов',
  'Мышкин',
  'Александров',
  'Владимир',
  'Павлово',
  'Доброе',
  'Коммунар',
  'Волокно',
  'Новки',
]);

interface Indexed {
  place: GazetteerPlace;
}

/** The compiled gazetteer: places by id and by lemma key (space-joined lemmas). */
export class Gazetteer {
  private readonly byKey = new Map<string, Indexed[]>();
  private readonly byId = new Map<string, GazetteerPlace>();
  /** Longest key in words, bounding the n-grams tried at each position. */
  private maxWords = 1;

  private constructor() {}

  static build(
    detailed: readonly RegionFacts[] = REGIONS_DETAILED,
    regions: readonly { name: string; aliases?: readonly string[] }[] = ALL_REGIONS,
  ): Gazetteer {
    const g = new Gazetteer();
    for (const r of regions) {
      const regionId = slugOf(r.name);
      const place: GazetteerPlace = {
        id: regionId,
        kind: 'region',
        name: r.name,
        region: r.name,
        regionId,
        population: 0,
      };
      g.add(place, [...formsOf(r.name), ...(r.aliases ?? []).flatMap((a) => formsOf(a))]);
    }
    for (const r of detailed) {
      const regionId = slugOf(r.name);
      const make = (
        name: string,
        kind: PlaceKind,
        population: number,
        parentId?: string,
      ): GazetteerPlace => ({
        id: `${regionId}/${slugOf(name)}`,
        kind,
        name,
        region: r.name,
        regionId,
        population,
        ...(parentId === undefined ? {} : { parentId }),
      });
      for (const d of r.districts) {
        const name = `${d} район`;
        g.add(make(name, 'district', 0), formsOf(name));
      }
      for (const o of r.okrugs ?? []) {
        const name = `${o} округ`;
        g.add(make(name, 'district', 0), formsOf(name));
      }
      for (const c of r.cities) g.add(make(c.name, 'city', c.population), formsOf(c.name, c.forms));
      for (const l of r.localities) {
        const parent = g.byId.get(`${regionId}/${slugOf(l.parent)}`);
        if (parent === undefined) throw new Error(`gazetteer: ${l.name} has unknown parent ${l.parent}`);
        g.add(make(l.name, 'locality', 0, parent.id), formsOf(l.name, l.forms));
      }
    }
    return g;
  }

  private add(place: GazetteerPlace, forms: readonly string[]): void {
    const known = this.byId.get(place.id);
    // Regions appear both in the full list and as detailed regions; keep one record.
    const target = known ?? place;
    if (known === undefined) this.byId.set(place.id, place);
    for (const form of forms) {
      const lemmas = placeLemmas(form);
      if (lemmas.length === 0) continue;
      const key = lemmas.join(' ');
      const list = this.byKey.get(key) ?? [];
      if (!list.some((entry) => entry.place.id === target.id)) list.push({ place: target });
      this.byKey.set(key, list);
      this.maxWords = Math.max(this.maxWords, lemmas.length);
    }
  }

  get(id: string): GazetteerPlace | undefined {
    return this.byId.get(id);
  }

  /** Every place of a kind (tests, reports). */
  all(kind?: PlaceKind): GazetteerPlace[] {
    return [...this.byId.values()].filter((p) => kind === undefined || p.kind === kind);
  }

  /** The city or district a locality belongs to; other places are themselves. */
  reported(place: GazetteerPlace): GazetteerPlace {
    return place.parentId === undefined ? place : (this.byId.get(place.parentId) ?? place);
  }

  /**
   * Place names in a text, longest match first at each position, in order of appearance. A name that is
   * also a common word («Бор», «Владимир») counts in running text only after a preposition, «город» or
   * another place name; in hashtags and channel titles it always counts.
   */
  find(text: string, via: PlaceMention['via'] = 'text'): PlaceMention[] {
    const words = Array.from(foldCase(text).matchAll(WORD), (m) => m[0]);
    const lemmas = words.map((w) => lemmatize(w));
    const out: PlaceMention[] = [];
    let lastEnd = -1;
    for (let i = 0; i < lemmas.length;) {
      let advance = 1;
      for (let n = Math.min(this.maxWords, lemmas.length - i); n >= 1; n--) {
        const list = this.byKey.get(lemmas.slice(i, i + n).join(' '));
        if (list === undefined) continue;
        // Right after another place name counts as support too: «в Ленинском районе Владимира».
        const supported = via !== 'text' || lastEnd === i || SUPPORT.has(words[i - 1] ?? '');
        const places = list.map((entry) => entry.place).filter((p) => supported || !COMMON_WORDS.has(p.name));
        if (places.length > 0) {
          out.push({ places, via });
          lastEnd = i + n;
        }
        advance = n;
        break;
      }
      i += advance;
    }
    return out;
  }
}

/** Words after which a weak place name is read as a place («в Александрове», «г. Бор»). */
const SUPPORT = new Set([
  'в',
  'во',
  'из',
  'под',
  'около',
  'возле',
  'у',
  'до',
  'город',
  'города',
  'городе',
  'г',
]);

/** A resolved place of a post: what is reported (city or district, else region). */
export interface ResolvedPlace {
  placeId: string;
  name: string;
  kind: PlaceKind;
  region: string;
  regionId: string;
}

/**
 * The place a post is about: mentions in the text first, then hashtags, then the channel title (a
 * community group «Подслушано в Камешковском районе»). A name several places share is resolved by the
 * regions of the other mentions or `regionHint` (the source's region), else to the only municipal
 * district or city among its candidates, else dropped. Among what is left the most specific level wins
 * (city/district over region), then the most mentioned, then the larger place.
 */
export function resolvePlace(
  gazetteer: Gazetteer,
  mentions: readonly PlaceMention[],
  regionHint?: string,
): ResolvedPlace | undefined {
  const regions = new Set<string>();
  if (regionHint !== undefined) regions.add(regionHint);
  for (const m of mentions) {
    const [only, ...rest] = m.places;
    if (only !== undefined && rest.length === 0) regions.add(only.region);
  }
  const scores = new Map<string, { place: GazetteerPlace; score: number }>();
  for (const m of mentions) {
    const place = disambiguate(m.places, regions);
    if (place === undefined) continue;
    const reported = gazetteer.reported(place);
    const entry = scores.get(reported.id) ?? { place: reported, score: 0 };
    entry.score += m.via === 'text' ? 3 : m.via === 'hashtag' ? 2 : 1;
    scores.set(reported.id, entry);
  }
  const ranked = [...scores.values()].sort(
    (a, b) =>
      Number(b.place.kind !== 'region') - Number(a.place.kind !== 'region') ||
      b.score - a.score ||
      b.place.population - a.place.population ||
      a.place.id.localeCompare(b.place.id),
  );
  const best = ranked[0]?.place;
  return best === undefined
    ? undefined
    : { placeId: best.id, name: best.name, kind: best.kind, region: best.region, regionId: best.regionId };
}

function disambiguate(
  places: readonly GazetteerPlace[],
  regions: ReadonlySet<string>,
): GazetteerPlace | undefined {
  if (places.length <= 1) return places[0];
  const inRegion = places.filter((p) => regions.has(p.region));
  if (inRegion.length === 1) return inRegion[0];
  const pool = inRegion.length > 1 ? inRegion : places;
  const municipal = pool.filter((p) => p.kind === 'district' || p.kind === 'city');
  return municipal.length === 1 ? municipal[0] : undefined;
}
