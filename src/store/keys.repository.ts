import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ROLES, type Role } from '../auth/roles';

const storedKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  hash: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});

/** An API key as stored: only the SHA-256 of its secret is kept, never the secret. */
export type StoredKey = z.infer<typeof storedKeySchema>;
/** What callers see of a key: everything but the hash. */
export type KeyInfo = Omit<StoredKey, 'hash'>;

const KEY_PATTERN = /^dz_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

// Secrets are 256 random bits, so a fast hash is enough: there is nothing to brute-force as with passwords.
const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** API keys in Redis. A key reads `dz_<id>_<secret>`; lookups are by id, checks are constant-time. */
export class KeysRepository {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:apikeys`;
  }

  /** Creates a key; the returned token is shown once and cannot be recovered later. */
  async create(name: string, role: Role, now = new Date()): Promise<{ token: string; info: KeyInfo }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const stored: StoredKey = { id, name, role, hash: hashSecret(secret), createdAt: now.toISOString() };
    await this.redis.hset(this.key, id, JSON.stringify(stored));
    const { hash: _hash, ...info } = stored;
    return { token: `dz_${id}_${secret}`, info };
  }

  async list(): Promise<KeyInfo[]> {
    const all = await this.redis.hvals(this.key);
    return all
      .map((value) => storedKeySchema.parse(JSON.parse(value)))
      .map(({ hash: _hash, ...info }) => info)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes at once: the next request with this key is refused. Returns false when the id is unknown. */
  async revoke(id: string, now = new Date()): Promise<boolean> {
    const raw = await this.redis.hget(this.key, id);
    if (raw === null) return false;
    const stored = storedKeySchema.parse(JSON.parse(raw));
    stored.revokedAt ??= now.toISOString();
    await this.redis.hset(this.key, id, JSON.stringify(stored));
    return true;
  }

  /** The key's info when the token is valid and not revoked; undefined otherwise. */
  async verify(token: string): Promise<KeyInfo | undefined> {
    const match = KEY_PATTERN.exec(token);
    if (!match?.[1] || !match[2]) return undefined;
    const raw = await this.redis.hget(this.key, match[1]);
    if (raw === null) return undefined;
    const stored = storedKeySchema.parse(JSON.parse(raw));
    const expected = Buffer.from(stored.hash, 'hex');
    const actual = Buffer.from(hashSecret(match[2]), 'hex');
    if (stored.revokedAt !== undefined || !timingSafeEqual(expected, actual)) return undefined;
    const { hash: _hash, ...info } = stored;
    return info;
  }
}
