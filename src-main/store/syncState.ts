import type { Database } from './sqlite.js';

export interface SyncState {
  scope: string;
  cursor: string | null;
  lastPullMs: number | null;
  lastFullResyncMs: number | null;
  lastSuccessMs: number | null;
  lastError: string | null;
}

interface SyncStateRow {
  scope: string;
  cursor: string | null;
  last_pull_ms: number | null;
  last_full_resync_ms: number | null;
  last_success_ms: number | null;
  last_error: string | null;
}

export function syncStateQueries(db: Database) {
  const get = db.prepare<[string], SyncStateRow>(
    `SELECT scope, cursor, last_pull_ms, last_full_resync_ms, last_success_ms, last_error FROM sync_state WHERE scope = ?`,
  );
  const put = db.prepare<[SyncStateRow], void>(`
    INSERT INTO sync_state (scope, cursor, last_pull_ms, last_full_resync_ms, last_success_ms, last_error)
    VALUES (@scope, @cursor, @last_pull_ms, @last_full_resync_ms, @last_success_ms, @last_error)
    ON CONFLICT (scope) DO UPDATE SET cursor = excluded.cursor, last_pull_ms = excluded.last_pull_ms,
      last_full_resync_ms = excluded.last_full_resync_ms, last_success_ms = excluded.last_success_ms,
      last_error = excluded.last_error`);
  const forgetFull = db.prepare<[], void>(`UPDATE sync_state SET last_full_resync_ms = NULL`);
  return {
    /** The next sync does a full resync of the day. */
    forgetFullResync(): void {
      forgetFull.run();
    },
    get(scope: string): SyncState | undefined {
      const r = get.get(scope);
      return (
        r && {
          scope: r.scope,
          cursor: r.cursor,
          lastPullMs: r.last_pull_ms,
          lastFullResyncMs: r.last_full_resync_ms,
          lastSuccessMs: r.last_success_ms,
          lastError: r.last_error,
        }
      );
    },
    put(s: SyncState): void {
      put.run({
        scope: s.scope,
        cursor: s.cursor,
        last_pull_ms: s.lastPullMs,
        last_full_resync_ms: s.lastFullResyncMs,
        last_success_ms: s.lastSuccessMs,
        last_error: s.lastError,
      });
    },
  };
}
