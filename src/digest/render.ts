import { escapeUTF8 } from 'entities';
import { SEVERITY_NAMES, STATUS_NAMES } from '../alerts/alert';
import type { Digest } from './schema';

/**
 * The briefing as Markdown and as a self-contained HTML page (the PDF is that page printed by
 * Chromium). Charts here are static SVG drawn from the numbers: a briefing is read as a file or on
 * paper, where no script runs; the live dashboard draws the same series with uPlot.
 */

const number = new Intl.NumberFormat('ru-RU');
const day = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', timeZone: 'UTC' });
const dayHour = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

const fmt = (value: number): string => number.format(value);
const pct = (value: number | null): string => (value === null ? 'новое' : `${value > 0 ? '+' : ''}${value}%`);
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} мин`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} ч ${minutes % 60} мин` : `${Math.round(hours / 24)} дн`;
}

export function titleOf(digest: Digest): string {
  const last = new Date(Date.parse(digest.to) - 1);
  const span =
    digest.period === 'week'
      ? `${day.format(new Date(digest.from))} — ${day.format(last)}`
      : day.format(new Date(digest.from));
  return `${digest.period === 'week' ? 'Недельная сводка' : 'Сводка за сутки'}: ${span}${
    digest.region === undefined ? '' : `, ${digest.region}`
  }`;
}

const bucketLabel = (digest: Digest, start: string): string =>
  digest.period === 'week' ? day.format(new Date(start)) : dayHour.format(new Date(start));

// ---- Markdown ----------------------------------------------------------------------------------

