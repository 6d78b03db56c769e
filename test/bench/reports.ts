// Report figures: a quarter of 12 weeks × 1,250 visits (15,000) with their Encounters, attempts,
// Tasks and verdicts. Computing it in the report worker from resources already pulled (as JSON
// texts, as the pull hands them on: zod check of every resource, facts, figures; target < 1,000 ms),
// pulling them from the sandbox EOJ on loopback (reported apart), and the same report again from the
// encrypted cache (target < 100 ms). The leader's overview of four such teams of 13 weeks each, from
// their cached facts (each team's facts read back and summed up in the worker; target < 500 ms).
import { performance } from 'node:perf_hooks';
import { createCallerFactory } from '../../src-main/api/router';
import { createReportComputer } from '../../src-main/reports/compute';
import type { ReportQuery } from '../../src-shared/reports/figures';
import { startTestSandbox } from '../helpers/sandbox';
import { signInThroughIdp, startTestServices } from '../helpers/services';
import { asPulled, generateQuarter } from '../helpers/reportQuarter';
import { generateTeam } from '../helpers/reportTeams';
import { median } from './stats';

const QUARTER: ReportQuery = { period: { kind: 'custom', from: '2026-09-14', to: '2026-12-06' }, filters: {} };
/** 13 weeks that ended before the test instant (2 December 2026): their facts stay fresh however long the pull takes. */
const THIRTEEN_WEEKS = { kind: 'custom', from: '2026-08-31', to: '2026-11-29' } as const;

export async function benchReports(runs = 5) {
  const quarter = generateQuarter({ firstMonday: '2026-09-14', weeks: 12, perWeek: 1_250, seed: 5, nowMs: Date.parse('2026-12-02T12:00:00+01:00') });
  const computer = createReportComputer();
  const resources = asPulled(quarter.resources);
  const request = {
    query: QUARTER,
    teams: [{ id: 'team-skaermenhed-nord', name: 'Nord' }],
    dataAtMs: 0,
    nowMs: 0,
    baseUrl: '',
    teamId: 'team-skaermenhed-nord',
    resources,
  };
  await computer.compute(request); // the worker started and warm
  const compute: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await computer.compute(request);
    compute.push(performance.now() - t0);
  }
  await computer.close();

  const eoj = await startTestSandbox({ demo: null });
  eoj.seed(quarter.resources);
  const services = await startTestServices({
    clock: eoj.clock,
    env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SYNC_INTERVAL_MS: '600000' },
  });
  try {
    await signInThroughIdp(services, 'mette');
    const caller = createCallerFactory(services.router)({}) as unknown as { reports: { get(input: unknown): Promise<{ fromCache: boolean }> } };
    const pull: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await caller.reports.get({ query: QUARTER, refresh: true });
      pull.push(performance.now() - t0);
    }
    const cached: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const answer = await caller.reports.get({ query: QUARTER });
      cached.push(performance.now() - t0);
      if (!answer.fromCache) throw new Error('expected the cached report');
    }
    const computeMs = median(compute);
    const cachedMs = median(cached);
    const allTeams = await benchAllTeams(runs);
    return {
      'reports.visits': { value: quarter.plans.length, unit: 'visits' },
      'reports.quarter_15000_visits_ms': { value: computeMs, unit: 'ms', target: '< 1000', met: computeMs < 1_000 },
      'reports.quarter_pull_ms': { value: median(pull), unit: 'ms' },
      'reports.cached_report_ms': { value: cachedMs, unit: 'ms', target: '< 100', met: cachedMs < 100 },
      'reports.all_teams_visits': { value: allTeams.visits, unit: 'visits' },
      'reports.all_teams_quarter_ms': { value: allTeams.fromFactsMs, unit: 'ms', target: '< 500', met: allTeams.fromFactsMs < 500 },
      'reports.all_teams_pull_ms': { value: allTeams.pullMs, unit: 'ms' },
    };
  } finally {
    await services.cleanup();
    await eoj.cleanup();
  }
}

/**
 * Four teams of 13 weeks × 1,250 visits in the sandbox EOJ, pulled once through the leader's
 * overview; then the overview again from their cached facts, the figures kept from the last time
 * dropped before each run, so every run reads each team's facts back and sums them up anew.
 */
async function benchAllTeams(runs: number) {
  const common = { firstMonday: '2026-08-31', weeks: 13, perWeek: 1_250, nowMs: Date.parse('2026-12-02T12:00:00+01:00') };
  const teams = [
    generateTeam({ ...common, slug: 'nord', name: 'Skærmenhed Nord', seed: 31 }),
    generateTeam({ ...common, slug: 'syd', name: 'Skærmenhed Syd', seed: 32 }),
    generateTeam({ ...common, slug: 'oest', name: 'Skærmenhed Øst', seed: 33 }),
    generateTeam({ ...common, slug: 'vest', name: 'Skærmenhed Vest', seed: 34 }),
  ];
  const eoj = await startTestSandbox({ demo: null });
  eoj.seed(teams.flatMap((t) => t.resources));
  const services = await startTestServices({
    clock: eoj.clock,
    env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SYNC_INTERVAL_MS: '600000' },
  });
  try {
    await signInThroughIdp(services, 'lone');
    type Row = { fromCache: boolean; error: string | null; figures: { planned: number } | null };
    const caller = createCallerFactory(services.router)({}) as unknown as { reports: { overview(input: unknown): Promise<{ teams: Row[] }> } };
    const t0 = performance.now();
    const pulled = await caller.reports.overview({ period: THIRTEEN_WEEKS, refresh: true });
    const pullMs = performance.now() - t0;
    if (pulled.teams.length !== 4 || pulled.teams.some((t) => t.error !== null)) throw new Error('expected four teams read from the EOJ');
    const visits = pulled.teams.reduce((n, t) => n + (t.figures?.planned ?? 0), 0);
    // The worker started and warm, as for the quarter.
    services.store.reportCache.dropReports();
    await caller.reports.overview({ period: THIRTEEN_WEEKS });
    const fromFacts: number[] = [];
    for (let i = 0; i < runs; i++) {
      services.store.reportCache.dropReports();
      const t1 = performance.now();
      const answer = await caller.reports.overview({ period: THIRTEEN_WEEKS });
      fromFacts.push(performance.now() - t1);
      if (!answer.teams.every((t) => t.fromCache && t.figures !== null)) throw new Error('expected every team from its cached facts');
    }
    return { visits, fromFactsMs: median(fromFacts), pullMs };
  } finally {
    await services.cleanup();
    await eoj.cleanup();
  }
}
