/// <reference lib="dom" />
import { ApiError } from './api';
import { h, type Child } from './dom';
import { SEVERITY_NAMES, STATUS_NAMES, TYPE_NAMES } from './format';

export const badge = (kind: string, text: string): HTMLElement =>
  h('span', { class: `badge badge-${kind}` }, text);
export const severityBadge = (severity: string): HTMLElement =>
  badge(`sev-${severity}`, SEVERITY_NAMES[severity] ?? severity);
export const statusBadge = (status: string): HTMLElement =>
  badge(`st-${status}`, STATUS_NAMES[status] ?? status);
export const typeBadge = (type: string): HTMLElement => badge(`type-${type}`, TYPE_NAMES[type] ?? type);

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
  testid?: string,
): HTMLElement {
  return h(
    'table',
    testid === undefined ? {} : { 'data-testid': testid },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((text) => h('th', {}, text)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((cell) => h('td', {}, cell)),
        ),
      ),
    ),
  );
}

/** A post as received (the original is the evidence), always as text: hostile markup shows as its characters. */
export const postText = (text: string): HTMLElement => h('p', { class: 'post-text' }, text);

export function errorBox(error: unknown): HTMLElement {
  const message =
    error instanceof ApiError
      ? error.status === 403
        ? 'Недостаточно прав для этого раздела.'
        : `Ошибка ${error.status}: ${error.message}`
      : 'Не удалось связаться с сервером.';
  return h('div', { class: 'error', role: 'alert' }, message);
}

export const loading = (): HTMLElement => h('p', { class: 'muted' }, 'Загрузка…');
