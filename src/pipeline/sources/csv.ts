import { createHash } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError } from 'csv-parse';
import { z } from 'zod';
import { PLATFORMS } from '../../domain/post';
import { postFromInput, postInputSchema } from '../../domain/post-input';
import { stripControlChars } from '../validate';
import { parseDate } from './dates';
import { guardFormat } from './guard';
import { decodeChunks, inputName, readHead, refName } from './read';
import { FORMAT_NAMES, fileFormatHint } from './sniff';
import { describeIssues, sample } from './text';
import { SourceFormatError, type SourceInput, type SourceOptions, type SourceRecord } from './types';

/** Dozor fields a CSV column can be mapped to (`--map field=Column`). */
export const CSV_FIELDS = [
  'platform',
  'channel',
  'channelTitle',
  'author',
  'externalId',
  'url',
  'text',
  'publishedAt',
  'forwardedFrom',
  'views',
  'likes',
  'reposts',
  'comments',
] as const;
type CsvField = (typeof CSV_FIELDS)[number];
const METRICS = ['views', 'likes', 'reposts', 'comments'] as const;

/** Longest record csv-parse will build: a runaway quote must not swallow the whole file into memory. */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

const entrySchema = z.object({
  record: z.array(z.string()),
  info: z.looseObject({ lines: z.number() }),
});

/**
 * Parses CSV with a header row, streaming. `options.mapping` maps Dozor fields to column names (columns
 * named like the fields map themselves); `options.fixed` gives values for every row. Defaults: platform
 * `file`, channel = the file's base name, externalId = a hash of channel, date and text (stable across
 * re-imports). The delimiter (`,` `;` or tab) is taken from the header line. Rows with the wrong number
 * of fields or broken quoting are `malformed` rejects; the rest of the file proceeds.
 */
export async function* parseCsv(input: SourceInput, options: SourceOptions): AsyncGenerator<SourceRecord> {
  yield* guardFormat(input, 'csv', records(input, options));
}

