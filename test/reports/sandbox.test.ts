import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerFactory } from '../../src-main/api/router';
import type { Report, ReportQuery } from '../../src-shared/reports/figures';
import { resolvePeriod } from '../../src-shared/reports/period';
import { FIGURES } from '../../src-shared/reports/tables';
import { copenhagenWallClock, formatInstant } from '../../src-shared/time/copenhagen';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { signInThroughIdp, startTestServices } from '../helpers/services';
import { expectedTotals, generateQuarter } from '../helpers/reportQuarter';

/**
 * A generated quarter (12 weeks × 1,200 visits) in the sandbox EOJ, reported through the real API
 * of the main process: pulled over FHIR search, computed in the worker thread, cached encrypted,
 * exported, and the exports read back with a CSV parser and the XLSX reader.
 */
type Caller = {
  reports: {
    get(input: unknown): Promise<{ report: Report; fromCache: boolean; refreshError: string | null }>;
    export(input: unknown): Promise<{ fileName: string; mimeType: string; base64: string }>;
  };
};

const QUARTER: ReportQuery = { period: { kind: 'custom', from: '2026-09-14', to: '2026-12-06' }, filters: {} };
let eoj: TestSandbox;
let services: Awaited<ReturnType<typeof startTestServices>>;
let caller: Caller;
let quarter: ReturnType<typeof generateQuarter>;

beforeAll(async () => {
  eoj = await startTestSandbox({ demo: null });
  quarter = generateQuarter({ firstMonday: '2026-09-14', weeks: 12, perWeek: 1_200, seed: 11, nowMs: eoj.clock.nowMs() });
  eoj.seed(quarter.resources);
  services = await startTestServices({
    clock: eoj.clock,
    env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SYNC_INTERVAL_MS: '600000' },
  });
  await signInThroughIdp(services, 'mette'); // team lead of team-skaermenhed-nord
  caller = createCallerFactory(services.router)({}) as unknown as Caller;
}, 120_000);
afterAll(async () => {
  await services?.cleanup();
  await eoj?.cleanup();
});

/** "83,3 %" → 83.3, "12,5" → 12.5, "" → null: the CSV's Danish numbers. */
const danish = (field: string) => (field === '' ? null : Number(field.replace(' %', '').replace(',', '.')));
const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

