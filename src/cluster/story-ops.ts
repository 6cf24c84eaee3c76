import {
  absorb,
  applyMembers,
  decideMember,
  emptyStory,
  type MemberEvent,
  type StoryDocument,
} from './story';
import type { GuardedWrite, GuardedWriteResult, VersionedStory } from '../store/stories.repository';

/** A change to one story record. Ops are re-applied from scratch when a guarded write loses a race. */
export type StoryOp =
  | { kind: 'members'; events: MemberEvent[] }
  /** Applied to the loser of a merge: marks it merged; its content is then absorbed by `into`. */
  | { kind: 'merge-into'; into: string; at: string; by: string; postId?: string }
  /** Applied to the survivor: folds in the loser's content (skipped if already absorbed). */
  | { kind: 'absorb'; loser: StoryDocument; at: string; by: string; postId?: string }
  | {
      kind: 'decide';
      postId: string;
      state: 'confirmed' | 'rejected';
      at: string;
      by: string;
      note?: string;
    };

/** The outcome of applying ops to one record. */
export interface OpsResult {
  /** The record to write, or undefined when nothing changes here. */
  doc: StoryDocument | undefined;
  /** Ops that belong to another story (this one was merged); applied there, no write needed here. */
  forward: { storyId: string; ops: StoryOp[] }[];
  /** Ops to run only after this record was written (the absorb half of a merge). */
  then: { storyId: string; ops: StoryOp[] }[];
}

const clone = (doc: StoryDocument): StoryDocument => structuredClone(doc);

/**
 * Applies ops to a record (pure). A merged record forwards everything to the story it was merged into,
 * so writers that resolved a story id just before a merge still land in the right place.
 */
export function applyOps(
  id: string,
  current: StoryDocument | undefined,
  ops: readonly StoryOp[],
  now: string,
): OpsResult {
  if (current?.status === 'merged' && current.mergedInto !== undefined) {
    const into = current.mergedInto;
    const moved = ops.filter((op) => op.kind !== 'merge-into');
    // A repeated merge (crash repair) re-sends the absorb: idempotent on the survivor, and it completes a
    // merge whose second half was lost.
    const repeat = ops.find((op) => op.kind === 'merge-into');
    const then: OpsResult['then'] = repeat
      ? [{ storyId: into, ops: [{ kind: 'absorb', loser: clone(current), at: repeat.at, by: repeat.by }] }]
      : [];
    return { doc: undefined, forward: moved.length > 0 ? [{ storyId: into, ops: moved }] : [], then };
  }
  let doc = current ? clone(current) : undefined;
  const then: OpsResult['then'] = [];
  const forward: OpsResult['forward'] = [];
  for (const [i, op] of ops.entries()) {
    switch (op.kind) {
      case 'members': {
        const [first] = op.events;
        if (first === undefined) break;
        doc = applyMembers(doc ?? emptyStory(id, first, now), op.events, now);
        break;
      }
      case 'absorb': {
        if (doc === undefined) {
          // The survivor's own record is not written yet: start it from the loser's content.
          doc = { ...clone(op.loser), id, status: 'active', history: [] };
          delete doc.mergedInto;
          doc.history.push({
            at: op.at,
            type: 'absorbed',
            storyId: op.loser.id,
            by: op.by,
            ...(op.postId ? { postId: op.postId } : {}),
          });
        } else if (!doc.history.some((h) => h.type === 'absorbed' && h.storyId === op.loser.id)) {
          doc = absorb(doc, op.loser, op).survivor;
        }
        break;
      }
      case 'decide': {
        if (doc !== undefined) decideMember(doc, op);
        break;
      }
      case 'merge-into': {
        if (doc === undefined) {
          // Nothing written yet for the loser: leave a merged stub so late writers forward.
          doc = mergedStub(id, op.into, op.at);
        } else {
          const via = op.postId ? { postId: op.postId } : {};
          then.push({
            storyId: op.into,
            ops: [{ kind: 'absorb', loser: clone(doc), at: op.at, by: op.by, ...via }],
          });
          doc = {
            ...doc,
            status: 'merged',
            mergedInto: op.into,
            history: [
              ...doc.history,
              { at: op.at, type: 'merged-into', storyId: op.into, by: op.by, ...via },
            ],
            updatedAt: op.at,
          };
        }
        // Whatever follows the merge belongs to the survivor.
        const rest = ops.slice(i + 1).filter((o) => o.kind !== 'merge-into');
        if (rest.length > 0) forward.push({ storyId: op.into, ops: rest });
        return { doc, forward, then };
      }
    }
  }
  return { doc, forward, then };
}

