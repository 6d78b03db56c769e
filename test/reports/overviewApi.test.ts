import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/api/handlers';
import { buildApiRouter, createCallerFactory } from '../../src-main/api/router';
import type { Overview } from '../../src-shared/reports/overview';
import { resolvePeriod, type ReportPeriod } from '../../src-shared/reports/period';
import { copenhagenWallClock, formatInstant } from '../../src-shared/time/copenhagen';
import { expectedTotals } from '../helpers/reportQuarter';
import { expectedTrend, generateTeam, trendMondays, type GeneratedTeam } from '../helpers/reportTeams';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { signInThroughIdp, startTestServices } from '../helpers/services';

/**
 * The leader's overview of all teams through the real API of the main process, from a sandbox EOJ
 * on loopback holding four skærmenheder of 13 weeks each: every team the EOJ lists, pulled and then
 * from the cache, exported; one team the EOJ refuses shows its own error and holds up no other;
 * and nobody but a leader gets it.
 */
type Caller = {
  reports: {
    overview(input: unknown): Promise<Overview>;
    overviewExport(input: unknown): Promise<{ fileName: string; mimeType: string; base64: string }>;
    get(input: unknown): Promise<{ fromCache: boolean; report: { totals: { planned: number } } }>;
  };
};

// The data's own instant: visits after it are open, whatever instant the test runs at.
const DATA_NOW = Date.parse('2026-12-09T12:00:00+01:00');
const QUARTER: ReportPeriod = { kind: 'custom', from: '2026-09-07', to: '2026-12-06' };
const common = { firstMonday: '2026-09-07', weeks: 13, perWeek: 40, nowMs: DATA_NOW };
const TEAMS: GeneratedTeam[] = [
  generateTeam({ ...common, slug: 'nord', name: 'Skærmenhed Nord', seed: 21 }),
  generateTeam({ ...common, slug: 'syd', name: 'Skærmenhed Syd', seed: 22 }),
  generateTeam({ ...common, slug: 'oest', name: 'Skærmenhed Øst', seed: 23 }),
  // Its staff are not listed as a team in the EOJ: an EOJ that links teams through their members refuses it.
  generateTeam({ ...common, slug: 'vest', name: 'Skærmenhed Vest', seed: 24, careTeam: false }),
];

let eoj: TestSandbox;
let services: Awaited<ReturnType<typeof startTestServices>>;
let caller: Caller;

beforeAll(async () => {
  eoj = await startTestSandbox({ demo: null });
  eoj.seed(TEAMS.flatMap((t) => t.resources));
  services = await startTestServices({
    clock: eoj.clock,
    env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SYNC_INTERVAL_MS: '600000' },
  });
  await signInThroughIdp(services, 'lone'); // the leader
  caller = createCallerFactory(services.router)({}) as unknown as Caller;
}, 120_000);
afterAll(async () => {
  await services?.cleanup();
  await eoj?.cleanup();
});

const period = resolvePeriod(QUARTER);
const expectedFigures = (team: GeneratedTeam) => {
  const t = expectedTotals(team.plans, team.plans, period.start, period.end);
  return {
    planned: t.planned,
    done: t.done,
    notAnswered: t.notAnswered,
    answerRate: t.answerRate,
    punctualShare: t.punctualShare,
    satisfactionAsked: t.satisfactionAsked,
    goodShare: t.goodShare,
    trend: expectedTrend(team.plans, trendMondays('2026-11-30')).map((w, k) => ({ week: `2026-W${38 + k}`, ...w })),
    problems: 0,
  };
};
const byName = [...TEAMS].sort((a, b) => a.name.localeCompare(b.name, 'da'));

