import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Where secrets appear in what is logged: the API logs every request with its headers, and a key in a
 * log file is as good as the key (only its hash is stored in Redis).
 */
const SECRETS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

export function loggerOptions(level: string): LoggerOptions {
  return { level, base: { service: 'dozor' }, redact: { paths: SECRETS, censor: '[redacted]' } };
}

/** Structured JSON logs to stdout (or stderr for CLI commands whose stdout carries data). */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino(loggerOptions(level), pino.destination(destination));
}
