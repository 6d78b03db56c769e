import { describe, expect, it } from 'vitest';
import { reportFactsOf } from '../../src-main/eoj/reportFacts';
import { computeReport, type ReportQuery } from '../../src-shared/reports/figures';
import { dataWindow, resolvePeriod, trendWeeks, weekOf } from '../../src-shared/reports/period';
import { asPulled, expectedTotals as expected, generateQuarter, middle, ninetieth, one, resourcesOf, inside } from '../helpers/reportQuarter';

/**
 * Every figure of the report against counts this test makes itself from the generated plans (what
 * happened to each visit), not through the report code. The resources come from the product's
 * own FHIR writers, so this also checks that writing and reading back agree.
 */
const NOW = new Date('2026-12-02T12:00:00+01:00'); // the suite's stated instant
const quarter = generateQuarter({ firstMonday: '2026-09-07', weeks: 13, perWeek: 300, seed: 7, nowMs: NOW.getTime() });

const factsOf = (resources: unknown[] = quarter.resources) => reportFactsOf(asPulled(resources), { baseUrl: '', teamId: null });
const facts = factsOf();
const report = (query: ReportQuery) => computeReport({ facts, query, teams: [{ id: 'team-skaermenhed-nord', name: 'Nord' }], dataAt: NOW, now: NOW });

