import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerFactory } from '../../src-main/api/router';
import { createDemoSeeder, PLAN_AHEAD_DAYS } from '../../src-server/eoj/demoSeed';
import { openRepository } from '../../src-server/eoj/repository';
import { DEMO_TEAMS, NORD, demoDay, type DemoTeam } from '../../src-shared/demo/demoDay';
import { demoHistory } from '../../src-shared/demo/demoHistory';
import type { Report } from '../../src-shared/reports/figures';
import { currentWeek, FLOW_MARGIN_DAYS } from '../../src-shared/reports/period';
import { manualClock } from '../../src-shared/time/clock';
import { careDay, nextCareDay } from '../../src-shared/time/copenhagen';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { signInThroughIdp, startTestServices } from '../helpers/services';
import { TEST_INSTANT } from '../helpers/clock';

/**
 * The demo `npm start` runs: four skærmenheder, each with today, tomorrow and the 13 weeks before,
 * in a real sandbox EOJ, reported through the real API of the main process as the leader sees it.
 * The expectations are counted from the demo generator's own record of each visit.
 */
type Caller = { reports: { get(input: unknown): Promise<{ report: Report; fromCache: boolean }> } };

describe('the seeder', () => {
  it("keeps Nord's today and tomorrow as the small demo has them, and queues the weeks before for every team", () => {
    // One frozen instant for both: which visits are done depends on the millisecond of seeding.
    const clock = manualClock(TEST_INSTANT);
    const dir = mkdtempSync(join(tmpdir(), 'skaermrum-demo-seed-'));
    try {
      const small = openRepository(join(dir, 'small.db'), clock);
      const full = openRepository(join(dir, 'full.db'), clock);
      createDemoSeeder(small, clock, 'now', 'Practitioner', 'small').ensure();
      const seeder = createDemoSeeder(full, clock, 'now', 'Practitioner', 'full');
      seeder.ensure();
      const content = (repo: typeof small, teamId: string) =>
        repo
          .all('Appointment')
          .map((a) => a.resource)
          .filter((r) => JSON.stringify(r).includes(`"HealthcareService/${teamId}"`))
          .map(({ meta: _meta, ...r }) => r)
          .sort((a, b) => (a.id ?? '').localeCompare(b.id ?? ''));
      expect(content(full, NORD.teamId)).toEqual(content(small, NORD.teamId));
      expect(content(small, NORD.teamId)).toHaveLength(2 * demoDay(TEST_INSTANT).visits.length);
      expect(small.all('HealthcareService').map((r) => r.id)).toEqual([NORD.teamId]);
      expect(full.all('HealthcareService').map((r) => r.id)).toEqual(DEMO_TEAMS.map((t) => t.teamId));
      for (const team of DEMO_TEAMS) {
        const days = [careDay(TEST_INSTANT), nextCareDay(TEST_INSTANT)].map((d) => demoDay(d.start, { team }).visits.length);
        expect(content(full, team.teamId), team.name).toHaveLength(days[0]! + days[1]!);
      }
      // Birk (the sandbox's user of Syd) leads Syd's staff.
      const birk = full.get('PractitionerRole', 'role-practitioner-syd-1')?.resource;
      expect(JSON.stringify(birk)).toContain('"team_lead"');
      expect(full.get('Practitioner', 'practitioner-syd-1')?.resource).toMatchObject({ name: [{ text: 'Birk Sønder' }] });
      // The weeks before are not there yet; a search reaching back waits, one of today's does not.
      // The other days are not there yet: a search reaching them waits, one of today and tomorrow does not.
      const today = careDay(TEST_INSTANT);
      const tomorrow = nextCareDay(TEST_INSTANT);
      expect(seeder.ready('Encounter', { from: today.start.getTime() - 86_400_000, to: null })).toBeInstanceOf(Promise);
      expect(seeder.ready('Appointment', { from: today.start.getTime(), to: null })).toBeInstanceOf(Promise);
      expect(seeder.ready('Appointment', { from: today.start.getTime(), to: tomorrow.end.getTime() })).toBeNull();
      // Yesterday's last calls and their verdicts may be dated after midnight; hours later, nothing of it.
      expect(seeder.ready('Encounter', { from: today.start.getTime(), to: tomorrow.end.getTime() })).toBeInstanceOf(Promise);
      expect(seeder.ready('Encounter', { from: today.start.getTime() + 4 * 3_600_000, to: tomorrow.end.getTime() })).toBeNull();
      expect(seeder.ready('Patient', { from: null, to: null })).toBeNull();
      seeder.stop();
      small.close();
      full.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the full demo in the sandbox EOJ, as the leader reports on it', () => {
  let eoj: TestSandbox;
  let services: Awaited<ReturnType<typeof startTestServices>>;
  let caller: Caller;
  let seededAt: Date;

  beforeAll(async () => {
    eoj = await startTestSandbox({ demoScope: 'full' });
    seededAt = eoj.clock.now();
    services = await startTestServices({
      clock: eoj.clock,
      env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SYNC_INTERVAL_MS: '600000' },
    });
    await signInThroughIdp(services, 'lone'); // the leader
    caller = createCallerFactory(services.router)({}) as unknown as Caller;
  }, 180_000);
  afterAll(async () => {
    await services?.cleanup();
    await eoj?.cleanup();
  });

  const historyOf = (team: DemoTeam) => demoHistory(team, seededAt);
  const past = (team: DemoTeam) => {
    const history = historyOf(team);
    return Array.from({ length: history.days }, (_, i) => history.day(i + 1));
  };

  it('holds the 13 weeks before today once seeded: a search reaching back is answered with all of them', async () => {
    const from = encodeURIComponent(past(NORD).at(-1)!.start.toISOString());
    const to = encodeURIComponent(careDay(seededAt).start.toISOString());
    for (const team of DEMO_TEAMS) {
      const { body } = await eoj.fhir(`/Appointment?actor=HealthcareService/${team.teamId}&date=ge${from}&date=lt${to}&_count=0`);
      expect(body.total, team.name).toBe(past(team).reduce((s, d) => s + d.visits.length, 0));
    }
    const verdicts = DEMO_TEAMS.flatMap((t) => past(t).flatMap((d) => d.visits)).filter((v) => v.verdict !== null).length;
    const { body } = await eoj.fhir(
      `/QuestionnaireResponse?questionnaire=${encodeURIComponent('https://skaermrum.dk/fhir/Questionnaire/screen-visit-satisfaction')}&authored=ge${from}&_count=0`,
    );
    expect(body.total).toBe(verdicts);
  });

  it("each team's report has a 12-week trend with every week filled, and its new and ended citizens", async () => {
    const query = { period: currentWeek(seededAt), filters: {} };
    const answers: Report[] = [];
    for (const team of DEMO_TEAMS) {
      const { report } = await caller.reports.get({ query: { ...query, filters: { teamId: team.teamId } } });
      answers.push(report);
      expect(report.teams.map((t) => t.id).sort(), team.name).toEqual(DEMO_TEAMS.map((t) => t.teamId).sort());
      expect(report.trend).toHaveLength(12);
      for (const week of report.trend) {
        expect(week.planned, `${team.name} ${week.week}`).toBeGreaterThan(0);
        expect(week.done).toBeGreaterThan(0);
      }
      // Counted from the generator: whose first visit, and whose last, fall within the trend's weeks.
      const trendStart = Date.parse(report.trend[0]!.start);
      const trendEnd = Date.parse(report.period.end);
      const first = new Map<string, number>();
      const last = new Map<string, number>();
      const visits = [
        ...past(team).flatMap((d) => d.visits.filter((v) => v.result !== 'cancelled').map((v) => ({ citizen: v.citizen.id, ms: v.startMs }))),
        // Today, tomorrow and the plan ahead.
        ...Array.from({ length: 2 + PLAN_AHEAD_DAYS }, (_, i) => careDay(new Date(careDay(seededAt).start.getTime() + (i + 0.5) * 86_400_000))).flatMap((d) =>
          demoDay(d.start, { team }).visits.map((v) => ({ citizen: v.citizen.id, ms: Date.parse(v.start) })),
        ),
      ];
      for (const v of visits) {
        first.set(v.citizen, Math.min(first.get(v.citizen) ?? Infinity, v.ms));
        last.set(v.citizen, Math.max(last.get(v.citizen) ?? -Infinity, v.ms));
      }
      const within = (ms: number | undefined) => ms !== undefined && ms >= trendStart && ms < trendEnd;
      // A citizen is new or ended in the week of their first or last visit, as the report counts them.
      const newCitizens = [...first.keys()].filter((c) => within(first.get(c))).length;
      const endedCitizens = [...last.keys()].filter((c) => within(last.get(c))).length;
      expect(
        report.trend.reduce((s, w) => s + w.newCitizens, 0),
        team.name,
      ).toBe(newCitizens);
      expect(
        report.trend.reduce((s, w) => s + w.endedCitizens, 0),
        team.name,
      ).toBe(endedCitizens);
      expect(newCitizens, team.name).toBeGreaterThan(0);
    }
    // Nord has had citizens whose screen visits ended within the weeks.
    expect(answers[0]!.trend.some((w) => w.endedCitizens > 0)).toBe(true);
    // The teams' figures differ: each has its own size and ways.
    expect(new Set(answers.map((r) => r.trend[5]!.planned)).size).toBe(DEMO_TEAMS.length);
    expect(new Set(answers.map((r) => r.trend[5]!.answerRate)).size).toBe(DEMO_TEAMS.length);
  });

  it('a restart reads the demo back from its database and seeds nothing again', async () => {
    const probe = `/Encounter?date=ge${encodeURIComponent(past(NORD).at(-1)!.start.toISOString())}&_count=5`;
    const before = (await eoj.fhir(probe)).body;
    eoj = await eoj.restart();
    const after = (await eoj.fhir(probe)).body;
    expect(after.total).toBe(before.total);
    expect(after.entry.map((e: { resource: { meta: { versionId: string } } }) => e.resource.meta.versionId)).toEqual(
      before.entry.map((e: { resource: { meta: { versionId: string } } }) => e.resource.meta.versionId),
    );
    // The flow margins reach before the weeks; still nothing from before them.
    const margin = new Date(past(NORD).at(-1)!.start.getTime() - FLOW_MARGIN_DAYS * 86_400_000);
    const older = await eoj.fhir(
      `/Appointment?date=lt${encodeURIComponent(past(NORD).at(-1)!.start.toISOString())}&date=ge${encodeURIComponent(margin.toISOString())}&_count=0`,
    );
    expect(older.body.total).toBe(0);
  });
});
