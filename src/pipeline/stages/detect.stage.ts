import type { PostDocument } from '../../domain/post-document';
import { DetectService, type DetectDeps, type DetectOutcome } from '../../detect/service';
import type { StageHandler } from './stage';

export type DetectStageDeps = DetectDeps & {
  /** Called with what each batch produced (logs, tests, the evaluation). */
  onOutcome?: (outcome: DetectOutcome) => void;
};

/**
 * The detect stage: runs the fake, emergency and trend detectors and routing on the batch (see
 * `DetectService`), writes alerts and appeals, and adds what it derived to the posts (`places`,
 * `department`) before the index stage stores them. Everything it writes is idempotent, so a retried
 * batch changes nothing twice; a store outage throws and the batch is retried.
 */
export function detectStage(deps: DetectStageDeps): StageHandler {
  const service = new DetectService(deps);
  return async (batch) => {
    const docs = batch.posts.flatMap((item): PostDocument[] => (item.doc === undefined ? [] : [item.doc]));
    const outcome = await service.run(docs);
    deps.onOutcome?.(outcome);
    return { next: batch, poison: [] };
  };
}
