import path from 'node:path';
import { PROJECT_ROOT } from '../../config/config';
import { postId } from '../../domain/post';
import { parseSource, SourceFormatError, type SourceRecord } from '.';
import { markedChatId } from './telegram-export';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources');
const EXPORT = path.join(FIXTURES, 'telegram', 'result.json');

async function collect(file: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of parseSource('telegram', file)) records.push(record);
  return records;
}

function posts(records: SourceRecord[]) {
  return records.flatMap((record) => (record.kind === 'post' ? [record.post] : []));
}

describe('Telegram Desktop export parser', () => {
  it('yields every message in order: posts, plus counted service messages and bad records', async () => {
    const records = await collect(EXPORT);
    expect(records.map((record) => (record.kind === 'post' ? record.post.externalId : record.code))).toEqual([
      'service_message',
      '2',
      '3',
      '4',
      '5',
      'service_message',
      'schema',
      'bad_date',
      '9',
    ]);
  });

  it('uses the marked channel id, the export name as title, and date_unixtime for the instant', async () => {
    const [first] = posts(await collect(EXPORT));
    expect(first).toMatchObject({
      id: postId('telegram', '-1001987654321', '2'),
      platform: 'telegram',
      channel: '-1001987654321',
      channelTitle: 'Новости Заречного района',
      publishedAt: '2024-03-01T10:15:00.000Z',
    });
    expect(first?.raw).not.toHaveProperty('text');
  });

  it('rebuilds entity arrays as plain text, keeping link text and targets', async () => {
    const post = posts(await collect(EXPORT)).find((item) => item.externalId === '3');
    expect(post?.text).toBe(
      'График отключения света на 2 марта: улицы Лесная и Речная с 9:00 до 13:00. Подробности ' +
        'на сайте сетевой компании (https://example.org/otklyucheniya), вопросы — @zarechny_help или по ' +
        'телефону +7 900 000-00-00. #отключения https://example.org/map резервный генератор не включали ⚡ ' +
        'почта: info@example.org до 12:00 уточнено ТП-14',
    );
    expect(post?.author).toBe('Ирина Полякова');
  });

  it('keeps forwarded_from, strips control characters, and reads zone-less dates at the configured offset', async () => {
    const all = posts(await collect(EXPORT));
    expect(all.find((item) => item.externalId === '4')?.forwardedFrom).toBe('Администрация Заречного района');
    expect(all.find((item) => item.externalId === '9')).toMatchObject({
      text: 'Старый экспорт без date_unixtime: время берётся из поля date.',
      publishedAt: '2024-03-03T11:00:00.000Z',
    });
    const moscow: SourceRecord[] = [];
    for await (const record of parseSource('telegram', EXPORT, { defaultUtcOffset: '+03:00' }))
      moscow.push(record);
    expect(posts(moscow).find((item) => item.externalId === '9')?.publishedAt).toBe(
      '2024-03-03T08:00:00.000Z',
    );
  });

  it('names the service action in the reject reason', async () => {
    const records = await collect(EXPORT);
    expect(records[5]).toEqual({
      kind: 'reject',
      ref: 'result.json#message 6',
      code: 'service_message',
      reason: 'not a post (service: pin_message)',
    });
  });

  it('refuses a VK file given as --format telegram, pointing at --format vk', async () => {
    const error = await collect(path.join(FIXTURES, 'vk', 'wall.json')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceFormatError);
    expect(String(error)).toMatch(/wall\.json: no "messages" array.*try --format vk/);
  });

  it('maps chat types to marked ids like bots and scrapers use', () => {
    expect(markedChatId('public_channel', 123)).toBe('-100123');
    expect(markedChatId('private_supergroup', 123)).toBe('-100123');
    expect(markedChatId('private_group', 123)).toBe('-123');
    expect(markedChatId('personal_chat', 123)).toBe('123');
  });
});
