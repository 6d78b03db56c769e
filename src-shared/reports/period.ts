import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { TIME_ZONE, type InstantRange } from '../time/copenhagen.js';

/**
 * The periods a report covers, in Danish calendar terms: a day, an ISO week (Monday to Sunday), a
 * month, or a custom run of days. Every boundary is local midnight in Copenhagen, so a week with a
 * DST change is 167 or 169 hours long and a day 23 or 25: figures count visits, never hours.
 */
export const DateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dato skal skrives ÅÅÅÅ-MM-DD');
export type DateKey = z.infer<typeof DateKey>;

export const PeriodKind = z.enum(['day', 'week', 'month', 'custom']);
export type PeriodKind = z.infer<typeof PeriodKind>;

/** Longest custom period: a year (the trend covers 12 weeks whatever the period). */
export const MAX_CUSTOM_DAYS = 366;

export const ReportPeriod = z
  .object({
    kind: PeriodKind,
    /** Any day of the wanted day, week or month; the first day of a custom period. */
    from: DateKey,
    /** The last day of a custom period (inclusive). */
    to: DateKey.optional(),
  })
  .strict()
  .refine((p) => p.kind !== 'custom' || (p.to !== undefined && p.to >= p.from), {
    message: 'en selvvalgt periode skal have en slutdato på eller efter startdatoen',
    path: ['to'],
  })
  .refine((p) => p.kind !== 'custom' || p.to === undefined || daysBetween(p.from, p.to) < MAX_CUSTOM_DAYS, {
    message: `en selvvalgt periode kan højst være ${MAX_CUSTOM_DAYS} dage`,
    path: ['to'],
  });
export type ReportPeriod = z.infer<typeof ReportPeriod>;

const WEEK_MS = 7 * 86_400_000;
const parts = (key: DateKey) => key.split('-').map(Number) as [number, number, number];
const utcDay = (key: DateKey) => {
  const [y, m, d] = parts(key);
  return Date.UTC(y, m - 1, d);
};
function daysBetween(from: DateKey, to: DateKey): number {
  return Math.round((utcDay(to) - utcDay(from)) / 86_400_000);
}

/** Local midnight in Copenhagen of a calendar day (the day may overflow: 32 January is 1 February). */
const midnight = (y: number, m: number, d: number) => new Date(new TZDate(y, m - 1, d, 0, 0, TIME_ZONE).getTime());

/** The calendar day of an instant in Copenhagen. */
export function dateKeyOf(at: Date): DateKey {
  const local = new TZDate(at.getTime(), TIME_ZONE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`;
}

/** Monday 00:00 of the ISO week containing the calendar day. */
function mondayOf(key: DateKey): Date {
  const [y, m, d] = parts(key);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return midnight(y, m, d - weekday);
}

export interface ReportWeek extends InstantRange {
  /** ISO 8601 week, e.g. "2026-W49". */
  key: string;
}

/** The ISO week (Monday to Sunday, local midnights) containing an instant. */
export function weekOf(at: Date): ReportWeek {
  const start = mondayOf(dateKeyOf(at));
  const [y, m, d] = parts(dateKeyOf(start));
  const end = midnight(y, m, d + 7);
  // The week belongs to the year its Thursday is in.
  const thursday = new Date(Date.UTC(y, m - 1, d + 3));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK_MS);
  return { start, end, key: `${year}-W${String(week).padStart(2, '0')}` };
}

export interface ResolvedPeriod extends InstantRange {
  kind: PeriodKind;
  /** First and last calendar day (inclusive). */
  firstDay: DateKey;
  lastDay: DateKey;
}

export function resolvePeriod(period: ReportPeriod): ResolvedPeriod {
  const [y, m, d] = parts(period.from);
  const range = ((): InstantRange => {
    switch (period.kind) {
      case 'day':
        return { start: midnight(y, m, d), end: midnight(y, m, d + 1) };
      case 'week': {
        const week = weekOf(midnight(y, m, d));
        return { start: week.start, end: week.end };
      }
      case 'month':
        return { start: midnight(y, m, 1), end: midnight(y, m + 1, 1) };
      case 'custom': {
        const [ty, tm, td] = parts(period.to ?? period.from);
        return { start: midnight(y, m, d), end: midnight(ty, tm, td + 1) };
      }
    }
  })();
  return { kind: period.kind, ...range, firstDay: dateKeyOf(range.start), lastDay: dateKeyOf(new Date(range.end.getTime() - 1)) };
}

/** How many weeks the trend shows: the last 12, ending with the week the period ends in. */
export const TREND_WEEKS = 12;

export function trendWeeks(period: InstantRange, count = TREND_WEEKS): ReportWeek[] {
  const last = weekOf(new Date(period.end.getTime() - 1));
  const weeks = [last];
  while (weeks.length < count) weeks.unshift(weekOf(new Date((weeks[0] as ReportWeek).start.getTime() - 1)));
  return weeks;
}

/** Citizens are "new" without a screen visit in the 4 weeks before, "ended" without one planned in the 4 weeks after. */
export const FLOW_MARGIN_DAYS = 28;

/**
 * What a report reads from the EOJ: the period and its trend weeks (`resources`: Appointments and
 * what happened to them), and the Appointments `FLOW_MARGIN_DAYS` before and after (`appointments`),
 * for the flow of citizens.
 */
export function dataWindow(period: InstantRange): { resources: InstantRange; appointments: InstantRange } {
  const weeks = trendWeeks(period);
  const start = new Date(Math.min(period.start.getTime(), (weeks[0] as ReportWeek).start.getTime()));
  const end = new Date(Math.max(period.end.getTime(), (weeks.at(-1) as ReportWeek).end.getTime()));
  const shift = (at: Date, days: number) => {
    const [y, m, d] = parts(dateKeyOf(at));
    return midnight(y, m, d + days);
  };
  return { resources: { start, end }, appointments: { start: shift(start, -FLOW_MARGIN_DAYS), end: shift(end, FLOW_MARGIN_DAYS) } };
}

/** The report period most people ask for first: this week, as of `now`. */
export const currentWeek = (now: Date): ReportPeriod => ({ kind: 'week', from: dateKeyOf(now) });
