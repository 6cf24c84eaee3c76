import type { LedgerRepository } from '../../store/ledger.repository';
import type { StageHandler } from './stage';

/**
 * Admits a batch into the ledger: new posts go on, posts whose id is already known are counted as
 * duplicates and dropped here, rejected records are counted and carried to the index stage, which stores
 * them in the rejects index.
 */
export function ingestStage(ledger: LedgerRepository): StageHandler {
  return async (batch) => {
    const fresh = await ledger.admit(
      batch.runId,
      batch.batchKey,
      batch.posts.map((item) => item.post.id),
      batch.rejects,
    );
    return { next: { ...batch, posts: batch.posts.filter((_, i) => fresh[i] === true) }, poison: [] };
  };
}
