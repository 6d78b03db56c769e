import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PeriodKind, type ReportPeriod } from '../../src-shared/reports/period';
import { formatCell, type Cell, type Lang } from '../../src-shared/reports/tables';

/** Parts of the reports view shared by one team's report and the leader's overview of all teams. */
interface AnyTable {
  id: string;
  title: string;
  columns: string[];
  rows: Cell[][];
}

export function DataTable({ table, lang }: { table: AnyTable; lang: Lang }) {
  // Wide tables scroll inside their own region (reachable by keyboard), never the page.
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={table.title}>
      <table className="report-table" data-table={table.id}>
        <caption>{table.title}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) =>
                j === 0 ? (
                  <th key={j} scope="row">
                    {formatCell(cell, lang)}
                  </th>
                ) : (
                  <td key={j} className={cell.kind === 'text' ? 'text' : 'number'}>
                    {formatCell(cell, lang)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PeriodPicker({ period, onChange }: { period: ReportPeriod; onChange: (p: ReportPeriod) => void }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(period.from);
  const [to, setTo] = useState(period.to ?? period.from);
  useEffect(() => {
    setFrom(period.from);
    setTo(period.to ?? period.from);
  }, [period]);
  const apply = (kind: ReportPeriod['kind'], f: string, tt: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(f) || (kind === 'custom' && (!/^\d{4}-\d{2}-\d{2}$/.test(tt) || tt < f))) return;
    onChange(kind === 'custom' ? { kind, from: f, to: tt } : { kind, from: f });
  };
  return (
    <fieldset className="report-period">
      <legend>{t('reports.period')}</legend>
      <label>
        {t('reports.periodKind')}
        <select value={period.kind} onChange={(e) => apply(e.target.value as ReportPeriod['kind'], from, to)}>
          {PeriodKind.options.map((k) => (
            <option key={k} value={k}>
              {t(`reports.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {period.kind === 'custom' ? t('reports.from') : t('reports.anyDay')}
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} onBlur={() => apply(period.kind, from, to)} />
      </label>
      {period.kind === 'custom' && (
        <label>
          {t('reports.to')}
          <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} onBlur={() => apply('custom', from, to)} />
        </label>
      )}
    </fieldset>
  );
}
