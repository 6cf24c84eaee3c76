import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { encoderIdentitySchema } from './head-file';
import type { TopicPrototypes, TopicThresholds } from './zero-shot';

const topicMetricsSchema = z.object({
  topic: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int(),
  threshold: z.number(),
  calibrated: z.boolean(),
});

/** Zero-shot topics as stored in `src/models/heads/topics.json`: taxonomy, phrase vectors, thresholds, card. */
export const topicsFileSchema = z.object({
  /** 2: thresholds apply to relative scores behind a gate (1 compared raw cosines). */
  format: z.literal('dozor-topics/2'),
  name: z.literal('topics'),
  /** Posts are embedded on this side (`query`); phrases were embedded as `passage`. */
  encoder: encoderIdentitySchema,
  topics: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      phrases: z.array(z.string()).min(1),
      vectors: z.array(z.array(z.number())).min(1),
    }),
  ),
  thresholds: z.object({
    byTopic: z.record(z.string(), z.number()),
    fallback: z.number(),
    maxTopics: z.number().int().positive(),
    gate: z.number(),
  }),
  card: z.object({
    description: z.string(),
    trainedOn: z.string(),
    calibration: z.object({
      data: z.array(z.string()),
      method: z.string(),
      seed: z.number().int(),
      calibrationSize: z.number().int(),
      testSize: z.number().int(),
      minPositives: z.number().int(),
    }),
    metrics: z.object({
      test: z.object({
        microF1: z.number(),
        macroF1: z.number(),
        top1Accuracy: z.number(),
        offTopicFalseAlarmRate: z.number(),
        perTopic: z.array(topicMetricsSchema),
      }),
    }),
    caveats: z.array(z.string()),
  }),
});
export type TopicsFile = z.infer<typeof topicsFileSchema>;

/** Prototypes and thresholds of a stored taxonomy, ready for scoring. */
export function topicModelOf(file: TopicsFile): { prototypes: TopicPrototypes; thresholds: TopicThresholds } {
  return {
    prototypes: {
      ids: file.topics.map((topic) => topic.id),
      phrases: file.topics.map((topic) => topic.vectors.map((vector) => Float32Array.from(vector))),
    },
    thresholds: file.thresholds,
  };
}

export function parseTopicsFile(json: unknown, source: string): TopicsFile {
  const parsed = topicsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `topics file ${source} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export function readTopicsFile(file: string): TopicsFile {
  return parseTopicsFile(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function writeTopicsFile(file: string, topics: TopicsFile): void {
  const lines = Object.entries(topics).map(([key, value]) =>
    key === 'card' || key === 'thresholds'
      ? `"${key}": ${JSON.stringify(value, null, 2)}`
      : `"${key}": ${JSON.stringify(value)}`,
  );
  writeFileSync(file, `{\n${lines.join(',\n')}\n}\n`);
}
