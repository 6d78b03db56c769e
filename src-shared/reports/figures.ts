import { z } from 'zod';
import { Verdict } from '../workflow/verdict.js';
import type { ReportFacts, VisitFact } from './facts.js';
import { ReportPeriod, resolvePeriod, trendWeeks, type ReportWeek } from './period.js';

/**
 * Leadership figures ("Ledelsesinformation") from the facts of a period: pure, so the worker
 * computes them and the tests check them against counts of their own. Each figure's definition is
 * in src-shared/reports/labels.ts and shown beside it.
 */
const Id = z.string().min(1).max(128);
export const ReportFilters = z
  .object({
    /** A team (HealthcareService); none: the signed-in person's own team. */
    teamId: Id.nullable().optional(),
    practitionerId: Id.nullable().optional(),
    roomId: Id.nullable().optional(),
    /** FSIII code, or "" for the visits without one. */
    taskCode: z.string().max(32).nullable().optional(),
  })
  .strict();
export type ReportFilters = z.infer<typeof ReportFilters>;

export const ReportQuery = z.object({ period: ReportPeriod, filters: ReportFilters }).strict();
export type ReportQuery = z.infer<typeof ReportQuery>;

/** Punctuality buckets: minutes between the planned start and the first ring. */
export const PunctualityBucket = z.enum(['early', 'on_time', 'late_5_15', 'late_15_30', 'late_30']);
export type PunctualityBucket = z.infer<typeof PunctualityBucket>;
/** Within this many minutes of the planned start (before or after) is on time. */
export const ON_TIME_MINUTES = 5;

const Count = z.number().int().nonnegative();
const Share = z.number().min(0).max(1).nullable();
const Minutes = z.number().nonnegative().nullable();

export const Totals = z.object({
  planned: Count,
  done: Count,
  notAnswered: Count,
  technicalFailure: Count,
  converted: Count,
  /** Cancelled for another reason, or not yet closed. */
  other: Count,
  urgent: Count,
  /** Visits a relative took part in, and visits a colleague joined. */
  withRelative: Count,
  withColleague: Count,
  answerRate: Share,
  attemptsPerDone: z.number().nonnegative().nullable(),
  screenMinutes: z.number().nonnegative(),
  punctualShare: Share,
  citizens: Count,
  newCitizens: Count,
  endedCitizens: Count,
  visitsPerCitizen: z.number().nonnegative().nullable(),
  satisfactionAsked: Count,
  goodShare: Share,
});
export type Totals = z.infer<typeof Totals>;

const Week = z.object({ week: z.string(), start: z.iso.datetime({ offset: true }) });
export const TrendWeek = Week.extend({
  planned: Count,
  done: Count,
  notAnswered: Count,
  technicalFailure: Count,
  converted: Count,
  urgent: Count,
  answerRate: Share,
  punctualShare: Share,
  citizens: Count,
  newCitizens: Count,
  endedCitizens: Count,
  goodShare: Share,
});
export type TrendWeek = z.infer<typeof TrendWeek>;

export const TaskDuration = z.object({
  taskCode: z.string().max(32),
  taskType: z.string().max(120),
  visits: Count,
  medianMinutes: Minutes,
  p90Minutes: Minutes,
});
export const TaskSatisfaction = z.object({
  taskCode: z.string().max(32),
  taskType: z.string().max(120),
  asked: Count,
  good: Count,
  okay: Count,
  bad: Count,
  none: Count,
});
const Option = z.object({ id: z.string().max(128), name: z.string().max(200) });

export const Report = z.object({
  query: ReportQuery,
  period: z.object({
    kind: ReportPeriod.shape.kind,
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
    firstDay: z.string(),
    lastDay: z.string(),
  }),
  /** The team(s) the report covers. */
  teams: z.array(Option),
  /** When the data was read from the EOJ, and when the report was computed. */
  dataAt: z.iso.datetime({ offset: true }),
  computedAt: z.iso.datetime({ offset: true }),
  totals: Totals,
  durations: z.array(TaskDuration),
  punctuality: z.array(z.object({ bucket: PunctualityBucket, calls: Count, share: Share })),
  satisfaction: z.object({ answers: z.array(z.object({ verdict: Verdict, count: Count, share: Share })), byTask: z.array(TaskSatisfaction), notAsked: Count }),
  trend: z.array(TrendWeek),
  /** What the filters offer (from the data of the team(s)). */
  options: z.object({ practitioners: z.array(Option), rooms: z.array(Option), tasks: z.array(Option) }),
  /** Resources that could not be read: left out, counted. */
  problems: Count,
});
export type Report = z.infer<typeof Report>;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
/** A share of 0–1 to four digits; none of nothing. */
export const share = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : null);
const minutes = (s: number) => round(s / 60, 1);

