import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Node's parser errors as statuses, as Node itself answers them (everything else it cannot parse is 400). */
const STATUS_OF_CODE: Readonly<Record<string, [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'The URL and headers exceed 16 KiB; shorten the query',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request took too long to arrive'],
};

/**
 * Answers requests that never reach Express (an oversized request line, unparsable HTTP) in the API's
 * `{error: {code, message}}` shape with a JSON content type. Node's default answer is a bare status line
 * without a body, which no client (and no reader of the OpenAPI document, which lists 431) can parse.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable || responseStarted(socket)) {
      socket.destroy();
      return;
    }
    const [status, reason, message] = STATUS_OF_CODE[error.code ?? ''] ?? [
      400,
      'Bad Request',
      'The request is not valid HTTP',
    ];
    const body = JSON.stringify({
      error: { code: reason.toLowerCase().replaceAll(' ', '_'), message },
    });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * Whether a response on this keep-alive socket has already started: writing a raw answer then would
 * corrupt it, so Node's own default only answers without one (`_httpMessage` is the in-flight response).
 */
function responseStarted(socket: Duplex): boolean {
  const inFlight: unknown = Reflect.get(socket, '_httpMessage');
  return typeof inFlight === 'object' && inFlight !== null && Reflect.get(inFlight, '_headerSent') === true;
}
