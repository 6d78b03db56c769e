import Database from 'better-sqlite3-multiple-ciphers';
import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../../src-shared/time/clock.js';

/**
 * oidc-provider's storage (sessions, grants, refresh tokens, interactions) in a SQLite file of the
 * sandbox's, so a restart keeps everyone signed in, as a real IdP does. Expired rows are ignored
 * and swept. `clock` is the machine's: the IdP's own times are.
 */
export function sqliteAdapter(file: string, clock: Clock): { factory: AdapterFactory; close(): void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS oidc (
    model TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL, grant_id TEXT, uid TEXT, user_code TEXT,
    expires_at_ms INTEGER, consumed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (model, id))`);
  db.exec('CREATE INDEX IF NOT EXISTS oidc_grant ON oidc (grant_id)');
  db.prepare('DELETE FROM oidc WHERE expires_at_ms IS NOT NULL AND expires_at_ms < ?').run(clock.nowMs());
  const upsert = db.prepare(
    `INSERT INTO oidc (model, id, payload, grant_id, uid, user_code, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
       user_code = excluded.user_code, expires_at_ms = excluded.expires_at_ms`,
  );
  const byId = db.prepare<[string, string, number], { payload: string; consumed: number }>(
    'SELECT payload, consumed FROM oidc WHERE model = ? AND id = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?)',
  );
  const byUid = db.prepare<[string, string, number], { payload: string; consumed: number }>(
    'SELECT payload, consumed FROM oidc WHERE model = ? AND uid = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?)',
  );
  const byUserCode = db.prepare<[string, string, number], { payload: string; consumed: number }>(
    'SELECT payload, consumed FROM oidc WHERE model = ? AND user_code = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?)',
  );
  const consume = db.prepare('UPDATE oidc SET consumed = ? WHERE model = ? AND id = ?');
  const destroy = db.prepare('DELETE FROM oidc WHERE model = ? AND id = ?');
  const revoke = db.prepare('DELETE FROM oidc WHERE grant_id = ?');
  const read = (row: { payload: string; consumed: number } | undefined): AdapterPayload | undefined =>
    row ? { ...(JSON.parse(row.payload) as AdapterPayload), ...(row.consumed ? { consumed: Math.floor(row.consumed / 1000) } : {}) } : undefined;

  const factory: AdapterFactory = (model: string): Adapter => ({
    async upsert(id, payload, expiresIn) {
      upsert.run(
        model,
        id,
        JSON.stringify(payload),
        payload.grantId ?? null,
        payload.uid ?? null,
        payload.userCode ?? null,
        expiresIn ? clock.nowMs() + expiresIn * 1000 : null,
      );
    },
    find: async (id) => read(byId.get(model, id, clock.nowMs())),
    findByUid: async (uid) => read(byUid.get(model, uid, clock.nowMs())),
    findByUserCode: async (code) => read(byUserCode.get(model, code, clock.nowMs())),
    async consume(id) {
      consume.run(clock.nowMs(), model, id);
    },
    async destroy(id) {
      destroy.run(model, id);
    },
    async revokeByGrantId(grantId) {
      revoke.run(grantId);
    },
  });
  return { factory, close: () => db.close() };
}
