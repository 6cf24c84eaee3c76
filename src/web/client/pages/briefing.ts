/// <reference lib="dom" />
import { download, get, qs, type Digest } from '../api';
import { multiChart, timeChart } from '../charts';
import { h, mount } from '../dom';
import { fmtDate, fmtDuration, fmtNumber, fmtPct, fmtTime } from '../format';
import { loading, section, severityBadge, statusBadge, table } from '../ui';

const themeRows = (themes: Digest['themes']) =>
  themes.map((t) => [t.topic, fmtNumber(t.count), fmtNumber(t.previous), fmtPct(t.changePct)]);

/** Leadership's briefing: one page, the same figures as the PDF. */
export async function briefingPage(target: HTMLElement, params: URLSearchParams): Promise<void> {
  const period = params.get('period') === 'day' ? 'day' : 'week';
  const region = params.get('region') ?? undefined;
  mount(target, loading());
  const digest = await get<Digest>(`/digests${qs({ period, region })}`);
  const volumeChart = h('div', { class: 'chart', 'data-testid': 'volume-chart' });
  const themesChart = h('div', { class: 'chart' });
  const file = (format: 'md' | 'html' | 'pdf') =>
    h(
      'button',
      {
        class: 'secondary',
        on: {
          click: () => {
            void download(`/digests${qs({ period, region, format })}`, `dozor-${period}.${format}`);
          },
        },
      },
      format.toUpperCase(),
    );
  mount(
    target,
    h('h1', { 'data-testid': 'briefing-title' }, period === 'week' ? 'Недельная сводка' : 'Сводка за сутки'),
    h(
      'p',
      { class: 'muted' },
      `${fmtDate(digest.from)} — ${fmtDate(new Date(Date.parse(digest.to) - 1).toISOString())}`,
      digest.region === undefined ? '' : ` · ${digest.region}`,
      ' · ',
      h(
        'a',
        { href: `#/briefing?period=${period === 'week' ? 'day' : 'week'}` },
        period === 'week' ? 'за сутки' : 'за неделю',
      ),
    ),
    h('div', { class: 'actions' }, 'Скачать: ', file('pdf'), file('html'), file('md')),
    section(
      'Объём сообщений',
      h(
        'p',
        { class: 'kpi', 'data-testid': 'volume' },
        fmtNumber(digest.volume.total),
        h(
          'span',
          { class: 'muted' },
          ` (${fmtPct(digest.volume.changePct)} к прошлому периоду: ${fmtNumber(digest.volume.previous)})`,
        ),
      ),
      volumeChart,
    ),
    section(
      'Главные темы',
      table(['Тема', 'Сообщений', 'Прошлый период', 'Изменение'], themeRows(digest.themes), 'themes'),
      themesChart,
    ),
    section(
      'Растущие темы',
      table(['Тема', 'Сообщений', 'Прошлый период', 'Рост'], themeRows(digest.rising), 'rising'),
    ),
    section(
      'Происшествия',
      digest.emergencies.length === 0
        ? h('p', { class: 'muted' }, 'Происшествий за период не было.')
        : table(
            ['Что', 'Где', 'Важность', 'Статус', 'Начало', 'Публикаций'],
            digest.emergencies.map((e) => [
              e.title,
              e.place ?? '—',
              severityBadge(e.severity),
              statusBadge(e.status),
              fmtTime(e.firstPostAt),
              fmtNumber(e.postCount),
            ]),
            'emergencies',
          ),
    ),
    section(
      'Подтверждённые фейки',
      h(
        'p',
        { 'data-testid': 'fakes' },
        `Подтверждено: ${fmtNumber(digest.fakes.confirmed)}`,
        digest.fakes.medianTimeToAlertMs === null
          ? ''
          : ` · от первой публикации до оповещения (медиана): ${fmtDuration(digest.fakes.medianTimeToAlertMs)}`,
        digest.fakes.medianTimeToConfirmMs === null
          ? ''
          : ` · до подтверждения: ${fmtDuration(digest.fakes.medianTimeToConfirmMs)}`,
      ),
      table(
        ['Фейк', 'Первая публикация', 'До оповещения', 'До подтверждения', 'Публикаций'],
        digest.fakes.items.map((f) => [
          f.title,
          fmtTime(f.firstPostAt),
          fmtDuration(f.timeToAlertMs),
          f.timeToConfirmMs === undefined ? '—' : fmtDuration(f.timeToConfirmMs),
          fmtNumber(f.postCount),
        ]),
      ),
    ),
    section(
      'Обращения с истёкшим сроком',
      table(
        ['Ведомство', 'Просрочено', 'Открыто', 'Отвечено', 'Среднее время ответа'],
        digest.appeals.map((a) => [
          a.department,
          fmtNumber(a.overdue),
          fmtNumber(a.open),
          fmtNumber(a.responded),
          a.meanMs === undefined ? '—' : fmtDuration(a.meanMs),
        ]),
        'appeals',
      ),
    ),
  );
  timeChart(volumeChart, digest.volume.series, { label: 'Сообщений' });
  multiChart(
    themesChart,
    digest.themeSeries.map((s) => ({ label: s.topic, buckets: s.buckets })),
  );
}
