import type { AlertsRepository } from '../store/alerts.repository';
import { alertIdFor, subjectKeyOf, type AlertDocument } from './alert';
import { applyDetection, type Detection, type DetectionChange } from './detection';

/** Write attempts per detection before the batch is retried as a whole (conflicts mean busy alerts). */
const MAX_ATTEMPTS = 8;

export interface RecordedDetection {
  doc: AlertDocument;
  change: DetectionChange;
}

/**
 * Creates or updates the subject's alert under optimistic concurrency: read with version, fold in,
 * write guarded, and on a lost race re-read and fold again. However many workers detect the same
 * subject at once, there is one alert and no update is lost.
 */
export async function recordDetection(
  alerts: Pick<AlertsRepository, 'get' | 'create' | 'replace'>,
  detection: Detection,
  now: () => Date,
): Promise<RecordedDetection> {
  const id = alertIdFor(detection.type, subjectKeyOf(detection.subject));
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await alerts.get(id);
    const at = now().toISOString();
    const result = applyDetection(current?.doc, detection, at);
    if (result.change === 'unchanged') return result;
    // A new alert is searchable before the batch moves on: the fake detector finds the open alert of a
    // claim by search when the campaign's next wording arrives (often the very next batch), and without
    // the wait it opened a second alert for one campaign. Creations are rare; updates do not wait.
    const written =
      current === undefined
        ? await alerts.create(result.doc, 'wait_for')
        : await alerts.replace(result.doc, current);
    if (written === 'written') return result;
  }
  throw new Error(`alert ${id}: ${MAX_ATTEMPTS} conflicting writes in a row; the batch will be retried`);
}