async function* records(input: SourceInput, options: SourceOptions): AsyncGenerator<SourceRecord> {
  const name = inputName(input);
  const fixed = checkFields(options.fixed ?? {}, '--set', name);
  const mapping = checkFields(options.mapping ?? {}, '--map', name);
  const skipped: { line: number; error: CsvError }[] = [];
  const parser = parse({
    delimiter: await detectDelimiter(input),
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    info: true,
  });
  parser.on('skip', (error: CsvError) => {
    skipped.push({ line: parser.info.lines, error });
  });
  // Errors reach the loop below through the parser; the pipeline's own rejection is only a duplicate.
  pipeline(Readable.from(decodeChunks(input)), parser).catch(() => undefined);
  let columns: Map<CsvField, number> | undefined;
  let header: string[] = [];
  try {
    for await (const value of parser) {
      if (columns === undefined && skipped.length > 0) {
        throw new SourceFormatError(
          `${name}: the header row is not valid CSV (${skipped[0]?.error.message ?? ''}). ` +
            (await fileFormatHint(input, FORMAT_NAMES.csv)),
        );
      }
      for (const { line, error } of skipped.splice(0)) yield malformed(input, line, error.message);
      const entry = entrySchema.parse(value);
      if (columns === undefined) {
        header = entry.record.map((column) => column.trim());
        columns = await resolveColumns(header, mapping, fixed, input);
        continue;
      }
      if (entry.record.length !== header.length) {
        const reason = `${entry.record.length} fields, the header has ${header.length}`;
        yield malformed(input, entry.info.lines, reason, entry.record.join(','));
        continue;
      }
      yield toRecord(entry.record, entry.info.lines, columns, fixed, header, input, options);
    }
  } catch (error) {
    if (error instanceof SourceFormatError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new SourceFormatError(`${name}: malformed CSV (${detail}). Fix the file and import it again.`);
  }
  for (const { line, error } of skipped) yield malformed(input, line, error.message);
  if (columns === undefined) throw new SourceFormatError(`${name}: the file is empty (no header row).`);
}

function malformed(input: SourceInput, line: number, reason: string, text?: string): SourceRecord {
  const record: SourceRecord = {
    kind: 'reject',
    ref: `${refName(input)}#line ${line}`,
    code: 'malformed',
    reason,
  };
  if (text !== undefined) record.sample = sample(text);
  return record;
}

function checkFields(
  value: Readonly<Record<string, string>>,
  flag: string,
  name: string,
): Map<CsvField, string> {
  const fields = new Map<CsvField, string>();
  for (const [field, column] of Object.entries(value)) {
    const known = CSV_FIELDS.find((candidate) => candidate === field);
    if (known === undefined) {
      throw new SourceFormatError(
        `${name}: ${flag} names unknown field "${field}"; fields: ${CSV_FIELDS.join(', ')}.`,
      );
    }
    fields.set(known, column);
  }
  return fields;
}

/** Column index per mapped field; fails the file when a mapped or required column is missing. */
async function resolveColumns(
  header: readonly string[],
  mapping: ReadonlyMap<CsvField, string>,
  fixed: ReadonlyMap<CsvField, string>,
  input: SourceInput,
): Promise<Map<CsvField, number>> {
  const columns = new Map<CsvField, number>();
  const missing: string[] = [];
  for (const field of CSV_FIELDS) {
    const column = mapping.get(field) ?? (fixed.has(field) ? undefined : field);
    if (column === undefined) continue;
    const index = header.indexOf(column);
    if (index >= 0) columns.set(field, index);
    else if (mapping.has(field)) missing.push(`${field} → "${column}"`);
  }
  for (const field of ['text', 'publishedAt'] as const) {
    if (!columns.has(field) && !fixed.has(field) && !mapping.has(field)) missing.push(`${field} (required)`);
  }
  if (missing.length > 0) {
    throw new SourceFormatError(
      `${inputName(input)}: columns not found: ${missing.join(', ')}. The header has: ${header.join(', ')}. ` +
        `Map them with --map field=Column (e.g. --map text=Текст,publishedAt=Дата). ` +
        (await fileFormatHint(input, FORMAT_NAMES.csv)),
    );
  }
  return columns;
}

function toRecord(
  row: readonly string[],
  line: number,
  columns: ReadonlyMap<CsvField, number>,
  fixed: ReadonlyMap<CsvField, string>,
  header: readonly string[],
  input: SourceInput,
  options: SourceOptions,
): SourceRecord {
  const ref = `${refName(input)}#line ${line}`;
  const get = (field: CsvField): string | undefined => {
    const index = columns.get(field);
    const value = (index === undefined ? undefined : row[index]?.trim()) ?? fixed.get(field);
    return value === '' ? undefined : value;
  };
  const text = get('text') ?? '';
  const rawDate = get('publishedAt');
  const publishedAt = rawDate === undefined ? undefined : parseDate(rawDate, options.defaultUtcOffset);
  if (publishedAt === undefined) {
    const reason = rawDate === undefined ? 'no date' : `date "${rawDate}" is not a date`;
    return { kind: 'reject', ref, code: 'bad_date', reason, sample: sample(text) };
  }
  const channel = get('channel') ?? path.basename(inputName(input));
  const candidate: Record<string, unknown> = {
    platform: get('platform') ?? 'file',
    channel,
    externalId: get('externalId') ?? contentHash(channel, publishedAt, text),
    text,
    publishedAt,
  };
  for (const field of ['channelTitle', 'author', 'url', 'forwardedFrom'] as const) {
    const value = get(field);
    if (value !== undefined) candidate[field] = value;
  }
  const metrics: Record<string, unknown> = {};
  for (const field of METRICS) {
    const value = get(field)?.replace(/[\s\u00A0]/g, '');
    if (value !== undefined) metrics[field] = /^\d+$/.test(value) ? Number(value) : value;
  }
  if (Object.keys(metrics).length > 0) candidate.metrics = metrics;
  const parsed = postInputSchema.safeParse(candidate);
  if (!parsed.success) {
    const reason = describeIssues(parsed.error);
    const hint = parsed.error.issues.some((issue) => issue.path[0] === 'platform')
      ? ` (platforms: ${PLATFORMS.join(', ')})`
      : '';
    return { kind: 'reject', ref, code: 'schema', reason: reason + hint, sample: sample(text) };
  }
  const textColumn = columns.get('text');
  const raw = Object.fromEntries(header.flatMap((column, i) => (i === textColumn ? [] : [[column, row[i]]])));
  const post = postFromInput(parsed.data, raw);
  post.text = stripControlChars(post.text);
  return { kind: 'post', post };
}

function contentHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** The delimiter that splits the header line most: `,`, `;` (Russian Excel) or tab. */
async function detectDelimiter(input: SourceInput): Promise<string> {
  const head = (await readHead(input)) ?? '';
  const headerLine = (head.split('\n', 1)[0] ?? '').replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((delimiter) => ({
    delimiter,
    count: headerLine.split(delimiter).length,
  }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0]?.delimiter ?? ',';
}
