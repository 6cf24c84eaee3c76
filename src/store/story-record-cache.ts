import type { StoryStore } from '../cluster/story-ops';
import type { StoryDocument } from '../cluster/story';
import type { GuardedWrite, GuardedWriteResult, VersionedStory } from './stories.repository';

/** Lists of a record that grow with the story: its weight in the cache is their length. */
const weightOf = (doc: StoryDocument): number =>
  1 + doc.members.length + doc.sources.length + doc.history.length;

/**
 * The story records this process last read or wrote, with the versions Elasticsearch gave them, in front
 * of the stories index for the cluster stage. Most updates touch a story the same worker wrote a moment
 * ago, and reading it back (a realtime `mget` of a document not yet refreshed) was a large share of
 * the stage's Elasticsearch time.
 *
 * A cached record is only ever a guess: writes stay guarded by its version, so when another process
 * changed the record meanwhile the write loses the race (409), the entry is dropped and the caller's next
 * round reads the record from Elasticsearch. Correctness never depends on the cache being fresh.
 * Versions only compare within one index, so the cache empties when the alias moves (`dozor migrate`),
 * and after any failed write, whatever its cause.
 */
export class StoryRecordCache implements StoryStore {
  private readonly entries = new Map<string, VersionedStory>();
  private weight = 0;
  /** The alias's indices the entries came from; '' until a read told. */
  private cachedFrom = '';

  constructor(
    private readonly store: StoryStore & { aliasTargetKey(): Promise<string> },
    /**
     * Budget in list entries (members, sources, history; about 200 bytes each) so that a few huge
     * stories cannot hold much memory; the least recently used records leave first.
     */
    private readonly budget = 250_000,
  ) {}

  async getVersioned(ids: readonly string[]): Promise<Map<string, VersionedStory>> {
    const live = await this.store.aliasTargetKey();
    if (live !== this.cachedFrom) {
      this.clear();
      this.cachedFrom = live;
    }
    const out = new Map<string, VersionedStory>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.entries.get(id);
      if (hit) {
        out.set(id, hit);
        this.keep(id, hit);
      } else missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, found] of await this.store.getVersioned(missing)) {
        out.set(id, found);
        this.keep(id, found);
      }
    }
    return out;
  }

  async writeGuarded(writes: readonly GuardedWrite[]): Promise<GuardedWriteResult> {
    let result: GuardedWriteResult;
    try {
      result = await this.store.writeGuarded(writes);
    } catch (error) {
      // The outcome of each write is unknown (a frozen index during a migration answers 429).
      this.clear();
      throw error;
    }
    for (const id of result.conflicts) this.drop(id);
    // Until a read has told which index the alias points at, versions cannot be tied to one.
    if (this.cachedFrom === '') return result;
    for (const write of writes) {
      const version = result.versions.get(write.doc.id);
      if (version) this.keep(write.doc.id, { doc: write.doc, ...version });
    }
    return result;
  }

  private keep(id: string, entry: VersionedStory): void {
    // A Map iterates in insertion order: re-inserting makes the entry the most recent.
    this.drop(id);
    this.entries.set(id, entry);
    this.weight += weightOf(entry.doc);
    for (const [oldest] of this.entries) {
      if (this.weight <= this.budget) break;
      this.drop(oldest);
    }
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.weight -= weightOf(entry.doc);
    this.entries.delete(id);
  }

  private clear(): void {
    this.entries.clear();
    this.weight = 0;
  }
}
