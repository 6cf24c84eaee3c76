import { InvalidArgumentError } from 'commander';
import { oneOf, wholeNumber } from './options';

describe('option parsers', () => {
  it('accept one of the values and refuse others with the list', () => {
    const format = oneOf('format', ['jsonl', 'csv'] as const);
    expect(format('csv')).toBe('csv');
    expect(() => format('xml')).toThrow(new InvalidArgumentError('unknown format; formats: jsonl, csv'));
  });

  it('accept whole numbers in range and refuse the rest', () => {
    const port = wholeNumber(0, 65535);
    expect(port('8080')).toBe(8080);
    for (const bad of ['abc', '-1', '99999', '1.5', '', '1e3'])
      expect(() => port(bad)).toThrow(InvalidArgumentError);
  });
});
