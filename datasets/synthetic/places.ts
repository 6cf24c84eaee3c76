/**
 * A gazetteer of real Russian regions, cities and municipal districts with their grammatical case forms.
 *
 * The facts (names, which region, approximate population) are real; the case forms are written out or
 * built from the declension pattern of the name. The emergency detector can reuse this module to match
 * places («в Камешковском районе», «жителей Коврова») and to name them canonically.
 */

/** Russian grammatical cases; `loc` is the prepositional case used after «в/во» and «о». */
export const CASES = ['nom', 'gen', 'dat', 'acc', 'ins', 'loc'] as const;
export type CaseName = (typeof CASES)[number];
export type CaseForms = Readonly<Record<CaseName, string>>;

export type PlaceKind = 'city' | 'district';

export interface Region {
  /** Canonical name, e.g. «Владимирская область». */
  readonly name: string;
  readonly forms: CaseForms;
  /** «в» or «во» («во Владимирской области»). */
  readonly prep: 'в' | 'во';
  readonly slug: string;
  /** Two-digit vehicle code, used in channel names («Новости 33»). */
  readonly code: string;
}

/** A city or a municipal district: the unit the emergency detector reports places at. */
export interface Place {
  /** Stable id (`<region slug>/<place slug>`). */
  readonly id: string;
  readonly kind: PlaceKind;
  /** Canonical name in the nominative, e.g. «Ковров», «Камешковский район». */
  readonly name: string;
  readonly forms: CaseForms;
  readonly prep: 'в' | 'во';
  readonly region: Region;
  /** Latin slug for channel handles and URLs. */
  readonly slug: string;
  /** Approximate population; weights how much a place is written about and sizes its incidents. */
  readonly population: number;
  /** Parts of the place residents name: micro-districts of a city, villages of a district. */
  readonly localities: readonly Locality[];
}

/** A micro-district, city district or village, with its «в …» form («в селе Второво»). */
export interface Locality {
  readonly name: string;
  readonly in: string;
}

/** Builds a locality whose «в …» form follows from its generic word («микрорайон Северный»). */
function loc(name: string, inForm?: string): Locality {
  if (inForm !== undefined) return { name, in: inForm };
  const [word = '', ...rest] = name.split(' ');
  const tail = rest.join(' ');
  const generic: Record<string, string> = {
    микрорайон: 'микрорайоне',
    село: 'селе',
    посёлок: 'посёлке',
    деревня: 'деревне',
  };
  const declined = generic[word];
  if (declined === undefined) throw new Error(`give the «в …» form of ${name}`);
  return { name, in: `в ${declined} ${tail}` };
}

/** «в Коврове», «во Владимире», «в Камешковском районе». */
export function inPlace(place: { readonly prep: string; readonly forms: CaseForms }): string {
  return `${place.prep} ${place.forms.loc}`;
}

/** Masculine city names declined like «Ковров», «Муром», «Курск». */
function hardMasculine(nom: string): CaseForms {
  return { nom, gen: `${nom}а`, dat: `${nom}у`, acc: nom, ins: `${nom}ом`, loc: `${nom}е` };
}

/** Masculine names in -ь: «Ярославль», «Суздаль». */
function softMasculine(nom: string): CaseForms {
  const stem = nom.slice(0, -1);
  return { nom, gen: `${stem}я`, dat: `${stem}ю`, acc: nom, ins: `${stem}ем`, loc: `${stem}е` };
}

/** Feminine names in -а: «Тула», «Выкса», «Собинка» (-и after к/г/х). */
function feminineA(nom: string): CaseForms {
  const stem = nom.slice(0, -1);
  const gen = /[кгхжшчщ]$/.test(stem) ? `${stem}и` : `${stem}ы`;
  return { nom, gen, dat: `${stem}е`, acc: `${stem}у`, ins: `${stem}ой`, loc: `${stem}е` };
}

/** Neuter names in -ово/-ино declined by the literary norm: «в Камешкове», «под Кольчугином». */
function neuterO(nom: string): CaseForms {
  const stem = nom.slice(0, -1);
  return { nom, gen: `${stem}а`, dat: `${stem}у`, acc: nom, ins: `${stem}ом`, loc: `${stem}е` };
}

function forms(nom: string, gen: string, dat: string, acc: string, ins: string, loc: string): CaseForms {
  return { nom, gen, dat, acc, ins, loc };
}

