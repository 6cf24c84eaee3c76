import { applyOps, writeStoryOps, type StoryStore } from './story-ops';
import type { MemberEvent, StoryDocument } from './story';
import type { StoryVersion } from '../store/stories.repository';

const event = (postId: string, publishedAt: string, channel = '@c'): MemberEvent => ({
  postId,
  level: 'near',
  score: 0.8,
  state: 'auto',
  publishedAt,
  platform: 'telegram',
  channel,
  text: `текст ${postId}`,
  lemmas: ['текст'],
});
const now = '2024-01-01T00:00:00.000Z';

describe('story record ops', () => {
  it('members are counted once, even when the same batch is applied twice', () => {
    const first = applyOps(
      's',
      undefined,
      [{ kind: 'members', events: [event('p1', '2024-01-01T10:01:00Z')] }],
      now,
    ).doc;
    const again = applyOps(
      's',
      first,
      [{ kind: 'members', events: [event('p1', '2024-01-01T10:01:00Z')] }],
      now,
    ).doc;
    expect(again?.size).toBe(1);
  });

  it('the patient zero is the earliest post whatever the arrival order', () => {
    const events = [event('p2', '2024-01-01T10:05:00Z'), event('p1', '2024-01-01T10:00:00Z', '@first')];
    const doc = applyOps('s', undefined, [{ kind: 'members', events }], now).doc;
    expect(doc).toMatchObject({ patientZero: 'p1', firstSeenAt: '2024-01-01T10:00:00Z', size: 2 });
    expect(doc?.timeline.per5m).toEqual({ '2024-01-01T10:00:00.000Z': 1, '2024-01-01T10:05:00.000Z': 1 });
  });

  it('a merge marks the loser merged and hands its content to the survivor once', () => {
    const loser = applyOps(
      'l',
      undefined,
      [{ kind: 'members', events: [event('p1', '2024-01-01T09:00:00Z')] }],
      now,
    ).doc;
    const survivor = applyOps(
      's',
      undefined,
      [{ kind: 'members', events: [event('p2', '2024-01-01T10:00:00Z')] }],
      now,
    ).doc;
    const marked = applyOps(
      'l',
      loser,
      [{ kind: 'merge-into', into: 's', at: now, by: 'cluster', postId: 'p9' }],
      now,
    );
    expect(marked.doc).toMatchObject({ status: 'merged', mergedInto: 's' });
    const absorbOps = marked.then[0]?.ops ?? [];
    const merged = applyOps('s', survivor, absorbOps, now).doc;
    expect(merged).toMatchObject({ size: 2, patientZero: 'p1' });
    expect(applyOps('s', merged, absorbOps, now).doc?.size).toBe(2);
  });

  it('writes that reach a merged story are forwarded to the survivor', () => {
    const merged = applyOps(
      'l',
      undefined,
      [{ kind: 'merge-into', into: 's', at: now, by: 'cluster' }],
      now,
    ).doc;
    const result = applyOps('l', merged, [{ kind: 'members', events: [event('p3', now)] }], now);
    expect(result.doc).toBeUndefined();
    expect(result.forward[0]?.storyId).toBe('s');
  });

  it('an analyst decision is not overwritten by a later suggestion', () => {
    const doc = applyOps('s', undefined, [{ kind: 'members', events: [event('p1', now)] }], now).doc;
    const suggested = applyOps(
      's',
      doc,
      [{ kind: 'members', events: [{ ...event('p2', now), state: 'suggested' }] }],
      now,
    ).doc;
    const rejected = applyOps(
      's',
      suggested,
      [{ kind: 'decide', postId: 'p2', state: 'rejected', at: now, by: 'a' }],
      now,
    ).doc;
    const later = applyOps(
      's',
      rejected,
      [{ kind: 'members', events: [{ ...event('p2', now), state: 'suggested' }] }],
      now,
    ).doc;
    expect(later?.members.find((m) => m.postId === 'p2')?.state).toBe('rejected');
  });

  it('a story said to be absent is not read first, and is still updated when it exists after all', async () => {
    // An in-memory store with versions, as Elasticsearch guards writes.
    const docs = new Map<string, { doc: StoryDocument; seqNo: number }>();
    const reads: string[][] = [];
    const store: StoryStore = {
      getVersioned: (ids) => {
        reads.push([...ids]);
        const found = ids.flatMap((id) => {
          const d = docs.get(id);
          return d ? [[id, { doc: d.doc, seqNo: d.seqNo, primaryTerm: 1 }] as const] : [];
        });
        return Promise.resolve(new Map(found));
      },
      writeGuarded: (writes) => {
        const conflicts: string[] = [];
        const versions = new Map<string, StoryVersion>();
        for (const w of writes) {
          const known = docs.get(w.doc.id);
          if (known?.seqNo !== w.version?.seqNo) conflicts.push(w.doc.id);
          else {
            const seqNo = (known?.seqNo ?? 0) + 1;
            docs.set(w.doc.id, { doc: w.doc, seqNo });
            versions.set(w.doc.id, { seqNo, primaryTerm: 1 });
          }
        }
        return Promise.resolve({ conflicts, versions });
      },
    };
    const members = (postId: string) =>
      new Map([['s', [{ kind: 'members' as const, events: [event(postId, '2024-01-01T10:00:00Z')] }]]]);
    await writeStoryOps(store, members('p1'), () => now, { absent: new Set(['s']) });
    expect(reads).toEqual([]);
    // Wrongly said absent (its record outlived the clustering state): the create conflicts, then it is read.
    await writeStoryOps(store, members('p2'), () => now, { absent: new Set(['s']) });
    expect(reads).toEqual([['s']]);
    expect(docs.get('s')?.doc.members.map((m) => m.postId)).toEqual(['p1', 'p2']);
  });
});
