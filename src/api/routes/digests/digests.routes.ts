import { existsSync } from 'node:fs';
import { z } from 'zod';
import { buildDigest, type DigestDeps } from '../../../digest/build';
import { htmlToPdf } from '../../../digest/pdf';
import { renderHtml, renderMarkdown } from '../../../digest/render';
import { digestSchema } from '../../../digest/schema';
import { HttpError } from '../../errors';
import { defineRoute, RawResponse, type RouteDefinition } from '../../openapi/route';
import { isoInstant } from '../../schemas/common';

/** The briefing over HTTP: JSON for the dashboard, or the same as Markdown, HTML or PDF. */
export function digestsRoutes(deps: { digest: DigestDeps; chromiumPath: string }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/digests',
      operationId: 'getDigest',
      tag: 'digests',
      summary: 'The briefing of a day or a week',
      description:
        'Volume and change against the previous period, top and rising themes, emergencies with their ' +
        'status, confirmed fakes and how fast they were caught, overdue appeals per department. ' +
        '`format=md|html|pdf` returns the document instead of JSON (the PDF is printed by headless Chromium).',
      roles: ['leadership', 'analyst', 'admin'],
      query: z
        .object({
          period: z.enum(['week', 'day']).default('week'),
          region: z.string().max(200).trim().min(1).optional(),
          to: isoInstant.optional().meta({ description: 'End of the period (default: now, rounded down)' }),
          format: z.enum(['json', 'md', 'html', 'pdf']).default('json'),
        })
        .strict(),
      response: digestSchema,
      alsoProduces: ['text/markdown', 'text/html', 'application/pdf'],
      errors: [503],
      async handler({ query }) {
        const digest = await buildDigest(deps.digest, {
          period: query.period,
          ...(query.region === undefined ? {} : { region: query.region }),
          ...(query.to === undefined ? {} : { to: query.to }),
        });
        const name = `dozor-${query.period}-${digest.to.slice(0, 10)}`;
        switch (query.format) {
          case 'json':
            return digest;
          case 'md':
            return new RawResponse('text/markdown; charset=utf-8', renderMarkdown(digest), `${name}.md`);
          case 'html':
            return new RawResponse('text/html; charset=utf-8', renderHtml(digest), `${name}.html`);
          case 'pdf':
            if (!existsSync(deps.chromiumPath)) {
              throw new HttpError(
                503,
                'chromium_missing',
                `No Chromium at ${deps.chromiumPath} (CHROMIUM_PATH)`,
              );
            }
            return new RawResponse(
              'application/pdf',
              await htmlToPdf(renderHtml(digest), deps.chromiumPath),
              `${name}.pdf`,
            );
        }
      },
    }),
  ];
}