/** Post texts and names can hold Markdown; in a table cell they must stay one literal cell. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

const BARS = '▁▂▃▄▅▆▇█';
function textBars(values: readonly number[]): string {
  const max = Math.max(1, ...values);
  return values.map((v) => BARS[Math.min(7, Math.round((v / max) * 7))] ?? '▁').join('');
}

function mdTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '_нет данных_\n';
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function renderMarkdown(digest: Digest): string {
  const v = digest.volume;
  return [
    `# ${md(titleOf(digest))}`,
    '',
    `## Объём сообщений`,
    '',
    `**${fmt(v.total)}** сообщений (${pct(v.changePct)} к прошлому периоду: ${fmt(v.previous)}).`,
    '',
    '```',
    textBars(v.series.map((b) => b.count)),
    '```',
    '',
    `## Главные темы`,
    '',
    mdTable(
      ['Тема', 'Сообщений', 'Прошлый период', 'Изменение'],
      digest.themes.map((t) => [md(t.topic), fmt(t.count), fmt(t.previous), pct(t.changePct)]),
    ),
    '',
    `## Растущие темы`,
    '',
    mdTable(
      ['Тема', 'Сообщений', 'Прошлый период', 'Рост'],
      digest.rising.map((t) => [md(t.topic), fmt(t.count), fmt(t.previous), pct(t.changePct)]),
    ),
    '',
    `## Происшествия`,
    '',
    mdTable(
      ['Что', 'Где', 'Важность', 'Статус', 'Начало', 'Публикаций'],
      digest.emergencies.map((e) => [
        md(e.title),
        md(e.place ?? '—'),
        SEVERITY_NAMES[e.severity],
        STATUS_NAMES[e.status],
        dayHour.format(new Date(e.firstPostAt)),
        fmt(e.postCount),
      ]),
    ),
    '',
    `## Подтверждённые фейки`,
    '',
    `Подтверждено: **${fmt(digest.fakes.confirmed)}**; от первой публикации до оповещения (медиана): ${duration(
      digest.fakes.medianTimeToAlertMs,
    )}; до подтверждения аналитиком: ${duration(digest.fakes.medianTimeToConfirmMs)}.`,
    '',
    mdTable(
      ['Фейк', 'Первая публикация', 'До оповещения', 'До подтверждения'],
      digest.fakes.items.map((f) => [
        md(f.title),
        dayHour.format(new Date(f.firstPostAt)),
        duration(f.timeToAlertMs),
        duration(f.timeToConfirmMs),
      ]),
    ),
    '',
    `## Обращения с истёкшим сроком ответа`,
    '',
    mdTable(
      ['Ведомство', 'Просрочено', 'Открыто', 'Отвечено', 'Среднее время ответа'],
      digest.appeals.map((a) => [
        md(a.department),
        fmt(a.overdue),
        fmt(a.open),
        fmt(a.responded),
        duration(a.meanMs),
      ]),
    ),
    '',
    `_Сформировано ${dayHour.format(new Date(digest.generatedAt))} UTC, Дозор._`,
    '',
  ].join('\n');
}

// ---- HTML --------------------------------------------------------------------------------------

const e = (text: string): string => escapeUTF8(text);

/** Vertical bars with labels under every few bars; numbers above the bars when there is room. */
export function svgBars(
  buckets: readonly { label: string; count: number }[],
  options: { width?: number; height?: number; color?: string } = {},
): string {
  const width = options.width ?? 680;
  const height = options.height ?? 180;
  const pad = { top: 16, bottom: 28, left: 8, right: 8 };
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const slot = (width - pad.left - pad.right) / Math.max(1, buckets.length);
  const every = Math.max(1, Math.ceil(buckets.length / 8));
  const bars = buckets.map((b, i) => {
    const h = ((height - pad.top - pad.bottom) * b.count) / max;
    const x = pad.left + i * slot + slot * 0.1;
    const y = height - pad.bottom - h;
    const label =
      i % every === 0
        ? `<text x="${(x + slot * 0.4).toFixed(1)}" y="${height - 10}" text-anchor="middle">${e(b.label)}</text>`
        : '';
    const value =
      buckets.length <= 14
        ? `<text x="${(x + slot * 0.4).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle">${fmt(b.count)}</text>`
        : '';
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="${options.color ?? '#1f4e79'}"/>${label}${value}`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="10" font-family="DejaVu Sans, sans-serif" fill="#333" role="img">${bars.join('')}</svg>`;
}

/** Horizontal bars: themes with this period's count and the previous one's in grey. */
export function svgThemeBars(themes: Digest['themes'], width = 680): string {
  const row = 22;
  const labelWidth = 220;
  const max = Math.max(1, ...themes.flatMap((t) => [t.count, t.previous]));
  const scale = (width - labelWidth - 60) / max;
  const rows = themes.map((t, i) => {
    const y = i * row + 4;
    return (
      `<text x="0" y="${y + 12}">${e(t.topic.slice(0, 34))}</text>` +
      `<rect x="${labelWidth}" y="${y + 9}" width="${(t.previous * scale).toFixed(1)}" height="5" fill="#bbb"/>` +
      `<rect x="${labelWidth}" y="${y}" width="${(t.count * scale).toFixed(1)}" height="9" fill="#1f4e79"/>` +
      `<text x="${(labelWidth + t.count * scale + 4).toFixed(1)}" y="${y + 9}">${fmt(t.count)} (${e(pct(t.changePct))})</text>`
    );
  });
  const height = Math.max(row, themes.length * row + 6);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="11" font-family="DejaVu Sans, sans-serif" fill="#333" role="img">${rows.join('')}</svg>`;
}

function htmlTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '<p class="muted">нет данных</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const STYLE = `
body { font-family: 'DejaVu Sans', sans-serif; color: #1d232a; margin: 24px; font-size: 12px; }
h1 { font-size: 20px; margin: 0 0 12px; } h2 { font-size: 15px; margin: 18px 0 6px; color: #1f4e79; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #d9dee3; }
th { color: #5f6b76; font-weight: normal; } .kpi { font-size: 22px; } .muted { color: #5f6b76; }
section { page-break-inside: avoid; }
`;

/** The briefing as one HTML file: no scripts, no external resources, every datum escaped. */
export function renderHtml(digest: Digest): string {
  const v = digest.volume;
  const title = titleOf(digest);
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>${e(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${e(title)}</h1>
<section><h2>Объём сообщений</h2>
<p><span class="kpi">${fmt(v.total)}</span> <span class="muted">${e(pct(v.changePct))} к прошлому периоду (${fmt(v.previous)})</span></p>
${svgBars(v.series.map((b) => ({ label: bucketLabel(digest, b.start), count: b.count })))}
</section>
<section><h2>Главные темы</h2>
${svgThemeBars(digest.themes)}
${htmlTable(
  ['Тема', 'Сообщений', 'Прошлый период', 'Изменение'],
  digest.themes.map((t) => [t.topic, fmt(t.count), fmt(t.previous), pct(t.changePct)]),
)}
</section>
<section><h2>Растущие темы</h2>
${htmlTable(
  ['Тема', 'Сообщений', 'Прошлый период', 'Рост'],
  digest.rising.map((t) => [t.topic, fmt(t.count), fmt(t.previous), pct(t.changePct)]),
)}
</section>
<section><h2>Происшествия</h2>
${htmlTable(
  ['Что', 'Где', 'Важность', 'Статус', 'Начало', 'Публикаций'],
  digest.emergencies.map((x) => [
    x.title,
    x.place ?? '—',
    SEVERITY_NAMES[x.severity],
    STATUS_NAMES[x.status],
    dayHour.format(new Date(x.firstPostAt)),
    fmt(x.postCount),
  ]),
)}
</section>
<section><h2>Подтверждённые фейки</h2>
<p>Подтверждено: <b>${fmt(digest.fakes.confirmed)}</b>; от первой публикации до оповещения (медиана): ${e(
    duration(digest.fakes.medianTimeToAlertMs),
  )}; до подтверждения: ${e(duration(digest.fakes.medianTimeToConfirmMs))}.</p>
${htmlTable(
  ['Фейк', 'Первая публикация', 'До оповещения', 'До подтверждения'],
  digest.fakes.items.map((f) => [
    f.title,
    dayHour.format(new Date(f.firstPostAt)),
    duration(f.timeToAlertMs),
    duration(f.timeToConfirmMs),
  ]),
)}
</section>
<section><h2>Обращения с истёкшим сроком ответа</h2>
${htmlTable(
  ['Ведомство', 'Просрочено', 'Открыто', 'Отвечено', 'Среднее время ответа'],
  digest.appeals.map((a) => [
    a.department,
    fmt(a.overdue),
    fmt(a.open),
    fmt(a.responded),
    duration(a.meanMs),
  ]),
)}
</section>
<p class="muted">Сформировано ${e(dayHour.format(new Date(digest.generatedAt)))} UTC, Дозор.</p>
</body></html>
`;
}