/** Municipal districts named by an adjective: «Камешковский район», «Гусь-Хрустальный район». */
function district(adjective: string): CaseForms {
  const soft = adjective.endsWith('ий');
  const stem = adjective.slice(0, -2);
  const endings = soft ? ['ий', 'ого', 'ому', 'ий', 'им', 'ом'] : ['ый', 'ого', 'ому', 'ый', 'ым', 'ом'];
  const nouns = ['район', 'района', 'району', 'район', 'районом', 'районе'];
  const [nom, gen, dat, acc, ins, loc] = endings.map((e, i) => `${stem}${e} ${nouns[i] ?? ''}`);
  return forms(nom ?? '', gen ?? '', dat ?? '', acc ?? '', ins ?? '', loc ?? '');
}

/** Regions named by an adjective: «Владимирская область». */
function oblast(adjective: string): CaseForms {
  const stem = adjective.slice(0, -2);
  return forms(
    `${stem}ая область`,
    `${stem}ой области`,
    `${stem}ой области`,
    `${stem}ую область`,
    `${stem}ой областью`,
    `${stem}ой области`,
  );
}

interface PlaceSeed {
  kind: PlaceKind;
  forms: CaseForms;
  slug: string;
  population: number;
  prep?: 'в' | 'во';
  localities?: readonly Locality[];
}

const CITY_LOCALITIES = [
  loc('микрорайон Юбилейный'),
  loc('микрорайон Северный'),
  loc('микрорайон Заречный'),
  loc('центр', 'в центре'),
];
const DISTRICT_LOCALITIES = [
  loc('село Никольское'),
  loc('посёлок Первомайский'),
  loc('деревня Горки'),
  loc('село Покровское'),
];

function region(adjective: string, slug: string, code: string, prep: 'в' | 'во' = 'в') {
  const f = oblast(adjective);
  return { name: f.nom, forms: f, prep, slug, code } satisfies Region;
}

function build(r: Region, seeds: readonly PlaceSeed[]): Place[] {
  return seeds.map((s) => ({
    id: `${r.slug}/${s.slug}`,
    kind: s.kind,
    name: s.forms.nom,
    forms: s.forms,
    prep: s.prep ?? 'в',
    region: r,
    slug: s.slug,
    population: s.population,
    localities: s.localities ?? (s.kind === 'city' ? CITY_LOCALITIES : DISTRICT_LOCALITIES),
  }));
}

const city = (f: CaseForms, slug: string, population: number, extra: Partial<PlaceSeed> = {}): PlaceSeed => ({
  kind: 'city',
  forms: f,
  slug,
  population,
  ...extra,
});
const dist = (
  adjective: string,
  slug: string,
  population: number,
  extra: Partial<PlaceSeed> = {},
): PlaceSeed => ({
  kind: 'district',
  forms: district(adjective),
  slug,
  population,
  ...extra,
});

export const VLADIMIR = region('Владимирская', 'vladimir_obl', '33', 'во');
export const KURSK = region('Курская', 'kursk_obl', '46');
export const YAROSLAVL = region('Ярославская', 'yaroslavl_obl', '76');
export const TULA = region('Тульская', 'tula_obl', '71');
export const NIZHNY = region('Нижегородская', 'nizhny_obl', '52');

export const REGIONS: readonly Region[] = [VLADIMIR, KURSK, YAROSLAVL, TULA, NIZHNY];