describe('leadership figures, counted independently from the generated visits', () => {
  it('a week: every total, the durations per task, punctuality and satisfaction', () => {
    const query: ReportQuery = { period: { kind: 'week', from: '2026-11-04' }, filters: {} };
    const r = report(query);
    const week = resolvePeriod(query.period);
    expect(week.start.toISOString()).toBe('2026-11-01T23:00:00.000Z'); // Monday 2 November, 00:00 in Copenhagen
    expect(r.totals).toEqual(expected(quarter.plans, quarter.plans, week.start, week.end));
    expect(r.totals.planned).toBe(300);
    // Visits with a relative or a colleague in the call, read from the Encounters' participants.
    expect(r.totals.withRelative).toBeGreaterThan(0);
    expect(r.totals.withColleague).toBeGreaterThan(0);

    const ours = quarter.plans.filter((p) => inside(p, week.start, week.end));
    for (const row of r.durations.filter((d) => d.taskCode !== '*')) {
      const minutes = ours.filter((p) => p.result === 'done' && p.task.code === row.taskCode).map((p) => p.callSeconds! / 60);
      expect(row).toMatchObject({ visits: minutes.length, medianMinutes: one(middle(minutes)), p90Minutes: one(ninetieth(minutes)) });
    }
    const total = r.durations.find((d) => d.taskCode === '*');
    const allMinutes = ours.filter((p) => p.result === 'done').map((p) => p.callSeconds! / 60);
    expect(total).toMatchObject({
      taskType: 'I alt',
      visits: allMinutes.length,
      medianMinutes: one(middle(allMinutes)),
      p90Minutes: one(ninetieth(allMinutes)),
    });

    const rung = ours.filter((p) => p.firstRingMinutes !== null).map((p) => p.firstRingMinutes!);
    expect(Object.fromEntries(r.punctuality.map((b) => [b.bucket, b.calls]))).toEqual({
      early: rung.filter((m) => m < -5).length,
      on_time: rung.filter((m) => m >= -5 && m <= 5).length,
      late_5_15: rung.filter((m) => m > 5 && m <= 15).length,
      late_15_30: rung.filter((m) => m > 15 && m <= 30).length,
      late_30: rung.filter((m) => m > 30).length,
    });
    const asked = ours.filter((p) => p.verdict !== null);
    expect(Object.fromEntries(r.satisfaction.answers.map((a) => [a.verdict, a.count]))).toEqual({
      good: asked.filter((p) => p.verdict === 'good').length,
      okay: asked.filter((p) => p.verdict === 'okay').length,
      bad: asked.filter((p) => p.verdict === 'bad').length,
      none: asked.filter((p) => p.verdict === 'none').length,
    });
    expect(r.satisfaction.notAsked).toBe(ours.filter((p) => p.result === 'done' && p.verdict === null).length);
    const h11 = r.satisfaction.byTask.find((s) => s.taskCode === 'H1.1');
    expect(h11).toMatchObject({
      asked: asked.filter((p) => p.task.code === 'H1.1').length,
      good: asked.filter((p) => p.task.code === 'H1.1' && p.verdict === 'good').length,
    });
  });

  it('the 12-week trend: each week counted on its own, the flow of citizens per week', () => {
    const r = report({ period: { kind: 'week', from: '2026-11-25' }, filters: {} });
    expect(r.trend).toHaveLength(12);
    expect(r.trend.at(-1)?.week).toBe('2026-W48');
    expect(r.trend[0]?.week).toBe('2026-W37');
    for (const w of r.trend) {
      const start = new Date(w.start);
      const end = weekOf(start).end;
      const e = expected(quarter.plans, quarter.plans, start, end);
      expect({
        week: w.week,
        planned: w.planned,
        done: w.done,
        answerRate: w.answerRate,
        newCitizens: w.newCitizens,
        endedCitizens: w.endedCitizens,
        goodShare: w.goodShare,
      }).toEqual({
        week: w.week,
        planned: e.planned,
        done: e.done,
        answerRate: e.answerRate,
        newCitizens: e.newCitizens,
        endedCitizens: e.endedCitizens,
        goodShare: e.goodShare,
      });
    }
    expect(r.trend.reduce((s, w) => s + w.newCitizens, 0)).toBeGreaterThan(0);
  });

  it('filters: staff member, room and task type change the figures to their own visits', () => {
    const period = { kind: 'month', from: '2026-10-01' } as const;
    const month = resolvePeriod(period);
    const byStaff = quarter.plans.filter((p) => p.practitionerId === 'practitioner-2');
    expect(report({ period, filters: { practitionerId: 'practitioner-2' } }).totals).toEqual(expected(byStaff, byStaff, month.start, month.end));
    const byTask = quarter.plans.filter((p) => p.task.code === 'H1.2' && p.roomId === 'room-1');
    expect(report({ period, filters: { taskCode: 'H1.2', roomId: 'room-1' } }).totals).toEqual(expected(byTask, byTask, month.start, month.end));
    const r = report({ period, filters: {} });
    expect(r.options.practitioners.map((p) => p.id)).toEqual(['practitioner-1', 'practitioner-2', 'practitioner-3', 'practitioner-4', 'practitioner-5']);
    expect(r.options.tasks.map((t) => t.id)).toEqual(['A1.3', 'B2.1', 'H1.1', 'H1.2']);
  });

  it('an empty period: zeros and no rates (nothing divided by zero)', () => {
    const r = report({ period: { kind: 'day', from: '2027-06-01' }, filters: {} });
    expect(r.totals).toMatchObject({
      planned: 0,
      done: 0,
      citizens: 0,
      answerRate: null,
      attemptsPerDone: null,
      punctualShare: null,
      visitsPerCitizen: null,
      goodShare: null,
      screenMinutes: 0,
    });
    expect(r.durations).toEqual([]);
    expect(r.punctuality.every((b) => b.calls === 0 && b.share === null)).toBe(true);
    expect(r.trend.every((w) => w.planned === 0)).toBe(true);
    const none = computeReport({
      facts: { visits: [], names: { teams: {}, practitioners: {}, rooms: {}, tasks: {} }, problems: 0 },
      query: { period: { kind: 'week', from: '2026-12-02' }, filters: {} },
      teams: [],
      dataAt: NOW,
      now: NOW,
    });
    expect(none.totals.planned).toBe(0);
    expect(none.satisfaction.byTask).toEqual([]);
  });
});

