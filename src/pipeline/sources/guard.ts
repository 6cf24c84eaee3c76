import { inputName, readHead } from './read';
import { FORMAT_NAMES, fileFormatHint, sniffFormat } from './sniff';
import { SourceFormatError, type SourceFormat, type SourceInput, type SourceRecord } from './types';

/** Leading records that must all miss the schema (or not parse) before a file is declared of the wrong format. */
export const WRONG_FORMAT_THRESHOLD = 10;

/**
 * Turns "every record misses the schema" into one whole-file error instead of thousands of rejects: a VK
 * file given as `--format tg-dump` parses as JSON but no item has the right fields. Leading schema rejects
 * (and `malformed` ones) are held back until a record shows the format fits (a post, or a reject for another reason); if
 * {@link WRONG_FORMAT_THRESHOLD} of them come first, or the file holds nothing else and looks like another
 * format, the file is refused. Memory held: at most that many rejects.
 */
export async function* guardFormat(
  input: SourceInput,
  format: SourceFormat,
  records: AsyncIterable<SourceRecord>,
): AsyncGenerator<SourceRecord> {
  const leading: SourceRecord[] = [];
  let fits = false;
  for await (const record of records) {
    if (fits) {
      yield record;
    } else if (record.kind === 'reject' && (record.code === 'schema' || record.code === 'malformed')) {
      leading.push(record);
      if (leading.length >= WRONG_FORMAT_THRESHOLD) throw await wrongFormat(input, format, leading);
    } else {
      fits = true;
      yield* leading;
      yield record;
    }
  }
  if (!fits && leading.length > 0) {
    const head = await readHead(input);
    const guess = head === undefined ? undefined : sniffFormat(head);
    if (guess !== undefined && guess !== format) throw await wrongFormat(input, format, leading);
  }
  yield* leading;
}

async function wrongFormat(
  input: SourceInput,
  format: SourceFormat,
  leading: readonly SourceRecord[],
): Promise<SourceFormatError> {
  const expected = FORMAT_NAMES[format];
  const first = leading[0];
  const example = first?.kind === 'reject' ? ` (first record: ${first.reason})` : '';
  const hint = await fileFormatHint(input, expected);
  return new SourceFormatError(
    `${inputName(input)}: the first ${leading.length} record(s) are not valid records of ${expected}${example}. ${hint}`,
  );
}