function mergedStub(id: string, into: string, at: string): StoryDocument {
  return {
    id,
    title: '',
    representativeText: '',
    lemmas: [],
    patientZero: '',
    // Sorts after every real post, so a stub never becomes anyone's patient zero.
    patientZeroPost: { postId: '', publishedAt: '9999-12-31T23:59:59.999Z', platform: 'api', channel: '' },
    firstSeenAt: at,
    lastActivityAt: at,
    size: 0,
    suggestedCount: 0,
    status: 'merged',
    mergedInto: into,
    members: [],
    sources: [],
    platforms: {},
    timeline: { per5m: {}, per1h: {} },
    history: [{ at, type: 'merged-into', storyId: into, by: 'cluster' }],
    updatedAt: at,
  };
}

/** What {@link writeStoryOps} needs from the stories repository. */
export interface StoryStore {
  getVersioned(ids: readonly string[]): Promise<Map<string, VersionedStory>>;
  writeGuarded(writes: readonly GuardedWrite[]): Promise<GuardedWriteResult>;
}

/**
 * Applies ops to story records with optimistic concurrency: read with versions, apply (pure), write
 * guarded; ids that lost a race are re-read and re-applied, forwarded ops follow merges, and the absorb
 * half of a merge runs only after the loser was marked merged. Returns after every op landed.
 *
 * `absent`: ids whose record cannot exist yet (stories the caller just created): the first round does
 * not read them and writes them with `create`, which fails like a lost race if one does exist after all.
 * Most stories of a batch are new, and reading them was most of the read.
 */
export async function writeStoryOps(
  store: StoryStore,
  ops: ReadonlyMap<string, readonly StoryOp[]>,
  now: () => string = () => new Date().toISOString(),
  options: { maxRounds?: number; absent?: ReadonlySet<string> } = {},
): Promise<void> {
  const maxRounds = options.maxRounds ?? 50;
  let pending = new Map<string, StoryOp[]>();
  const add = (target: Map<string, StoryOp[]>, id: string, more: readonly StoryOp[]): void => {
    target.set(id, [...(target.get(id) ?? []), ...more]);
  };
  for (const [id, list] of ops) add(pending, id, list);
  for (let round = 0; pending.size > 0; round++) {
    if (round >= maxRounds) {
      throw new Error(
        `story records still contended after ${maxRounds} rounds: ${[...pending.keys()].join(', ')}`,
      );
    }
    const unread = round === 0 ? (options.absent ?? new Set<string>()) : new Set<string>();
    const toRead = [...pending.keys()].filter((id) => !unread.has(id));
    const current = toRead.length > 0 ? await store.getVersioned(toRead) : new Map<string, VersionedStory>();
    const results = new Map<string, OpsResult>();
    const writes: GuardedWrite[] = [];
    for (const [id, list] of pending) {
      const found = current.get(id);
      const result = applyOps(id, found?.doc, list, now());
      results.set(id, result);
      if (result.doc === undefined) continue;
      const version = found ? { seqNo: found.seqNo, primaryTerm: found.primaryTerm } : undefined;
      writes.push(version ? { doc: result.doc, version } : { doc: result.doc });
    }
    const lost = new Set((await store.writeGuarded(writes)).conflicts);
    const next = new Map<string, StoryOp[]>();
    for (const [id, list] of pending) {
      const result = results.get(id);
      // Lost the race: everything derived from the stale read is dropped and recomputed next round.
      if (lost.has(id) || result === undefined) {
        add(next, id, list);
        continue;
      }
      for (const f of [...result.forward, ...result.then]) add(next, f.storyId, f.ops);
    }
    pending = next;
  }
}
