import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions } from './logger';

describe('logger', () => {
  it('never writes API keys or cookies of a logged request', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino(loggerOptions('info'), sink);
    logger.info(
      {
        req: {
          method: 'GET',
          url: '/api/v1/alerts',
          headers: {
            authorization: 'Bearer dz_secret1',
            'x-api-key': 'dz_secret2',
            cookie: 's=dz_secret3',
            host: 'x',
          },
        },
      },
      'request completed',
    );
    const [line] = lines;
    expect(line).toBeDefined();
    expect(line).not.toMatch(/dz_secret/);
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      req: {
        url: '/api/v1/alerts',
        headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', host: 'x' },
      },
    });
  });
});
