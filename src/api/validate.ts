import type { z } from 'zod';
import { HttpError } from './errors';

/** Parses `value` with `schema` or throws a 400 listing each problem with its path. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpError(
    400,
    'invalid_request',
    `Invalid ${what}`,
    parsed.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}
