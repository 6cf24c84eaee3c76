/**
 * Errors of the review use cases, independent of HTTP: the API maps `code` to a status
 * (`not_found` → 404, `version_conflict` → 409, `invalid_transition` → 422, `invalid_input` → 400).
 */
export class ReviewError extends Error {
  override readonly name = 'ReviewError';

  constructor(
    readonly code: 'not_found' | 'version_conflict' | 'invalid_transition' | 'invalid_input',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
