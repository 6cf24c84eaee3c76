import path from 'node:path';
import { PROJECT_ROOT } from '../../config/config';
import { postId } from '../../domain/post';
import { parseSource, SourceFormatError, type SourceRecord } from '.';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources', 'vk');

async function collect(file: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of parseSource('vk', path.join(FIXTURES, file))) records.push(record);
  return records;
}

describe('VK wall.get parser', () => {
  it('yields a post with url, metrics and the owner as channel', async () => {
    const [first] = await collect('wall.json');
    expect(first).toMatchObject({
      kind: 'post',
      post: {
        id: postId('vk', '-22334455', '3101'),
        platform: 'vk',
        channel: '-22334455',
        externalId: '3101',
        url: 'https://vk.com/wall-22334455_3101',
        publishedAt: '2024-03-03T09:00:00.000Z',
        metrics: { views: 2410, likes: 52, reposts: 6, comments: 14 },
      },
    });
  });

  it('takes the reposted text when a repost has none, and sets forwardedFrom to the original owner', async () => {
    const records = await collect('wall.json');
    expect(records[1]).toMatchObject({
      kind: 'post',
      post: {
        text: 'Внимание! С 10:00 до 16:00 в Северном районе плановое отключение газа.',
        forwardedFrom: '-99887766',
        raw: { copy_history: [{ owner_id: -99887766, id: 880 }] },
      },
    });
    expect(records[2]).toMatchObject({
      kind: 'post',
      post: {
        text: 'Делюсь: это про наш двор.\n\nВо дворе на Полевой третий день не вывозят мусор, контейнеры переполнены.',
        author: '1234567',
        forwardedFrom: '7654321',
      },
    });
  });

  it('rejects an item with a broken id or no date and goes on', async () => {
    const records = await collect('wall.json');
    expect(records.slice(3)).toMatchObject([
      { kind: 'reject', code: 'schema', ref: 'wall.json#item 3' },
      { kind: 'reject', code: 'bad_date', ref: 'wall.json#wall-22334455_3105' },
    ]);
  });

  it('accepts the bare items array as well as the wrapped response', async () => {
    const records = await collect('items.json');
    expect(records).toMatchObject([
      { kind: 'post', post: { channel: '5550001', metrics: { likes: 1, comments: 0 } } },
    ]);
  });

  it('fails the file with the API error when the response is an error', async () => {
    await expect(collect('error.json')).rejects.toThrow(
      /error\.json: the file holds a VK API error, not posts \(error 5: User authorization failed/,
    );
  });

  it('refuses a Telegram channel dump given as --format vk instead of rejecting every item', async () => {
    const file = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources', 'tg-dump', 'channel.json');
    const records: SourceRecord[] = [];
    const run = async () => {
      for await (const record of parseSource('vk', file)) records.push(record);
    };
    await expect(run()).rejects.toThrow(SourceFormatError);
    await expect(run()).rejects.toThrow(/try --format tg-dump/);
    expect(records).toEqual([]);
  });
});
