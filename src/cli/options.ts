import { InvalidArgumentError } from 'commander';

/**
 * Option parsers. They throw commander's `InvalidArgumentError`, which commander prints as one line
 * naming the option ("option '--limit <n>' argument 'abc' is invalid. …") instead of a stack trace.
 */

/** An option that takes one of `values`. */
export function oneOf<T extends string>(what: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    const found = values.find((candidate) => candidate === value);
    if (found === undefined)
      throw new InvalidArgumentError(`unknown ${what}; ${what}s: ${values.join(', ')}`);
    return found;
  };
}

/** An option that takes a whole number from `min` to `max`. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}