describe('a quarter of screen visits from the sandbox EOJ', () => {
  let report: Report;
  it('the report of 12 weeks matches the visits counted from the generated plans', async () => {
    const answer = await caller.reports.get({ query: QUARTER });
    report = answer.report;
    expect(answer.fromCache).toBe(false);
    const period = resolvePeriod(QUARTER.period);
    expect(report.totals).toEqual(expectedTotals(quarter.plans, quarter.plans, period.start, period.end));
    expect(report.totals.planned).toBe(14_400);
    expect(report.problems).toBe(0);
    expect(report.trend.map((w) => w.planned)).toEqual(Array(12).fill(1_200));
  });

  it('the same report again comes from the encrypted cache; a filter is computed from the cached facts', async () => {
    const again = await caller.reports.get({ query: QUARTER });
    expect(again.fromCache).toBe(true);
    expect(again.report).toEqual(report);
    const filtered = await caller.reports.get({ query: { ...QUARTER, filters: { taskCode: 'H1.1' } } });
    expect(filtered.fromCache).toBe(true);
    const period = resolvePeriod(QUARTER.period);
    const h11 = quarter.plans.filter((p) => p.task.code === 'H1.1');
    expect(filtered.report.totals).toEqual(expectedTotals(h11, h11, period.start, period.end));
  });

  it('the CSV export (UTF-8 with BOM, ";") parses back to the figures on screen', async () => {
    const file = await caller.reports.export({ query: QUARTER, format: 'csv', lang: 'da' });
    expect(file.fileName).toBe('skaermrum-rapport-2026-09-14-2026-12-06.csv');
    const bytes = Buffer.from(file.base64, 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(bytes, { delimiter: ';', bom: true, relax_column_count: true, skip_empty_lines: true });
    expect(rows[0]).toEqual(['Skærmrum – Ledelsesinformation']);
    for (const [key, label] of Object.entries(FIGURES)) {
      const row = rows.find((r) => r[0] === label.name.da && r[2] === label.definition.da);
      const value = report.totals[key as keyof Report['totals']];
      expect(row, key).toBeDefined();
      expect(danish(row![1]!), key).toBe(label.unit === 'share' ? percent(value) : value);
    }
    const trendHeader = rows.findIndex((r) => r[0] === 'Uge' && r[1] === FIGURES.planned.name.da);
    const trend = rows.slice(trendHeader + 1, trendHeader + 13);
    expect(trend.map((r) => Number(r[1]))).toEqual(report.trend.map((w) => w.planned));
    // Danish conventions: weeks as a leader says them, days and the time of the data in Copenhagen time.
    expect(trend.map((r) => r[0])).toEqual(report.trend.map((w) => `Uge ${Number(w.week.slice(6))}, ${w.week.slice(0, 4)}`));
    expect(trend[0]?.[0]).toBe('Uge 38, 2026');
    expect(rows.find((r) => r[0] === 'Periode')?.[1]).toBe('14-09-2026 – 06-12-2026');
    const dataAt = rows.find((r) => r[0] === 'Data hentet fra EOJ')?.[1];
    expect(dataAt).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}\.\d{2}$/);
    expect(dataAt).toBe(formatInstant(report.dataAt, 'da'));
  });

  it('the XLSX export reads back (read-excel-file) to the same numbers, shares as real numbers', async () => {
    const file = await caller.reports.export({ query: QUARTER, format: 'xlsx', lang: 'da' });
    const sheets = await readXlsxFile(Buffer.from(file.base64, 'base64'));
    const sheetOf = (name: string) => sheets.find((s) => s.sheet.startsWith(name))?.data ?? [];
    expect(sheets.map((s) => s.sheet)).toContain('Nøgletal');
    const sheet = sheetOf('Nøgletal');
    for (const [key, label] of Object.entries(FIGURES)) {
      const row = sheet.find((r) => r[0] === label.name.da);
      expect(row?.[1] ?? null, key).toBe(report.totals[key as keyof Report['totals']]);
    }
    // The period's days and the time of the data are real date cells (Copenhagen wall clock).
    const about = sheets[0]?.data ?? [];
    expect(about.find((r) => r[0] === 'Periode')?.slice(1, 3)).toEqual([new Date('2026-09-14T00:00:00Z'), new Date('2026-12-06T00:00:00Z')]);
    const dataAt = about.find((r) => r[0] === 'Data hentet fra EOJ')?.[1];
    expect(dataAt).toBeInstanceOf(Date);
    const read = (dataAt as unknown as Date).getTime();
    expect(Math.abs(read - copenhagenWallClock(report.dataAt).getTime())).toBeLessThan(1_000);
    const durations = sheetOf('Varighed pr. opgavetype');
    expect(durations.slice(1).map((r) => [r[1], r[2], r[3]])).toEqual(report.durations.map((d) => [d.visits, d.medianMinutes, d.p90Minutes]));
  });

  it('a team lead cannot see another team; offline, the saved report is shown with why it is not new', async () => {
    await expect(caller.reports.get({ query: { ...QUARTER, filters: { teamId: 'team-skaermenhed-syd' } } })).rejects.toThrow(/dit eget team/);
    await eoj.faults({ down: true });
    const offline = await caller.reports.get({ query: QUARTER, refresh: true });
    expect(offline.fromCache).toBe(true);
    expect(offline.refreshError).toMatch(/EOJ/);
    expect(offline.report.totals).toEqual(report.totals);
    await eoj.faults({ down: false });
  });
});
