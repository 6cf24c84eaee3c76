import { z } from 'zod';
import type { ClassifyResult, ClassifyTask, LabelScore, Prediction } from './classifier';

/** One input line as read by the CLI's JSON Lines reader (parsed value or parse error). */
export type InputLine = { line: number; value: unknown } | { line: number; error: string };

/** One output record: a classification, or why this line could not be classified. */
export type OutputRecord =
  ({ id: string | number } & ClassifyResult) | { id?: string | number; line: number; error: string };

const inputSchema = z.object({
  id: z.union([z.string(), z.number()], { error: 'must be a string or a number' }),
  text: z.string({ error: 'must be a string' }),
});

/** What {@link classifyLines} needs: texts in, results out (`Classifier.classifyTexts` bound to an encoder). */
export type ClassifyTexts = (task: ClassifyTask, texts: readonly string[]) => Promise<ClassifyResult[]>;

/** Counts of a run, for the summary line. */
export interface ClassifyStats {
  classified: number;
  errors: number;
}

function round4(value: number): number {
  return Math.round(value * 10000) / 10000;
}

function roundScore<T extends LabelScore>(entry: T): T {
  return { ...entry, score: round4(entry.score) };
}

function roundPrediction(prediction: Prediction): Prediction {
  return { ...roundScore(prediction), alternatives: prediction.alternatives.map(roundScore) };
}

/** Scores rounded to 4 decimals: more digits are noise and bloat the output. */
export function presentResult(result: ClassifyResult): ClassifyResult {
  const out: ClassifyResult = roundPrediction(result);
  if (result.labels !== undefined) out.labels = result.labels.map(roundScore);
  if (result.facets !== undefined) {
    out.facets = Object.fromEntries(Object.entries(result.facets).map(([k, v]) => [k, roundPrediction(v)]));
  }
  return out;
}

/** Checks one parsed line; returns the text to classify or the error record. */
export function validateLine(input: InputLine): { id: string | number; text: string } | OutputRecord {
  if ('error' in input) return { line: input.line, error: input.error };
  const parsed = inputSchema.safeParse(input.value);
  if (!parsed.success) {
    const id: unknown =
      typeof input.value === 'object' && input.value !== null ? Reflect.get(input.value, 'id') : undefined;
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`)
      .join('; ');
    const record: OutputRecord = {
      line: input.line,
      error: `line ${input.line}: expected {id, text} (${problems})`,
    };
    if (typeof id === 'string' || typeof id === 'number') record.id = id;
    return record;
  }
  if (parsed.data.text.trim() === '') {
    return { id: parsed.data.id, line: input.line, error: `line ${input.line}: text is empty` };
  }
  return parsed.data;
}

type Pending = { record: OutputRecord } | { id: string | number; line: number; text: string };

/**
 * Classifies a stream of `{id, text}` lines in batches, writing one record per input line in input order.
 * Bad lines (invalid JSON, missing id or text, empty text) and batches the encoder fails on become error
 * records; the run goes on.
 */
export async function classifyLines(
  lines: AsyncIterable<InputLine>,
  task: ClassifyTask,
  classifyTexts: ClassifyTexts,
  write: (record: OutputRecord) => Promise<void>,
  batchSize = 32,
): Promise<ClassifyStats> {
  const stats: ClassifyStats = { classified: 0, errors: 0 };
  let pending: Pending[] = [];
  let texts = 0;
  const flush = async (): Promise<void> => {
    const items = pending.filter((p): p is Extract<Pending, { text: string }> => 'text' in p);
    let results: ClassifyResult[] = [];
    let failure: string | undefined;
    if (items.length > 0) {
      try {
        results = await classifyTexts(
          task,
          items.map((item) => item.text),
        );
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
    let next = 0;
    for (const entry of pending) {
      if ('record' in entry) {
        stats.errors++;
        await write(entry.record);
        continue;
      }
      const result = results[next++];
      if (result === undefined) {
        stats.errors++;
        await write({
          id: entry.id,
          line: entry.line,
          error: `line ${entry.line}: classification failed: ${failure ?? 'no result'}`,
        });
      } else {
        stats.classified++;
        await write({ id: entry.id, ...presentResult(result) });
      }
    }
    pending = [];
    texts = 0;
  };
  for await (const input of lines) {
    const checked = validateLine(input);
    if ('text' in checked) {
      pending.push({ id: checked.id, line: input.line, text: checked.text });
      texts++;
    } else pending.push({ record: checked });
    if (texts >= batchSize) await flush();
  }
  await flush();
  return stats;
}
