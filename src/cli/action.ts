import { ConfigError } from '../config/config';

/**
 * Wraps a command so that any failure prints one clear line (what failed and what to do) to stderr and
 * exits non-zero, instead of a stack trace. `DOZOR_DEBUG=1` is not needed: logs carry the details.
 */
export function action<Args extends unknown[]>(
  run: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      await run(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`dozor: ${error instanceof ConfigError ? '' : 'error: '}${message}\n`);
      process.exitCode = 1;
    }
  };
}
