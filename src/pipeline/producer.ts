import { createHash, randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Post } from '../domain/post';
import type { LedgerRepository } from '../store/ledger.repository';
import {
  batchKeyOf,
  type BatchJobData,
  type BatchPayload,
  type PostInFlight,
  type RejectRecord,
} from './jobs';
import { enqueueBatch } from './queues';

/** A record from a source: a post, or a refusal with a code and a reason. */
export type IncomingRecord =
  | { kind: 'post'; post: Post }
  | { kind: 'reject'; ref: string; code: string; reason: string; sample?: string };

/** Per-post validation applied before anything is queued. */
export type PostValidator = (
  post: Post,
  now: Date,
) => { ok: true } | { ok: false; code: string; reason: string };

export interface ProducerOptions {
  ingestQueue: Queue<BatchJobData>;
  ledger: LedgerRepository;
  validate: PostValidator;
  batchSize: number;
  maxPendingBatches: number;
  /** Unfinished jobs across stages; producers wait while it exceeds `maxPendingBatches`. */
  pending: () => Promise<number>;
  now?: () => Date;
}

/** Whether a record was queued, or why it was rejected. */
export type AddOutcome = { accepted: true } | { accepted: false; code: string; reason: string };

/** What a producer has done so far, for progress bars and summaries. */
export interface ProducerStats {
  read: number;
  queued: number;
  rejected: number;
}

const SAMPLE_CHARS = 300;

/**
 * Turns records into batches on the ingest queue: validates each post, converts refusals into reject
 * records with stable ids, and waits while the pipeline is saturated (back-pressure), so an import of a
 * million posts runs in bounded Redis memory.
 */
export class BatchProducer {
  readonly stats: ProducerStats = { read: 0, queued: 0, rejected: 0 };
  private posts: PostInFlight[] = [];
  private rejects: RejectRecord[] = [];
  private readonly now: () => Date;

  private constructor(
    readonly runId: string,
    private readonly options: ProducerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts a run (an import or an API request) registered in the ledger under `source`. */
  static async start(source: string, options: ProducerOptions): Promise<BatchProducer> {
    const runId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    await options.ledger.startRun(runId, source);
    return new BatchProducer(runId, options);
  }

  /** Buffers a record (flushing a full batch); tells whether it was accepted or why it was rejected. */
  async add(record: IncomingRecord): Promise<AddOutcome> {
    this.stats.read++;
    let outcome: AddOutcome;
    if (record.kind === 'reject') {
      this.reject(record.ref, record.code, record.reason, record.sample);
      outcome = { accepted: false, code: record.code, reason: record.reason };
    } else {
      const verdict = this.options.validate(record.post, this.now());
      if (verdict.ok) {
        this.posts.push({ post: record.post });
        outcome = { accepted: true };
      } else {
        const { platform, channel, externalId } = record.post;
        this.reject(`${platform}:${channel}#${externalId}`, verdict.code, verdict.reason, record.post.text);
        outcome = { accepted: false, code: verdict.code, reason: verdict.reason };
      }
    }
    if (this.posts.length + this.rejects.length >= this.options.batchSize) await this.flush();
    return outcome;
  }

  /** Enqueues what is buffered. Call once more at the end of the input. */
  async flush(): Promise<void> {
    if (this.posts.length === 0 && this.rejects.length === 0) return;
    while ((await this.options.pending()) > this.options.maxPendingBatches) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ids = [...this.posts.map((item) => item.post.id), ...this.rejects.map((item) => item.id)];
    const batchKey = batchKeyOf(this.runId, ids);
    const payload: BatchPayload = { runId: this.runId, batchKey, posts: this.posts, rejects: this.rejects };
    await enqueueBatch(this.options.ingestQueue, 'ingest', payload);
    this.stats.queued += this.posts.length;
    this.stats.rejected += this.rejects.length;
    this.posts = [];
    this.rejects = [];
  }

  private reject(ref: string, code: string, reason: string, sample?: string): void {
    // Stable across runs: re-importing the same bad file does not count its rejects twice.
    const id = createHash('sha256').update(`${ref}\u0000${code}`).digest('hex').slice(0, 32);
    const record: RejectRecord = { id, code, reason, ref, rejectedAt: this.now().toISOString() };
    if (sample !== undefined) record.sample = sample.slice(0, SAMPLE_CHARS);
    this.rejects.push(record);
  }
}
