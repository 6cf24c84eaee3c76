import type { PostDocument } from '../../domain/post-document';
import type { LedgerRepository } from '../../store/ledger.repository';
import type { PostsRepository } from '../../store/posts.repository';
import type { RejectsRepository } from '../../store/rejects.repository';
import type { RejectRecord } from '../jobs';
import type { StageHandler } from './stage';

export interface IndexStageDeps {
  posts: PostsRepository;
  rejects: RejectsRepository;
  ledger: LedgerRepository;
  now?: () => Date;
}

/**
 * Writes the batch's posts and rejects to Elasticsearch, then settles the ledger. A document Elasticsearch
 * refuses for its content becomes a reject with the reason; a transport failure throws so the batch is
 * retried, and the ledger is settled only for what was acknowledged.
 */
export function indexStage(deps: IndexStageDeps): StageHandler {
  const now = deps.now ?? (() => new Date());
  return async (batch) => {
    const docs = batch.posts.flatMap((item): PostDocument[] => (item.doc ? [item.doc] : []));
    const missing = batch.posts.filter((item) => !item.doc).map((item) => item.post.id);
    if (missing.length > 0)
      throw new Error(`index stage received posts without a document: ${missing.join(', ')}`);
    const written = await deps.posts.bulkUpsert(docs);
    const refused: RejectRecord[] = written.failed.map((failure) => ({
      id: `refused-${failure.id}`,
      code: 'index_refused',
      reason: `Elasticsearch refused the document (HTTP ${failure.status}): ${failure.reason}`,
      ref: `post ${failure.id}`,
      rejectedAt: now().toISOString(),
    }));
    const rejects = [...batch.rejects, ...refused];
    if (rejects.length > 0) {
      const stored = await deps.rejects.bulkUpsert(rejects);
      if (stored.failed.length > 0) {
        throw new Error(`could not store ${stored.failed.length} rejects: ${stored.failed[0]?.reason ?? ''}`);
      }
    }
    await deps.ledger.settle(batch.runId, 'indexed', written.written);
    await deps.ledger.settle(
      batch.runId,
      'refused',
      written.failed.map((failure) => failure.id),
      'index_refused',
    );
    return { next: { ...batch, posts: [], rejects: [] }, poison: [] };
  };
}
