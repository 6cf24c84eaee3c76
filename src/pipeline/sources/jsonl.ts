import { postFromInput, postInputSchema } from '../../domain/post-input';
import { stripControlChars } from '../validate';
import { guardFormat } from './guard';
import { inputName, readLines, refName } from './read';
import { FORMAT_NAMES, fileFormatHint } from './sniff';
import { describeIssues, sample } from './text';
import { SourceFormatError, type SourceInput, type SourceOptions, type SourceRecord } from './types';

/**
 * Parses JSON Lines in Dozor's own schema (`postInputSchema`), one record per line, streaming: a file of a
 * million lines is never held in memory. A line that is not JSON is a `malformed` reject, a JSON value
 * that misses the schema a `schema` reject; a first line that is not JSON fails the whole file (a
 * pretty-printed JSON document is not JSON Lines).
 */
export async function* parseJsonl(input: SourceInput, _options: SourceOptions): AsyncGenerator<SourceRecord> {
  yield* guardFormat(input, 'jsonl', records(input));
}

async function* records(input: SourceInput): AsyncGenerator<SourceRecord> {
  let first = true;
  for await (const line of readLines(input)) {
    if (line.text.trim() === '') continue;
    const ref = `${refName(input)}#line ${line.number}`;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (first) {
        throw new SourceFormatError(
          `${inputName(input)}: line ${line.number} is not JSON (${detail}). ` +
            (await fileFormatHint(input, FORMAT_NAMES.jsonl)),
        );
      }
      yield {
        kind: 'reject',
        ref,
        code: 'malformed',
        reason: `not JSON: ${detail}`,
        sample: sample(line.text),
      };
      continue;
    }
    first = false;
    const parsed = postInputSchema.safeParse(value);
    if (!parsed.success) {
      yield {
        kind: 'reject',
        ref,
        code: 'schema',
        reason: describeIssues(parsed.error),
        sample: sample(value),
      };
      continue;
    }
    const post = postFromInput(parsed.data);
    post.text = stripControlChars(post.text);
    yield { kind: 'post', post };
  }
}