/** Median: the middle value, or the mean of the two middle values. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
/** 90th percentile by nearest rank: the smallest value at least 90 % of the values are at or below. */
export function p90(sorted: readonly number[]): number | null {
  return sorted.length === 0 ? null : (sorted[Math.ceil(0.9 * sorted.length) - 1] as number);
}

export function punctualityBucket(delayMinutes: number): PunctualityBucket {
  if (delayMinutes < -ON_TIME_MINUTES) return 'early';
  if (delayMinutes <= ON_TIME_MINUTES) return 'on_time';
  if (delayMinutes <= 15) return 'late_5_15';
  if (delayMinutes <= 30) return 'late_15_30';
  return 'late_30';
}

const matches = (f: ReportFilters) => (v: VisitFact) =>
  (!f.teamId || v.teamId === f.teamId) &&
  (!f.practitionerId || v.practitionerId === f.practitionerId) &&
  (!f.roomId || v.roomId === f.roomId) &&
  (f.taskCode === undefined || f.taskCode === null || (v.taskCode ?? '') === f.taskCode);

/** Each citizen's first and last visit of all the facts (the flow margins included). */
function citizenSpans(visits: readonly VisitFact[]): Map<string, { first: number; last: number }> {
  const spans = new Map<string, { first: number; last: number }>();
  for (const v of visits) {
    if (v.result === 'cancelled') continue; // a visit cancelled for another reason is no screen visit
    const span = spans.get(v.citizenId);
    if (!span) spans.set(v.citizenId, { first: v.startMs, last: v.startMs });
    else {
      span.first = Math.min(span.first, v.startMs);
      span.last = Math.max(span.last, v.startMs);
    }
  }
  return spans;
}

function totalsOf(visits: readonly VisitFact[], range: { start: number; end: number }, spans: Map<string, { first: number; last: number }>) {
  const count = (result: VisitFact['result']) => visits.filter((v) => v.result === result).length;
  const done = visits.filter((v) => v.result === 'done');
  const answered = visits.reduce((s, v) => s + v.answeredCalls, 0);
  const notAnswered = visits.reduce((s, v) => s + v.notAnsweredCalls, 0);
  const rung = visits.filter((v) => v.firstRingMs !== null);
  const onTime = rung.filter((v) => punctualityBucket(((v.firstRingMs as number) - v.startMs) / 60_000) === 'on_time').length;
  const citizens = new Set(visits.filter((v) => v.result !== 'cancelled').map((v) => v.citizenId));
  let newCitizens = 0;
  let endedCitizens = 0;
  for (const id of citizens) {
    const span = spans.get(id);
    if (span && span.first >= range.start && span.first < range.end) newCitizens++;
    if (span && span.last >= range.start && span.last < range.end) endedCitizens++;
  }
  const asked = visits.filter((v) => v.verdict !== null);
  const planned = visits.length;
  return {
    planned,
    done: done.length,
    notAnswered: count('not_answered'),
    technicalFailure: count('technical_failure'),
    converted: count('converted'),
    other: count('cancelled') + count('open'),
    urgent: visits.filter((v) => v.urgent).length,
    withRelative: visits.filter((v) => v.withRelative).length,
    withColleague: visits.filter((v) => v.withColleague).length,
    answerRate: share(answered, answered + notAnswered),
    attemptsPerDone: done.length > 0 ? round(done.reduce((s, v) => s + v.answeredCalls + v.notAnsweredCalls + v.failedCalls, 0) / done.length, 2) : null,
    screenMinutes: minutes(visits.reduce((s, v) => s + v.screenSeconds, 0)),
    punctualShare: share(onTime, rung.length),
    citizens: citizens.size,
    newCitizens,
    endedCitizens,
    visitsPerCitizen: citizens.size > 0 ? round(planned / citizens.size, 2) : null,
    satisfactionAsked: asked.length,
    goodShare: share(asked.filter((v) => v.verdict === 'good').length, asked.length),
  };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'da');
const options = (names: Record<string, string>) =>
  Object.entries(names)
    .map(([id, name]) => ({ id, name }))
    .sort(byName);

export interface ComputeInput {
  facts: ReportFacts;
  query: ReportQuery;
  teams: { id: string; name: string }[];
  dataAt: Date;
  now: Date;
}

