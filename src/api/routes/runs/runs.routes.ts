import { z } from 'zod';
import type { LedgerRepository } from '../../../store/ledger.repository';
import type { RejectsRepository } from '../../../store/rejects.repository';
import { HttpError } from '../../errors';
import { defineRoute, type RouteDefinition } from '../../openapi/route';

const runSchema = z
  .object({
    runId: z.string(),
    source: z.string(),
    startedAt: z.string(),
    accepted: z.number().int(),
    duplicate: z.number().int(),
    rejected: z.number().int(),
    indexed: z.number().int(),
    refused: z.number().int(),
  })
  .meta({
    id: 'Run',
    description: 'accepted + duplicate + rejected = records read; settled when indexed + refused = accepted',
  });

const ledgerSchema = z
  .object({
    totals: z.object({
      queued: z.number().int(),
      indexed: z.number().int(),
      refused: z.number().int(),
      rejected: z.number().int(),
      duplicate: z.number().int(),
      rejectedByCode: z.record(z.string(), z.number().int()),
    }),
    runs: z.array(runSchema),
  })
  .meta({ id: 'Ledger' });

const rejectSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    reason: z.string(),
    ref: z.string(),
    sample: z.string().optional().meta({ description: 'Excerpt of the refused input (untrusted text)' }),
    rejectedAt: z.string(),
  })
  .meta({ id: 'Reject' });

const OPS = ['admin', 'analyst'] as const;

/** The ledger over HTTP: totals, one run's counters, and the rejected records with their reasons. */
export function runsRoutes(deps: {
  ledger: LedgerRepository;
  rejects: RejectsRepository;
}): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/ledger',
      operationId: 'getLedger',
      tag: 'ledger',
      summary: 'Ledger totals and recent runs',
      roles: OPS,
      query: z.object({ runs: z.coerce.number().int().min(1).max(200).default(20) }).strict(),
      response: ledgerSchema,
      async handler({ query }) {
        return { totals: await deps.ledger.counts(), runs: await deps.ledger.recentRuns(query.runs) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/runs/{runId}',
      operationId: 'getRun',
      tag: 'ledger',
      summary: 'Counters of one import run or push request',
      roles: ['admin', 'ingest', 'analyst'],
      params: z.object({ runId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'a run id') }),
      response: runSchema,
      errors: [404],
      async handler({ params }) {
        const run = await deps.ledger.run(params.runId);
        if (run === undefined) throw new HttpError(404, 'not_found', `No run ${params.runId}`);
        return run;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/rejects',
      operationId: 'listRejects',
      tag: 'ledger',
      summary: 'Rejected records, newest first',
      description: 'The most recent rejects (optionally of one code) and the count of every code.',
      roles: OPS,
      query: z
        .object({
          code: z
            .string()
            .regex(/^[a-z_]{1,40}$/)
            .optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        })
        .strict(),
      response: z
        .object({
          items: z.array(rejectSchema),
          total: z.number().int(),
          byCode: z.record(z.string(), z.number().int()),
        })
        .meta({ id: 'RejectList' }),
      async handler({ query }) {
        const [page, byCode] = await Promise.all([
          deps.rejects.recent({
            size: query.limit,
            ...(query.code === undefined ? {} : { code: query.code }),
          }),
          deps.rejects.countsByCode(),
        ]);
        return { items: page.items, total: page.total, byCode };
      },
    }),
  ];
}
