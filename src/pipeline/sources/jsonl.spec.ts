import path from 'node:path';
import { PROJECT_ROOT } from '../../config/config';
import { postId } from '../../domain/post';
import { validatePost } from '../validate';
import { parseSource, SourceFormatError, type SourceRecord } from '.';

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sources');

async function collect(file: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of parseSource('jsonl', file)) records.push(record);
  return records;
}

describe('JSON Lines parser', () => {
  it("reads Dozor's schema line by line, skipping blank lines and rejecting bad ones", async () => {
    const records = await collect(path.join(FIXTURES, 'jsonl', 'posts.jsonl'));
    expect(records.map((record) => (record.kind === 'post' ? record.post.externalId : record.code))).toEqual([
      '4001',
      '4002',
      'malformed',
      'schema',
      '4005',
      '4006',
    ]);
    const reasons = records.map((record) =>
      record.kind === 'reject' ? `${record.ref}: ${record.reason}` : '',
    );
    expect(reasons[2]).toMatch(/^posts\.jsonl#line 4: not JSON/);
    expect(reasons[3]).toMatch(/^posts\.jsonl#line 5: platform/);
  });

  it('derives the id from platform, channel and external id, and accepts Unix seconds', async () => {
    const [first, second] = await collect(path.join(FIXTURES, 'jsonl', 'posts.jsonl'));
    expect(first).toMatchObject({
      kind: 'post',
      post: {
        id: postId('vk', '-22334455', '4001'),
        publishedAt: '2024-03-07T05:00:00.000Z',
        metrics: { views: 120 },
      },
    });
    expect(second).toMatchObject({
      kind: 'post',
      post: { externalId: '4002', publishedAt: '2024-03-07T08:26:40.000Z', forwardedFrom: '@meria_press' },
    });
  });

  it('leaves empty and future posts to validation, which refuses them', async () => {
    const records = await collect(path.join(FIXTURES, 'jsonl', 'posts.jsonl'));
    const verdicts = records.flatMap((record) =>
      record.kind === 'post' ? [validatePost(record.post, new Date('2024-03-10T00:00:00Z'))] : [],
    );
    expect(verdicts.map((verdict) => (verdict.ok ? 'ok' : verdict.code))).toEqual([
      'ok',
      'ok',
      'empty_text',
      'future_date',
    ]);
  });

  it('decodes invalid UTF-8 bytes to U+FFFD so that only the broken record is refused', async () => {
    const records = await collect(path.join(FIXTURES, 'jsonl', 'invalid-utf8.jsonl'));
    const verdicts = records.map((record) =>
      record.kind === 'post' ? validatePost(record.post, new Date('2024-03-10T00:00:00Z')) : undefined,
    );
    expect(verdicts).toEqual([{ ok: true }, expect.objectContaining({ ok: false, code: 'invalid_utf8' })]);
  });

  it('fails a pretty-printed JSON document instead of rejecting each of its lines', async () => {
    const error = await collect(path.join(FIXTURES, 'telegram', 'result.json')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SourceFormatError);
    expect(String(error)).toMatch(/result\.json: line 1 is not JSON .*try --format telegram/);
  });
});