export function computeReport({ facts, query, teams, dataAt, now }: ComputeInput): Report {
  const period = resolvePeriod(query.period);
  const filtered = facts.visits.filter(matches(query.filters));
  const spans = citizenSpans(filtered);
  const inRange = (start: number, end: number) => filtered.filter((v) => v.startMs >= start && v.startMs < end);
  const range = { start: period.start.getTime(), end: period.end.getTime() };
  const visits = inRange(range.start, range.end);
  const taskName = (code: string) => facts.names.tasks[code] ?? (code || 'Skærmbesøg');

  const durationsByTask = new Map<string, number[]>();
  for (const v of visits)
    if (v.callSeconds !== null) (durationsByTask.get(v.taskCode ?? '') ?? durationsByTask.set(v.taskCode ?? '', []).get(v.taskCode ?? ''))?.push(v.callSeconds);
  const durations = [...durationsByTask]
    .map(([code, list]) => {
      const sorted = list.map((s) => s / 60).sort((a, b) => a - b);
      const med = median(sorted);
      const high = p90(sorted);
      return {
        taskCode: code,
        taskType: taskName(code),
        visits: list.length,
        medianMinutes: med === null ? null : round(med, 1),
        p90Minutes: high === null ? null : round(high, 1),
      };
    })
    .sort((a, b) => a.taskCode.localeCompare(b.taskCode));
  const all = [...durationsByTask.values()]
    .flat()
    .map((s) => s / 60)
    .sort((a, b) => a - b);
  if (durations.length > 1) {
    const med = median(all);
    const high = p90(all);
    durations.push({
      taskCode: '*',
      taskType: 'I alt',
      visits: all.length,
      medianMinutes: med === null ? null : round(med, 1),
      p90Minutes: high === null ? null : round(high, 1),
    });
  }

  const rung = visits.filter((v) => v.firstRingMs !== null);
  const buckets = PunctualityBucket.options.map((bucket) => {
    const calls = rung.filter((v) => punctualityBucket(((v.firstRingMs as number) - v.startMs) / 60_000) === bucket).length;
    return { bucket, calls, share: share(calls, rung.length) };
  });

  const asked = visits.filter((v) => v.verdict !== null);
  const answers = Verdict.options.map((verdict) => {
    const count = asked.filter((v) => v.verdict === verdict).length;
    return { verdict, count, share: share(count, asked.length) };
  });
  const satisfactionByTask = new Map<string, VisitFact[]>();
  for (const v of asked) (satisfactionByTask.get(v.taskCode ?? '') ?? satisfactionByTask.set(v.taskCode ?? '', []).get(v.taskCode ?? ''))?.push(v);
  const byTask = [...satisfactionByTask]
    .map(([code, list]) => ({
      taskCode: code,
      taskType: taskName(code),
      asked: list.length,
      good: list.filter((v) => v.verdict === 'good').length,
      okay: list.filter((v) => v.verdict === 'okay').length,
      bad: list.filter((v) => v.verdict === 'bad').length,
      none: list.filter((v) => v.verdict === 'none').length,
    }))
    .sort((a, b) => a.taskCode.localeCompare(b.taskCode));

  const trend = trendWeeks(period).map((week: ReportWeek) => {
    const t = totalsOf(inRange(week.start.getTime(), week.end.getTime()), { start: week.start.getTime(), end: week.end.getTime() }, spans);
    return {
      week: week.key,
      start: week.start.toISOString(),
      planned: t.planned,
      done: t.done,
      notAnswered: t.notAnswered,
      technicalFailure: t.technicalFailure,
      converted: t.converted,
      urgent: t.urgent,
      answerRate: t.answerRate,
      punctualShare: t.punctualShare,
      citizens: t.citizens,
      newCitizens: t.newCitizens,
      endedCitizens: t.endedCitizens,
      goodShare: t.goodShare,
    };
  });

  const taskOptions = Object.entries(facts.names.tasks)
    .map(([id, name]) => ({ id, name: id ? `${id} ${name}` : name }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    query,
    period: { kind: period.kind, start: period.start.toISOString(), end: period.end.toISOString(), firstDay: period.firstDay, lastDay: period.lastDay },
    teams,
    dataAt: dataAt.toISOString(),
    computedAt: now.toISOString(),
    totals: totalsOf(visits, range, spans),
    durations,
    punctuality: buckets,
    satisfaction: { answers, byTask, notAsked: visits.filter((v) => v.result === 'done' && v.verdict === null).length },
    trend,
    options: { practitioners: options(facts.names.practitioners), rooms: options(facts.names.rooms), tasks: taskOptions },
    problems: facts.problems,
  };
}
