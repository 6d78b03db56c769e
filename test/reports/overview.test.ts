import { describe, expect, it } from 'vitest';
import { reportFactsOf } from '../../src-main/eoj/reportFacts';
import { computeReport, type ReportQuery } from '../../src-shared/reports/figures';
import { overviewTables, teamFigures, type Overview } from '../../src-shared/reports/overview';
import { resolvePeriod, type ReportPeriod } from '../../src-shared/reports/period';
import { formatCell } from '../../src-shared/reports/tables';
import { asPulled, expectedTotals } from '../helpers/reportQuarter';
import { expectedTrend, generateTeam, trendMondays } from '../helpers/reportTeams';

/**
 * The overview's per-team figures, from the facts of two teams pulled together: each team's own
 * visits alone, counted as the test counts them from the plans, and equal to what the team's own
 * report says for the same period (a week across the October DST change, a month, a quarter).
 */
const NOW = Date.parse('2026-12-09T12:00:00+01:00');
const common = { firstMonday: '2026-09-07', weeks: 13, perWeek: 90, nowMs: NOW };
const north = generateTeam({ ...common, slug: 'nord', name: 'Skærmenhed Nord', seed: 3 });
const south = generateTeam({ ...common, slug: 'syd', name: 'Skærmenhed Syd', seed: 4 });
const facts = reportFactsOf(asPulled([...north.resources, ...south.resources]), { baseUrl: '', teamId: null });
const QUARTER: ReportPeriod = { kind: 'custom', from: '2026-09-07', to: '2026-12-06' };

describe("the overview's figures of a team", () => {
  it("count the team's own visits of the period, and its last 12 weeks", () => {
    for (const team of [north, south]) {
      const figures = teamFigures(facts.visits, QUARTER, team.id);
      const period = resolvePeriod(QUARTER);
      const expected = expectedTotals(team.plans, team.plans, period.start, period.end);
      expect(figures).toEqual({
        planned: expected.planned,
        done: expected.done,
        notAnswered: expected.notAnswered,
        answerRate: expected.answerRate,
        punctualShare: expected.punctualShare,
        satisfactionAsked: expected.satisfactionAsked,
        goodShare: expected.goodShare,
        trend: expectedTrend(team.plans, trendMondays('2026-11-30')).map((w, k) => ({ week: `2026-W${38 + k}`, ...w })),
        problems: 0,
      });
      expect(figures.planned).toBe(13 * 90);
    }
  });

  it("say what the team's own report says, for any period", () => {
    const periods: ReportPeriod[] = [QUARTER, { kind: 'week', from: '2026-10-25' }, { kind: 'month', from: '2026-11-15' }, { kind: 'day', from: '2026-10-25' }];
    for (const period of periods) {
      const query: ReportQuery = { period, filters: { teamId: south.id } };
      const report = computeReport({ facts, query, teams: [], dataAt: new Date(NOW), now: new Date(NOW) });
      const figures = teamFigures(facts.visits, period, south.id);
      const { planned, done, notAnswered, answerRate, punctualShare, satisfactionAsked, goodShare } = report.totals;
      expect({ ...figures, trend: undefined, problems: undefined }, period.kind).toEqual({
        planned,
        done,
        notAnswered,
        answerRate,
        punctualShare,
        satisfactionAsked,
        goodShare,
        trend: undefined,
        problems: undefined,
      });
      expect(figures.trend).toEqual(report.trend.map((w) => ({ week: w.week, planned: w.planned, done: w.done })));
    }
  });

  it('a team without visits in the period has zeros and no shares; another team is not counted', () => {
    const empty = teamFigures(facts.visits, { kind: 'week', from: '2027-03-03' }, north.id);
    expect(empty).toMatchObject({ planned: 0, done: 0, answerRate: null, punctualShare: null, goodShare: null });
    expect(teamFigures(facts.visits, QUARTER, 'team-skaermenhed-oest').planned).toBe(0);
  });
});

describe("the overview's tables (what the screen and the exports show)", () => {
  const period = resolvePeriod(QUARTER);
  const overview: Overview = {
    period: { kind: 'custom', start: period.start.toISOString(), end: period.end.toISOString(), firstDay: period.firstDay, lastDay: period.lastDay },
    computedAt: '2026-12-06T00:55:00.000Z',
    teams: [
      {
        team: { id: north.id, name: north.name },
        figures: teamFigures(facts.visits, QUARTER, north.id),
        dataAt: '2026-12-06T00:55:00.000Z',
        fromCache: true,
        refreshError: 'EOJ kan ikke nås lige nu',
        error: null,
      },
      {
        team: { id: south.id, name: south.name },
        figures: null,
        dataAt: null,
        fromCache: false,
        refreshError: null,
        error: 'Teamets tal kan ikke hentes: EOJ afviste at udlevere data (404)',
      },
    ],
  };

  it('a row per team, in Danish conventions; a team without figures shows why', () => {
    const [teams, trend] = overviewTables(overview, 'da');
    expect(teams?.columns).toEqual([
      'Team',
      'Planlagte skærmbesøg',
      'Gennemførte',
      'Ikke besvaret',
      'Svarprocent',
      'Til tiden',
      'Tilfredse ("Godt")',
      'Data hentet fra EOJ',
      'Bemærkning',
    ]);
    const shown = teams?.rows.map((row) => row.map((cell) => formatCell(cell, 'da')));
    const north1 = overview.teams[0]?.figures;
    // Danish digit grouping: 1.170 planned visits.
    expect(shown?.[0]?.slice(0, 3)).toEqual(['Skærmenhed Nord', '1.170', String(north1?.done)]);
    expect(north1?.planned).toBe(1_170);
    expect(shown?.[0]?.[7]).toBe('06-12-2026 01.55');
    expect(shown?.[0]?.[8]).toBe('Ikke hentet igen: EOJ kan ikke nås lige nu');
    expect(shown?.[1]).toEqual(['Skærmenhed Syd', '–', '–', '–', '–', '–', '–', '–', 'Teamets tal kan ikke hentes: EOJ afviste at udlevere data (404)']);
    expect(trend?.columns).toEqual(['Uge', 'Skærmenhed Nord', 'Skærmenhed Syd']);
    expect(trend?.rows.map((r) => formatCell(r[0]!, 'da'))).toEqual(Array.from({ length: 12 }, (_, k) => `Uge ${38 + k}, 2026`));
    expect(trend?.rows.map((r) => r[1]?.kind === 'count' && r[1].value)).toEqual(north1?.trend.map((w) => w.done));
  });
});
