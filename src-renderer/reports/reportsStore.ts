import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../src-shared/api/contract';
import type { Report, ReportFilters, ReportQuery } from '../../src-shared/reports/figures';
import type { Overview } from '../../src-shared/reports/overview';
import { currentWeek, type ReportPeriod } from '../../src-shared/reports/period';
import type { Lang } from '../../src-shared/reports/tables';
import { rendererClock } from '../time/clock';

/**
 * The Ledelsesinformation view's state: the query (period and filters), the report as the main
 * process answered it (from its cache or the EOJ), and the exports. Every change of the query asks
 * again; the main process decides whether that is a cache hit, a recompute or a pull.
 */
export interface ReportsState {
  query: ReportQuery;
  report: Report | null;
  fromCache: boolean;
  refreshError: string | null;
  loading: boolean;
  error: string | null;
  exporting: 'csv' | 'xlsx' | null;
  /** A leader starts on the overview of all teams; `team` is one team's report. */
  shown: 'overview' | 'team';
  overview: Overview | null;
  overviewLoading: boolean;
  overviewError: string | null;
  setPeriod(period: ReportPeriod): Promise<void>;
  setFilters(filters: ReportFilters): Promise<void>;
  load(refresh?: boolean): Promise<void>;
  exportFile(format: 'csv' | 'xlsx', lang: Lang): Promise<void>;
  /** The view is shown: a leader on the overview (or the team last opened), anyone else on their own team's report. */
  start(leader: boolean): Promise<void>;
  loadOverview(refresh?: boolean): Promise<void>;
  /** Opens one team's report for the overview's period. */
  openTeam(teamId: string): Promise<void>;
  backToOverview(): Promise<void>;
  exportOverview(format: 'csv' | 'xlsx', lang: Lang): Promise<void>;
}

/** A file from the main process, saved by the browser's (or Electron's) download (every export's way). */
export function download(fileName: string, mimeType: string, base64: string) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function createReportsStore(api: ApiClient): StoreApi<ReportsState> {
  let asked = 0;
  let askedOverview = 0;
  return createStore<ReportsState>()((set, get) => ({
    query: { period: currentWeek(rendererClock.now()), filters: {} },
    report: null,
    fromCache: false,
    refreshError: null,
    loading: false,
    error: null,
    exporting: null,
    shown: 'overview',
    overview: null,
    overviewLoading: false,
    overviewError: null,
    async setPeriod(period) {
      set({ query: { ...get().query, period } });
      await (get().shown === 'overview' ? get().loadOverview() : get().load());
    },
    async setFilters(filters) {
      set({ query: { ...get().query, filters } });
      await get().load();
    },
    async load(refresh = false) {
      // Only the latest question's answer is shown (filters may change faster than a pull).
      const mine = ++asked;
      set({ loading: true, error: null });
      try {
        const answer = await api.reports.get({ query: get().query, ...(refresh ? { refresh } : {}) });
        if (mine === asked) set({ report: answer.report, fromCache: answer.fromCache, refreshError: answer.refreshError, loading: false });
      } catch (error) {
        if (mine === asked) set({ loading: false, error: error instanceof Error ? error.message : String(error) });
      }
    },
    async exportFile(format, lang) {
      set({ exporting: format, error: null });
      try {
        const file = await api.reports.export({ query: get().query, format, lang });
        download(file.fileName, file.mimeType, file.base64);
      } catch (error) {
        set({ error: error instanceof Error ? error.message : String(error) });
      } finally {
        set({ exporting: null });
      }
    },
    async start(leader) {
      if (!leader && get().shown !== 'team') set({ shown: 'team' });
      if (get().shown === 'overview') {
        if (!get().overview) await get().loadOverview();
      } else if (!get().report) await get().load();
    },
    async loadOverview(refresh = false) {
      const mine = ++askedOverview;
      set({ overviewLoading: true, overviewError: null });
      try {
        const overview = await api.reports.overview({ period: get().query.period, ...(refresh ? { refresh } : {}) });
        if (mine === askedOverview) set({ overview, overviewLoading: false });
      } catch (error) {
        if (mine === askedOverview) set({ overviewLoading: false, overviewError: error instanceof Error ? error.message : String(error) });
      }
    },
    async openTeam(teamId) {
      set({ shown: 'team', query: { period: get().query.period, filters: { teamId } } });
      await get().load();
    },
    async backToOverview() {
      set({ shown: 'overview' });
      await get().loadOverview();
    },
    async exportOverview(format, lang) {
      set({ exporting: format, overviewError: null });
      try {
        const file = await api.reports.overviewExport({ period: get().query.period, format, lang });
        download(file.fileName, file.mimeType, file.base64);
      } catch (error) {
        set({ overviewError: error instanceof Error ? error.message : String(error) });
      } finally {
        set({ exporting: null });
      }
    },
  }));
}
