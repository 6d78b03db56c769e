import { describe, expect, it } from 'vitest';
import { reportFactsOf } from '../../src-main/eoj/reportFacts';
import { resourceTexts } from '../../src-main/eoj/reports';
import { searchDateOf } from '../../src-server/eoj/search';
import { DEMO_TEAMS, NORD, demoDay, type DemoTeam } from '../../src-shared/demo/demoDay';
import { demoFhirResources } from '../../src-shared/demo/demoFhir';
import { demoHistory, HISTORY_WEEKS, type HistoryVisit } from '../../src-shared/demo/demoHistory';
import { parseReference } from '../../src-shared/fhir/references';
import { RESOURCE_SCHEMAS, type FhirResource } from '../../src-shared/fhir/schemas';
import { careDay, careDayKey, formatClock } from '../../src-shared/time/copenhagen';

/**
 * The demo's weeks before today: the same recurring plan as the demo day, what became of each
 * visit, written as the staff client writes it. Counted here from the generator's own record of
 * each visit, and read back through the report's own reading of FHIR.
 */
const NOW = new Date('2026-12-02T10:00:00+01:00'); // a Wednesday
const OF = (team: DemoTeam, now = NOW) => demoHistory(team, now);
const all = (h: ReturnType<typeof OF>) => Array.from({ length: h.days }, (_, i) => h.day(i + 1));
const byKind = (resources: FhirResource[], type: FhirResource['resourceType']) => resourceTexts(resources.filter((r) => r.resourceType === type));
const pulled = (resources: FhirResource[]) => ({
  appointments: byKind(resources, 'Appointment'),
  roles: [],
  encounters: byKind(resources, 'Encounter'),
  attempts: byKind(resources, 'Communication'),
  tasks: byKind(resources, 'Task'),
  responses: byKind(resources, 'QuestionnaireResponse'),
});

