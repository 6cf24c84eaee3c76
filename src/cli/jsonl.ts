import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';

/** One parsed input line, or the reason it could not be parsed; line numbers are 1-based. */
export type JsonLine = { line: number; value: unknown } | { line: number; error: string };

/** Reads JSON Lines from a file, or from stdin when no file is given; blank lines are skipped. */
export async function* readJsonLines(file: string | undefined): AsyncGenerator<JsonLine> {
  const input = file === undefined ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) as unknown };
    } catch (error) {
      yield {
        line,
        error: `line ${line}: invalid JSON (${error instanceof Error ? error.message : String(error)})`,
      };
    }
  }
}

/** Writes JSON Lines to a file, or to stdout; respects back-pressure so huge outputs stay in bounded memory. */
export class JsonLinesWriter {
  private readonly stream: Writable;

  constructor(file: string | undefined) {
    this.stream = file === undefined ? process.stdout : createWriteStream(file, { encoding: 'utf8' });
  }

  async write(value: unknown): Promise<void> {
    if (!this.stream.write(`${JSON.stringify(value)}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.stream === process.stdout) return;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
