import writeXlsxFile, { type Cell as XlsxCell, type Sheet } from 'write-excel-file/node';
import type { Report } from '../../src-shared/reports/figures.js';
import { overviewTables, type Overview } from '../../src-shared/reports/overview.js';
import { reportTables, type Cell, type Lang } from '../../src-shared/reports/tables.js';
import { copenhagenWallClock, formatDay, formatInstant } from '../../src-shared/time/copenhagen.js';

/**
 * A report as a file, from the same tables the screen shows (src-shared/reports/tables.ts): CSV as
 * Danish Excel opens it (UTF-8 with BOM, ";" between fields, decimal comma), and XLSX with real
 * numbers and formats through write-excel-file. Aggregates only: no citizen is named.
 */
export type ExportFormat = 'csv' | 'xlsx';

const TITLE = { da: 'Skærmrum – Ledelsesinformation', en: 'Skærmrum – Leadership information' };
const ABOUT = {
  period: { da: 'Periode', en: 'Period' },
  team: { da: 'Team', en: 'Team' },
  dataAt: { da: 'Data hentet fra EOJ', en: 'Data read from the EOJ' },
  problems: { da: 'Ressourcer der ikke kunne læses', en: 'Resources that could not be read' },
};

/**
 * What the report covers, in Danish conventions: days as "06-12-2026", times in Copenhagen as
 * "06-12-2026 01.55". In XLSX the days and the time are real date cells with those formats.
 */
function about(report: Report, lang: Lang) {
  const { firstDay, lastDay } = report.period;
  return {
    period: [ABOUT.period[lang], `${formatDay(firstDay, lang)} – ${formatDay(lastDay, lang)}`],
    team: [ABOUT.team[lang], report.teams.map((t) => t.name).join(', ')],
    dataAt: [ABOUT.dataAt[lang], formatInstant(report.dataAt, lang)],
    problems: [ABOUT.problems[lang], String(report.problems)],
  } as const;
}
const DAY_FORMAT = { da: 'dd-mm-yyyy', en: 'dd/mm/yyyy' };
const TIME_FORMAT = { da: 'dd-mm-yyyy hh.mm', en: 'dd/mm/yyyy hh:mm' };

/** A CSV field: numbers without grouping and with a decimal comma; shares as percentages; instants as "06-12-2026 01.55". */
function csvValue(cell: Cell, lang: Lang): string {
  if (cell.kind === 'text') return cell.value;
  if (cell.value === null) return '';
  if (cell.kind === 'instant') return formatInstant(cell.value, lang);
  const number = cell.kind === 'share' ? Math.round(cell.value * 1000) / 10 : cell.value;
  return `${String(number).replace('.', ',')}${cell.kind === 'share' ? ' %' : ''}`;
}
const quote = (field: string) => (/[;"\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);

export function reportCsv(report: Report, lang: Lang): Buffer {
  const lines: string[][] = [[TITLE[lang]], ...Object.values(about(report, lang)).map(([k, v]) => [k, v])];
  for (const table of reportTables(report, lang)) lines.push([], [table.title], table.columns, ...table.rows.map((row) => row.map((c) => csvValue(c, lang))));
  return csvFile(lines);
}

/** UTF-8 with BOM, ";" between fields, CRLF: as Danish Excel opens it (every CSV Skærmrum writes). */
export const csvFile = (lines: string[][]) => Buffer.from(`\uFEFF${lines.map((line) => line.map(quote).join(';')).join('\r\n')}\r\n`, 'utf8');

function xlsxCell(cell: Cell, lang: Lang): XlsxCell {
  if (cell.kind === 'text') return { value: cell.value, type: String };
  if (cell.value === null) return null;
  if (cell.kind === 'instant') return { value: copenhagenWallClock(cell.value), type: Date, format: TIME_FORMAT[lang] };
  const format = cell.kind === 'share' ? '0.0%' : cell.kind === 'count' ? '0' : '0.0#';
  return { value: cell.value, type: Number, format };
}

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules). */
const sheetName = (title: string) =>
  title
    .replace(/[[\]:*?/\\]/g, ' ')
    .slice(0, 31)
    .trim();

export async function reportXlsx(report: Report, lang: Lang): Promise<Buffer> {
  const header = (text: string): XlsxCell => ({ value: text, type: String, fontWeight: 'bold' });
  const facts = about(report, lang);
  // A day is its midnight, read as a zone-less date (the period's first and last day, inclusive).
  const day = (key: string): XlsxCell => ({ value: new Date(`${key}T00:00:00Z`), type: Date, format: DAY_FORMAT[lang] });
  const sheets: Sheet<never>[] = [
    {
      sheet: sheetName(TITLE[lang]),
      data: [
        [header(TITLE[lang])],
        [header(facts.period[0]), day(report.period.firstDay), day(report.period.lastDay)],
        [header(facts.team[0]), { value: facts.team[1], type: String }],
        [header(facts.dataAt[0]), { value: copenhagenWallClock(report.dataAt), type: Date, format: TIME_FORMAT[lang] }],
        [header(facts.problems[0]), { value: report.problems, type: Number, format: '0' }],
      ],
      columns: [{ width: 34 }, { width: 18 }, { width: 18 }],
    },
    ...reportTables(report, lang).map((table) => ({
      sheet: sheetName(table.title),
      data: [table.columns.map(header), ...table.rows.map((row) => row.map((c) => xlsxCell(c, lang)))],
      columns: table.columns.map((_, i) => ({ width: i === 0 ? 32 : table.id === 'totals' && i === 2 ? 90 : 14 })),
    })),
  ];
  return writeXlsxFile(sheets).toBuffer();
}

const OVERVIEW_TITLE = { da: 'Skærmrum – Ledelsesinformation, alle teams', en: 'Skærmrum – Leadership information, all teams' };

/** The leader's overview of all teams as a file: the same tables as the screen, the same conventions as a report. */
export function overviewCsv(overview: Overview, lang: Lang): Buffer {
  const { firstDay, lastDay } = overview.period;
  const lines: string[][] = [[OVERVIEW_TITLE[lang]], [ABOUT.period[lang], `${formatDay(firstDay, lang)} – ${formatDay(lastDay, lang)}`]];
  for (const table of overviewTables(overview, lang))
    lines.push([], [table.title], table.columns, ...table.rows.map((row) => row.map((c) => csvValue(c, lang))));
  return csvFile(lines);
}

export async function overviewXlsx(overview: Overview, lang: Lang): Promise<Buffer> {
  const header = (text: string): XlsxCell => ({ value: text, type: String, fontWeight: 'bold' });
  const day = (key: string): XlsxCell => ({ value: new Date(`${key}T00:00:00Z`), type: Date, format: DAY_FORMAT[lang] });
  const tables = overviewTables(overview, lang);
  const sheets: Sheet<never>[] = [
    {
      sheet: sheetName(OVERVIEW_TITLE[lang]),
      data: [[header(OVERVIEW_TITLE[lang])], [header(ABOUT.period[lang]), day(overview.period.firstDay), day(overview.period.lastDay)]],
      columns: [{ width: 34 }, { width: 18 }, { width: 18 }],
    },
    ...tables.map((table) => ({
      sheet: sheetName(table.title),
      data: [table.columns.map(header), ...table.rows.map((row) => row.map((c) => xlsxCell(c, lang)))],
      columns: table.columns.map((_, i) => ({ width: i === 0 ? 24 : table.id === 'teams' && i === table.columns.length - 1 ? 60 : 18 })),
    })),
  ];
  return writeXlsxFile(sheets).toBuffer();
}

export const EXPORT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
