import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ROLES } from '../auth/roles';

const auditEntrySchema = z.object({
  at: z.string(),
  keyId: z.string(),
  keyName: z.string(),
  role: z.enum(ROLES),
  method: z.string(),
  path: z.string(),
  action: z.string(),
  status: z.number(),
  requestId: z.string(),
});

/** One state change made through the API: who (key), what (action, path), when, and its outcome. */
export type AuditRecord = z.infer<typeof auditEntrySchema>;

/** How many entries the log keeps (approximately: Redis trims whole nodes of the stream). */
const MAX_ENTRIES = 1_000_000;

/**
 * The API's audit log: an append-only Redis stream. Stream ids are time-ordered and unique, so they are
 * also the page cursor; trimming keeps the newest million entries.
 */
export class AuditRepository {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:audit`;
  }

  async record(entry: AuditRecord): Promise<void> {
    await this.redis.xadd(this.key, 'MAXLEN', '~', String(MAX_ENTRIES), '*', 'e', JSON.stringify(entry));
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async page(
    limit: number,
    before?: string,
  ): Promise<{ items: (AuditRecord & { id: string })[]; next: string | undefined; total: number }> {
    const end = before === undefined ? '+' : `(${before}`;
    const rows = await this.redis.xrevrange(this.key, end, '-', 'COUNT', limit + 1);
    const items = rows.slice(0, limit).flatMap(([id, fields]) => {
      const raw = fields[fields.indexOf('e') + 1];
      if (raw === undefined) return [];
      const parsed = auditEntrySchema.safeParse(JSON.parse(raw));
      return parsed.success ? [{ id, ...parsed.data }] : [];
    });
    const last = rows.length > limit ? rows[limit - 1]?.[0] : undefined;
    return { items, next: last, total: await this.redis.xlen(this.key) };
  }
}
