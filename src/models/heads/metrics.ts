/** Precision, recall and F1 of one class on a test set. */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Scores of a single-label classifier on a held-out set. */
export interface Evaluation {
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  perClass: ClassMetrics[];
  size: number;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Per-class and averaged scores from gold and predicted class indices. */
export function evaluate(
  gold: readonly number[],
  predicted: readonly number[],
  classes: readonly string[],
): Evaluation {
  const tp = new Array<number>(classes.length).fill(0);
  const fp = new Array<number>(classes.length).fill(0);
  const fn = new Array<number>(classes.length).fill(0);
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] ?? -1;
    if (p === g) {
      correct++;
      tp[g] = (tp[g] ?? 0) + 1;
    } else {
      fn[g] = (fn[g] ?? 0) + 1;
      if (p >= 0) fp[p] = (fp[p] ?? 0) + 1;
    }
  });
  const perClass = classes.map((label, c) => {
    const t = tp[c] ?? 0;
    const precision = ratio(t, t + (fp[c] ?? 0));
    const recall = ratio(t, t + (fn[c] ?? 0));
    return {
      label,
      precision,
      recall,
      f1: ratio(2 * precision * recall, precision + recall),
      support: t + (fn[c] ?? 0),
    };
  });
  // Macro-F1 over classes present in the test set: an absent class has no recall to speak of.
  const present = perClass.filter((m) => m.support > 0);
  return {
    accuracy: ratio(correct, gold.length),
    macroF1: ratio(
      present.reduce((sum, m) => sum + m.f1, 0),
      present.length,
    ),
    weightedF1: ratio(
      present.reduce((sum, m) => sum + m.f1 * m.support, 0),
      gold.length,
    ),
    perClass,
    size: gold.length,
  };
}

/** Rounds a metric for reports and model cards. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Markdown table of per-class metrics, largest support first. */
export function perClassTable(evaluation: Evaluation): string {
  const rows = [...evaluation.perClass]
    .sort((a, b) => b.support - a.support || a.label.localeCompare(b.label))
    .map(
      (m) =>
        `| ${m.label.replace(/\|/g, '/')} | ${m.precision.toFixed(3)} | ${m.recall.toFixed(3)} | ${m.f1.toFixed(3)} | ${m.support} |`,
    );
  return ['| class | precision | recall | F1 | support |', '|---|---:|---:|---:|---:|', ...rows].join('\n');
}
