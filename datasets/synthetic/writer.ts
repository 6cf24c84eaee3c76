import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { generate, type GenerateOptions } from './generator';
import type { Source } from './sources';
import type { Summary } from './truth';

/** The files a run writes into its output folder. */
export const OUTPUT_FILES = {
  posts: 'posts.jsonl',
  truth: 'truth.jsonl',
  summary: 'summary.json',
  sources: 'sources.jsonl',
} as const;

/**
 * Appends lines to a file in ~1 MB chunks: one `write` per post would dominate a 1M-post run, and
 * waiting for `drain` keeps memory bounded when the disk is slower than the generator.
 */
class ChunkedFile {
  private readonly stream: WriteStream;
  private chunk: string[] = [];
  private size = 0;

  constructor(file: string) {
    this.stream = createWriteStream(file, { encoding: 'utf8' });
  }

  async line(text: string): Promise<void> {
    this.chunk.push(text);
    this.size += text.length + 1;
    if (this.size >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const data = `${this.chunk.join('\n')}\n`;
    this.chunk = [];
    this.size = 0;
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Writes a scenario into `outDir`; `onProgress` is called every `every` posts with the count so far. */
export async function writeDataset(
  options: GenerateOptions,
  outDir: string,
  onProgress?: (posts: number) => void,
  every = 10_000,
): Promise<Summary> {
  await mkdir(outDir, { recursive: true });
  const posts = new ChunkedFile(path.join(outDir, OUTPUT_FILES.posts));
  const truth = new ChunkedFile(path.join(outDir, OUTPUT_FILES.truth));
  const stream = generate(options);
  let n = 0;
  for (;;) {
    const next = stream.next();
    if (next.done === true) {
      await Promise.all([posts.close(), truth.close()]);
      const { summary, sources } = next.value;
      await writeFile(path.join(outDir, OUTPUT_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
      await writeFile(path.join(outDir, OUTPUT_FILES.sources), sources.map(sourceLine).join(''));
      onProgress?.(n);
      return summary;
    }
    await posts.line(JSON.stringify(next.value.post));
    await truth.line(JSON.stringify(next.value.truth));
    n++;
    if (n % every === 0) onProgress?.(n);
  }
}

function sourceLine(s: Source): string {
  return `${JSON.stringify({
    platform: s.platform,
    channel: s.channel,
    channelTitle: s.channelTitle,
    kind: s.kind,
    placeId: s.place?.id ?? null,
    place: s.place?.name ?? null,
    region: s.region.name,
    createdAt: s.createdAt,
  })}\n`;
}
