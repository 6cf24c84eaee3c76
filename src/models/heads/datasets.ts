import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { htmlToText, looksLikeHtml } from '../../pipeline/sources/html';
import { createRng, shuffled } from './rng';

/**
 * Readers of the shared labelled datasets (`config.datasetsDir`). They return plain records and never
 * copy rows anywhere: vectors of the texts may be cached under `.dozor/cache/`, the texts themselves
 * stay in `../shared/datasets`.
 */

/** Thrown when a dataset folder or file is absent; training and the real-data tests skip on it. */
export class DatasetMissingError extends Error {
  override readonly name = 'DatasetMissingError';
}

function readText(file: string): string {
  if (!existsSync(file)) {
    throw new DatasetMissingError(
      `dataset file ${file} is missing (set DOZOR_DATASETS_DIR or add ../shared/datasets)`,
    );
  }
  return readFileSync(file, 'utf8');
}

const stringRow = z.record(z.string(), z.string());

function parseCsv(content: string, delimiter: string): Record<string, string>[] {
  const rows: unknown = parse(content, {
    columns: (header: string[]) => header.map((name) => name.trim()),
    delimiter,
    bom: true,
    skip_empty_lines: true,
    relax_quotes: true,
    relax_column_count: true,
  });
  return z.array(stringRow).parse(rows);
}

/** Appeal text as a model should see it: HTML (about 60% of the appeals) turned into plain text. */
export function cleanAppealText(raw: string): string {
  const text = looksLikeHtml(raw) ? htmlToText(raw) : raw;
  return text.replace(/\s+/g, ' ').trim();
}

/** Keeps the first record of each distinct key, so that a repeated text cannot sit in train and test. */
export function dedupeBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** One citizen's appeal of complaints-kursk. */
export interface Appeal {
  text: string;
  /** `Ответственное лицо`. */
  department: string;
  /** `Тематика`. */
  topic: string;
}

/** complaints-kursk/train.csv: cleaned, empty and duplicate texts dropped. */
export function loadComplaints(datasetsDir: string): Appeal[] {
  const rows = parseCsv(readText(path.join(datasetsDir, 'complaints-kursk', 'train.csv')), ',');
  const appeals = rows.map((row) => ({
    text: cleanAppealText(row['Текст Сообщения'] ?? ''),
    department: (row['Ответственное лицо'] ?? '').trim(),
    topic: (row['Тематика'] ?? '').replace(/\s+/g, ' ').trim(),
  }));
  return dedupeBy(
    appeals.filter((a) => a.text !== '' && a.department !== '' && a.topic !== ''),
    (a) => a.text.toLowerCase(),
  );
}

/** One headline of fake-headlines. */
export interface Headline {
  text: string;
  fake: boolean;
}

/** fake-headlines/train.tsv (`title`, `is_fake`). */
export function loadFakeHeadlines(datasetsDir: string): Headline[] {
  const rows = parseCsv(readText(path.join(datasetsDir, 'fake-headlines', 'train.tsv')), '\t');
  const headlines: Headline[] = [];
  for (const row of rows) {
    const text = (row.title ?? '').trim();
    const label = (row.is_fake ?? '').trim();
    if (text === '' || (label !== '0' && label !== '1')) continue;
    headlines.push({ text, fake: label === '1' });
  }
  return dedupeBy(headlines, (h) => h.text.toLowerCase());
}

/** One labelled tweet of CrisisLexT26. */
export interface CrisisTweet {
  text: string;
  event: string;
  /** `Related and informative` etc., as in the files. */
  informativeness: string;
  /** `Affected individuals` etc.; `Not labeled` / `Not applicable` when absent. */
  type: string;
}

/** Retweet markers, mentions and links differ between copies of one message; the key ignores them. */
export function tweetKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/^rt\s+@\w+:?\s*/g, '')
    .replace(/https?:\/\/\S+/g, '')
    .replace(/@\w+/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * crisislex-t26/<event>/<event>-tweets_labeled.csv, retweet-deduplicated, at most `perEvent` tweets per
 * event (a seeded sample): 26k tweets would take the shared 2-core machine too long to embed, and a
 * per-event cap also keeps the largest events from dominating.
 */
export function loadCrisisTweets(datasetsDir: string, perEvent: number, seed: number): CrisisTweet[] {
  const root = path.join(datasetsDir, 'crisislex-t26');
  if (!existsSync(root)) throw new DatasetMissingError(`dataset folder ${root} is missing`);
  const events = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const rng = createRng(seed);
  const tweets: CrisisTweet[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const rows = parseCsv(readText(path.join(root, event, `${event}-tweets_labeled.csv`)), ',');
    const unique: CrisisTweet[] = [];
    for (const row of rows) {
      const text = (row['Tweet Text'] ?? '').trim();
      const key = tweetKey(text);
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      unique.push({
        text,
        event,
        informativeness: (row.Informativeness ?? '').trim(),
        type: (row['Information Type'] ?? '').trim(),
      });
    }
    tweets.push(...shuffled(unique, rng).slice(0, perEvent));
  }
  return tweets;
}

const telegramPost = z.object({ text: z.string().nullish(), category: z.string().nullish() });

/** One post of telegram-news (its `category` was assigned by an LLM, not people). */
export interface ChannelPost {
  text: string;
  category: string;
}

/** A seeded sample of at most `perCategory` telegram-news posts of each of the given categories. */
export function loadTelegramSample(
  datasetsDir: string,
  categories: readonly string[],
  perCategory: number,
  seed: number,
): ChannelPost[] {
  const root = path.join(datasetsDir, 'telegram-news', 'raw');
  if (!existsSync(root)) throw new DatasetMissingError(`dataset folder ${root} is missing`);
  const byCategory = new Map<string, ChannelPost[]>(categories.map((c) => [c, []]));
  for (const file of readdirSync(root)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const posts = z.array(telegramPost).parse(JSON.parse(readText(path.join(root, file))));
    for (const post of posts) {
      const text = (post.text ?? '').replace(/\s+/g, ' ').trim();
      const bucket = byCategory.get(post.category ?? '');
      if (bucket !== undefined && text.length >= 40) bucket.push({ text, category: post.category ?? '' });
    }
  }
  const rng = createRng(seed);
  return categories.flatMap((category) =>
    shuffled(byCategory.get(category) ?? [], rng).slice(0, perCategory),
  );
}
