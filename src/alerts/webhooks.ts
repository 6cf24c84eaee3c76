import { createHash, createHmac } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AlertDocument } from './alert';
import type { DetectionChange } from './detection';

/**
 * Webhook delivery of new and escalated alerts. Each (alert revision, URL) is one BullMQ job with a
 * deterministic id, so a retried detect batch never delivers twice; failed deliveries retry with
 * exponential back-off. Bodies are signed: `X-Dozor-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">` with `X-Dozor-Timestamp`, so receivers can verify origin and reject replays.
 */

export const WEBHOOK_QUEUE = 'webhooks';

export type WebhookEvent = 'alert.created' | 'alert.escalated';

/** What receivers get: the alert's essentials (no comments or audit), and the event. */
export interface WebhookPayload {
  event: WebhookEvent;
  alert: Pick<
    AlertDocument,
    | 'id'
    | 'type'
    | 'subjectKey'
    | 'title'
    | 'summary'
    | 'severity'
    | 'score'
    | 'signals'
    | 'status'
    | 'postCount'
    | 'sourceCount'
    | 'firstPostAt'
    | 'createdAt'
    | 'updatedAt'
    | 'revision'
  > &
    Partial<
      Pick<AlertDocument, 'place' | 'region' | 'category' | 'topic' | 'storyId' | 'magnitude' | 'routing'>
    >;
}

interface WebhookJob {
  url: string;
  payload: WebhookPayload;
}

export interface WebhookSettings {
  urls: readonly string[];
  secret: string;
  attempts: number;
  /** First retry delay; doubles per attempt. */
  backoffMs: number;
  /** Per-request timeout. */
  timeoutMs?: number;
}

/** The signature header value of a body sent at `timestamp` (seconds). */
export function signPayload(body: string, timestamp: number, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function payloadOf(doc: AlertDocument, event: WebhookEvent): WebhookPayload {
  const alert: WebhookPayload['alert'] = {
    id: doc.id,
    type: doc.type,
    subjectKey: doc.subjectKey,
    title: doc.title,
    summary: doc.summary,
    severity: doc.severity,
    score: doc.score,
    signals: doc.signals,
    status: doc.status,
    postCount: doc.postCount,
    sourceCount: doc.sourceCount,
    firstPostAt: doc.firstPostAt,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    revision: doc.revision,
  };
  if (doc.place !== undefined) alert.place = doc.place;
  if (doc.region !== undefined) alert.region = doc.region;
  if (doc.category !== undefined) alert.category = doc.category;
  if (doc.topic !== undefined) alert.topic = doc.topic;
  if (doc.storyId !== undefined) alert.storyId = doc.storyId;
  if (doc.magnitude !== undefined) alert.magnitude = doc.magnitude;
  if (doc.routing !== undefined) alert.routing = doc.routing;
  return { event, alert };
}

/** Enqueues deliveries of alert changes; does nothing without configured URLs. */
export class WebhookNotifier {
  private readonly queue: Queue<WebhookJob> | undefined;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly settings: WebhookSettings,
  ) {
    this.queue =
      settings.urls.length === 0
        ? undefined
        : new Queue<WebhookJob>(WEBHOOK_QUEUE, {
            connection,
            prefix,
            defaultJobOptions: {
              attempts: settings.attempts,
              backoff: { type: 'exponential', delay: settings.backoffMs },
              removeOnComplete: { count: 5000 },
              removeOnFail: false,
            },
          });
  }

  /** Queues one delivery per URL for a created or escalated alert (other changes are not sent). */
  async notify(doc: AlertDocument, change: DetectionChange): Promise<number> {
    if (this.queue === undefined || (change !== 'created' && change !== 'escalated')) return 0;
    // A dismissed alert was judged by a person: its growth is not news for receivers.
    if (doc.status === 'dismissed') return 0;
    const payload = payloadOf(doc, change === 'created' ? 'alert.created' : 'alert.escalated');
    await this.queue.addBulk(
      this.settings.urls.map((url) => ({
        name: payload.event,
        data: { url, payload },
        opts: {
          jobId: `${doc.id}-${doc.revision}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`,
        },
      })),
    );
    return this.settings.urls.length;
  }

  async close(): Promise<void> {
    await this.queue?.close();
  }
}

/** Statuses worth retrying: the receiver is down or overloaded; other 4xx will never succeed. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Delivers one job: POSTs the signed payload; throws (retry) or `UnrecoverableError` (give up). */
export async function deliver(
  job: Pick<Job<WebhookJob>, 'data'>,
  settings: WebhookSettings,
): Promise<number> {
  const body = JSON.stringify(job.data.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(job.data.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'dozor-webhooks',
      'x-dozor-event': job.data.payload.event,
      'x-dozor-timestamp': String(timestamp),
      'x-dozor-signature': signPayload(body, timestamp, settings.secret),
    },
    body,
    signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
  });
  if (response.ok) return response.status;
  const message = `webhook ${job.data.url} answered HTTP ${response.status}`;
  if (!retryable(response.status)) throw new UnrecoverableError(message);
  throw new Error(message);
}

/** The worker that delivers webhooks (run by `dozor worker` next to the pipeline stages). */
export function startWebhookWorker(options: {
  connection: Redis;
  prefix: string;
  settings: WebhookSettings;
  logger: Logger;
  concurrency?: number;
}): Worker<WebhookJob, number> {
  const worker = new Worker<WebhookJob, number>(WEBHOOK_QUEUE, (job) => deliver(job, options.settings), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 4,
  });
  worker.on('failed', (job, error) => {
    options.logger.warn(
      { queue: WEBHOOK_QUEUE, jobId: job?.id, attempt: job?.attemptsMade, url: job?.data.url, err: error },
      'webhook delivery failed',
    );
  });
  worker.on('error', (error) => {
    options.logger.error({ queue: WEBHOOK_QUEUE, err: error }, 'webhook worker error');
  });
  return worker;
}
