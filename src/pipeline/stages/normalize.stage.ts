import type { PostDocument } from '../../domain/post-document';
import type { BoilerplateRepository } from '../../store/boilerplate.repository';
import { analyzePost, lineKeys } from '../../text';
import type { PostInFlight } from '../jobs';
import { mapEachPost, type StageHandler } from './stage';

export interface NormalizeStageDeps {
  boilerplate: Pick<BoilerplateRepository, 'observe'>;
  now?: () => Date;
}

/**
 * Cleans each post's text into the document the later stages enrich and the index stage writes. Lines a
 * channel repeats across many posts are learned in Redis (one round trip per batch) and removed with
 * the built-in boilerplate list. A post whose analysis throws is isolated as poison; the rest go on.
 */
export function normalizeStage(deps: NormalizeStageDeps): StageHandler {
  const now = deps.now ?? (() => new Date());
  return async (batch) => {
    const repeated = await deps.boilerplate.observe(
      batch.posts.map((item) => ({ channel: channelKey(item), lineKeys: lineKeys(item.post.text) })),
    );
    const ingestedAt = now().toISOString();
    return mapEachPost(batch, (item, index) => {
      const channelBoilerplate = repeated[index] ?? new Set<string>();
      return {
        ...item,
        doc: toDocument(item, analyzePost(item.post.text, { channelBoilerplate }), ingestedAt),
      };
    });
  };
}

/** Boilerplate is learned per platform and channel: `-1234` on VK and in Telegram are different walls. */
function channelKey(item: PostInFlight): string {
  return `${item.post.platform}:${item.post.channel}`;
}

function toDocument(
  item: PostInFlight,
  analyzed: ReturnType<typeof analyzePost>,
  ingestedAt: string,
): PostDocument {
  const forwardedFrom = item.post.forwardedFrom ?? analyzed.forwardedFrom;
  return {
    ...item.post,
    ...(forwardedFrom !== undefined ? { forwardedFrom } : {}),
    textClean: analyzed.textClean,
    lemmas: analyzed.lemmas,
    lang: analyzed.lang,
    hashtags: analyzed.hashtags,
    mentions: analyzed.mentions,
    urls: analyzed.urls,
    fingerprint: analyzed.fingerprint,
    ingestedAt,
  };
}
