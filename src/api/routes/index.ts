import { z } from 'zod';
import type { ReviewDeps } from '../../alerts/review';
import type { AppealsDeps } from '../../alerts/appeals';
import type { KnownFakesDeps, SourcesDeps } from '../../alerts/registries';
import { ROLES } from '../../auth/roles';
import type { StoryService } from '../../cluster/story-service';
import type { Gazetteer } from '../../detect/gazetteer';
import type { BatchProducer } from '../../pipeline/producer';
import type { StageQueues } from '../../pipeline/queues';
import type { AuditRepository } from '../../store/audit.repository';
import type { KeysRepository } from '../../store/keys.repository';
import type { LedgerRepository } from '../../store/ledger.repository';
import type { PostSearchRepository } from '../../store/post-search.repository';
import type { RejectsRepository } from '../../store/rejects.repository';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/document';
import { defineRoute, type RouteDefinition } from '../openapi/route';
import { alertsRoutes } from './alerts/alerts.routes';
import { appealsRoutes } from './appeals/appeals.routes';
import { auditRoutes } from './audit/audit.routes';
import { digestsRoutes } from './digests/digests.routes';
import { dlqRoutes } from './dlq/dlq.routes';
import { emergenciesRoutes } from './emergencies/emergencies.routes';
import { keysRoutes } from './keys/keys.routes';
import { postsRoutes } from './posts/posts.routes';
import { registriesRoutes } from './registries/registries.routes';
import { runsRoutes } from './runs/runs.routes';
import { storiesRoutes } from './stories/stories.routes';
import { trendsRoutes } from './trends/trends.routes';

/** What the `/api/v1` routes need; built in `src/main/api.ts`. */
export interface ApiDeps {
  keys: KeysRepository;
  audit: AuditRepository;
  ledger: LedgerRepository;
  rejects: RejectsRepository;
  queues: StageQueues;
  postSearch: PostSearchRepository;
  stories: StoryService;
  review: ReviewDeps;
  sources: SourcesDeps;
  knownFakes: KnownFakesDeps;
  appeals: AppealsDeps;
  gazetteer: Pick<Gazetteer, 'all'>;
  /** Headless Chromium for PDF briefings. */
  chromiumPath: string;
  producer(source: string): Promise<BatchProducer>;
  now?: () => Date;
}

/** API version, shown in the OpenAPI document. */
export const API_VERSION = '1.0.0';

/** Every route under `/api/v1`, the OpenAPI document's own route included. */
export function apiRoutes(deps: ApiDeps): RouteDefinition[] {
  const now = deps.now ?? (() => new Date());
  const routes: RouteDefinition[] = [
    ...postsRoutes(deps),
    ...storiesRoutes(deps),
    ...alertsRoutes(deps.review),
    ...emergenciesRoutes({ review: deps.review, postSearch: deps.postSearch, now }),
    ...trendsRoutes({ review: deps.review, postSearch: deps.postSearch, now }),
    ...registriesRoutes(deps),
    ...appealsRoutes(deps.appeals),
    ...digestsRoutes({
      digest: {
        postSearch: deps.postSearch,
        review: deps.review,
        appeals: deps.appeals,
        gazetteer: deps.gazetteer,
        now,
      },
      chromiumPath: deps.chromiumPath,
    }),
    ...runsRoutes(deps),
    ...dlqRoutes(deps),
    ...keysRoutes(deps),
    ...auditRoutes(deps),
  ];
  let document: OpenApiDocument | undefined;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      tag: 'meta',
      summary: 'This document (OpenAPI 3.1)',
      roles: ROLES,
      response: z.record(z.string(), z.unknown()),
      handler() {
        document ??= buildOpenApiDocument(routes, API_VERSION);
        return Promise.resolve({ ...document });
      },
    }),
  );
  return routes;
}
