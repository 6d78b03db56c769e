import type { Staff } from '../../src-shared/domain/visit.js';
import { CachedFacts } from '../../src-shared/reports/facts.js';
import { Report, type ReportQuery } from '../../src-shared/reports/figures.js';
import { dataWindow, resolvePeriod } from '../../src-shared/reports/period.js';
import type { Lang } from '../../src-shared/reports/tables.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { EojError } from '../eoj/errors.js';
import type { Logger } from '../log.js';
import type { SessionService } from '../services/session.js';
import type { VisitStore } from '../store/visitStore.js';
import type { ReportComputer } from './compute.js';
import { EXPORT_TYPES, reportCsv, reportXlsx, type ExportFormat } from './export.js';

/**
 * Leadership reports (design: the EOJ is the source, not one laptop): the period's resources are
 * pulled from the EOJ for the team, computed in the worker thread, and cached in the encrypted
 * store, so the same report again is instant and works offline, always with the time of its data.
 * A team lead sees their own team; a leader may choose any team of the EOJ.
 */
export class ReportRefusedError extends Error {}

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

  async function pull(staff: Staff, teamId: string, query: ReportQuery, factsKey: string): Promise<ReportAnswer> {
    const eoj = session.eoj();
    if (!eoj) throw new ReportRefusedError('Rapporter hentes fra EOJ, og der er ingen forbindelse til en EOJ i denne opsætning');
    const window = dataWindow(resolvePeriod(query.period));
    const startedMs = clock.nowMs();
    const teams = await teamsOf(staff, teamId);
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
    return { report, fromCache: false, refreshError: null };
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

  async function get(staff: Staff, query: ReportQuery, refresh: boolean): Promise<ReportAnswer> {
    const teamId = teamOf(staff, query);
    const window = dataWindow(resolvePeriod(query.period));
    const factsKey = JSON.stringify([teamId, window.appointments.start.getTime(), window.appointments.end.getTime()]);
    if (!refresh) {
      const cached = await fromCache(teamId, query, factsKey, null);
      if (cached) return cached;
    }
    try {
      return await pull(staff, teamId, query, factsKey);
    } catch (error) {
      if (error instanceof ReportRefusedError) throw error;
      // Offline or refused: the last report of the period is shown, with why it is not new.
      const cached = await fromCache(teamId, query, factsKey, describe(error));
      if (cached) return cached;
      throw new ReportRefusedError(`Rapporten kan ikke hentes: ${describe(error)}, og den er ikke hentet før på denne computer`);
    }
  }

  return {
    get,
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
