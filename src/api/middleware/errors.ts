import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError } from '../errors';

/** 404 for every route nobody claimed, in the common error shape. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

/**
 * The one place errors become responses. Known errors keep their status and code; anything else is a
 * 500 whose details stay in the log (with the request id) and never reach the client.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = statusOf(error);
    if (error instanceof HttpError) {
      res
        .status(error.status)
        .json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      // Errors from body-parser and friends (413 too large, 400 malformed JSON) carry a status and a type.
      const code = typeOf(error) ?? 'bad_request';
      res.status(status).json({ error: { code, message: messageFor(status) } });
      return;
    }
    logger.error({ err: error, reqId: req.id }, 'unhandled error');
    res.status(500).json({
      error: {
        code: 'internal',
        message: 'Internal error; see the server log',
        details: { requestId: req.id },
      },
    });
  };
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = 'status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined;
  return typeof value === 'number' ? value : undefined;
}

function typeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  return typeof error.type === 'string' ? error.type.replaceAll('.', '_') : undefined;
}

function messageFor(status: number): string {
  switch (status) {
    case 413:
      return 'Request body too large';
    case 415:
      return 'Unsupported content type';
    default:
      return 'Malformed request';
  }
}
