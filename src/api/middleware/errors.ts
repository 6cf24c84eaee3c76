import { STATUS_CODES } from 'node:http';
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
    if (error instanceof HttpError) {
      res
        .status(error.status)
        .json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    const status = clientStatusOf(error);
    if (status !== undefined) {
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

/**
 * The 4xx status of an error that is the client's fault: http-errors marked safe to expose (body-parser,
 * static files) or the router's undecodable path parameter. Only those: an Elasticsearch client error
 * also carries a `statusCode` (400 for a query we built wrong, 404 for a missing index, 429 when it is
 * overloaded), and passing that on would blame the client for our own failure and hide it from the log.
 */
function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const exposed = 'expose' in error && error.expose === true;
  if (!exposed && !(error instanceof URIError)) return undefined;
  const value = 'status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined;
  return typeof value === 'number' && value >= 400 && value < 500 ? value : undefined;
}

function typeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  return typeof error.type === 'string' ? error.type.replaceAll('.', '_') : undefined;
}

function messageFor(status: number): string {
  switch (status) {
    case 400:
      return 'Malformed request';
    case 413:
      return 'Request body too large';
    case 415:
      return 'Unsupported content type';
    default:
      // e.g. 403/404 from the static files of the API reference.
      return STATUS_CODES[status] ?? 'Malformed request';
  }
}
