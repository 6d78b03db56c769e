import { afterAll, describe, expect, it } from 'vitest';
import { reportFactsOf } from '../../src-main/eoj/reportFacts';
import { createReportComputer } from '../../src-main/reports/compute';
import { CachedFacts } from '../../src-shared/reports/facts';
import { computeReport, type ReportQuery } from '../../src-shared/reports/figures';
import { asPulled, generateQuarter } from '../helpers/reportQuarter';

/**
 * The report worker thread as the main process uses it: a pull's texts sent a message each and
 * checked as they arrive, the figures computed there, the facts handed back as the cache keeps them.
 */
const NOW = Date.parse('2026-12-02T12:00:00+01:00');
const QUERY: ReportQuery = { period: { kind: 'week', from: '2026-11-04' }, filters: {} };
const TEAMS = [{ id: 'team-skaermenhed-nord', name: 'Nord' }];
const quarter = generateQuarter({ firstMonday: '2026-10-05', weeks: 6, perWeek: 200, seed: 13, nowMs: NOW, idPrefix: 'w' });
const request = { query: QUERY, teams: TEAMS, dataAtMs: NOW, nowMs: NOW, baseUrl: '', teamId: 'team-skaermenhed-nord' };
const computer = createReportComputer();
afterAll(() => computer.close());

describe('the report worker', () => {
  it('computes a pull as the same thread would, and hands its facts back as the cache keeps them', async () => {
    const pulled = asPulled(quarter.resources);
    const answer = await computer.compute({ ...request, resources: pulled });
    const facts = reportFactsOf(pulled, { baseUrl: '', teamId: 'team-skaermenhed-nord' });
    expect(answer.report).toEqual(computeReport({ facts, query: QUERY, teams: TEAMS, dataAt: new Date(NOW), now: new Date(NOW) }));
    expect(answer.pulled?.visits).toBe(1_200);
    expect(CachedFacts.parse(JSON.parse(answer.pulled!.cached))).toEqual({ facts, teams: TEAMS });

    // Another filter from those facts: computed the same way, nothing new to cache.
    const h11: ReportQuery = { ...QUERY, filters: { taskCode: 'H1.1' } };
    const again = await computer.compute({ ...request, query: h11, facts });
    expect(again.pulled).toBeNull();
    expect(again.report).toEqual(computeReport({ facts, query: h11, teams: TEAMS, dataAt: new Date(NOW), now: new Date(NOW) }));
  });

  it('a text it cannot read fails that request alone; the next one is answered', async () => {
    const pulled = asPulled(quarter.resources);
    const broken = { ...pulled, encounters: ['{"ikke json', ...pulled.encounters] };
    await expect(computer.compute({ ...request, resources: broken })).rejects.toThrow(/Rapporten kunne ikke beregnes/);
    const answer = await computer.compute({ ...request, resources: pulled });
    expect(answer.report.totals.planned).toBe(200);
  });
});
