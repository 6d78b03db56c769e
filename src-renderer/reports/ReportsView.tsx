import type * as PlotTypes from '@observablehq/plot';
import * as Plot from '@observablehq/plot';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { Report } from '../../src-shared/reports/figures';
import { BUCKETS, FIGURES, VERDICTS, formatCell, reportTables, type Lang, type ReportTable } from '../../src-shared/reports/tables';
import { formatDay, formatInstant } from '../../src-shared/time/copenhagen';
import '../platform/shellBridge';
import { PlotChart } from './PlotChart';
import { DataTable, PeriodPicker } from './ReportParts';
import type { ReportsState } from './reportsStore';
import { TeamsOverview } from './TeamsOverview';

/** Figures shown as key-figure tiles at the top (all of them are in the table below). */
const TILES = ['planned', 'done', 'notAnswered', 'technicalFailure', 'converted', 'urgent', 'answerRate', 'punctualShare', 'citizens', 'goodShare'] as const;

/** A chart and its numbers side by side (stacked on a narrow window). */
function ChartWithTable({
  title,
  table,
  lang,
  options,
  wide = false,
}: {
  title: string;
  table: ReportTable;
  lang: Lang;
  options: PlotTypes.PlotOptions | null;
  wide?: boolean;
}) {
  return (
    <section className="report-block" aria-label={title}>
      <h3>{title}</h3>
      <div className={`report-pair${wide ? ' wide' : ''}`}>
        {options ? <PlotChart options={options} label={title} /> : <div className="report-chart" />}
        <DataTable table={table} lang={lang} />
      </div>
    </section>
  );
}

function charts(report: Report, lang: Lang) {
  const pct = (v: number | null) => (v === null ? null : v * 100);
  const weeks = report.trend.map((w) => w.week.slice(5));
  const trend = report.trend.flatMap((w) => [
    { week: w.week.slice(5), figure: FIGURES.planned.name[lang], value: w.planned },
    { week: w.week.slice(5), figure: FIGURES.done.name[lang], value: w.done },
  ]);
  const flow = report.trend.flatMap((w) => [
    { week: w.week.slice(5), kind: FIGURES.newCitizens.name[lang], value: w.newCitizens },
    { week: w.week.slice(5), kind: FIGURES.endedCitizens.name[lang], value: -w.endedCitizens },
  ]);
  const any = (values: number[]) => values.some((v) => v !== 0);
  return {
    trend: any(trend.map((t) => t.value))
      ? {
          x: { type: 'point', domain: weeks, label: null },
          y: { grid: true, label: null },
          color: { legend: true },
          marks: [
            Plot.lineY(trend, { x: 'week', y: 'value', stroke: 'figure', strokeWidth: 2.5 }),
            Plot.dot(trend, { x: 'week', y: 'value', fill: 'figure' }),
            Plot.ruleY([0]),
          ],
        }
      : null,
    punctuality: any(report.punctuality.map((p) => p.calls))
      ? {
          x: { domain: report.punctuality.map((p) => BUCKETS[p.bucket][lang]), label: null, tickRotate: -20 },
          y: { grid: true, label: '%' },
          marginBottom: 60,
          marks: [
            Plot.barY(report.punctuality, {
              x: (p: Report['punctuality'][number]) => BUCKETS[p.bucket][lang],
              y: (p: Report['punctuality'][number]) => pct(p.share),
              fill: '#1f5f99',
            }),
            Plot.ruleY([0]),
          ],
        }
      : null,
    durations: report.durations.length
      ? {
          y: { domain: report.durations.map((d) => d.taskCode), label: null },
          x: { grid: true, label: lang === 'da' ? 'minutter' : 'minutes' },
          marginLeft: 60,
          marks: [
            Plot.barX(report.durations, { y: 'taskCode', x: 'p90Minutes', fill: '#b9cde3' }),
            Plot.barX(report.durations, { y: 'taskCode', x: 'medianMinutes', fill: '#1f5f99', insetTop: 6, insetBottom: 6 }),
            Plot.ruleX([0]),
          ],
        }
      : null,
    satisfaction: any(report.satisfaction.answers.map((a) => a.count))
      ? {
          x: { domain: report.satisfaction.answers.map((a) => VERDICTS[a.verdict][lang]), label: null },
          y: { grid: true, label: '%' },
          marks: [
            Plot.barY(report.satisfaction.answers, {
              x: (a: Report['satisfaction']['answers'][number]) => VERDICTS[a.verdict][lang],
              y: (a: Report['satisfaction']['answers'][number]) => pct(a.share),
              fill: (a: Report['satisfaction']['answers'][number]) => a.verdict,
            }),
            Plot.ruleY([0]),
          ],
          color: { domain: ['good', 'okay', 'bad', 'none'], range: ['#2e7d4f', '#c9a227', '#b3261e', '#8a8a8a'] },
        }
      : null,
    flow: any(flow.map((f) => f.value))
      ? {
          x: { type: 'band', domain: weeks, label: null },
          y: { grid: true, label: null },
          color: { legend: true, range: ['#2e7d4f', '#b3261e'] },
          marks: [Plot.barY(flow, { x: 'week', y: 'value', fill: 'kind' }), Plot.ruleY([0])],
        }
      : null,
  } satisfies Record<string, PlotTypes.PlotOptions | null>;
}