describe('the demo history', () => {
  it('is 13 weeks of the care days before today, newest first, each with the plan of the demo day', () => {
    const history = OF(NORD);
    expect(history.days).toBe(HISTORY_WEEKS * 7);
    const days = all(history);
    expect(days[0]?.key).toBe('2026-12-01');
    expect(days.at(-1)?.key).toBe('2026-09-02');
    expect(new Set(days.map((d) => d.key)).size).toBe(91);
    // Yesterday's visits are today's plan: the same slots, times and tasks, the day before.
    const today = demoDay(NOW);
    const slotOf = (id: string) => id.slice('appointment-2026-12-01-'.length);
    for (const v of days[0]?.visits ?? []) {
      const same = today.visits.find((t) => t.id === `appointment-2026-12-02-${slotOf(v.id)}`);
      expect(same?.task.type).toBe(v.planned.task.type);
      expect(formatClock(new Date(v.startMs))).toBe(formatClock(same?.start ?? ''));
      expect(v.citizen.id).toBe(same?.citizen.id);
    }
  });

  it('is the same every time (deterministic), and differs between teams and days', () => {
    const a = OF(NORD).resources(10);
    expect(OF(NORD).resources(10)).toEqual(a);
    expect(OF(NORD).resources(11)).not.toEqual(a);
    const syd = DEMO_TEAMS[1] as DemoTeam;
    expect(
      OF(syd)
        .resources(10)
        .map((r) => r.id),
    ).not.toEqual(a.map((r) => r.id));
    expect(new Set(DEMO_TEAMS.map((team) => OF(team).day(10).visits.length)).size).toBe(DEMO_TEAMS.length);
  });

  it('keeps every visit at its wall-clock time across both DST changes (23- and 25-hour days)', () => {
    for (const [now, dst] of [
      ['2026-11-04T12:00:00+01:00', '2026-10-25'],
      ['2027-04-14T12:00:00+02:00', '2027-03-28'],
    ] as const) {
      const history = demoHistory(NORD, new Date(now));
      const day = all(history).find((d) => d.key === dst);
      expect(day, dst).toBeDefined();
      expect(Math.abs(day!.end.getTime() - day!.start.getTime() - 86_400_000)).toBe(3_600_000);
      for (const v of day!.visits) {
        expect(formatClock(new Date(v.startMs))).toBe(
          `${String(Math.floor(v.planned.minuteOfDay / 60)).padStart(2, '0')}:${String(v.planned.minuteOfDay % 60).padStart(2, '0')}`,
        );
        expect(careDayKey(new Date(v.startMs))).toBe(dst);
      }
      // The night calls of that night are there too.
      expect(day!.visits.filter((v) => v.id.includes('-night-')).length).toBeGreaterThan(0);
    }
  });

  it('writes only R4-valid resources whose references all resolve', () => {
    for (const team of DEMO_TEAMS) {
      const history = OF(team);
      const known = new Set<string>();
      const resources = [
        ...demoFhirResources(careDay(NOW).start, { team, now: NOW }),
        ...history.citizenResources(),
        ...[1, 6, 91].flatMap((k) => history.resources(k)),
      ];
      for (const r of resources) known.add(`${r.resourceType}/${r.id}`);
      for (const r of resources) {
        const parsed = RESOURCE_SCHEMAS[r.resourceType].safeParse(r);
        expect(parsed.success, `${r.resourceType}/${r.id}`).toBe(true);
        for (const ref of JSON.stringify(r).matchAll(/"reference":"([^"]+)"/g)) {
          const target = parseReference(ref[1], '');
          if (target?.kind === 'resource') expect(known.has(`${target.type}/${target.id}`), `${r.resourceType}/${r.id} → ${ref[1]}`).toBe(true);
        }
      }
      expect(new Set(resources.map((r) => `${r.resourceType}/${r.id}`)).size).toBe(resources.length);
    }
  });

  it("dates a past day's resources within the day, or its late calls' within two hours after it", () => {
    for (const team of DEMO_TEAMS) {
      const history = OF(team);
      for (const daysAgo of [1, 30, 91]) {
        const { start, end } = history.range(daysAgo);
        for (const r of history.resources(daysAgo)) {
          const at = searchDateOf(r) as number;
          expect(at, `${r.resourceType}/${r.id}`).toBeGreaterThanOrEqual(start.getTime());
          expect(at, `${r.resourceType}/${r.id}`).toBeLessThan(end.getTime() + (r.resourceType === 'Appointment' ? 0 : 2 * 3_600_000));
        }
      }
    }
  });

  it('reads back through the report as the generator says it went, visit by visit', () => {
    const history = OF(NORD);
    const days = [1, 2, 3, 4, 5, 6, 7, 8];
    const resources = days.flatMap((k) => history.resources(k));
    const facts = reportFactsOf(pulled(resources), { baseUrl: '', teamId: NORD.teamId });
    expect(facts.problems).toBe(0);
    const planned = new Map<string, HistoryVisit>(days.flatMap((k) => history.day(k).visits).map((v) => [v.id, v]));
    expect(facts.visits).toHaveLength(planned.size);
    for (const fact of facts.visits) {
      const v = planned.get(fact.id) as HistoryVisit;
      expect(fact.result, v.id).toBe(v.result);
      expect(fact.citizenId).toBe(v.citizen.id);
      expect(fact.teamId).toBe(NORD.teamId);
      expect(fact.urgent).toBe(v.urgent);
      expect(fact.answeredCalls).toBe(v.callSeconds === null ? 0 : 1);
      expect(fact.notAnsweredCalls + fact.failedCalls).toBe(v.failedCalls);
      expect(fact.firstRingMs).toBe(v.firstRingMs);
      expect(fact.verdict).toBe(v.verdict);
      expect(fact.withRelative).toBe(v.relativeId !== null);
      expect(fact.withColleague).toBe(v.colleagueId !== null);
      if (v.result === 'done') expect(fact.callSeconds).toBe(v.callSeconds);
    }
  });

  it('has plausible figures: mostly done, some not answered, failed and converted, weekends lighter, teams apart', () => {
    const rates = DEMO_TEAMS.map((team) => {
      const visits = all(OF(team)).flatMap((d) => d.visits);
      const share = (result: HistoryVisit['result']) => visits.filter((v) => v.result === result).length / visits.length;
      const done = visits.filter((v) => v.result === 'done');
      expect(share('done'), team.name).toBeGreaterThan(0.8);
      expect(share('done')).toBeLessThan(0.95);
      expect(share('not_answered')).toBeGreaterThan(0.03);
      expect(share('not_answered')).toBeLessThan(0.13);
      for (const r of ['technical_failure', 'converted', 'cancelled'] as const)
        expect(
          visits.some((v) => v.result === r),
          r,
        ).toBe(true);
      const asked = done.filter((v) => v.verdict !== null);
      expect(asked.length / done.length).toBeGreaterThan(0.25);
      expect(asked.length / done.length).toBeLessThan(0.65);
      expect(asked.filter((v) => v.verdict === 'good').length / asked.length).toBeGreaterThan(0.45);
      const onTime = done.filter((v) => Math.abs((v.firstRingMs as number) - v.startMs) <= 5 * 60_000).length / done.length;
      expect(onTime).toBeGreaterThan(0.5);
      // Weekends: no supportive calls, so fewer visits than on the weekdays around them.
      const days = all(OF(team));
      const weekday = (key: string) => (new Date(`${key}T12:00:00Z`).getUTCDay() + 6) % 7;
      const mean = (list: typeof days) => list.reduce((s, d) => s + d.visits.length, 0) / list.length;
      expect(mean(days.filter((d) => weekday(d.key) >= 5))).toBeLessThan(0.95 * mean(days.filter((d) => weekday(d.key) < 5)));
      return share('not_answered');
    });
    expect(new Set(rates.map((r) => r.toFixed(3))).size).toBe(DEMO_TEAMS.length);
  });

  it('has citizens who began and citizens whose visits ended within the weeks, and a trend that grows', () => {
    for (const team of DEMO_TEAMS) {
      const history = OF(team);
      const days = all(history);
      const first = new Map<string, number>();
      const last = new Map<string, number>();
      for (const d of days) {
        for (const v of d.visits) {
          first.set(v.citizen.id, Math.max(first.get(v.citizen.id) ?? 0, d.daysAgo));
          last.set(v.citizen.id, Math.min(last.get(v.citizen.id) ?? Infinity, d.daysAgo));
        }
      }
      const began = [...first.values()].filter((daysAgo) => daysAgo < history.days).length;
      const ended = history.formerCitizens.filter((c) => (last.get(c.id) ?? 0) > 1).length;
      expect(began, team.name).toBeGreaterThan(2);
      expect(ended, team.name).toBeGreaterThan(0);
      // Yesterday was today's citizens' alone: the former ones' visits had ended.
      const yesterday = new Set(days[0]?.visits.map((v) => v.citizen.id));
      expect(history.formerCitizens.some((c) => yesterday.has(c.id))).toBe(false);
      const weekly = (w: number) => days.filter((d) => Math.floor((d.daysAgo - 1) / 7) === w).reduce((s, d) => s + d.visits.length, 0);
      expect(weekly(0)).toBeGreaterThanOrEqual(weekly(HISTORY_WEEKS - 1));
    }
  });
});
