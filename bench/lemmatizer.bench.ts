/**
 * `npx tsx bench/lemmatizer.bench.ts` — the measurement behind src/text/lemmatize.ts: az lemmas
 * (OpenCorpora dictionaries) against Snowball stems (natural's PorterStemmerRu, the Snowball Russian
 * algorithm). Quality on a hand-written list of case forms that must map to one form and of different
 * words that must not; speed in tokens/s on real tokens of the Telegram dataset when it is present.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadConfig } from '../src/config/config';
import { foldCase, lemmatize, tokenize, warmUpLemmatizer } from '../src/text';

interface Stemmer {
  stem(word: string): string;
}

function isStemmer(value: unknown): value is Stemmer {
  return typeof value === 'object' && value !== null && 'stem' in value && typeof value.stem === 'function';
}

// The stemmer module alone: `natural`'s index also loads storage back-ends that read .env files.
const snowballModule: unknown = createRequire(__filename)('natural/lib/natural/stemmers/porter_stemmer_ru');
if (!isStemmer(snowballModule)) throw new Error('natural PorterStemmerRu not found');
const snowball = snowballModule;

/** Forms that must share one normal form: place names of the kind the emergency detector matches. */
const SAME: readonly (readonly string[])[] = [
  ['Камешковский', 'Камешковского', 'Камешковском', 'Камешковскому', 'Камешковским'],
  ['район', 'района', 'районе', 'районом', 'районы', 'районов'],
  ['область', 'области', 'областью', 'областей'],
  ['Владимир', 'Владимира', 'Владимире', 'Владимиру', 'Владимиром'],
  ['Ковров', 'Коврова', 'Коврове', 'Ковровом'],
  ['Муром', 'Мурома', 'Муроме', 'Муромом'],
  ['Суздаль', 'Суздаля', 'Суздале', 'Суздалем'],
  ['Александров', 'Александрова', 'Александрове'],
  ['Вязники', 'Вязников', 'Вязниках'],
  ['Собинка', 'Собинки', 'Собинке', 'Собинкой'],
  ['Гусь-Хрустальный', 'Гусь-Хрустального', 'Гусь-Хрустальном'],
  ['Юрьев-Польский', 'Юрьев-Польского', 'Юрьев-Польском'],
  ['Петушинский', 'Петушинского', 'Петушинском'],
  ['Новгород', 'Новгорода', 'Новгороде'],
  ['улица', 'улицы', 'улице', 'улицу'],
  ['вода', 'воды', 'воде', 'воду', 'водой'],
  ['свет', 'света', 'светом'],
  ['отопление', 'отопления', 'отоплении', 'отоплением'],
  ['котельная', 'котельной', 'котельную'],
  ['труба', 'трубы', 'трубе', 'трубу', 'трубой'],
  ['житель', 'жителя', 'жители', 'жителей', 'жителям'],
  ['дом', 'дома', 'домов', 'домах'],
  ['больница', 'больницы', 'больнице', 'больницу'],
  ['пожар', 'пожара', 'пожаре'],
  ['авария', 'аварии', 'аварию'],
  ['мост', 'моста', 'мосту', 'мосте'],
  ['отключить', 'отключили', 'отключил', 'отключила'],
  ['человек', 'люди', 'людей', 'людям'],
  ['идти', 'шёл', 'шла', 'идёт'],
  ['ёлка', 'ёлки', 'елке'],
];

/** Different words that must keep different forms. */
const DIFFERENT: readonly (readonly [string, string])[] = [
  ['вода', 'водитель'],
  ['банк', 'банка'],
  ['город', 'горе'],
  ['лес', 'лесть'],
  ['район', 'районный'],
  ['газ', 'газета'],
  ['мир', 'мирный'],
  ['вор', 'ворота'],
  ['мост', 'мостовая'],
  ['свет', 'светлый'],
];

interface Method {
  name: string;
  normal: (token: string) => string;
}

const methods: Method[] = [
  { name: 'az lemma', normal: (token) => lemmatize(token) },
  { name: 'Snowball stem', normal: (token) => snowball.stem(token) },
];

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function quality(method: Method): void {
  const misses: string[] = [];
  let same = 0;
  for (const group of SAME) {
    const forms = group.map((word) => method.normal(foldCase(word)));
    if (new Set(forms).size === 1) same++;
    else misses.push(`${group.join('/')} → ${[...new Set(forms)].join('/')}`);
  }
  let different = 0;
  for (const [a, b] of DIFFERENT) {
    const [na, nb] = [method.normal(foldCase(a)), method.normal(foldCase(b))];
    if (na !== nb) different++;
    else misses.push(`${a} ≠ ${b}, both → ${na}`);
  }
  log(
    `${method.name}: case forms joined ${same}/${SAME.length}, different words kept apart ` +
      `${different}/${DIFFERENT.length}`,
  );
  for (const miss of misses) log(`    miss: ${miss}`);
}

function datasetTokens(limit: number): string[] {
  const rawDir = path.join(loadConfig().datasetsDir, 'telegram-news', 'raw');
  if (!existsSync(rawDir)) return [];
  const tokens: string[] = [];
  for (const name of readdirSync(rawDir).sort()) {
    if (!name.endsWith('.json')) continue;
    const parsed: unknown = JSON.parse(readFileSync(path.join(rawDir, name), 'utf8'));
    if (!Array.isArray(parsed)) continue;
    const posts: unknown[] = parsed;
    for (const post of posts) {
      if (typeof post === 'object' && post !== null && 'text' in post && typeof post.text === 'string') {
        for (const token of tokenize(post.text)) if (/[а-я]/.test(token)) tokens.push(token);
      }
      if (tokens.length >= limit) return tokens;
    }
  }
  return tokens;
}

function speed(tokens: readonly string[]): void {
  if (tokens.length === 0) {
    log('Speed: SKIPPED, Telegram dataset not found (set DOZOR_DATASETS_DIR).');
    return;
  }
  const distinct = new Set(tokens).size;
  log(
    `Speed on ${tokens.length.toLocaleString('en-US')} Russian tokens (${distinct.toLocaleString('en-US')} distinct):`,
  );
  // First pass: every distinct form is new to az's memo, the cost of a cold worker.
  for (const [label, method] of [
    ['az lemma, cold memo', methods[0]],
    ['az lemma, warm memo', methods[0]],
    ['Snowball stem', methods[1]],
  ] as const) {
    if (method === undefined) continue;
    const start = process.hrtime.bigint();
    for (const token of tokens) method.normal(token);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    log(`  ${label}: ${Math.round(tokens.length / seconds).toLocaleString('en-US')} tokens/s`);
  }
}

function main(): void {
  const start = process.hrtime.bigint();
  warmUpLemmatizer();
  log(`az dictionaries loaded in ${Math.round(Number(process.hrtime.bigint() - start) / 1e6)} ms`);
  for (const method of methods) quality(method);
  speed(datasetTokens(300_000));
}

main();
