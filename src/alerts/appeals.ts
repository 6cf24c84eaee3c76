import type { AppealListQuery, AppealsRepository, ResponseTimes } from '../store/appeals.repository';
import { ReviewError } from './errors';
import type { AppealRecord } from './registry';
import type { Actor } from './review';

/**
 * Use cases of routed appeals (residents' problems with a department and a response deadline): lists,
 * overdue items, recording the department's response, re-routing, and response-time statistics.
 */
export interface AppealsDeps {
  appeals: Pick<AppealsRepository, 'get' | 'replace' | 'list' | 'responseTimes'>;
  now?: () => Date;
}

const MAX_TEXT = 4000;

export function listAppeals(
  deps: Pick<AppealsDeps, 'appeals'>,
  query: AppealListQuery,
): Promise<{ total: number; items: AppealRecord[] }> {
  return deps.appeals.list(query);
}

/** Open appeals past their deadline, most overdue first. */
export function listOverdueAppeals(
  deps: AppealsDeps,
  query: Omit<AppealListQuery, 'overdueAt' | 'status'> = {},
): Promise<{ total: number; items: AppealRecord[] }> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  return deps.appeals.list({ ...query, overdueAt: now });
}

export function appealResponseTimes(deps: AppealsDeps): Promise<ResponseTimes[]> {
  return deps.appeals.responseTimes((deps.now ?? (() => new Date()))().toISOString());
}

async function change(
  deps: AppealsDeps,
  id: string,
  apply: (doc: AppealRecord, at: string) => AppealRecord,
): Promise<AppealRecord> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const current = await deps.appeals.get(id);
    if (current === undefined) throw new ReviewError('not_found', `appeal ${id} does not exist`);
    const next = apply(current.doc, (deps.now ?? (() => new Date()))().toISOString());
    if ((await deps.appeals.replace(next, current)) === 'written') return next;
  }
  throw new ReviewError('version_conflict', `appeal ${id} keeps changing; try again`);
}

/** Records that the department answered; the response time is measured from the first post. */
export function respondToAppeal(
  deps: AppealsDeps,
  input: { id: string; by: Actor; response: string },
): Promise<AppealRecord> {
  const response = input.response.trim();
  if (response === '' || response.length > MAX_TEXT)
    throw new ReviewError('invalid_input', `response must have 1..${MAX_TEXT} characters`);
  return change(deps, input.id, (doc, at) => {
    if (doc.status === 'responded')
      throw new ReviewError('invalid_transition', 'the appeal has already been answered');
    return {
      ...doc,
      status: 'responded',
      respondedAt: at,
      respondedBy: input.by,
      response,
      responseMs: Math.max(0, Date.parse(at) - Date.parse(doc.openedAt)),
      updatedAt: at,
    };
  });
}

/** Sends an appeal to another department (the deadline stays: the resident has waited already). */
export function rerouteAppeal(
  deps: AppealsDeps,
  input: { id: string; department: string },
): Promise<AppealRecord> {
  const department = input.department.trim();
  if (department === '') throw new ReviewError('invalid_input', 'department must not be empty');
  return change(deps, input.id, (doc, at) => ({ ...doc, department, routedBy: 'person', updatedAt: at }));
}
