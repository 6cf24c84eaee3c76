import { postFromInput, postInputSchema } from '../domain/post-input';
import type { BatchProducer, IncomingRecord } from './producer';

/** Result of a push: the run to follow in the ledger, and what was refused immediately. */
export interface PushResult {
  runId: string;
  queued: number;
  rejected: { index: number; code: string; reason: string }[];
}

/** A zod issue list as one readable line. */
function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(item)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Accepts a batch of posts in Dozor's own schema: each item is validated alone, valid ones are queued,
 * invalid ones become ledger rejects with their reasons (and are reported back to the caller).
 */
export async function pushPosts(
  producer: BatchProducer,
  items: readonly unknown[],
  requestRef: string,
): Promise<PushResult> {
  const rejected: PushResult['rejected'] = [];
  for (const [index, item] of items.entries()) {
    const parsed = postInputSchema.safeParse(item);
    const record: IncomingRecord = parsed.success
      ? { kind: 'post', post: postFromInput(parsed.data) }
      : {
          kind: 'reject',
          ref: `${requestRef} item ${index}`,
          code: 'schema',
          reason: describeIssues(parsed.error.issues),
          sample: JSON.stringify(item).slice(0, 300),
        };
    const outcome = await producer.add(record);
    if (!outcome.accepted) rejected.push({ index, code: outcome.code, reason: outcome.reason });
  }
  await producer.flush();
  return { runId: producer.runId, queued: producer.stats.queued, rejected };
}
