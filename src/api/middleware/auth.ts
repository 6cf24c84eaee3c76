import type { RequestHandler } from 'express';
import type { Role } from '../../auth/roles';
import type { KeyInfo, KeysRepository } from '../../store/keys.repository';
import { HttpError } from '../errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** The API key that authenticated this request (set by `authenticate`). */
    apiKey?: KeyInfo;
  }
}

function tokenOf(header: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  const apiKey = apiKeyHeader === undefined || apiKeyHeader === '' ? undefined : apiKeyHeader;
  // Two different keys in one request are refused rather than resolved by precedence: otherwise a
  // client (or a proxy adding its own Authorization) acts with a key it may not expect to be used.
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) {
    throw new HttpError(
      401,
      'ambiguous_credentials',
      'Send one API key: Authorization or X-API-Key, not both',
    );
  }
  return apiKey ?? bearer;
}

/** Resolves `Authorization: Bearer <key>` or `X-API-Key: <key>`; 401 when missing, unknown or revoked. */
export function authenticate(keys: KeysRepository): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenOf(req.get('authorization'), req.get('x-api-key'));
    if (token === undefined)
      throw new HttpError(401, 'unauthorized', 'An API key is required (Authorization: Bearer <key>)');
    const key = await keys.verify(token);
    if (key === undefined) throw new HttpError(401, 'unauthorized', 'The API key is unknown or revoked');
    req.apiKey = key;
    next();
  };
}

/** Lets the request through only for the listed roles; 403 otherwise. Use after `authenticate`. */
export function allow(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.apiKey?.role;
    if (role === undefined) throw new HttpError(401, 'unauthorized', 'An API key is required');
    if (!roles.includes(role)) {
      throw new HttpError(403, 'forbidden', `This action needs one of the roles: ${roles.join(', ')}`);
    }
    next();
  };
}
