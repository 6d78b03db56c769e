import type { z } from 'zod';
import { CPR_SYSTEM, type HumanName as HumanNameSchema, type Identifier as IdentifierSchema, type Period as PeriodSchema } from './schemas.js';

/**
 * Which of a citizen's identifiers and names hold now. The EOJ keeps history (old CPR numbers,
 * names before marriage), so "the first one" is not good enough: a wrong CPR or name on screen is
 * a patient-safety problem, and nothing current is better shown as a dash than something old.
 */

type Identifier = z.infer<typeof IdentifierSchema>;
type HumanName = z.infer<typeof HumanNameSchema>;
type Period = z.infer<typeof PeriodSchema>;

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

// A date-only bound covers its whole day/month/year in UTC: from its first instant to just before the
// next day/month/year (deterministic, no time-zone table; at most 2 h off the Danish calendar day).
/** The first instant of a bound and, for `end`, the last instant it covers (NaN when unreadable). */
function boundMs(value: string, end: boolean): number {
  const m = PARTIAL_DATE.exec(value);
  if (!m) return Date.parse(value);
  const [year, month, day] = [Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1)];
  if (!end) return Date.UTC(year, month, day);
  const next = m[2] === undefined ? Date.UTC(year + 1, 0, 1) : m[3] === undefined ? Date.UTC(year, month + 1, 1) : Date.UTC(year, month, day + 1);
  return next - 1;
}

/** Start in ms (-Infinity when open), or null when the period does not hold at `now` or cannot be read. */
function currentStart(period: Period | undefined, now: Date): number | null {
  const start = period?.start === undefined ? -Infinity : boundMs(period.start, false);
  const end = period?.end === undefined ? Infinity : boundMs(period.end, true);
  if (Number.isNaN(start) || Number.isNaN(end)) return null; // an unreadable period may have ended: never guess
  const at = now.getTime();
  return start <= at && at <= end ? start : null;
}

/** Whether a period (of a relation, a consent) holds at `now`; an unreadable one does not. */
export const periodHolds = (period: Period | undefined, now: Date): boolean => currentStart(period, now) !== null;

/** The best-ranked current entry: lowest rank, then latest start, then first in the list. */
function pick<T>(items: readonly T[], rank: (item: T) => number | null, period: (item: T) => Period | undefined, now: Date): T | null {
  let best: { item: T; rank: number; start: number } | null = null;
  for (const item of items) {
    const r = rank(item);
    const start = r === null ? null : currentStart(period(item), now);
    if (r === null || start === null) continue;
    if (!best || r < best.rank || (r === best.rank && start > best.start)) best = { item, rank: r, start };
  }
  return best?.item ?? null;
}

const CPR_VALUE = /^\d{6}-?\d{4}$/;
/** Lower ranks first; null: never current. */
const CPR_RANK: Record<NonNullable<Identifier['use']>, number | null> = { official: 0, usual: 0, temp: 1, secondary: 2, old: null };

/** The citizen's current CPR number as 10 digits, or null: an old or ended CPR is never shown instead. */
export function currentCpr(identifiers: Identifier[] | undefined, now: Date): string | null {
  const cprs = (identifiers ?? []).filter((i) => i.system === CPR_SYSTEM && CPR_VALUE.test(i.value ?? ''));
  const best = pick(
    cprs,
    (i) => (i.use === undefined ? 0 : CPR_RANK[i.use]),
    (i) => i.period,
    now,
  );
  return best ? (best.value ?? '').replace('-', '') : null;
}

const NAME_RANK: Record<NonNullable<HumanName['use']>, number | null> = {
  official: 0,
  usual: 1,
  nickname: 2,
  temp: 2,
  anonymous: 3,
  old: null,
  maiden: null,
};

const shown = (n: HumanName) =>
  n.text?.trim() ||
  [...(n.given ?? []), n.family ?? '']
    .map((part) => part.trim())
    .filter(Boolean)
    .join(' ');

/** The citizen's current name to show, or '' (shown as a dash): an old or maiden name is never shown instead. */
export function preferredName(names: HumanName[] | undefined, now: Date): string {
  const withText = (names ?? []).filter((n) => shown(n) !== '');
  const best = pick(
    withText,
    (n) => (n.use === undefined ? 1 : NAME_RANK[n.use]),
    (n) => n.period,
    now,
  );
  return best ? shown(best) : '';
}
