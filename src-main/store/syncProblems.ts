import { SyncProblem } from '../../src-shared/domain/outbox.js';
import type { ResourceProblem } from '../../src-shared/domain/outbox.js';
import type { Database } from './sqlite.js';

interface ProblemRow {
  resource: string;
  field: string;
  kind: string;
  detail: string;
  first_seen_ms: number;
  last_seen_ms: number;
}

const toProblem = (r: ProblemRow): SyncProblem =>
  SyncProblem.parse({
    resource: r.resource,
    field: r.field,
    kind: r.kind,
    detail: r.detail,
    firstSeenAt: new Date(r.first_seen_ms).toISOString(),
    lastSeenAt: new Date(r.last_seen_ms).toISOString(),
  });

export function syncProblemQueries(db: Database) {
  const put = db.prepare<[string, string, string, string, number, number], void>(`
    INSERT INTO sync_problems (resource, field, kind, detail, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (resource) DO UPDATE SET field = excluded.field, kind = excluded.kind, detail = excluded.detail, last_seen_ms = excluded.last_seen_ms`);
  const clear = db.prepare<[string], void>(`DELETE FROM sync_problems WHERE resource = ?`);
  const clearOlder = db.prepare<[string, number], void>(`DELETE FROM sync_problems WHERE resource LIKE ? AND last_seen_ms < ?`);
  const all = db.prepare<[], ProblemRow>(`SELECT * FROM sync_problems ORDER BY first_seen_ms, resource`);
  const count = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sync_problems`);
  return {
    put(resource: string, problem: ResourceProblem, atMs: number): void {
      put.run(resource, problem.field, problem.kind, problem.detail, atMs, atMs);
    },
    /** The resource read well: no longer a problem. */
    clear(resource: string): void {
      clear.run(resource);
    },
    /** A full pull that did not meet a resource of the type again since `sinceMs`: it is gone. */
    clearNotSeenSince(type: string, sinceMs: number): void {
      clearOlder.run(`${type}/%`, sinceMs);
    },
    list: (): SyncProblem[] => all.all().map(toProblem),
    count: (): number => count.get()?.n ?? 0,
  };
}
