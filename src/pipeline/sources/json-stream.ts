import { JSONParser } from '@streamparser/json';
import { decodeChunks, inputName } from './read';
import { SourceFormatError, type SourceInput } from './types';

/** A value found at one of the requested paths, with the path it matched (`$.messages.*`). */
export interface JsonHit {
  path: string;
  value: unknown;
}

/** Paths to emit, chosen once the root is known (`{` object or `[` array); absent = root not accepted. */
export interface JsonPaths {
  object?: readonly string[];
  array?: readonly string[];
}

/** The first characters of the input, kept to name the format in error messages. */
export const HEAD_CHARS = 4096;

/**
 * Streams the values at `paths` out of a JSON document of any size: only the value being built is held in
 * memory (`keepStack: false` drops emitted items from their parent), so a 1 GB Telegram export is parsed in
 * bounded memory. Throws {@link SourceFormatError} for an empty file, a root of the wrong kind, or malformed
 * JSON (with the character position); values emitted before the error stay valid.
 *
 * `explain(head)` supplies the "what to do" part of a wrong-root message from the first characters.
 */
export async function* streamJson(
  input: SourceInput,
  paths: JsonPaths,
  explain: (head: string) => string,
): AsyncGenerator<JsonHit> {
  const name = inputName(input);
  let parser: JSONParser | undefined;
  let head = '';
  const hits: JsonHit[] = [];
  for await (const chunk of decodeChunks(input)) {
    if (head.length < HEAD_CHARS) head += chunk.slice(0, HEAD_CHARS - head.length);
    if (parser === undefined) {
      const root = chunk.trimStart().charAt(0);
      if (root === '') continue;
      const rootPaths = root === '{' ? paths.object : root === '[' ? paths.array : undefined;
      if (rootPaths === undefined) {
        const kind = root === '{' ? 'a JSON object' : root === '[' ? 'a JSON array' : 'not JSON';
        throw new SourceFormatError(`${name}: unexpected content (${kind}). ${explain(head)}`);
      }
      parser = new JSONParser({ paths: [...rootPaths], keepStack: false });
      parser.onValue = ({ value, key, stack }) => {
        const keys = stack.slice(1).map((element) => element.key);
        const path = ['$', ...keys, key].map((part) => (typeof part === 'number' ? '*' : String(part)));
        hits.push({ path: path.join('.'), value });
      };
    }
    write(parser, chunk, name);
    yield* hits;
    hits.length = 0;
  }
  if (parser === undefined) {
    throw new SourceFormatError(`${name}: the file is empty. Nothing to import; check the file.`);
  }
  if (!parser.isEnded) {
    try {
      parser.end();
    } catch {
      throw new SourceFormatError(
        `${name}: malformed JSON: the document ends early (truncated file?). Re-export or re-download it.`,
      );
    }
  }
  yield* hits;
}

function write(parser: JSONParser, chunk: string, name: string): void {
  try {
    parser.write(chunk);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SourceFormatError(
      `${name}: malformed JSON (${detail}). Records before this point were read; ` +
        'fix or re-export the file and import it again (already imported posts are not duplicated).',
    );
  }
}
