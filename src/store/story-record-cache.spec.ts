import type { StoryStore } from '../cluster/story-ops';
import type { StoryDocument } from '../cluster/story';
import type { GuardedWrite, StoryVersion, VersionedStory } from './stories.repository';
import { StoryRecordCache } from './story-record-cache';

/** An in-memory stories index with versions, counting reads. */
function versionedStore(): StoryStore & {
  reads: string[];
  docs: Map<string, VersionedStory>;
  live: string;
  aliasTargetKey(): Promise<string>;
} {
  const docs = new Map<string, VersionedStory>();
  const reads: string[] = [];
  return {
    docs,
    reads,
    live: 'dozor-stories-v2',
    aliasTargetKey() {
      return Promise.resolve(this.live);
    },
    getVersioned: (ids) => {
      reads.push(...ids);
      const found = new Map<string, VersionedStory>();
      for (const id of ids) {
        const doc = docs.get(id);
        if (doc) found.set(id, doc);
      }
      return Promise.resolve(found);
    },
    writeGuarded: (writes: readonly GuardedWrite[]) => {
      const conflicts: string[] = [];
      const versions = new Map<string, StoryVersion>();
      for (const w of writes) {
        const known = docs.get(w.doc.id);
        if (known?.seqNo !== w.version?.seqNo) {
          conflicts.push(w.doc.id);
          continue;
        }
        const seqNo = (known?.seqNo ?? -1) + 1;
        docs.set(w.doc.id, { doc: w.doc, seqNo, primaryTerm: 1 });
        versions.set(w.doc.id, { seqNo, primaryTerm: 1 });
      }
      return Promise.resolve({ conflicts, versions });
    },
  };
}

const story = (id: string, title: string, members = 0): StoryDocument =>
  ({
    id,
    title,
    members: Array.from({ length: members }, (_, i) => ({ postId: `${id}-${i}` })),
    sources: [],
    history: [],
  }) as unknown as StoryDocument;

describe('story record cache', () => {
  it('a record this process wrote is read back from the cache, with the version it was given', async () => {
    const store = versionedStore();
    const cache = new StoryRecordCache(store);
    await cache.getVersioned(['unknown']);
    await cache.writeGuarded([{ doc: story('s1', 'first') }]);
    const read = await cache.getVersioned(['s1']);
    expect(read.get('s1')).toMatchObject({ doc: { title: 'first' }, seqNo: 0 });
    expect(store.reads).toEqual(['unknown']);
  });

  it('a record another process changed loses the race once, is dropped, and is then read from the store', async () => {
    const store = versionedStore();
    const cache = new StoryRecordCache(store);
    await cache.getVersioned(['unknown']);
    await cache.writeGuarded([{ doc: story('s1', 'mine') }]);
    // Another worker writes the record: the cached version is now stale.
    store.docs.set('s1', { doc: story('s1', 'theirs'), seqNo: 1, primaryTerm: 1 });
    const stale = (await cache.getVersioned(['s1'])).get('s1');
    const lost = await cache.writeGuarded([
      { doc: story('s1', 'update'), version: { seqNo: 0, primaryTerm: 1 } },
    ]);
    expect(stale?.seqNo).toBe(0);
    expect(lost.conflicts).toEqual(['s1']);
    const fresh = (await cache.getVersioned(['s1'])).get('s1');
    expect(fresh).toMatchObject({ doc: { title: 'theirs' }, seqNo: 1 });
    expect(store.reads).toEqual(['unknown', 's1']);
  });

  it('forgets every record when the alias moves to another index (versions do not carry over)', async () => {
    const store = versionedStore();
    const cache = new StoryRecordCache(store);
    await cache.getVersioned(['unknown']);
    await cache.writeGuarded([{ doc: story('s1', 'in v2') }]);
    await cache.getVersioned(['s1']);
    store.live = 'dozor-stories-v3';
    await cache.getVersioned(['s1']);
    expect(store.reads).toEqual(['unknown', 's1']);
  });

  it('a failed write empties the cache: the outcome of every write in it is unknown', async () => {
    const store = versionedStore();
    let fail = false;
    const flaky = {
      ...store,
      writeGuarded: (writes: readonly GuardedWrite[]) =>
        fail ? Promise.reject(new Error('429 index frozen')) : store.writeGuarded(writes),
    };
    const cache = new StoryRecordCache(flaky);
    await cache.getVersioned(['unknown']);
    await cache.writeGuarded([{ doc: story('s1', 'one') }]);
    fail = true;
    await expect(cache.writeGuarded([{ doc: story('s2', 'two') }])).rejects.toThrow('429');
    await cache.getVersioned(['s1']);
    expect(store.reads).toEqual(['unknown', 's1']);
  });

  it('a big story weighs its members: it pushes out smaller records to stay within the budget', async () => {
    const store = versionedStore();
    const cache = new StoryRecordCache(store, 10);
    await cache.getVersioned(['unknown']);
    await cache.writeGuarded([{ doc: story('a', 'a') }, { doc: story('b', 'b') }]);
    await cache.writeGuarded([{ doc: story('big', 'big', 8) }]);
    await cache.getVersioned(['a', 'b', 'big']);
    expect(store.reads).toEqual(['unknown', 'a']);
  });

  it('keeps at most its budget, dropping the least recently used record', async () => {
    const store = versionedStore();
    const cache = new StoryRecordCache(store, 2);
    await cache.getVersioned(['unknown']);
    await cache.writeGuarded([{ doc: story('a', 'a') }, { doc: story('b', 'b') }]);
    await cache.getVersioned(['a']);
    await cache.writeGuarded([{ doc: story('c', 'c') }]);
    await cache.getVersioned(['a', 'b', 'c']);
    expect(store.reads).toEqual(['unknown', 'b']);
  });
});
