import { z } from 'zod';
import { HttpError } from '../errors';

/** The one error body every route answers with: `{error: {code, message, details}}`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ examples: ['invalid_request'] }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every error, whatever the route' });

// Bounded text fields are written `z.string().max(n).trim()`, never `.trim().max(n)`: zod runs checks in
// order, and the document's `maxLength` describes the value as sent, so a 201-character title with a
// leading tab must be refused, not trimmed to 200 and accepted (found by the schemathesis drill).

/** An ISO 8601 instant with offset, e.g. `2024-05-06T08:00:00+03:00`. */
export const isoInstant = z.iso.datetime({ offset: true });

/** A comma-separated list in a query string (`?topic=water,power`), trimmed, empty parts dropped. */
export function csvOf<T extends z.ZodType<string, string>>(item: T, max = 50) {
  return z
    .string()
    .max(4000)
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(max))
    .meta({ description: 'Comma-separated list' });
}

/** `?limit=`: page size with a default and an upper bound. */
export const limitParam = (fallback = 20, max = 100) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** `?cursor=`: the opaque `nextCursor` of the previous page. */
export const cursorParam = z.string().min(1).max(2000).optional().meta({
  description: 'Opaque cursor: the `nextCursor` of the previous page',
});

/** A page of a list: items, the cursor of the next page (null on the last), and the total when known. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
    total: z.number().int().nonnegative(),
  });
}

/** Safe identifiers for path parameters: no slashes, no spaces, bounded. */
export const idParam = z
  .string()
  .regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'letters, digits, ":", "_", ".", "-" (1-128)');

const cursorSchema = z.object({ k: z.string(), v: z.array(z.union([z.string(), z.number(), z.null()])) });

/** Position after the last item of a page: the sort values of that item, tied to the sort it came from. */
export interface Cursor {
  /** Which sort the values belong to; a cursor is refused under another sort. */
  sort: string;
  after: (string | number | null)[];
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ k: cursor.sort, v: cursor.after })).toString('base64url');
}

/**
 * Decodes a cursor of `sort`; 400 when it is malformed, came from another sort, or its values do not have
 * the shape `values` gives (a forged cursor must not reach Elasticsearch's `search_after`).
 */
export function decodeCursor(
  value: string | undefined,
  sort: string,
  values?: z.ZodType<Cursor['after']>,
): Cursor | undefined {
  if (value === undefined) return undefined;
  let parsed: z.infer<typeof cursorSchema> | undefined;
  try {
    const result = cursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    parsed = result.success ? result.data : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) throw new HttpError(400, 'invalid_cursor', 'The cursor is malformed');
  if (parsed.k !== sort) {
    throw new HttpError(400, 'invalid_cursor', 'The cursor belongs to another sort order; start again');
  }
  if (values !== undefined && !values.safeParse(parsed.v).success) {
    throw new HttpError(400, 'invalid_cursor', 'The cursor is malformed');
  }
  return { sort: parsed.k, after: parsed.v };
}

/** ES's default result window: offset paging stops there (narrow the filters to see further). */
const MAX_OFFSET = 10_000;

/**
 * Offset paging behind an opaque cursor, for lists whose repositories page by `from`/`size`. The
 * cursor is tied to the sort and filters (`key`), so it cannot be replayed against another list.
 */
export function offsetOf(cursor: string | undefined, key: string): number {
  const decoded = decodeCursor(cursor, key);
  const offset = decoded?.after[0];
  return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : 0;
}

export function nextOffsetCursor(key: string, offset: number, count: number, total: number): string | null {
  const next = offset + count;
  return count > 0 && next < total && next < MAX_OFFSET ? encodeCursor({ sort: key, after: [next] }) : null;
}