export function ReportsView({ reports, canChooseTeam }: { reports: StoreApi<ReportsState>; canChooseTeam: boolean }) {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language.startsWith('en') ? 'en' : 'da';
  const s = useStore(reports);
  useEffect(() => {
    void reports.getState().start(canChooseTeam);
  }, [reports, canChooseTeam]);
  const report = s.report;
  const tables = useMemo(() => (report ? reportTables(report, lang) : []), [report, lang]);
  const plots = useMemo(() => (report ? charts(report, lang) : null), [report, lang]);
  const table = (id: ReportTable['id']) => tables.find((x) => x.id === id) as ReportTable;
  const f = s.query.filters;
  const select = (key: 'practitionerId' | 'roomId' | 'taskCode', value: string) => void s.setFilters({ ...f, [key]: value === '*' ? null : value });
  // As in the exports: "06-12-2026 01.55", Copenhagen time.
  const dataAt = report ? formatInstant(report.dataAt, lang) : '';

  // A leader starts on all teams side by side, and opens one team's report from there.
  if (canChooseTeam && s.shown === 'overview')
    return (
      <section className="reports" aria-labelledby="reports-heading">
        <TeamsOverview s={s} lang={lang} />
      </section>
    );
  return (
    <section className="reports" aria-labelledby="reports-heading">
      <header className="reports-head">
        {canChooseTeam && (
          <button type="button" className="report-back" onClick={() => void s.backToOverview()}>
            {t('reports.overview.back')}
          </button>
        )}
        <h2 id="reports-heading">{t('reports.heading')}</h2>
        {report && (
          <p className="report-meta" role="status">
            {t('reports.periodShown', { from: formatDay(report.period.firstDay, lang), to: formatDay(report.period.lastDay, lang) })} ·{' '}
            {t('reports.dataAt', { at: dataAt })}
            {s.fromCache ? ` · ${t('reports.fromCache')}` : ''}
          </p>
        )}
      </header>
      <form className="report-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('reports.filters')}>
        <PeriodPicker period={s.query.period} onChange={(p) => void s.setPeriod(p)} />
        <label>
          {t('reports.team')}
          <select
            value={f.teamId ?? report?.query.filters.teamId ?? ''}
            disabled={!canChooseTeam}
            onChange={(e) => void s.setFilters({ ...f, teamId: e.target.value })}
          >
            {(report?.teams ?? []).map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        {(
          [
            ['practitionerId', 'staff', report?.options.practitioners],
            ['roomId', 'room', report?.options.rooms],
            ['taskCode', 'task', report?.options.tasks],
          ] as const
        ).map(([key, label, options]) => (
          <label key={key}>
            {t(`reports.${label}`)}
            <select value={f[key] ?? '*'} onChange={(e) => select(key, e.target.value)}>
              <option value="*">{t('reports.all')}</option>
              {(options ?? []).map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        ))}
        <div className="report-actions">
          <button type="button" onClick={() => void s.load(true)} disabled={s.loading}>
            {t('reports.refresh')}
          </button>
          <button type="button" onClick={() => void s.exportFile('csv', lang)} disabled={!report || s.exporting !== null}>
            {t('reports.csv')}
          </button>
          <button type="button" onClick={() => void s.exportFile('xlsx', lang)} disabled={!report || s.exporting !== null}>
            {t('reports.xlsx')}
          </button>
          <button type="button" onClick={() => void (window.skaermrum?.printReport?.() ?? window.print())} disabled={!report}>
            {t('reports.print')}
          </button>
        </div>
      </form>
      {s.loading && <p role="status">{t('reports.loading')}</p>}
      {s.error && (
        <div className="banner banner-error" role="alert">
          {s.error}
        </div>
      )}
      {s.refreshError && (
        <div className="banner banner-offline" role="alert">
          {t('reports.stale', { reason: s.refreshError })}
        </div>
      )}
      {report && plots && (
        <>
          <ul className="report-tiles" aria-label={t('reports.keyFigures')}>
            {TILES.map((key) => (
              <li key={key} className="report-tile" data-figure={key}>
                <span className="tile-name">{FIGURES[key].name[lang]}</span>
                <strong className="tile-value">
                  {formatCell(
                    FIGURES[key].unit === 'share' ? { kind: 'share', value: report.totals[key] } : { kind: 'count', value: report.totals[key] },
                    lang,
                  )}
                </strong>
                <span className="tile-definition">{FIGURES[key].definition[lang]}</span>
              </li>
            ))}
          </ul>
          <ChartWithTable title={table('trend').title} table={table('trend')} lang={lang} options={plots.trend} wide />
          <ChartWithTable title={table('punctuality').title} table={table('punctuality')} lang={lang} options={plots.punctuality} />
          <ChartWithTable title={table('durations').title} table={table('durations')} lang={lang} options={plots.durations} />
          <ChartWithTable title={table('satisfaction').title} table={table('satisfaction')} lang={lang} options={plots.satisfaction} />
          <section className="report-block" aria-label={table('satisfactionByTask').title}>
            <DataTable table={table('satisfactionByTask')} lang={lang} />
          </section>
          <ChartWithTable title={table('flow').title} table={table('flow')} lang={lang} options={plots.flow} />
          <section className="report-block" aria-label={table('totals').title}>
            <DataTable table={table('totals')} lang={lang} />
          </section>
        </>
      )}
    </section>
  );
}
