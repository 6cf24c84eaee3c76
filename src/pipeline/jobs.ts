import { createHash } from 'node:crypto';
import type { Post } from '../domain/post';
import type { PostDocument } from '../domain/post-document';

/** Pipeline stages in order; each has its own BullMQ queue. */
export const STAGES = ['ingest', 'normalize', 'enrich', 'cluster', 'detect', 'index'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The stage after `stage`, or undefined after the last. Stages in `skipped` (ones this deployment turns
 * off, like enrich with models off) are hopped over: a hop costs a Redis round trip of the whole batch.
 */
export function nextStage(stage: Stage, skipped: readonly Stage[] = []): Stage | undefined {
  return STAGES.slice(STAGES.indexOf(stage) + 1).find((next) => !skipped.includes(next));
}

/** A record refused before indexing, with a machine code and a human reason. */
export interface RejectRecord {
  /** Stable id of the reject (hash of where it came from), so replays do not double-count. */
  id: string;
  code: string;
  reason: string;
  /** Where it came from: `file.json#message 42`, `api batch <id> item 3`, … */
  ref: string;
  /** A short excerpt of the offending input, for people investigating. */
  sample?: string;
  rejectedAt: string;
}

/** A post on its way through the stages: the canonical post, plus what earlier stages derived. */
export interface PostInFlight {
  post: Post;
  doc?: PostDocument;
}

/**
 * One job = one batch. Per-post jobs would cost several Redis round trips per post per stage, beyond what
 * 2 cores can do at thousands of posts per second; batches keep Redis traffic per post small. Idempotency
 * still holds per post: batch job ids derive from the post ids, and every write is keyed by post id.
 */
export interface BatchPayload {
  /** Identifies the import run or API request the batch came from (ledger counters are per run). */
  runId: string;
  /** Stable key of the batch within its run; with the stage it forms the job id. */
  batchKey: string;
  posts: PostInFlight[];
  rejects: RejectRecord[];
}

/**
 * A batch as stored in its BullMQ job. Each post travels once: as its document once the normalize stage
 * has made one (a document holds every field of the post), as the post before that. Carrying both
 * doubled the bytes every later stage wrote to Redis, read back and parsed. `{ post, doc }` items, as
 * jobs queued before this encoding hold them, are still read.
 */
export interface BatchJobData extends Omit<BatchPayload, 'posts'> {
  posts: ({ post: Post; doc?: PostDocument } | { doc: PostDocument })[];
}

/** A batch as a job stores it (see {@link BatchJobData}). */
export function toJobData(batch: BatchPayload): BatchJobData {
  return {
    ...batch,
    posts: batch.posts.map((item) => (item.doc === undefined ? { post: item.post } : { doc: item.doc })),
  };
}

/** A job's batch as stages see it: every post in flight has its `post` again. */
export function fromJobData(data: BatchJobData): BatchPayload {
  return {
    ...data,
    posts: data.posts.map((item) => ('post' in item ? item : { post: item.doc, doc: item.doc })),
  };
}

/** Deterministic job id for a batch at a stage: re-enqueuing the same batch is a no-op in BullMQ. */
export function batchJobId(stage: Stage, batchKey: string): string {
  return `${stage}-${batchKey}`;
}

/** A batch key derived from the ids it carries (BullMQ job ids may not contain ':'). */
export function batchKeyOf(runId: string, ids: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(runId);
  for (const id of ids) hash.update(`\u0000${id}`);
  return hash.digest('hex').slice(0, 32);
}
