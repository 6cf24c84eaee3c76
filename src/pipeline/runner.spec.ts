import type { BatchPayload, PostInFlight } from './jobs';
import { shouldSplit, splitBatch } from './runner';

const item = (id: string): PostInFlight => ({
  post: {
    id,
    platform: 'telegram',
    channel: '-100',
    externalId: id,
    text: 'текст',
    publishedAt: '2026-12-01T10:00:00.000Z',
    raw: {},
  },
});

describe('shouldSplit', () => {
  it('splits a batch at once when a bug threw', () => {
    expect(shouldSplit(50, new TypeError("Cannot read properties of undefined (reading 'x')"), 0, 20)).toBe(
      true,
    );
    expect(shouldSplit(2, new RangeError('Invalid array length'), 0, 20)).toBe(true);
  });

  it('retries a batch whole for other errors until its last attempt', () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:9200');
    expect(shouldSplit(50, outage, 0, 20)).toBe(false);
    expect(shouldSplit(50, outage, 18, 20)).toBe(false);
    expect(shouldSplit(50, outage, 19, 20)).toBe(true);
  });

  it('never splits a post alone: it is retried and parked in the dead-letter queue', () => {
    expect(shouldSplit(1, new TypeError('bug'), 0, 20)).toBe(false);
    expect(shouldSplit(1, new Error('outage'), 19, 20)).toBe(false);
  });
});

describe('splitBatch', () => {
  const batch: BatchPayload = {
    runId: 'r1',
    batchKey: 'k',
    posts: ['a', 'b', 'c', 'd', 'e'].map(item),
    rejects: [
      { id: 'x', code: 'empty_text', reason: 'empty', ref: 'f#1', rejectedAt: '2026-12-01T10:00:00Z' },
    ],
  };

  it('keeps every post and reject once, in order, under keys derived from the batch key', () => {
    const [first, second] = splitBatch(batch);
    expect(first.posts.map((p) => p.post.id)).toEqual(['a', 'b', 'c']);
    expect(second.posts.map((p) => p.post.id)).toEqual(['d', 'e']);
    expect(first.rejects).toEqual(batch.rejects);
    expect(second.rejects).toEqual([]);
    expect([first.batchKey, second.batchKey]).toEqual(['k.0', 'k.1']);
    expect([first.runId, second.runId]).toEqual(['r1', 'r1']);
  });
});
