/** Russian labels and number/date formats of the dashboard. */

const dateTime = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: 'long' });
const number = new Intl.NumberFormat('ru-RU');

export const fmtTime = (iso: string | undefined): string =>
  iso === undefined || Number.isNaN(Date.parse(iso)) ? '—' : dateTime.format(new Date(iso));
export const fmtDate = (iso: string): string => dateOnly.format(new Date(iso));
export const fmtNumber = (value: number): string => number.format(value);

export function fmtPct(value: number | null): string {
  if (value === null) return 'новое';
  return `${value > 0 ? '+' : ''}${value}%`;
}

export function fmtDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} мин`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} ч ${minutes % 60} мин`;
  return `${Math.round(hours / 24)} дн`;
}

export const TYPE_NAMES: Record<string, string> = { fake: 'фейк', emergency: 'ЧС', trend: 'тренд' };
export const SEVERITY_NAMES: Record<string, string> = {
  low: 'низкая',
  medium: 'средняя',
  high: 'высокая',
  critical: 'критическая',
};
export const STATUS_NAMES: Record<string, string> = {
  new: 'новый',
  in_review: 'на проверке',
  confirmed: 'подтверждён',
  dismissed: 'отклонён',
  acknowledged: 'принят в работу',
  resolved: 'решён',
};
export const ROLE_NAMES: Record<string, string> = {
  analyst: 'аналитик',
  duty_officer: 'дежурный',
  leadership: 'руководство',
  admin: 'администратор',
  ingest: 'сборщик',
};
export const LEVEL_NAMES: Record<string, string> = {
  exact: 'точная копия',
  near: 'близкая копия',
  semantic: 'пересказ',
};
