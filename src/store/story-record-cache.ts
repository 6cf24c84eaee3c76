import type { StoryStore } from '../cluster/story-ops';
import type { GuardedWrite, GuardedWriteResult, VersionedStory } from './stories.repository';

/**
 * The story records this process wrote last, with the versions Elasticsearch gave them, in front of the
 * stories index for the cluster stage. Most updates touch a story the same worker wrote a moment ago;
 * reading it back costs an `mget` that makes Elasticsearch refresh the shard (a realtime get of an
 * unrefreshed document), the largest share of a story write.
 *
 * A cached record is only ever a guess: writes stay guarded by its version, so when another process
 * changed the record meanwhile the write loses the race (409), the entry is dropped and the caller's next
 * round reads the record from Elasticsearch. Correctness never depends on the cache being fresh.
 * Versions only compare within one index, so the cache empties when the alias moves (`dozor migrate`):
 * a version from the old index could match an unrelated one in the new.
 */
export class StoryRecordCache implements StoryStore {
  private readonly entries = new Map<string, VersionedStory>();
  private cachedFrom = '';

  constructor(
    private readonly store: StoryStore & { liveIndices(): Promise<string> },
    /** Records kept at most; the least recently used leave first. */
    private readonly capacity = 5_000,
  ) {}

  async getVersioned(ids: readonly string[]): Promise<Map<string, VersionedStory>> {
    const live = await this.store.liveIndices();
    if (live !== this.cachedFrom) {
      this.entries.clear();
      this.cachedFrom = live;
    }
    const out = new Map<string, VersionedStory>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.entries.get(id);
      if (hit) {
        out.set(id, hit);
        this.touch(id, hit);
      } else missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, found] of await this.store.getVersioned(missing)) {
        out.set(id, found);
        this.touch(id, found);
      }
    }
    return out;
  }

  async writeGuarded(writes: readonly GuardedWrite[]): Promise<GuardedWriteResult> {
    const result = await this.store.writeGuarded(writes);
    for (const id of result.conflicts) this.entries.delete(id);
    // Until a read has told which index the alias points at, versions cannot be tied to one.
    if (this.cachedFrom === '') return result;
    for (const write of writes) {
      const version = result.versions.get(write.doc.id);
      if (version) this.touch(write.doc.id, { doc: write.doc, ...version });
    }
    return result;
  }

  private touch(id: string, entry: VersionedStory): void {
    // A Map iterates in insertion order: re-inserting makes the entry the most recent.
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
