import { z } from 'zod';

/** Most posts one push request may carry; bigger batches should be split by the sender. */
export const MAX_POSTS_PER_REQUEST = 1000;
/** Largest accepted body; beyond it the request is refused with 413 before parsing. */
export const MAX_PUSH_BODY = '5mb';

/**
 * The envelope of `POST /api/v1/posts`. Items are validated one by one (not here) so that one bad item
 * is rejected with its reason while the others are accepted.
 */
export const pushRequestSchema = z
  .object({
    source: z.string().trim().min(1).max(200).optional(),
    posts: z.array(z.unknown()).min(1).max(MAX_POSTS_PER_REQUEST),
  })
  .strict();
