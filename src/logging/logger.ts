import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs to stdout (or stderr for CLI commands whose stdout carries data). */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino({ level, base: { service: 'dozor' } }, pino.destination(destination));
}
