import { ReviewError } from '../../alerts/errors';
import { HttpError } from '../errors';

const STATUS: Record<ReviewError['code'], 400 | 404 | 409 | 422> = {
  invalid_input: 400,
  not_found: 404,
  version_conflict: 409,
  invalid_transition: 422,
};

/** Runs a use case and turns its {@link ReviewError} into the HTTP error of the same meaning. */
export async function viaUseCase<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ReviewError)
      throw new HttpError(STATUS[error.code], error.code, error.message, error.details);
    throw error;
  }
}
