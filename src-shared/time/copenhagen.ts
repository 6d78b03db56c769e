import { TZDate, tz } from '@date-fns/tz';
import { addDays, startOfDay } from 'date-fns';

/** The one time zone the product reasons in: a care day is a day in Denmark. */
export const TIME_ZONE = 'Europe/Copenhagen';
const inCopenhagen = tz(TIME_ZONE);

/** Half-open instant range [start, end). */
export interface InstantRange {
  start: Date;
  end: Date;
}

/** The Danish calendar day containing `at` (23 or 25 hours long on DST change days). */
export function careDay(at: Date): InstantRange {
  const start = startOfDay(at, { in: inCopenhagen });
  const end = startOfDay(addDays(start, 1, { in: inCopenhagen }), { in: inCopenhagen });
  return { start: new Date(start.getTime()), end: new Date(end.getTime()) };
}

/** The care day after the one containing `at`. */
export function nextCareDay(at: Date): InstantRange {
  return careDay(new Date(careDay(at).end.getTime() + 3_600_000));
}

/** The instant of a wall-clock time (hours, minutes) in Copenhagen on the care day of `day`. */
export function atCopenhagenTime(day: Date, hours: number, minutes: number): Date {
  const local = new TZDate(day.getTime(), TIME_ZONE);
  const at = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), hours, minutes, TIME_ZONE);
  return new Date(at.getTime());
}

/** The wall-clock time of `at` in Copenhagen as minutes after midnight (09:30 → 570). */
export function copenhagenMinutes(at: Date): number {
  const local = new TZDate(at.getTime(), TIME_ZONE);
  return local.getHours() * 60 + local.getMinutes();
}

/** "YYYY-MM-DD" of the care day of `at`. */
export function careDayKey(at: Date): string {
  const local = new TZDate(at.getTime(), TIME_ZONE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** "10:30" in Copenhagen time, whatever the machine's own zone is (Danish style "kl. 10:30"). */
export function formatClock(at: Date | string, locale = 'da-DK'): string {
  let format = clockFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(locale, format);
  }
  const parts = format.formatToParts(typeof at === 'string' ? new Date(at) : at);
  const part = (type: 'hour' | 'minute') => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('hour')}:${part('minute')}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A calendar day ("YYYY-MM-DD") as people write it: "06-12-2026" in Danish, "06/12/2026" in English. */
export function formatDay(key: string, lang: 'da' | 'en'): string {
  const [y, m, d] = key.split('-');
  return lang === 'da' ? `${d}-${m}-${y}` : `${d}/${m}/${y}`;
}

/** An instant in Copenhagen time: "06-12-2026 01.55" in Danish (the full stop is the Danish clock's), "06/12/2026 01:55" in English. */
export function formatInstant(at: Date | string, lang: 'da' | 'en'): string {
  const local = new TZDate(new Date(at).getTime(), TIME_ZONE);
  const day = formatDay(`${local.getFullYear()}-${pad2(local.getMonth() + 1)}-${pad2(local.getDate())}`, lang);
  return `${day} ${pad2(local.getHours())}${lang === 'da' ? '.' : ':'}${pad2(local.getMinutes())}`;
}

/**
 * The Copenhagen wall-clock time of `at`, carried in a Date's UTC fields: a spreadsheet's date
 * cell has no time zone, and shows what those fields say.
 */
export function copenhagenWallClock(at: Date | string): Date {
  const local = new TZDate(new Date(at).getTime(), TIME_ZONE);
  return new Date(Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds()));
}
