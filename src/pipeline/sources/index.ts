import { parseCsv } from './csv';
import { isUtcOffset } from './dates';
import { parseJsonl } from './jsonl';
import { parseRss } from './rss';
import { parseTelegramDump } from './telegram-dump';
import { parseTelegramExport } from './telegram-export';
import {
  SourceFormatError,
  type SourceFormat,
  type SourceInput,
  type SourceOptions,
  type SourceParser,
  type SourceRecord,
} from './types';
import { parseVkWall } from './vk-wall';

export { CSV_FIELDS } from './csv';
export { SOURCE_FORMATS, SourceFormatError } from './types';
export type { SourceFormat, SourceInput, SourceOptions, SourceRecord } from './types';

const PARSERS: Readonly<Record<SourceFormat, SourceParser>> = {
  telegram: parseTelegramExport,
  'tg-dump': parseTelegramDump,
  vk: parseVkWall,
  rss: parseRss,
  jsonl: parseJsonl,
  csv: parseCsv,
};

/**
 * Reads one file (or stream) of the given format as canonical posts and per-record rejects, in file order.
 * A bad record becomes a reject and the rest proceeds; a whole-file problem (unreadable, malformed
 * JSON/XML, not the format given) throws {@link SourceFormatError} naming the file, the problem and what
 * to do. Records yielded before such an error are valid. Posts are not validated here: see `validatePost`.
 */
export function parseSource(
  format: SourceFormat,
  input: SourceInput,
  options: SourceOptions = {},
): AsyncIterable<SourceRecord> {
  if (options.defaultUtcOffset !== undefined && !isUtcOffset(options.defaultUtcOffset)) {
    throw new SourceFormatError(`UTC offset must look like +03:00 or Z, got "${options.defaultUtcOffset}".`);
  }
  return PARSERS[format](input, options);
}
