import path from 'node:path';
import { Readable } from 'node:stream';
import { PROJECT_ROOT } from '../../config/config';
import { parseSource, SOURCE_FORMATS, SourceFormatError, type SourceFormat, type SourceRecord } from '.';
import { readLines } from './read';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources');
const CSV_MAPPING = { text: 'Текст', publishedAt: 'Дата', channel: 'Источник', externalId: 'id' };

const SAMPLES: Record<SourceFormat, string> = {
  telegram: 'telegram/result.json',
  'tg-dump': 'tg-dump/channel.json',
  vk: 'vk/wall.json',
  rss: 'rss/feed.rss',
  jsonl: 'jsonl/posts.jsonl',
  csv: 'csv/posts.csv',
};

async function collect(format: SourceFormat, file: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  const options = format === 'csv' ? { mapping: CSV_MAPPING } : {};
  for await (const record of parseSource(format, path.join(FIXTURES, file), options)) records.push(record);
  return records;
}

const keyOf = (record: SourceRecord): string =>
  record.kind === 'post' ? record.post.id : `${record.ref}:${record.code}`;

describe('parseSource', () => {
  it.each(SOURCE_FORMATS)('gives the same ids and refs when %s is imported twice', async (format) => {
    const first = await collect(format, SAMPLES[format]);
    const second = await collect(format, SAMPLES[format]);
    expect(first.length).toBeGreaterThan(0);
    expect(second.map(keyOf)).toEqual(first.map(keyOf));
    const ids = first.flatMap((record) => (record.kind === 'post' ? [record.post.id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  // Every fixture given under every other format: a clear whole-file error, never a flood of rejects.
  const wrong = SOURCE_FORMATS.flatMap((format) =>
    SOURCE_FORMATS.filter((other) => other !== format).map((other) => [other, format] as const),
  );
  it.each(wrong)('refuses a %s file given as --format %s', async (actual, given) => {
    const error = await collect(given, SAMPLES[actual]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceFormatError);
    expect(String(error)).toContain(path.basename(SAMPLES[actual]));
  });

  it('fails a missing file with a message naming it', async () => {
    await expect(collect('tg-dump', 'nope/missing.json')).rejects.toThrow(/cannot read .*missing\.json/);
  });

  it('fails a truncated JSON file, keeping the records read before the cut', async () => {
    const whole = JSON.stringify([
      {
        message_id: 1,
        sender_id: -1001,
        text: 'Первая запись',
        date: '2024-03-01T00:00:00+00:00',
        channel: 'К',
      },
      {
        message_id: 2,
        sender_id: -1001,
        text: 'Вторая запись',
        date: '2024-03-01T00:00:00+00:00',
        channel: 'К',
      },
    ]);
    const truncated = whole.slice(0, whole.indexOf('Вторая'));
    const records: SourceRecord[] = [];
    const run = async () => {
      const input = { name: 'cut.json', chunks: Readable.from([Buffer.from(truncated)]) };
      for await (const record of parseSource('tg-dump', input)) records.push(record);
    };
    await expect(run()).rejects.toThrow(/cut\.json: malformed JSON: the document ends early/);
    expect(records).toHaveLength(1);
  });

  it('reads streams as well as files', async () => {
    const line = JSON.stringify({
      platform: 'api',
      channel: 'stdin',
      externalId: 'x',
      text: 'Из потока',
      publishedAt: '2024-03-01T00:00:00Z',
    });
    const records: SourceRecord[] = [];
    const input = { name: 'stdin', chunks: Readable.from([Buffer.from(`${line}\n`)]) };
    for await (const record of parseSource('jsonl', input)) records.push(record);
    expect(records).toMatchObject([{ kind: 'post', post: { text: 'Из потока' } }]);
  });

  it('refuses an invalid UTC offset up front', () => {
    expect(() => parseSource('csv', 'x.csv', { defaultUtcOffset: 'MSK' })).toThrow(/\+03:00/);
  });
});

describe('readLines', () => {
  it('joins characters and lines split across byte chunks, and handles CRLF', async () => {
    const bytes = Buffer.from('первая\r\nвторая\nтретья');
    const chunks = Readable.from([...bytes].map((byte) => Buffer.from([byte])));
    const lines: string[] = [];
    for await (const line of readLines({ name: 'bytes', chunks })) lines.push(`${line.number}:${line.text}`);
    expect(lines).toEqual(['1:первая', '2:вторая', '3:третья']);
  });

  it('fails a runaway line instead of buffering it without bound', async () => {
    const chunks = Readable.from(Array.from({ length: 10 }, () => Buffer.from('x'.repeat(100))));
    const read = async () => {
      for await (const _ of readLines({ name: 'one-line.json', chunks }, 500)) break;
    };
    await expect(read()).rejects.toThrow(/one-line\.json: line 1 is longer than 500 characters/);
  });
});
