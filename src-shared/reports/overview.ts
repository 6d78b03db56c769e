import { z } from 'zod';
import { VisitFact } from './facts.js';
import { Report, punctualityBucket, share } from './figures.js';
import { resolvePeriod, trendWeeks, type ReportPeriod } from './period.js';
import { FIGURES, weekLabel, type Cell, type Lang } from './tables.js';

/**
 * The leader's overview of all teams: per team, a few key figures of the period and its trend,
 * side by side. Computed from each team's cached facts in one pass (four teams of a quarter each
 * must stay well under half a second); every figure means exactly what the team's own report says
 * (src-shared/reports/figures.ts), which the tests check against it.
 */
const Count = z.number().int().nonnegative();
const Share = z.number().min(0).max(1).nullable();

/** What the overview reads of each cached fact, and nothing else: checked as the cache is read back. */
export const SummaryFact = VisitFact.pick({
  startMs: true,
  teamId: true,
  result: true,
  answeredCalls: true,
  notAnsweredCalls: true,
  firstRingMs: true,
  verdict: true,
});
export type SummaryFact = z.infer<typeof SummaryFact>;
/** The cache's facts of a pull (CachedFacts), as far as the overview reads them. */
export const SummaryFacts = z.object({ facts: z.object({ visits: z.array(SummaryFact), problems: Count }) });

export const TeamFigures = z.object({
  planned: Count,
  done: Count,
  notAnswered: Count,
  answerRate: Share,
  punctualShare: Share,
  satisfactionAsked: Count,
  goodShare: Share,
  /** The trend weeks of the period (as in the team's report): planned and done visits each. */
  trend: z.array(z.object({ week: z.string().max(10), planned: Count, done: Count })),
  /** Resources of the team's data that could not be read (left out, counted). */
  problems: Count,
});
export type TeamFigures = z.infer<typeof TeamFigures>;

/** The overview's figures of one team for a period: its visits alone (`teamId`), in one pass. */
export function teamFigures(visits: Iterable<SummaryFact>, period: ReportPeriod, teamId: string, problems = 0): TeamFigures {
  const range = resolvePeriod(period);
  const start = range.start.getTime();
  const end = range.end.getTime();
  const weeks = trendWeeks(range);
  const starts = weeks.map((w) => w.start.getTime());
  const trendEnd = (weeks.at(-1) as (typeof weeks)[number]).end.getTime();
  const trend = weeks.map((w) => ({ week: w.key, planned: 0, done: 0 }));
  let planned = 0;
  let done = 0;
  let notAnswered = 0;
  let answeredCalls = 0;
  let unansweredCalls = 0;
  let rung = 0;
  let onTime = 0;
  let asked = 0;
  let good = 0;
  for (const v of visits) {
    if (v.teamId !== teamId) continue;
    if (v.startMs >= (starts[0] as number) && v.startMs < trendEnd) {
      let i = starts.length - 1;
      while ((starts[i] as number) > v.startMs) i--;
      const week = trend[i] as (typeof trend)[number];
      week.planned++;
      if (v.result === 'done') week.done++;
    }
    if (v.startMs < start || v.startMs >= end) continue;
    planned++;
    if (v.result === 'done') done++;
    else if (v.result === 'not_answered') notAnswered++;
    answeredCalls += v.answeredCalls;
    unansweredCalls += v.notAnsweredCalls;
    if (v.firstRingMs !== null) {
      rung++;
      if (punctualityBucket((v.firstRingMs - v.startMs) / 60_000) === 'on_time') onTime++;
    }
    if (v.verdict !== null) {
      asked++;
      if (v.verdict === 'good') good++;
    }
  }
  return {
    planned,
    done,
    notAnswered,
    answerRate: share(answeredCalls, answeredCalls + unansweredCalls),
    punctualShare: share(onTime, rung),
    satisfactionAsked: asked,
    goodShare: share(good, asked),
    trend,
    problems,
  };
}

const Text = z.string().max(500);
/** One team's row: its figures, or why there are none; never holds up the other teams. */
export const TeamOverview = z.object({
  team: z.object({ id: z.string().min(1).max(128), name: z.string().max(200) }),
  figures: TeamFigures.nullable(),
  /** When the team's data was read from the EOJ (none: never read on this computer). */
  dataAt: z.iso.datetime({ offset: true }).nullable(),
  /** Computed from data read earlier, not read just now. */
  fromCache: z.boolean(),
  /** Why the data could not be read again just now (the earlier figures are shown). */
  refreshError: Text.nullable(),
  /** Why the team has no figures at all. */
  error: Text.nullable(),
});
export type TeamOverview = z.infer<typeof TeamOverview>;

export const Overview = z.object({
  period: Report.shape.period,
  teams: z.array(TeamOverview).max(200),
  computedAt: z.iso.datetime({ offset: true }),
});
export type Overview = z.infer<typeof Overview>;

/** The overview's figures, in the order the screen and the exports show them. */
export const OVERVIEW_FIGURES = ['planned', 'done', 'notAnswered', 'answerRate', 'punctualShare', 'goodShare'] as const;

const T = {
  teams: { da: 'Alle teams', en: 'All teams' },
  team: { da: 'Team', en: 'Team' },
  dataAt: { da: 'Data hentet fra EOJ', en: 'Data read from the EOJ' },
  note: { da: 'Bemærkning', en: 'Note' },
  trend: { da: 'Gennemførte pr. uge (12 uger)', en: 'Done visits per week (12 weeks)' },
  week: { da: 'Uge', en: 'Week' },
  notNew: { da: 'Ikke hentet igen', en: 'Not read again' },
};

export interface OverviewTable {
  id: 'teams' | 'teamTrend';
  title: string;
  columns: string[];
  rows: Cell[][];
}

/** The overview as tables: what the screen shows and exactly what its CSV and XLSX contain. */
export function overviewTables(overview: Overview, lang: Lang): OverviewTable[] {
  const text = (value: string): Cell => ({ kind: 'text', value });
  const note = (t: TeamOverview) => t.error ?? (t.refreshError ? `${T.notNew[lang]}: ${t.refreshError}` : '');
  const weeks = trendWeeks({ start: new Date(overview.period.start), end: new Date(overview.period.end) });
  return [
    {
      id: 'teams',
      title: T.teams[lang],
      columns: [T.team[lang], ...OVERVIEW_FIGURES.map((f) => FIGURES[f].name[lang]), T.dataAt[lang], T.note[lang]],
      rows: overview.teams.map((t) => [
        text(t.team.name),
        ...OVERVIEW_FIGURES.map((f): Cell => {
          const value = t.figures ? t.figures[f] : null;
          return FIGURES[f].unit === 'share' ? { kind: 'share', value } : { kind: 'count', value };
        }),
        { kind: 'instant', value: t.dataAt },
        text(note(t)),
      ]),
    },
    {
      id: 'teamTrend',
      title: T.trend[lang],
      columns: [T.week[lang], ...overview.teams.map((t) => t.team.name)],
      rows: weeks.map((w) => [
        text(weekLabel(w.key, lang)),
        ...overview.teams.map((t): Cell => ({ kind: 'count', value: t.figures?.trend.find((x) => x.week === w.key)?.done ?? null })),
      ]),
    },
  ];
}
