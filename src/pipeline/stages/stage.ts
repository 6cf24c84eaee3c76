import type { BatchPayload, PostInFlight } from '../jobs';

/** A post whose processing threw: it is split out of its batch so it cannot block the others. */
export interface PoisonPost {
  item: PostInFlight;
  error: unknown;
}

/** What a stage hands back to the runner: the batch for the next stage, and posts that failed alone. */
export interface StageOutcome {
  next: BatchPayload;
  poison: PoisonPost[];
}

/**
 * A stage: a function of a batch. It throws for transient failures (Elasticsearch down, Redis gone): the
 * whole batch is then retried with back-off. Failures of single posts go to `poison` instead.
 */
export type StageHandler = (batch: BatchPayload) => Promise<StageOutcome>;

/** Applies `transform` to each post, isolating posts that throw. */
export async function mapEachPost(
  batch: BatchPayload,
  transform: (item: PostInFlight, index: number) => PostInFlight | Promise<PostInFlight>,
): Promise<StageOutcome> {
  const posts: PostInFlight[] = [];
  const poison: PoisonPost[] = [];
  for (const [index, item] of batch.posts.entries()) {
    try {
      posts.push(await transform(item, index));
    } catch (error) {
      poison.push({ item, error });
    }
  }
  return { next: { ...batch, posts }, poison };
}

/** Stages whose issue has not landed yet pass batches through unchanged; the runner wiring stays the same. */
export const passThrough: StageHandler = (batch) => Promise.resolve({ next: batch, poison: [] });
