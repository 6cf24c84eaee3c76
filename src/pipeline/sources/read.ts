import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { SourceFormatError, type SourceInput } from './types';

/** How the input is named in messages: the path as given. */
export function inputName(input: SourceInput): string {
  return typeof input === 'string' ? input : input.name;
}

/** How the input is named in reject refs: the base name, so refs do not change with the working directory. */
export function refName(input: SourceInput): string {
  return path.basename(inputName(input));
}

const CHUNK_BYTES = 256 * 1024;

/**
 * The input as decoded text chunks. `fatal: false` turns invalid UTF-8 into U+FFFD instead of failing the
 * whole file, so one bad record is refused by validation (`invalid_utf8`) and the rest proceeds; the
 * decoder also drops a leading BOM (Excel writes one in CSV files) and joins characters split across chunks.
 */
export async function* decodeChunks(input: SourceInput): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const source: AsyncIterable<unknown> =
    typeof input === 'string' ? createReadStream(input, { highWaterMark: CHUNK_BYTES }) : input.chunks;
  try {
    for await (const chunk of source) {
      if (typeof chunk === 'string') yield chunk;
      else if (chunk instanceof Uint8Array) yield decoder.decode(chunk, { stream: true });
    }
  } catch (error) {
    if (error instanceof SourceFormatError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SourceFormatError(
      `cannot read ${inputName(input)}: ${reason}. Check the path and permissions.`,
    );
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** A line of text with its 1-based number. */
export interface Line {
  number: number;
  text: string;
}

/**
 * Splits decoded chunks into lines (`\n` or `\r\n`) without holding more than one line in memory. Written
 * by hand rather than with `readline` so that a runaway line (a single-line JSON file given as JSON Lines)
 * fails the file with a clear message instead of exhausting memory.
 */
export async function* readLines(input: SourceInput, maxLineChars = 64 * 1024 * 1024): AsyncGenerator<Line> {
  let pending = '';
  let number = 0;
  for await (const chunk of decodeChunks(input)) {
    // Only the new chunk can hold the next line end: do not rescan a long pending line.
    let end = chunk.indexOf('\n');
    if (end >= 0) end += pending.length;
    pending += chunk;
    let start = 0;
    for (; end >= 0; end = pending.indexOf('\n', start)) {
      number++;
      yield { number, text: stripCr(pending.slice(start, end)) };
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLineChars) {
      throw new SourceFormatError(
        `${inputName(input)}: line ${number + 1} is longer than ${maxLineChars} characters; ` +
          'is this really a line-oriented file (JSON Lines)? Check --format.',
      );
    }
  }
  if (pending !== '') yield { number: number + 1, text: stripCr(pending) };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** The first characters of a file, for format hints in error messages; streams cannot be re-read. */
export async function readHead(input: SourceInput, chars = 4096): Promise<string | undefined> {
  if (typeof input !== 'string') return undefined;
  const file = await open(input, 'r');
  try {
    const buffer = Buffer.alloc(chars);
    const { bytesRead } = await file.read(buffer, 0, chars, 0);
    return new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}
