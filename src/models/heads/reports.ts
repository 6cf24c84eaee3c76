import type { HeadFile } from './head-file';
import { perClassTable } from './metrics';
import type { TopicsFile } from './topics-file';

/**
 * Markdown evaluation reports (`src/models/heads/reports/*.md`), rendered from the model cards alone so
 * that the committed report always describes the committed head.
 */

function bullets(items: readonly string[]): string {
  return items.map((item) => `- ${item}`).join('\n');
}

/** Report of one trained head. */
export function renderHeadReport(head: HeadFile): string {
  const { card } = head;
  const test = card.metrics.test;
  const merging =
    card.labelMerging === undefined
      ? ''
      : `\n**Rare classes**: classes with fewer than ${card.labelMerging.minCount} examples were merged into ` +
        `«${card.labelMerging.otherLabel}» (${card.labelMerging.mergedClasses} classes, ${card.labelMerging.mergedRows} rows).\n`;
  return `# Head \`${head.name}\`

${card.description}

| | |
|---|---|
| data | \`${card.data.path}\` (${card.data.dataset}), ${card.data.rows} rows, label \`${card.data.labelColumn}\` |
| encoder | ${head.encoder.model}@${head.encoder.version}, ${head.encoder.dim} dims, \`${head.encoder.kind}:\` side, ${head.encoder.maxTokens} tokens |
| split | ${card.split.method}, seed ${card.split.seed}: ${card.split.train} train / ${card.split.validation} validation / ${card.split.test} test |
| model | ${card.model.kind}${card.model.hidden > 0 ? ` (${card.model.hidden} hidden ReLU units)` : ''}, L2 ${card.model.l2}, Adam lr ${card.model.learningRate}, batch ${card.model.batchSize}, class weighting ${card.model.classWeighting}, best epoch ${card.model.bestEpoch} of ${card.model.epochs} |
| classes | ${head.labels.length} |
| trained on | ${card.trainedOn} |

Preprocessing:
${bullets(card.data.preprocessing)}
${merging}
## Test scores

**accuracy ${test.accuracy.toFixed(3)} · macro-F1 ${test.macroF1.toFixed(3)} · weighted-F1 ${test.weightedF1.toFixed(3)}** on ${test.size} held-out rows.

${perClassTable(test)}

## Model selection (validation macro-F1)

| configuration | validation macro-F1 |
|---|---:|
${card.selection.map((s) => `| ${s.config} | ${s.validationMacroF1.toFixed(3)} |`).join('\n')}

## Caveats

${bullets(card.caveats)}

Reproduce: \`npm run models:train\` (same data and seed give the same weights).
`;
}

/** Report of the zero-shot topic taxonomy and its calibration. */
export function renderTopicsReport(file: TopicsFile): string {
  const { card } = file;
  const test = card.metrics.test;
  const names = new Map(file.topics.map((topic) => [topic.id, topic.name]));
  const rows = test.perTopic.map(
    (t) =>
      `| ${t.topic} | ${names.get(t.topic) ?? ''} | ${t.threshold.toFixed(3)}${t.calibrated ? '' : ' (fallback)'} | ` +
      `${t.precision.toFixed(3)} | ${t.recall.toFixed(3)} | ${t.f1.toFixed(3)} | ${t.support} |`,
  );
  return `# Zero-shot topics

${card.description}

| | |
|---|---|
| encoder | ${file.encoder.model}@${file.encoder.version}, posts on the \`${file.encoder.kind}:\` side, phrases on \`passage:\`, ${file.encoder.maxTokens} tokens |
| calibration data | ${card.calibration.data.join('; ')} |
| method | ${card.calibration.method} |
| split | seed ${card.calibration.seed}: ${card.calibration.calibrationSize} calibration / ${card.calibration.testSize} test |
| topics per post | at most ${file.thresholds.maxTopics} |
| fallback threshold | ${file.thresholds.fallback.toFixed(3)} (topics with fewer than ${card.calibration.minPositives} calibration examples) |
| gate | ${file.thresholds.gate.toFixed(3)} (raw similarity of the closest phrase a post needs for any topic) |
| trained on | ${card.trainedOn} |

## Test scores

**micro-F1 ${test.microF1.toFixed(3)} · macro-F1 ${test.macroF1.toFixed(3)} · top-1 accuracy ${test.top1Accuracy.toFixed(3)} · false alarms on off-topic posts ${(test.offTopicFalseAlarmRate * 100).toFixed(1)}%**

| topic | name | threshold | precision | recall | F1 | support |
|---|---|---:|---:|---:|---:|---:|
${rows.join('\n')}

## Caveats

${bullets(card.caveats)}

Reproduce: \`npm run models:train\`.
`;
}
