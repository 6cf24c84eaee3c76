import { createHash } from 'node:crypto';

/** Where a post came from. `file` covers generic JSON Lines / CSV imports, `api` the HTTP push route. */
export const PLATFORMS = ['telegram', 'vk', 'rss', 'file', 'api'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Engagement counters as the source reports them; absent when the source has none. */
export interface PostMetrics {
  views?: number;
  likes?: number;
  reposts?: number;
  comments?: number;
}

/**
 * The canonical post every source parser yields. `text` is the text as received (markdown, HTML and
 * boilerplate included); cleaning happens in the normalize stage so the raw form is never lost.
 */
export interface Post {
  /** Stable id: see {@link postId}. */
  id: string;
  platform: Platform;
  /** Channel, wall or feed identifier (e.g. `@rian_ru`, `-12345`, a feed URL). */
  channel: string;
  channelTitle?: string;
  author?: string;
  /** Id of the post inside its channel, as the source gives it. */
  externalId: string;
  url?: string;
  text: string;
  /** ISO 8601 instant. */
  publishedAt: string;
  /** Channel or author the post was forwarded / reposted from. */
  forwardedFrom?: string;
  metrics?: PostMetrics;
  /** The source record, kept for audits; parsers may trim bulky fields. */
  raw?: unknown;
}

/**
 * Stable post id: the same (platform, channel, external id) always maps to the same id, so importing a
 * file twice or receiving a webhook again upserts instead of duplicating.
 */
export function postId(platform: Platform, channel: string, externalId: string): string {
  return createHash('sha256')
    .update(`${platform}\u0000${channel}\u0000${externalId}`)
    .digest('hex')
    .slice(0, 32);
}
