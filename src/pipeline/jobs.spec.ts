import type { Post } from '../domain/post';
import type { PostDocument } from '../domain/post-document';
import { fromJobData, nextStage, toJobData, type BatchPayload } from './jobs';

const post: Post = {
  id: 'p1',
  platform: 'telegram',
  channel: '-100',
  externalId: '1',
  text: '**Перекрыли** улицу Ленина',
  publishedAt: '2026-12-01T10:00:00.000Z',
  raw: { message_id: 1 },
};

const doc: PostDocument = {
  ...post,
  textClean: 'Перекрыли улицу Ленина',
  lemmas: ['перекрыть', 'улица', 'ленин'],
  lang: 'ru',
  hashtags: [],
  mentions: [],
  urls: [],
  fingerprint: 'f1',
  ingestedAt: '2026-12-01T10:00:01.000Z',
};

describe('nextStage', () => {
  it('follows the stage order and ends after index', () => {
    expect(nextStage('ingest')).toBe('normalize');
    expect(nextStage('normalize')).toBe('enrich');
    expect(nextStage('index')).toBeUndefined();
  });

  it('hops over stages the deployment turns off', () => {
    expect(nextStage('normalize', ['enrich'])).toBe('cluster');
    expect(nextStage('normalize', ['enrich', 'cluster'])).toBe('detect');
    expect(nextStage('detect', ['index'])).toBeUndefined();
  });
});

describe('job data', () => {
  const batch = (posts: BatchPayload['posts']): BatchPayload => ({
    runId: 'r1',
    batchKey: 'k1',
    posts,
    rejects: [{ id: 'x', code: 'schema', reason: 'no text', ref: 'f#1', rejectedAt: doc.ingestedAt }],
  });

  it('stores a normalized post once, as its document, and gives stages the post back', () => {
    const data = toJobData(batch([{ post, doc }]));
    expect(data.posts).toEqual([{ doc }]);
    expect(JSON.stringify(data).split('Перекрыли').length - 1).toBe(2);
    const back = fromJobData(JSON.parse(JSON.stringify(data)) as typeof data);
    expect(back.posts[0]?.doc).toEqual(doc);
    expect(back.posts[0]?.post.id).toBe('p1');
    expect(back.posts[0]?.post.text).toBe(post.text);
    expect(back.rejects).toEqual(batch([]).rejects);
  });

  it('keeps posts not yet normalized as they are', () => {
    const data = toJobData(batch([{ post }]));
    expect(data.posts).toEqual([{ post }]);
    expect(fromJobData(data).posts).toEqual([{ post }]);
  });

  it('reads jobs queued with both the post and its document', () => {
    const legacy = { ...batch([]), posts: [{ post, doc }] };
    expect(fromJobData(legacy).posts).toEqual([{ post, doc }]);
  });
});