export const PLACES: readonly Place[] = [
  ...build(VLADIMIR, [
    city(hardMasculine('Владимир'), 'vladimir', 350000, {
      prep: 'во',
      localities: [
        loc('микрорайон Юрьевец'),
        loc('микрорайон Коммунар'),
        loc('Доброе', 'в Добром'),
        loc('Ленинский район', 'в Ленинском районе'),
      ],
    }),
    city(hardMasculine('Ковров'), 'kovrov', 135000),
    city(hardMasculine('Муром'), 'murom', 105000),
    city(
      forms(
        'Гусь-Хрустальный',
        'Гуся-Хрустального',
        'Гусю-Хрустальному',
        'Гусь-Хрустальный',
        'Гусем-Хрустальным',
        'Гусе-Хрустальном',
      ),
      'gus',
      52000,
    ),
    city(hardMasculine('Александров'), 'aleksandrov', 57000),
    city(neuterO('Кольчугино'), 'kolchugino', 40000),
    city(forms('Вязники', 'Вязников', 'Вязникам', 'Вязники', 'Вязниками', 'Вязниках'), 'vyazniki', 33000),
    city(hardMasculine('Киржач'), 'kirzhach', 28000),
    city(feminineA('Собинка'), 'sobinka', 18000),
    city(neuterO('Камешково'), 'kameshkovo', 12000),
    city(softMasculine('Суздаль'), 'suzdal', 9000),
    dist('Камешковский', 'kameshkovsky', 25000, {
      localities: [loc('село Брызгалово'), loc('село Второво'), loc('посёлок Новки'), loc('село Сергеиха')],
    }),
    dist('Ковровский', 'kovrovsky', 30000),
    dist('Гусь-Хрустальный', 'gus_district', 30000),
    dist('Петушинский', 'petushinsky', 60000),
    dist('Суздальский', 'suzdalsky', 35000),
    dist('Судогодский', 'sudogodsky', 35000),
  ]),
  ...build(KURSK, [
    city(hardMasculine('Курск'), 'kursk', 440000, {
      localities: [
        loc('Сеймский округ', 'в Сеймском округе'),
        loc('Железнодорожный округ', 'в Железнодорожном округе'),
        loc('Центральный округ', 'в Центральном округе'),
        loc('микрорайон Волокно'),
      ],
    }),
    city(hardMasculine('Железногорск'), 'zheleznogorsk', 95000),
    city(hardMasculine('Курчатов'), 'kurchatov', 38000),
    city(hardMasculine('Льгов'), 'lgov', 18000),
    city(forms('Щигры', 'Щигров', 'Щиграм', 'Щигры', 'Щиграми', 'Щиграх'), 'shchigry', 14000),
    city(forms('Обоянь', 'Обояни', 'Обояни', 'Обоянь', 'Обоянью', 'Обояни'), 'oboyan', 13000),
    dist('Курский', 'kursky', 55000),
    dist('Железногорский', 'zheleznogorsky', 16000),
    dist('Курчатовский', 'kurchatovsky', 20000),
    dist('Октябрьский', 'oktyabrsky', 27000),
    dist('Фатежский', 'fatezhsky', 16000),
    dist('Медвенский', 'medvensky', 15000),
  ]),
  ...build(YAROSLAVL, [
    city(softMasculine('Ярославль'), 'yaroslavl', 570000, {
      localities: [
        loc('Дзержинский район', 'в Дзержинском районе'),
        loc('Фрунзенский район', 'в Фрунзенском районе'),
        loc('Брагино', 'в Брагине'),
        loc('Заволжский район', 'в Заволжском районе'),
      ],
    }),
    city(hardMasculine('Рыбинск'), 'rybinsk', 180000),
    city(
      forms(
        'Переславль-Залесский',
        'Переславля-Залесского',
        'Переславлю-Залесскому',
        'Переславль-Залесский',
        'Переславлем-Залесским',
        'Переславле-Залесском',
      ),
      'pereslavl',
      36000,
    ),
    dist('Ярославский', 'yaroslavsky', 60000),
    dist('Рыбинский', 'rybinsky', 25000),
  ]),
  ...build(TULA, [
    city(feminineA('Тула'), 'tula', 470000, {
      localities: [
        loc('Пролетарский округ', 'в Пролетарском округе'),
        loc('Зареченский округ', 'в Зареченском округе'),
        loc('Привокзальный округ', 'в Привокзальном округе'),
        loc('Криволучье', 'в Криволучье'),
      ],
    }),
    city(hardMasculine('Новомосковск'), 'novomoskovsk', 120000),
    city(hardMasculine('Алексин'), 'aleksin', 58000),
    city(hardMasculine('Ефремов'), 'efremov', 36000),
    dist('Щёкинский', 'shchekinsky', 70000),
    dist('Киреевский', 'kireevsky', 50000),
  ]),
  ...build(NIZHNY, [
    city(
      forms(
        'Нижний Новгород',
        'Нижнего Новгорода',
        'Нижнему Новгороду',
        'Нижний Новгород',
        'Нижним Новгородом',
        'Нижнем Новгороде',
      ),
      'nnov',
      1200000,
      {
        localities: [
          loc('Автозаводский район', 'в Автозаводском районе'),
          loc('Сормово', 'в Сормове'),
          loc('Канавинский район', 'в Канавинском районе'),
          loc('Щербинки', 'в Щербинках'),
        ],
      },
    ),
    city(hardMasculine('Дзержинск'), 'dzerzhinsk', 225000),
    city(hardMasculine('Арзамас'), 'arzamas', 100000),
    city(feminineA('Выкса'), 'vyksa', 53000),
    dist('Кстовский', 'kstovsky', 70000),
    dist('Богородский', 'bogorodsky', 50000),
  ]),
];

/** Places by id. */
export const PLACE_BY_ID: ReadonlyMap<string, Place> = new Map(PLACES.map((p) => [p.id, p]));

export function placeById(id: string): Place {
  const place = PLACE_BY_ID.get(id);
  if (place === undefined) throw new Error(`unknown place ${id}`);
  return place;
}
