import type { BatchPayload, PostInFlight, RejectRecord } from './jobs';
import { shouldSplit, splitBatch, type BatchFailure } from './runner';

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
const reject = (id: string): RejectRecord => ({
  id,
  code: 'empty_text',
  reason: 'empty',
  ref: `f#${id}`,
  rejectedAt: '2026-12-01T10:00:00Z',
});

const failure = (over: Partial<BatchFailure>): BatchFailure => ({
  stage: 'cluster',
  items: 50,
  error: new Error('connect ECONNREFUSED 127.0.0.1:9200'),
  attemptsMade: 0,
  attempts: 20,
  ...over,
});

describe('shouldSplit', () => {
  it('splits a batch at once when a bug threw', () => {
    expect(
      shouldSplit(failure({ error: new TypeError("Cannot read properties of undefined (reading 'x')") })),
    ).toBe(true);
    expect(shouldSplit(failure({ items: 2, error: new RangeError('Invalid array length') }))).toBe(true);
  });

  it('retries a batch whole for other errors until its last attempt', () => {
    expect(shouldSplit(failure({}))).toBe(false);
    expect(shouldSplit(failure({ attemptsMade: 18 }))).toBe(false);
    expect(shouldSplit(failure({ attemptsMade: 19 }))).toBe(true);
  });

  it('never splits a lone item (it is retried and parked) nor an ingest batch (admitted by its key)', () => {
    expect(shouldSplit(failure({ items: 1, error: new TypeError('bug') }))).toBe(false);
    expect(shouldSplit(failure({ items: 1, attemptsMade: 19 }))).toBe(false);
    expect(shouldSplit(failure({ stage: 'ingest', error: new TypeError('bug'), attemptsMade: 19 }))).toBe(
      false,
    );
  });
});

describe('splitBatch', () => {
  const batch = (posts: string[], rejects: string[]): BatchPayload => ({
    runId: 'r1',
    batchKey: 'k',
    posts: posts.map(item),
    rejects: rejects.map(reject),
  });
  const shape = (parts: BatchPayload[]) =>
    parts.map((p) => ({
      key: p.batchKey,
      posts: p.posts.map((i) => i.post.id),
      rejects: p.rejects.map((r) => r.id),
    }));

  it('halves the posts, in order, under keys derived from the batch key', () => {
    expect(shape(splitBatch(batch(['a', 'b', 'c', 'd', 'e'], [])))).toEqual([
      { key: 'k.0', posts: ['a', 'b', 'c'], rejects: [] },
      { key: 'k.1', posts: ['d', 'e'], rejects: [] },
    ]);
    expect(splitBatch(batch(['a', 'b'], [])).map((p) => p.runId)).toEqual(['r1', 'r1']);
  });

  it('moves the rejects to a part of their own, and halves rejects alone', () => {
    expect(shape(splitBatch(batch(['a'], ['x', 'y'])))).toEqual([
      { key: 'k.p', posts: ['a'], rejects: [] },
      { key: 'k.r', posts: [], rejects: ['x', 'y'] },
    ]);
    expect(shape(splitBatch(batch([], ['x', 'y', 'z'])))).toEqual([
      { key: 'k.0', posts: [], rejects: ['x', 'y'] },
      { key: 'k.1', posts: [], rejects: ['z'] },
    ]);
  });
});
