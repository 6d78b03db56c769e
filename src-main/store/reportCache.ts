import type { Database } from './sqlite.js';

/** How many of each kind are kept: the least recently used go first. */
const KEEP = { facts: 12, report: 60 } as const;
export type ReportCacheKind = keyof typeof KEEP;

interface Row {
  body: string;
  data_at_ms: number;
}

/** The report cache (migrations/0110): JSON bodies the report service checks when it reads them back. */
export function reportCacheQueries(db: Database) {
  const get = db.prepare<[string, string], Row>('SELECT body, data_at_ms FROM report_cache WHERE key = ? AND kind = ?');
  const touch = db.prepare<[number, string], void>('UPDATE report_cache SET used_ms = ? WHERE key = ?');
  const put = db.prepare<[{ key: string; kind: string; body: string; data_at_ms: number; used_ms: number }], void>(`
    INSERT INTO report_cache (key, kind, body, data_at_ms, used_ms) VALUES (@key, @kind, @body, @data_at_ms, @used_ms)
    ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, body = excluded.body, data_at_ms = excluded.data_at_ms, used_ms = excluded.used_ms`);
  const evict = db.prepare<[string, string, number], void>(
    'DELETE FROM report_cache WHERE kind = ? AND key NOT IN (SELECT key FROM report_cache WHERE kind = ? ORDER BY used_ms DESC LIMIT ?)',
  );
  const dropKind = db.prepare<[string], void>('DELETE FROM report_cache WHERE kind = ?');
  return {
    get(kind: ReportCacheKind, key: string, atMs: number): { body: string; dataAtMs: number } | null {
      const row = get.get(key, kind);
      if (!row) return null;
      touch.run(atMs, key);
      return { body: row.body, dataAtMs: row.data_at_ms };
    },
    put: db.transaction((kind: ReportCacheKind, key: string, body: string, dataAtMs: number, atMs: number) => {
      put.run({ key, kind, body, data_at_ms: dataAtMs, used_ms: atMs });
      evict.run(kind, kind, KEEP[kind]);
    }),
    /** Computed reports are dropped when their facts are read again. */
    dropReports: () => dropKind.run('report'),
  };
}
