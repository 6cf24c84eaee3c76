import path from 'node:path';
import { PROJECT_ROOT } from '../../config/config';
import { postId } from '../../domain/post';
import { parseSource, type SourceOptions, type SourceRecord } from '.';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources', 'csv');
const MAPPING = {
  text: 'Текст',
  publishedAt: 'Дата',
  channel: 'Источник',
  externalId: 'id',
  views: 'Просмотры',
};

async function collect(file: string, options: SourceOptions): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of parseSource('csv', path.join(FIXTURES, file), options)) records.push(record);
  return records;
}

describe('CSV parser', () => {
  it('maps columns to fields, reading quoted commas, doubled quotes and newlines inside fields', async () => {
    const [first, second] = await collect('posts.csv', { mapping: MAPPING });
    expect(first).toMatchObject({
      kind: 'post',
      post: {
        id: postId('file', '@rayon_online', '101'),
        platform: 'file',
        channel: '@rayon_online',
        text: 'Во дворе на Лесной, 5 снова не горят фонари.',
        publishedAt: '2024-03-08T06:00:00.000Z',
        metrics: { views: 340 },
      },
    });
    expect(second).toMatchObject({
      kind: 'post',
      post: {
        text: 'Жители пишут: "в подъезде\nтечёт крыша", а УК молчит.',
        publishedAt: '2024-03-08T10:30:00.000Z',
        metrics: { views: 1200 },
      },
    });
  });

  it('rejects rows with extra fields, unreadable dates or bad numbers, with their line numbers', async () => {
    const records = await collect('posts.csv', { mapping: MAPPING });
    expect(records.slice(2)).toMatchObject([
      { kind: 'reject', code: 'malformed', ref: 'posts.csv#line 5', reason: '6 fields, the header has 5' },
      { kind: 'reject', code: 'bad_date', ref: 'posts.csv#line 6' },
      { kind: 'reject', code: 'schema', ref: 'posts.csv#line 7' },
    ]);
    expect(records[4]?.kind === 'reject' && records[4].reason).toContain('metrics.views');
  });

  it('applies fixed values, detects the semicolon delimiter, and falls back to stable defaults', async () => {
    const mapping = { text: 'Текст', publishedAt: 'Дата', channelTitle: 'Канал' };
    const [first] = await collect('semicolon.csv', { mapping });
    expect(first).toMatchObject({
      kind: 'post',
      post: { platform: 'file', channel: 'semicolon.csv', channelTitle: 'Сообщения граждан' },
    });
    const [again] = await collect('semicolon.csv', { mapping });
    expect(again?.kind === 'post' && again.post.id).toBe(first?.kind === 'post' && first.post.id);
    const [fixed] = await collect('semicolon.csv', { mapping, fixed: { platform: 'vk', channel: '-777' } });
    expect(fixed).toMatchObject({ kind: 'post', post: { platform: 'vk', channel: '-777' } });
  });

  it('fails the file when a mapped column is missing, listing the header', async () => {
    await expect(collect('posts.csv', { mapping: { ...MAPPING, text: 'Сообщение' } })).rejects.toThrow(
      /posts\.csv: columns not found: text → "Сообщение"\. The header has: id, Источник, Дата, Текст, Просмотры/,
    );
  });

  it('fails on an unknown field in the mapping', async () => {
    await expect(collect('posts.csv', { mapping: { txt: 'Текст' } })).rejects.toThrow(/unknown field "txt"/);
  });
});
