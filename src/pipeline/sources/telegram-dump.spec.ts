import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../../config/config';
import { postId } from '../../domain/post';
import { validatePost } from '../validate';
import { parseSource, SourceFormatError, type SourceRecord } from '.';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources');
const DUMP = path.join(FIXTURES, 'tg-dump', 'channel.json');

async function collect(file: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of parseSource('tg-dump', file)) records.push(record);
  return records;
}

describe('Telegram channel dump parser', () => {
  it('yields posts with markdown kept, the sender id as channel and the name as title', async () => {
    const [first, second] = await collect(DUMP);
    expect(first).toEqual({
      kind: 'post',
      post: {
        id: postId('telegram', '-1001555000111', '501'),
        platform: 'telegram',
        channel: '-1001555000111',
        channelTitle: 'Городской вестник',
        externalId: '501',
        text:
          '**Во Льнозаводском микрорайоне прорвало трубу отопления**\n\nЖильцы трёх домов остались без тепла, ' +
          'обещают устранить к вечеру. [Подробнее](https://example.org/news/501)',
        publishedAt: '2024-11-07T18:09:50.000Z',
        raw: {
          message_id: 501,
          sender_id: -1001555000111,
          date: '2024-11-07T18:09:50+00:00',
          channel: 'Городской вестник',
          category: 'moscow',
        },
      },
    });
    expect(second?.kind === 'post' && second.post.publishedAt).toBe('2024-11-07T05:00:00.000Z');
  });

  it('turns bad records into rejects and leaves the rest to validation', async () => {
    const records = await collect(DUMP);
    const now = new Date('2024-12-01T00:00:00Z');
    const outcomes = records.map((record) => {
      if (record.kind === 'reject') return record.code;
      const verdict = validatePost(record.post, now);
      return verdict.ok ? 'ok' : verdict.code;
    });
    expect(outcomes).toEqual(['ok', 'ok', 'empty_text', 'bad_date', 'schema', 'future_date']);
  });

  it('refuses a Telegram Desktop export given as --format tg-dump', async () => {
    const error = await collect(path.join(FIXTURES, 'telegram', 'result.json')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SourceFormatError);
    expect(String(error)).toContain('try --format telegram');
  });
});

describe('the telegram-news dataset', () => {
  const dir = path.join(loadConfig().datasetsDir, 'telegram-news', 'raw');
  const available = existsSync(dir);
  const maybe = available ? it : it.skip;
  if (!available) {
    it.todo(`parses all 24 files of telegram-news/raw — skipped: ${dir} is absent (set DOZOR_DATASETS_DIR)`);
  }

  maybe('accounts for all 22,099 records of the 24 files (posts + rejects by code)', async () => {
    const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
    expect(files).toHaveLength(24);
    const now = new Date();
    const outcomes: Record<string, number> = {};
    const ids = new Set<string>();
    let total = 0;
    let parsed = 0;
    for (const file of files) {
      for await (const record of parseSource('tg-dump', path.join(dir, file))) {
        total++;
        let outcome: string;
        if (record.kind === 'reject') outcome = record.code;
        else {
          parsed++;
          ids.add(record.post.id);
          const verdict = validatePost(record.post, now);
          outcome = verdict.ok ? 'post' : verdict.code;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }
    process.stdout.write(
      `telegram-news: ${total} records, ${ids.size} distinct ids, ${JSON.stringify(outcomes)}\n`,
    );
    expect(total).toBe(22_099);
    expect(Object.values(outcomes).reduce((sum, count) => sum + count, 0)).toBe(22_099);
    // Ids are unique per (channel, message): importing the 24 files cannot collapse two posts into one.
    expect(ids.size).toBe(parsed);
  });
});
