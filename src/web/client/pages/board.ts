/// <reference lib="dom" />
import { get, post, type AlertDetail, type Board, type Me } from '../api';
import { sparkline } from '../charts';
import { h, mount } from '../dom';
import { fmtNumber, fmtPct, fmtTime } from '../format';
import { errorBox, section, severityBadge, statusBadge } from '../ui';

/**
 * The duty officer's wall screen: polls the board and redraws it in place (no reload). New alerts
 * are marked until the next refresh. Returns a stop function the router calls when leaving the page.
 */
export function boardPage(target: HTMLElement, params: URLSearchParams, me: Me): () => void {
  const pollMs = Math.max(1000, Number(params.get('poll') ?? 5000) || 5000);
  const seen = new Set<string>();
  let first = true;
  let stopped = false;
  const status = h('p', { class: 'muted', 'data-testid': 'board-updated' });
  const alertsBox = h('div');
  const placesBox = h('div');
  const feedback = h('div');
  mount(
    target,
    h('h1', {}, 'Табло ЧС'),
    status,
    feedback,
    section('Происшествия', alertsBox),
    section('Места', placesBox),
  );

  const act = (alertId: string, to: string): void => {
    get<AlertDetail>(`/alerts/${encodeURIComponent(alertId)}`)
      .then((alert) => post<AlertDetail>(`/alerts/${alert.id}/status`, { to, version: alert.version }))
      .then(refresh)
      .catch((error: unknown) => {
        feedback.replaceChildren(errorBox(error));
      });
  };

  const render = (board: Board): void => {
    status.textContent = `Обновлено ${fmtTime(board.generatedAt)} · открытых: ${board.alerts.length}`;
    mount(
      alertsBox,
      board.alerts.length === 0
        ? h('p', { class: 'muted' }, 'Открытых происшествий нет.')
        : h(
            'ul',
            { class: 'board', 'data-testid': 'board-alerts' },
            board.alerts.map((alert) => {
              const fresh = !first && !seen.has(alert.id);
              seen.add(alert.id);
              const buttons =
                me.role === 'leadership'
                  ? []
                  : alert.status === 'acknowledged'
                    ? [['resolved', 'Решено']]
                    : [['acknowledged', 'Принять в работу']];
              return h(
                'li',
                {
                  class: fresh ? 'board-item fresh' : 'board-item',
                  'data-id': alert.id,
                  'data-testid': 'board-alert',
                },
                h(
                  'div',
                  {},
                  severityBadge(alert.severity),
                  ' ',
                  statusBadge(alert.status),
                  ' ',
                  h('b', {}, alert.title),
                ),
                h('div', {}, alert.summary),
                h(
                  'div',
                  { class: 'muted' },
                  [
                    alert.place,
                    alert.magnitude?.people === undefined
                      ? undefined
                      : `${fmtNumber(alert.magnitude.people)} жителей`,
                    alert.magnitude?.houses === undefined
                      ? undefined
                      : `${fmtNumber(alert.magnitude.houses)} домов`,
                    alert.magnitude?.days === undefined ? undefined : `${alert.magnitude.days} дн.`,
                    `${fmtNumber(alert.postCount)} публикаций`,
                    `с ${fmtTime(alert.firstPostAt)}`,
                  ]
                    .filter((part) => part !== undefined)
                    .join(' · '),
                ),
                h(
                  'div',
                  { class: 'actions' },
                  buttons.map(([to = '', label]) =>
                    h(
                      'button',
                      {
                        class: 'primary',
                        'data-testid': `board-${to}`,
                        on: {
                          click: () => {
                            act(alert.id, to);
                          },
                        },
                      },
                      label,
                    ),
                  ),
                  h('a', { href: `#/alert/${alert.id}` }, 'подробнее'),
                ),
              );
            }),
          ),
    );
    const rows = board.places.map((place) => {
      const chart = h('span', { class: 'spark' });
      const row = h(
        'tr',
        {},
        h(
          'td',
          {},
          place.place,
          place.region === undefined ? '' : h('span', { class: 'muted' }, ` (${place.region})`),
        ),
        h('td', {}, place.categories.join(', ')),
        h('td', {}, fmtNumber(place.alerts)),
        h('td', {}, fmtNumber(place.posts)),
        h('td', {}, chart),
        h('td', {}, fmtPct(place.growthPct)),
      );
      return { row, chart, series: place.series };
    });
    mount(
      placesBox,
      rows.length === 0
        ? h('p', { class: 'muted' }, 'Нет мест с открытыми происшествиями.')
        : h(
            'table',
            { 'data-testid': 'board-places' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Место', 'Что', 'Оповещений', 'Публикаций', `За ${board.hours} ч`, 'Рост'].map((t) =>
                  h('th', {}, t),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              rows.map((r) => r.row),
            ),
          ),
    );
    for (const r of rows) if (r.series.length > 0) sparkline(r.chart, r.series);
    first = false;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  function refresh(): void {
    get<Board>('/emergencies')
      .then((board) => {
        if (stopped) return;
        feedback.replaceChildren();
        render(board);
      })
      .catch((error: unknown) => {
        if (!stopped) feedback.replaceChildren(errorBox(error));
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(refresh, pollMs);
      });
  }
  refresh();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