describe("the leader's overview of all teams", () => {
  let first: Overview;
  it('every team the EOJ lists, side by side, each counted from its own visits', async () => {
    first = await caller.reports.overview({ period: QUARTER });
    expect(first.teams.map((t) => t.team)).toEqual(byName.map((t) => ({ id: t.id, name: t.name })));
    for (const [i, team] of byName.entries()) {
      const row = first.teams[i];
      expect(row?.error, team.name).toBeNull();
      expect(row?.fromCache).toBe(false);
      expect(row?.figures, team.name).toEqual(expectedFigures(team));
    }
    expect(first.period).toMatchObject({ firstDay: '2026-09-07', lastDay: '2026-12-06' });
  });

  it("again: from each team's cached facts; a team's report opens from the same data; refresh reads all again", async () => {
    const again = await caller.reports.overview({ period: QUARTER });
    expect(again.teams.map((t) => t.fromCache)).toEqual([true, true, true, true]);
    expect(again.teams.map((t) => t.figures)).toEqual(first.teams.map((t) => t.figures));
    expect(again.teams.map((t) => t.dataAt)).toEqual(first.teams.map((t) => t.dataAt));
    const opened = await caller.reports.get({ query: { period: QUARTER, filters: { teamId: TEAMS[2]?.id } } });
    expect(opened.fromCache).toBe(true);
    expect(opened.report.totals.planned).toBe(expectedFigures(TEAMS[2] as GeneratedTeam).planned);
    const refreshed = await caller.reports.overview({ period: QUARTER, refresh: true });
    expect(refreshed.teams.map((t) => t.fromCache)).toEqual([false, false, false, false]);
    expect(refreshed.teams.map((t) => t.figures)).toEqual(first.teams.map((t) => t.figures));
  });

  it('exports: CSV (BOM, ";", Danish numbers and times) and XLSX (real numbers and date cells) equal the figures', async () => {
    const overview = await caller.reports.overview({ period: QUARTER });
    const csv = await caller.reports.overviewExport({ period: QUARTER, format: 'csv', lang: 'da' });
    expect(csv.fileName).toBe('skaermrum-teams-2026-09-07-2026-12-06.csv');
    const bytes = Buffer.from(csv.base64, 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(bytes, { delimiter: ';', bom: true, relax_column_count: true, skip_empty_lines: true });
    expect(rows.find((r) => r[0] === 'Periode')?.[1]).toBe('07-09-2026 – 06-12-2026');
    for (const team of overview.teams) {
      const row = rows.find((r) => r[0] === team.team.name);
      expect(row?.slice(1, 4).map(Number), team.team.name).toEqual([team.figures?.planned, team.figures?.done, team.figures?.notAnswered]);
      expect(row?.[4]).toBe(`${String(Math.round((team.figures?.answerRate ?? 0) * 1000) / 10).replace('.', ',')} %`);
      expect(row?.[7]).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}\.\d{2}$/);
      expect(row?.[7]).toBe(formatInstant(team.dataAt ?? '', 'da'));
    }
    const xlsx = await caller.reports.overviewExport({ period: QUARTER, format: 'xlsx', lang: 'da' });
    const sheets = await readXlsxFile(Buffer.from(xlsx.base64, 'base64'));
    const teams = sheets.find((s) => s.sheet === 'Alle teams')?.data ?? [];
    for (const team of overview.teams) {
      const row = teams.find((r) => r[0] === team.team.name);
      expect(row?.slice(1, 7), team.team.name).toEqual([
        team.figures?.planned,
        team.figures?.done,
        team.figures?.notAnswered,
        team.figures?.answerRate,
        team.figures?.punctualShare,
        team.figures?.goodShare,
      ]);
      expect(row?.[7]).toBeInstanceOf(Date);
      expect(Math.abs((row?.[7] as unknown as Date).getTime() - copenhagenWallClock(team.dataAt ?? '').getTime())).toBeLessThan(1_000);
    }
    const trend = sheets.find((s) => s.sheet.startsWith('Gennemførte pr. uge'))?.data ?? [];
    expect(trend[0]).toEqual(['Uge', ...overview.teams.map((t) => t.team.name)]);
    expect(trend.slice(1).map((r) => r[1])).toEqual(overview.teams[0]?.figures?.trend.map((w) => w.done));
  });

  it('the EOJ down: each team shows its earlier figures with why they are not new', async () => {
    await eoj.faults({ down: true });
    try {
      const offline = await caller.reports.overview({ period: QUARTER, refresh: true });
      expect(offline.teams.map((t) => t.team.id)).toEqual(byName.map((t) => t.id));
      expect(offline.teams.map((t) => t.fromCache)).toEqual([true, true, true, true]);
      for (const row of offline.teams) expect(row.refreshError).toMatch(/EOJ/);
      expect(offline.teams.map((t) => t.figures)).toEqual(first.teams.map((t) => t.figures));
    } finally {
      await eoj.faults({ down: false });
    }
  });

  it('a team the EOJ refuses has its own row with why; the other teams are shown all the same', async () => {
    // The same EOJ, read by a client that links teams through their members: Vest has no CareTeam there.
    const members = await startTestServices({
      clock: eoj.clock,
      env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SYNC_INTERVAL_MS: '600000', SKAERMRUM_TEAM_LINK: 'members' },
    });
    try {
      await signInThroughIdp(members, 'lone');
      const api = createCallerFactory(members.router)({}) as unknown as Caller;
      const overview = await api.reports.overview({ period: QUARTER });
      const vest = overview.teams.find((t) => t.team.name === 'Skærmenhed Vest');
      expect(vest?.figures).toBeNull();
      expect(vest?.error).toMatch(/^Teamets tal kan ikke hentes: EOJ afviste at udlevere data \(404\)/);
      const others = overview.teams.filter((t) => t !== vest);
      expect(others).toHaveLength(3);
      for (const row of others) {
        expect(row.error, row.team.name).toBeNull();
        expect(row.figures, row.team.name).toEqual(expectedFigures(TEAMS.find((t) => t.id === row.team.id) as GeneratedTeam));
      }
    } finally {
      await members.cleanup();
    }
  });

  it('a team lead (either team) and a staff member are refused the overview and its export, in Danish', async () => {
    for (const who of ['mette', 'birk', 'louise']) {
      await signInThroughIdp(services, who);
      await expect(caller.reports.overview({ period: QUARTER }), who).rejects.toThrow('Din rolle giver ikke adgang til denne funktion');
      await expect(caller.reports.overviewExport({ period: QUARTER, format: 'csv', lang: 'da' }), who).rejects.toThrow(/rolle giver ikke adgang/);
    }
    // The report service refuses too, whatever role the router was told: a team lead never gets it.
    const { store, session, events, clock } = services;
    const trusting = buildApiRouter(createApiHandlers({ store, session, events, clock, retryPolicy: { retries: 2, intervalSeconds: 300 } }), () => 'leader');
    const leaderByMistake = createCallerFactory(trusting)({}) as unknown as Caller;
    await signInThroughIdp(services, 'mette');
    await expect(leaderByMistake.reports.overview({ period: QUARTER })).rejects.toThrow('Kun en leder kan se oversigten over alle teams');
  });
});
