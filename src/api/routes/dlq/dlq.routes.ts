import { z } from 'zod';
import { STAGES } from '../../../pipeline/jobs';
import { listDeadLetters, retryDeadLetters, type StageQueues } from '../../../pipeline/queues';
import { defineRoute, type RouteDefinition } from '../../openapi/route';

const deadLetterSchema = z
  .object({
    stage: z.enum(STAGES),
    jobId: z.string(),
    posts: z.number().int(),
    rejects: z.number().int(),
    attemptsMade: z.number().int(),
    failedReason: z.string(),
    failedAt: z.string().optional(),
    postIds: z.array(z.string()),
  })
  .meta({ id: 'DeadLetter' });

const COUNT_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

const queueStatsSchema = z
  .object({
    stage: z.enum(STAGES),
    counts: z.object(Object.fromEntries(COUNT_STATES.map((state) => [state, z.number().int()]))),
  })
  .meta({ id: 'QueueStats' });

/** The pipeline's queues for admins: counts per stage, parked jobs, and putting them back. */
export function dlqRoutes(deps: { queues: StageQueues }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/queues',
      operationId: 'listQueues',
      tag: 'admin',
      summary: 'Job counts per pipeline stage',
      roles: ['admin'],
      response: z.object({ items: z.array(queueStatsSchema) }).meta({ id: 'QueueStatsList' }),
      async handler() {
        const items = await Promise.all(
          STAGES.map(async (stage) => {
            const counts = await deps.queues[stage].getJobCounts(...COUNT_STATES);
            return {
              stage,
              counts: Object.fromEntries(COUNT_STATES.map((state) => [state, counts[state] ?? 0])),
            };
          }),
        );
        return { items };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/dlq',
      operationId: 'listDeadLetters',
      tag: 'admin',
      summary: 'Jobs that failed every attempt',
      roles: ['admin'],
      query: z
        .object({
          stage: z.enum(STAGES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        })
        .strict(),
      response: z.object({ items: z.array(deadLetterSchema) }).meta({ id: 'DeadLetterList' }),
      async handler({ query }) {
        const letters = await listDeadLetters(deps.queues, query.limit);
        return {
          items: letters
            .filter((letter) => query.stage === undefined || letter.stage === query.stage)
            .map(({ failedAt, ...rest }) => (failedAt === undefined ? rest : { ...rest, failedAt })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/dlq/retry',
      operationId: 'retryDeadLetters',
      tag: 'admin',
      summary: 'Put parked jobs back in their queues',
      description: 'All of them, those of one stage, or one job.',
      roles: ['admin'],
      body: z.object({ stage: z.enum(STAGES).optional(), jobId: z.string().max(200).optional() }).strict(),
      response: z.object({ retried: z.number().int() }),
      async handler({ body }) {
        const retried = await retryDeadLetters(deps.queues, {
          ...(body.stage === undefined ? {} : { stage: body.stage }),
          ...(body.jobId === undefined ? {} : { jobId: body.jobId }),
        });
        return { retried };
      },
    }),
  ];
}
