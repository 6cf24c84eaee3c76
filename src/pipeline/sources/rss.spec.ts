import path from 'node:path';
import { PROJECT_ROOT } from '../../config/config';
import { postId } from '../../domain/post';
import { parseSource, SourceFormatError, type SourceRecord } from '.';
import { htmlToText } from './html';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources', 'rss');

async function collect(file: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of parseSource('rss', path.join(FIXTURES, file))) records.push(record);
  return records;
}

describe('RSS / Atom parser', () => {
  it('reads RSS 2.0 items as text: HTML stripped, scripts dropped, link targets kept', async () => {
    const [first] = await collect('feed.rss');
    expect(first).toMatchObject({
      kind: 'post',
      post: {
        id: postId('rss', 'https://example.org/rss.xml', 'priozersk-news-1001'),
        platform: 'rss',
        channel: 'https://example.org/rss.xml',
        channelTitle: 'Вести Приозёрска',
        externalId: 'priozersk-news-1001',
        url: 'https://example.org/news/most-sosnovka',
        author: 'Отдел новостей',
        publishedAt: '2024-03-04T06:30:00.000Z',
        text:
          'Ремонт моста через Сосновку продлят до июня\n\nПодрядчик попросил ещё три месяца.\n\n' +
          'Объезд — по улице Заводской & через временный мост (https://example.org/map).',
      },
    });
  });

  it('prefers content:encoded, falls back to the link as id, and rejects an item without a date', async () => {
    const [, second, third] = await collect('feed.rss');
    expect(second).toMatchObject({
      kind: 'post',
      post: {
        externalId: 'https://example.org/news/voda-zarechye',
        text: 'Горячую воду в Заречье дадут в среду\n\nКоммунальщики закончили замену задвижки на магистрали.\n\nдома 1–15\n\nдома 17–31',
      },
    });
    expect(third).toMatchObject({ kind: 'reject', code: 'bad_date', reason: 'no publication date' });
  });

  it('reads Atom entries: html and xhtml content, published or updated, self link as channel', async () => {
    const records = await collect('feed.atom');
    expect(records.map((record) => record.kind === 'post' && record.post.text)).toEqual([
      'Паводок: уровень воды в реке растёт\n\nЖителей низин просят подготовиться к эвакуации.',
      'Пункты обогрева открыты\n\nАдреса пунктов обогрева: школа № 2 и дом культуры.',
      'Обращение главы округа\n\nПрошу сохранять спокойствие.',
    ]);
    expect(records[0]).toMatchObject({
      kind: 'post',
      post: {
        channel: 'https://example.net/atom.xml',
        externalId: 'tag:example.net,2024:entry-17',
        url: 'https://example.net/news/17',
        author: 'Пресс-служба',
        publishedAt: '2024-03-06T07:00:00.000Z',
      },
    });
  });

  it('refuses a document declaring its own entities (billion laughs) before parsing it', async () => {
    await expect(collect('entity-bomb.rss')).rejects.toThrow(/declares its own DTD entities/);
  });

  it('fails a malformed feed with the line and column', async () => {
    const error = await collect('broken.rss').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceFormatError);
    expect(String(error)).toMatch(/broken\.rss: malformed XML at line 7, column 3/);
  });

  it('refuses JSON given as --format rss', async () => {
    const file = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources', 'vk', 'wall.json');
    await expect(async () => {
      for await (const _ of parseSource('rss', file)) break;
    }).rejects.toThrow(/not XML.*try --format vk/);
  });
});

describe('htmlToText', () => {
  it('decodes entities, separates blocks, breaks lines at <br> and ignores what is not shown', () => {
    expect(
      htmlToText('<h1>Заголовок</h1><p>Первый&nbsp;абзац<br>вторая строка</p><style>p{}</style>&#1071;'),
    ).toBe('Заголовок\n\nПервый абзац\nвторая строка\nЯ');
  });

  it('does not repeat a link whose text is the address', () => {
    expect(htmlToText('<a href="https://example.org/a">https://example.org/a</a>')).toBe(
      'https://example.org/a',
    );
    expect(htmlToText('<a href="javascript:alert(1)">клик</a>')).toBe('клик');
  });
});