describe('the pulled resources, each checked on its own', () => {
  it('a resource the facts cannot read is counted and left out; the good ones on its page are used', () => {
    const week = generateQuarter({ firstMonday: '2026-11-02', weeks: 1, perWeek: 60, seed: 9, nowMs: NOW.getTime(), idPrefix: 'bad' });
    const retried = week.plans.find((p) => p.unanswered > 0)!;
    const done = week.plans.filter((p) => p.result === 'done' && p !== retried);
    const [badAppointment, badCall, oddCall] = [done[0]!.id, done[1]!.id, done[2]!.id];
    const resources = structuredClone(week.resources) as unknown as Record<string, unknown>[];
    const find = (id: string) => resources.find((r) => r.id === id)!;
    find(badAppointment).status = 'måske';
    (find(`${badCall}-e`).period as Record<string, unknown>).start = 'i går';
    find(`${retried.id}-a0`).sent = 12;
    // A field the facts never read is not checked: the call counts.
    find(`${oddCall}-e`).identifier = 'ikke en liste';

    const before = new Map(factsOf(week.resources).visits.map((v) => [v.id, v]));
    const after = factsOf(resources);
    expect(after.problems).toBe(3);
    expect(after.visits.map((v) => v.id)).toEqual(week.plans.filter((p) => p.id !== badAppointment).map((p) => p.id));
    expect(after.visits.find((v) => v.id === badCall)).toMatchObject({ answeredCalls: 0, callSeconds: null });
    expect(after.visits.find((v) => v.id === retried.id)?.notAnsweredCalls).toBe(retried.unanswered - 1);
    expect(after.visits.find((v) => v.id === oddCall)).toEqual(before.get(oddCall));
    for (const visit of after.visits) if (visit.id !== badCall && visit.id !== retried.id) expect(visit).toEqual(before.get(visit.id));
  });
});

describe('report periods in Copenhagen time, across DST', () => {
  it('the fall-back week is 169 hours and the spring-forward week 167; a visit at 23:30 on Sunday stays in its week', () => {
    const fall = resolvePeriod({ kind: 'week', from: '2026-10-25' });
    expect(weekOf(fall.start).key).toBe('2026-W43');
    expect((fall.end.getTime() - fall.start.getTime()) / 3_600_000).toBe(169);
    const spring = resolvePeriod({ kind: 'week', from: '2027-03-28' });
    expect(weekOf(spring.start).key).toBe('2027-W12');
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(167);
    expect(resolvePeriod({ kind: 'day', from: '2026-10-25' }).end.getTime() - resolvePeriod({ kind: 'day', from: '2026-10-25' }).start.getTime()).toBe(
      25 * 3_600_000,
    );

    // A week of visits around the fall-back night: Sunday 23:30 (after the change) and Monday 00:30.
    const dst = generateQuarter({ firstMonday: '2026-10-19', weeks: 2, perWeek: 40, seed: 3, nowMs: NOW.getTime(), idPrefix: 'dst' });
    const sunday = { ...dst.plans[0]!, id: 'dst-sun', startMs: Date.parse('2026-10-25T23:30:00+01:00') };
    const monday = { ...dst.plans[1]!, id: 'dst-mon', startMs: Date.parse('2026-10-26T00:30:00+01:00') };
    const plans = [...dst.plans, sunday, monday];
    const resources = [...dst.resources, ...[sunday, monday].flatMap(resourcesOf)];
    const r = computeReport({
      facts: factsOf(resources),
      query: { period: { kind: 'week', from: '2026-10-21' }, filters: {} },
      teams: [],
      dataAt: NOW,
      now: NOW,
    });
    expect(r.totals).toEqual(expected(plans, plans, fall.start, fall.end));
    expect(r.totals.planned).toBe(41);
    expect(r.trend.at(-1)).toMatchObject({ week: '2026-W43', planned: 41 });
  });

  it('month and custom periods; the trend ends with the week the period ends in; the data window reaches 4 weeks beyond', () => {
    const feb = resolvePeriod({ kind: 'month', from: '2027-02-14' });
    expect([feb.firstDay, feb.lastDay]).toEqual(['2027-02-01', '2027-02-28']);
    const custom = resolvePeriod({ kind: 'custom', from: '2026-12-30', to: '2027-01-03' });
    expect([custom.firstDay, custom.lastDay]).toEqual(['2026-12-30', '2027-01-03']);
    expect(weekOf(custom.start).key).toBe('2026-W53'); // 2026 has 53 ISO weeks: 28 December to 3 January
    expect(trendWeeks(custom).at(-1)?.key).toBe('2026-W53');
    const window = dataWindow(custom);
    expect(window.appointments.end.toISOString()).toBe('2027-01-31T23:00:00.000Z'); // Monday 4 January + 28 days, local midnight
  });
});
