import type { Staff } from '../../src-shared/domain/visit.js';
import { CachedFacts, ReportTeams } from '../../src-shared/reports/facts.js';
import { Report, type ReportQuery } from '../../src-shared/reports/figures.js';
import { TeamFigures, type Overview, type TeamOverview } from '../../src-shared/reports/overview.js';
import { dataWindow, resolvePeriod, type ReportPeriod } from '../../src-shared/reports/period.js';
import type { Lang } from '../../src-shared/reports/tables.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { EojError } from '../eoj/errors.js';
import type { Logger } from '../log.js';
import type { SessionService } from '../services/session.js';
import type { VisitStore } from '../store/visitStore.js';
import type { ReportComputer } from './compute.js';
import { EXPORT_TYPES, overviewCsv, overviewXlsx, reportCsv, reportXlsx, type ExportFormat } from './export.js';

/**
 * Leadership reports (design: the EOJ is the source, not one laptop): the period's resources are
 * pulled from the EOJ for the team, computed in the worker thread, and cached in the encrypted
 * store, so the same report again is instant and works offline, always with the time of its data.
 * A team lead sees their own team; a leader may choose any team of the EOJ.
 */
export class ReportRefusedError extends Error {}

/** The overview computes a team from its cached facts when they are this fresh (or read after the period ended); else it reads them again. */
export const OVERVIEW_FRESH_MS = 15 * 60_000;
/** Teams read from the EOJ at once for the overview (each pull is several searches of its own). */
const OVERVIEW_PULLS_AT_ONCE = 2;
/** The team list of the last overview, for an overview while the EOJ cannot be reached. */
const TEAMS_KEY = JSON.stringify(['overview-teams']);

export interface ReportAnswer {
  report: Report;
  /** Computed from data read earlier (shown with its time), not read just now. */
  fromCache: boolean;
  /** Why the data could not be read again just now (the cached report is shown). */
  refreshError: string | null;
}

