import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Any text embedder: one vector per text, in input order (the encoder's `embedQueries`, or a fake in tests). */
export type Embed = (texts: readonly string[]) => Promise<Float32Array[]>;

/** What the cached vectors depend on; a different identity is a different cache file. */
export interface EmbeddingIdentity {
  model: string;
  version: string;
  dim: number;
  /** e5 prefix side. */
  kind: 'query' | 'passage';
  maxTokens: number;
}

const indexSchema = z.object({ dim: z.number().int().positive(), hashes: z.array(z.string()) });

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Vectors of training texts on disk (`.dozor/cache/heads/...`, gitignored): embedding 15k texts takes the
 * 2-core machine minutes, retraining a head takes seconds. Only hashes of texts are stored next to the
 * vectors, never the texts. The files are rewritten after every chunk, so an interrupted run resumes.
 */
export class EmbeddingCache {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly indexFile: string;
  private readonly dataFile: string;

  constructor(
    cacheDir: string,
    readonly identity: EmbeddingIdentity,
    name: string,
  ) {
    const folder = path.join(
      cacheDir,
      'heads',
      `${identity.model}@${identity.version}`,
      `${identity.kind}-${identity.maxTokens}`,
    );
    this.indexFile = path.join(folder, `${name}.json`);
    this.dataFile = path.join(folder, `${name}.f32`);
    this.load();
  }

  private load(): void {
    if (!existsSync(this.indexFile) || !existsSync(this.dataFile)) return;
    const parsed = indexSchema.safeParse(JSON.parse(readFileSync(this.indexFile, 'utf8')));
    if (!parsed.success || parsed.data.dim !== this.identity.dim) return; // stale or foreign: re-embed
    const bytes = readFileSync(this.dataFile);
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
    const { dim, hashes } = parsed.data;
    if (data.length !== hashes.length * dim) return;
    hashes.forEach((hash, i) => this.vectors.set(hash, data.slice(i * dim, (i + 1) * dim)));
  }

  private save(): void {
    mkdirSync(path.dirname(this.indexFile), { recursive: true });
    const hashes = [...this.vectors.keys()];
    const data = new Float32Array(hashes.length * this.identity.dim);
    hashes.forEach((hash, i) => {
      const vector = this.vectors.get(hash);
      if (vector !== undefined) data.set(vector, i * this.identity.dim);
    });
    writeFileSync(`${this.dataFile}.tmp`, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    writeFileSync(`${this.indexFile}.tmp`, JSON.stringify({ dim: this.identity.dim, hashes }));
    renameSync(`${this.dataFile}.tmp`, this.dataFile);
    renameSync(`${this.indexFile}.tmp`, this.indexFile);
  }

  /** Vectors of all texts, embedding only those not cached yet, `chunk` at a time with progress. */
  async embedAll(
    texts: readonly string[],
    embed: Embed,
    onProgress: (done: number, total: number) => void = () => undefined,
    chunk = 256,
  ): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((text) => !this.vectors.has(textHash(text))))];
    for (let start = 0; start < missing.length; start += chunk) {
      const batch = missing.slice(start, start + chunk);
      const vectors = await embed(batch);
      batch.forEach((text, i) => {
        const vector = vectors[i];
        if (vector?.length !== this.identity.dim) {
          throw new Error(
            `embedder returned a vector of ${vector?.length ?? 0} values, expected ${this.identity.dim}`,
          );
        }
        this.vectors.set(textHash(text), vector);
      });
      this.save();
      onProgress(Math.min(start + chunk, missing.length), missing.length);
    }
    return texts.map((text) => {
      const vector = this.vectors.get(textHash(text));
      if (vector === undefined) throw new Error('embedding cache lost a vector it just stored');
      return vector;
    });
  }
}
