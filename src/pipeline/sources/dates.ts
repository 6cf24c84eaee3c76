/** ISO 8601 / RFC 3339 date-time with a zone (`Z` or `±hh:mm` / `±hhmm`). */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** The same without a zone: local time of an unknown place. */
const ISO_LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/;
/** `07.11.2024 18:09[:50]`, the usual Russian spreadsheet form, without a zone. */
const RU_LOCAL = /^(\d{2})\.(\d{2})\.(\d{4})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/;
/** RFC 822 / 1123 as in RSS: `Wed, 02 Oct 2002 13:00:00 GMT`, `2 Oct 2002 13:00 +0300`. */
const RFC_822 =
  /^([A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{2}:\d{2}(:\d{2})?\s+([A-Za-z]{1,5}|[+-]\d{4})$/;
const UNIX_SECONDS = /^\d{9,10}$/;
const OFFSET = /^(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses the date forms real sources use into an ISO instant, or undefined. Deliberately strict: `Date.parse`
 * alone accepts nonsense like `1` or `May 5` and reads `01/02/2024` in the server's time zone, which would
 * quietly misdate posts. Dates without a zone are read at `defaultOffset` (`Z` unless configured).
 */
export function parseDate(value: string | number, defaultOffset = 'Z'): string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? unixSecondsToIso(value) : undefined;
  const text = value.trim();
  if (UNIX_SECONDS.test(text)) return unixSecondsToIso(Number(text));
  let candidate: string | undefined;
  if (ISO_WITH_ZONE.test(text)) candidate = text.replace(' ', 'T');
  else if (RFC_822.test(text)) candidate = text;
  else {
    const iso = ISO_LOCAL.exec(text);
    const ru = RU_LOCAL.exec(text);
    if (iso) candidate = `${iso[1] ?? ''}T${iso[2] ?? ''}${defaultOffset}`;
    else if (ru)
      candidate = `${ru[3] ?? ''}-${ru[2] ?? ''}-${ru[1] ?? ''}T${ru[4] ?? '00:00'}${defaultOffset}`;
  }
  if (candidate === undefined) return undefined;
  const time = Date.parse(candidate);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Whether `offset` is a UTC offset {@link parseDate} accepts (`Z`, `+03:00`). */
export function isUtcOffset(offset: string): boolean {
  return OFFSET.test(offset);
}

/** Unix seconds → ISO instant, or undefined when out of the Date range. */
export function unixSecondsToIso(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