export function createReportService(deps: { store: VisitStore; session: SessionService; clock: Clock; computer: ReportComputer; logger: Logger }) {
  const { store, session, clock, computer, logger } = deps;

  /** The team a query is for: a lead's own; a leader's choice (own by default). */
  function teamOf(staff: Staff, query: ReportQuery): string {
    const wanted = query.filters.teamId ?? staff.teamId;
    if (wanted !== staff.teamId && staff.role !== 'leader') throw new ReportRefusedError('Du kan kun se rapporter for dit eget team');
    return wanted;
  }

  async function teamsOf(staff: Staff, teamId: string): Promise<{ id: string; name: string }[]> {
    const eoj = session.eoj();
    const own = { id: staff.teamId, name: staff.teamId };
    if (!eoj) return [own];
    const teams = await eoj.teams(staff.role === 'leader' ? null : teamId);
    if (!teams.some((t) => t.id === teamId)) teams.push({ id: teamId, name: teamId });
    if (!teams.some((t) => t.id === staff.teamId)) teams.push(own);
    return teams.sort((a, b) => a.name.localeCompare(b.name, 'da'));
  }

  const noEoj = () => new ReportRefusedError('Rapporter hentes fra EOJ, og der er ingen forbindelse til en EOJ i denne opsætning');

  /** Reads the team's data of the period from the EOJ: the report, and the facts as cached (JSON text). */
  async function pull(
    staff: Staff,
    teamId: string,
    query: ReportQuery,
    factsKey: string,
    knownTeams?: { id: string; name: string }[],
  ): Promise<ReportAnswer & { cachedFacts: string | null; dataAtMs: number }> {
    const eoj = session.eoj();
    if (!eoj) throw noEoj();
    const window = dataWindow(resolvePeriod(query.period));
    const startedMs = clock.nowMs();
    const teams = knownTeams ?? (await teamsOf(staff, teamId));
    const { resources, pages } = await eoj.reportResources(teamId, window);
    const pulledMs = clock.nowMs();
    const { report, pulled } = await computer.compute({
      query: { ...query, filters: { ...query.filters, teamId } },
      teams,
      dataAtMs: startedMs,
      nowMs: clock.nowMs(),
      baseUrl: eoj.baseUrl,
      teamId,
      resources,
    });
    const atMs = clock.nowMs();
    if (pulled) store.reportCache.put('facts', factsKey, pulled.cached, startedMs, atMs);
    store.reportCache.put('report', reportKey(factsKey, startedMs, report.query), JSON.stringify(report), startedMs, atMs);
    // Counts only: no ids, names or figures in the log.
    logger.info({ visits: pulled?.visits, pages, pullMs: pulledMs - startedMs, computeMs: atMs - pulledMs, problems: report.problems }, 'report pulled');
    return { report, fromCache: false, refreshError: null, cachedFacts: pulled?.cached ?? null, dataAtMs: startedMs };
  }

  const reportKey = (factsKey: string, dataAtMs: number, query: ReportQuery) => JSON.stringify([factsKey, dataAtMs, query.period, query.filters]);

  async function fromCache(teamId: string, query: ReportQuery, factsKey: string, refreshError: string | null): Promise<ReportAnswer | null> {
    const atMs = clock.nowMs();
    const cachedFacts = store.reportCache.get('facts', factsKey, atMs);
    if (!cachedFacts) return null;
    const normalized = { ...query, filters: { ...query.filters, teamId } };
    const key = reportKey(factsKey, cachedFacts.dataAtMs, normalized);
    const cached = store.reportCache.get('report', key, atMs);
    const parsedReport = cached ? Report.safeParse(JSON.parse(cached.body)) : null;
    if (parsedReport?.success) return { report: parsedReport.data, fromCache: true, refreshError };
    const parsedFacts = CachedFacts.safeParse(JSON.parse(cachedFacts.body));
    if (!parsedFacts.success) return null; // an unreadable cache entry is read again from the EOJ
    const { report } = await computer.compute({
      query: normalized,
      teams: parsedFacts.data.teams,
      dataAtMs: cachedFacts.dataAtMs,
      nowMs: clock.nowMs(),
      baseUrl: '',
      teamId,
      facts: parsedFacts.data.facts,
    });
    store.reportCache.put('report', key, JSON.stringify(report), cachedFacts.dataAtMs, clock.nowMs());
    return { report, fromCache: true, refreshError };
  }

  const describe = (error: unknown) =>
    error instanceof EojError
      ? error.kind === 'network' || error.kind === 'timeout'
        ? 'EOJ kan ikke nås lige nu'
        : `EOJ afviste at udlevere data (${error.status ?? error.kind})`
      : error instanceof Error
        ? error.message
        : String(error);

  const factsKeyOf = (teamId: string, window: ReturnType<typeof dataWindow>) =>
    JSON.stringify([teamId, window.appointments.start.getTime(), window.appointments.end.getTime()]);

  async function get(staff: Staff, query: ReportQuery, refresh: boolean): Promise<ReportAnswer> {
    const teamId = teamOf(staff, query);
    const window = dataWindow(resolvePeriod(query.period));
    const factsKey = factsKeyOf(teamId, window);
    if (!refresh) {
      const cached = await fromCache(teamId, query, factsKey, null);
      if (cached) return cached;
    }
    try {
      const { report, fromCache, refreshError } = await pull(staff, teamId, query, factsKey);
      return { report, fromCache, refreshError };
    } catch (error) {
      if (error instanceof ReportRefusedError) throw error;
      // Offline or refused: the last report of the period is shown, with why it is not new.
      const cached = await fromCache(teamId, query, factsKey, describe(error));
      if (cached) return cached;
      throw new ReportRefusedError(`Rapporten kan ikke hentes: ${describe(error)}, og den er ikke hentet før på denne computer`);
    }
  }

  /** A team's overview figures from the text of its cached facts (and the figures kept for that data); null if unreadable. */
  async function figuresFromCache(teamId: string, period: ReportPeriod, factsKey: string, cached: { body: string; dataAtMs: number }) {
    const key = JSON.stringify(['summary', factsKey, cached.dataAtMs, period]);
    const kept = store.reportCache.get('report', key, clock.nowMs());
    const parsed = kept ? TeamFigures.safeParse(JSON.parse(kept.body)) : null;
    if (parsed?.success) return parsed.data;
    try {
      const figures = await computer.summarize({ period, teamId, cachedFacts: cached.body });
      store.reportCache.put('report', key, JSON.stringify(figures), cached.dataAtMs, clock.nowMs());
      return figures;
    } catch {
      return null; // an unreadable cache entry is read again from the EOJ
    }
  }

  /** One team's row of the overview: its own failure is its own row's, never the others'. */
  async function overviewRow(staff: Staff, team: { id: string; name: string }, period: ReportPeriod, refresh: boolean, teams: { id: string; name: string }[]) {
    const window = dataWindow(resolvePeriod(period));
    const factsKey = factsKeyOf(team.id, window);
    const row = (figures: TeamFigures, dataAtMs: number, fromCache: boolean, refreshError: string | null): TeamOverview => ({
      team,
      figures,
      dataAt: new Date(dataAtMs).toISOString(),
      fromCache,
      refreshError,
      error: null,
    });
    const cached = store.reportCache.get('facts', factsKey, clock.nowMs());
    const fresh = cached !== null && (cached.dataAtMs >= window.resources.end.getTime() || clock.nowMs() - cached.dataAtMs < OVERVIEW_FRESH_MS);
    if (cached && fresh && !refresh) {
      const figures = await figuresFromCache(team.id, period, factsKey, cached);
      if (figures) return row(figures, cached.dataAtMs, true, null);
    }
    try {
      const pulled = await pull(staff, team.id, { period, filters: { teamId: team.id } }, factsKey, teams);
      if (pulled.cachedFacts === null) throw new Error('Rapporten kunne ikke beregnes');
      const figures = await figuresFromCache(team.id, period, factsKey, { body: pulled.cachedFacts, dataAtMs: pulled.dataAtMs });
      if (!figures) throw new Error('Rapporten kunne ikke beregnes');
      return row(figures, pulled.dataAtMs, false, null);
    } catch (error) {
      const reason = describe(error).slice(0, 300);
      const earlier = cached ? await figuresFromCache(team.id, period, factsKey, cached) : null;
      if (cached && earlier) return row(earlier, cached.dataAtMs, true, reason);
      // No ids or names in the log: only that a team could not be read, and how.
      logger.warn(
        { kind: error instanceof EojError ? error.kind : 'other', status: error instanceof EojError ? error.status : undefined },
        'overview team failed',
      );
      return {
        team,
        figures: null,
        dataAt: null,
        fromCache: false,
        refreshError: null,
        error: `Teamets tal kan ikke hentes: ${reason}`,
      } satisfies TeamOverview;
    }
  }

  /** The leader's overview: every team the EOJ lists, each from its cached facts when fresh, read again otherwise. */
  async function overview(staff: Staff, period: ReportPeriod, refresh: boolean): Promise<Overview> {
    if (staff.role !== 'leader') throw new ReportRefusedError('Kun en leder kan se oversigten over alle teams');
    const eoj = session.eoj();
    if (!eoj) throw noEoj();
    let teams: { id: string; name: string }[];
    try {
      teams = await eoj.teams(null);
      store.reportCache.put('report', TEAMS_KEY, JSON.stringify(teams), clock.nowMs(), clock.nowMs());
    } catch (error) {
      const last = store.reportCache.get('report', TEAMS_KEY, clock.nowMs());
      const parsed = last ? ReportTeams.safeParse(JSON.parse(last.body)) : null;
      if (!parsed?.success) throw new ReportRefusedError(`Teamene kan ikke hentes fra EOJ: ${describe(error)}, og de er ikke hentet før på denne computer`);
      teams = parsed.data;
    }
    teams.sort((a, b) => a.name.localeCompare(b.name, 'da'));
    const rows: TeamOverview[] = new Array(teams.length);
    let next = 0;
    const work = async () => {
      for (let i = next++; i < teams.length; i = next++) rows[i] = await overviewRow(staff, teams[i] as (typeof teams)[number], period, refresh, teams);
    };
    await Promise.all(Array.from({ length: Math.min(OVERVIEW_PULLS_AT_ONCE, teams.length) }, work));
    const resolved = resolvePeriod(period);
    return {
      period: {
        kind: resolved.kind,
        start: resolved.start.toISOString(),
        end: resolved.end.toISOString(),
        firstDay: resolved.firstDay,
        lastDay: resolved.lastDay,
      },
      teams: rows,
      computedAt: clock.now().toISOString(),
    };
  }

  return {
    get,
    overview,
    async exportOverview(staff: Staff, period: ReportPeriod, format: ExportFormat, lang: Lang) {
      const answer = await overview(staff, period, false);
      const content = format === 'csv' ? overviewCsv(answer, lang) : await overviewXlsx(answer, lang);
      return {
        fileName: `skaermrum-teams-${answer.period.firstDay}-${answer.period.lastDay}.${format}`,
        mimeType: EXPORT_TYPES[format],
        base64: content.toString('base64'),
      };
    },
    async exportFile(staff: Staff, query: ReportQuery, format: ExportFormat, lang: Lang) {
      const { report } = await get(staff, query, false);
      const content = format === 'csv' ? reportCsv(report, lang) : await reportXlsx(report, lang);
      return {
        fileName: `skaermrum-rapport-${report.period.firstDay}-${report.period.lastDay}.${format}`,
        mimeType: EXPORT_TYPES[format],
        base64: content.toString('base64'),
      };
    },
  };
}
export type ReportService = ReturnType<typeof createReportService>;
