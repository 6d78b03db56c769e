import type * as PlotTypes from '@observablehq/plot';
import * as Plot from '@observablehq/plot';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { OVERVIEW_FIGURES, overviewTables, type Overview, type TeamOverview } from '../../src-shared/reports/overview';
import { formatCell, type Lang } from '../../src-shared/reports/tables';
import { formatDay } from '../../src-shared/time/copenhagen';
import { PlotChart } from './PlotChart';
import type { ReportsState } from './reportsStore';
import { PeriodPicker } from './ReportParts';

/** A team's done visits per week as a line without axes: the shape of the trend at a glance (the numbers are in its report and the exports). */
function sparkline(team: TeamOverview): PlotTypes.PlotOptions | null {
  const trend = team.figures?.trend ?? [];
  if (trend.length === 0) return null;
  const top = Math.max(1, ...trend.map((w) => w.done));
  return {
    height: 64,
    marginTop: 6,
    marginBottom: 6,
    marginLeft: 4,
    marginRight: 6,
    x: { type: 'point', domain: trend.map((w) => w.week), axis: null },
    y: { domain: [0, top], axis: null },
    marks: [
      Plot.areaY(trend, { x: 'week', y: 'done', fill: '#dce7f2' }),
      Plot.lineY(trend, { x: 'week', y: 'done', stroke: '#1f5f99', strokeWidth: 2 }),
      Plot.dot(trend.slice(-1), { x: 'week', y: 'done', fill: '#1f5f99', r: 3 }),
    ],
  };
}

/**
 * The leader's first view: every team of the EOJ side by side, a card each with its key figures,
 * the trend of its done visits, and the way into its report. The figures are the cells of the
 * overview's table, so the screen and the exports say the same.
 */
export function TeamsOverview({ s, lang }: { s: ReportsState; lang: Lang }) {
  const { t } = useTranslation();
  const overview: Overview | null = s.overview;
  const table = useMemo(() => (overview ? overviewTables(overview, lang)[0] : null), [overview, lang]);
  const plots = useMemo(() => (overview ? overview.teams.map(sparkline) : []), [overview]);
  return (
    <>
      <header className="reports-head">
        <h2 id="reports-heading">{t('reports.heading')}</h2>
        {overview && (
          <p className="report-meta" role="status">
            {t('reports.overview.shown', {
              from: formatDay(overview.period.firstDay, lang),
              to: formatDay(overview.period.lastDay, lang),
              count: overview.teams.length,
            })}
          </p>
        )}
      </header>
      <form className="report-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('reports.filters')}>
        <PeriodPicker period={s.query.period} onChange={(p) => void s.setPeriod(p)} />
        <div className="report-actions">
          <button type="button" onClick={() => void s.loadOverview(true)} disabled={s.overviewLoading}>
            {t('reports.refresh')}
          </button>
          <button type="button" onClick={() => void s.exportOverview('csv', lang)} disabled={!overview || s.exporting !== null}>
            {t('reports.csv')}
          </button>
          <button type="button" onClick={() => void s.exportOverview('xlsx', lang)} disabled={!overview || s.exporting !== null}>
            {t('reports.xlsx')}
          </button>
          <button type="button" onClick={() => void (window.skaermrum?.printReport?.() ?? window.print())} disabled={!overview}>
            {t('reports.print')}
          </button>
        </div>
      </form>
      {s.overviewLoading && <p role="status">{t('reports.overview.loading')}</p>}
      {s.overviewError && (
        <div className="banner banner-error" role="alert">
          {s.overviewError}
        </div>
      )}
      {overview && table && (
        <section className="teams-overview" aria-labelledby="teams-heading">
          <h3 id="teams-heading">{t('reports.overview.heading')}</h3>
          {overview.teams.length === 0 && <p>{t('reports.overview.none')}</p>}
          <ul className="team-cards">
            {overview.teams.map((team, i) => {
              const row = table.rows[i] ?? [];
              const plot = plots[i] ?? null;
              const headingId = `team-card-${i}`;
              return (
                <li key={team.team.id} className="team-card" data-team-id={team.team.id} aria-labelledby={headingId}>
                  <h4 id={headingId}>{team.team.name}</h4>
                  {team.error ? (
                    <p className="team-error" role="alert">
                      {team.error}
                    </p>
                  ) : (
                    <>
                      <dl className="team-figures">
                        {OVERVIEW_FIGURES.map((figure, j) => (
                          <div key={figure} data-figure={figure}>
                            <dt>{table.columns[j + 1]}</dt>
                            <dd>{row[j + 1] ? formatCell(row[j + 1]!, lang) : '–'}</dd>
                          </div>
                        ))}
                      </dl>
                      {plot && <PlotChart options={plot} label={t('reports.overview.trend', { team: team.team.name })} minWidth={160} className="sparkline" />}
                      <p className="team-data-at">
                        {t('reports.dataAt', { at: row[OVERVIEW_FIGURES.length + 1] ? formatCell(row[OVERVIEW_FIGURES.length + 1]!, lang) : '–' })}
                        {team.fromCache ? ` · ${t('reports.fromCache')}` : ''}
                      </p>
                      {team.refreshError && <p className="team-stale">{t('reports.stale', { reason: team.refreshError })}</p>}
                    </>
                  )}
                  <button type="button" className="team-open" onClick={() => void s.openTeam(team.team.id)}>
                    {t('reports.overview.open', { team: team.team.name })}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </>
  );
}
