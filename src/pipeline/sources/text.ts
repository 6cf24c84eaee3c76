import type { z } from 'zod';

const SAMPLE_CHARS = 300;

/** A short excerpt of a bad record for the rejects index. */
export function sample(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? 'undefined' : JSON.stringify(value);
  return text.slice(0, SAMPLE_CHARS);
}

/** A zod issue list as one readable line (first five issues). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
}

/** Removes the given keys from a record (bulky text kept elsewhere), for `Post.raw`. */
export function omitKeys(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}
