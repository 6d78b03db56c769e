import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import type { FhirResource, ResourceType } from '../../src-shared/fhir/schemas.js';
import type { Clock } from '../../src-shared/time/clock.js';

/**
 * The sandbox EOJ's resource store: current versions and full history in SQLite (so it survives
 * restarts), with current versions cached in memory for search. versionIds are random UUIDs, as on
 * many real servers, so clients cannot get away with comparing them as numbers.
 */
export interface StoredResource {
  type: ResourceType;
  id: string;
  versionId: string;
  lastUpdatedMs: number;
  resource: FhirResource;
}

export interface HistoryEntry extends StoredResource {
  method: 'POST' | 'PUT';
}

export function openRepository(file: string, clock: Clock) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS current (type TEXT NOT NULL, id TEXT NOT NULL, version_id TEXT NOT NULL,
      last_updated_ms INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (type, id)) STRICT;
    CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL,
      version_id TEXT NOT NULL, last_updated_ms INTEGER NOT NULL, method TEXT NOT NULL, json TEXT NOT NULL) STRICT;
    CREATE INDEX IF NOT EXISTS history_by_time ON history (type, last_updated_ms);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;`);
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare<[string, string], void>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');

  const upsert = db.prepare<[string, string, string, number, string]>(
    `INSERT INTO current (type, id, version_id, last_updated_ms, json) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (type, id) DO UPDATE SET version_id = excluded.version_id, last_updated_ms = excluded.last_updated_ms, json = excluded.json`,
  );
  const addHistory = db.prepare<[string, string, string, number, string, string]>(
    `INSERT INTO history (type, id, version_id, last_updated_ms, method, json) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const historySince = db.prepare<[string, number], { type: string; id: string; version_id: string; last_updated_ms: number; method: string; json: string }>(
    `SELECT type, id, version_id, last_updated_ms, method, json FROM history WHERE type = ? AND last_updated_ms > ? ORDER BY last_updated_ms, seq`,
  );
  const versionOf = db.prepare<[string, string, string], { json: string; version_id: string; last_updated_ms: number }>(
    `SELECT json, version_id, last_updated_ms FROM history WHERE type = ? AND id = ? AND version_id = ?`,
  );

  const cache = new Map<string, StoredResource>();
  for (const row of db.prepare<[], { type: string; id: string; version_id: string; last_updated_ms: number; json: string }>('SELECT * FROM current').all()) {
    cache.set(`${row.type}/${row.id}`, {
      type: row.type as ResourceType,
      id: row.id,
      versionId: row.version_id,
      lastUpdatedMs: row.last_updated_ms,
      resource: JSON.parse(row.json) as FhirResource,
    });
  }
  let lastMs = Math.max(0, ...[...cache.values()].map((r) => r.lastUpdatedMs));

  // Never earlier than the last write (clock steps back), but equal instants happen, as on real
  // servers: clients overlap their `_lastUpdated` cursor and de-duplicate.
  const nextInstant = () => (lastMs = Math.max(clock.nowMs(), lastMs));

  const write = db.transaction((type: ResourceType, id: string, body: FhirResource, method: 'POST' | 'PUT'): StoredResource => {
    const versionId = randomUUID();
    const lastUpdatedMs = nextInstant();
    const resource = { ...body, id, meta: { ...(body.meta ?? {}), versionId, lastUpdated: new Date(lastUpdatedMs).toISOString() } } as FhirResource;
    const json = JSON.stringify(resource);
    upsert.run(type, id, versionId, lastUpdatedMs, json);
    addHistory.run(type, id, versionId, lastUpdatedMs, method, json);
    const stored = { type, id, versionId, lastUpdatedMs, resource };
    cache.set(`${type}/${id}`, stored);
    return stored;
  });

  return {
    get: (type: string, id: string) => cache.get(`${type}/${id}`),
    all: (type: ResourceType) => [...cache.values()].filter((r) => r.type === type),
    create: (type: ResourceType, body: FhirResource, id: string = randomUUID()) => write(type, id, body, 'POST'),
    update: (type: ResourceType, id: string, body: FhirResource) => write(type, id, body, 'PUT'),
    /** Many resources in one transaction (seeding). */
    createMany: db.transaction((items: FhirResource[]) => items.map((r) => write(r.resourceType, r.id ?? randomUUID(), r, 'POST'))),
    historySince(type: ResourceType, sinceMs: number): HistoryEntry[] {
      return historySince.all(type, sinceMs).map((r) => ({
        type: r.type as ResourceType,
        id: r.id,
        versionId: r.version_id,
        lastUpdatedMs: r.last_updated_ms,
        method: r.method as 'POST' | 'PUT',
        resource: JSON.parse(r.json) as FhirResource,
      }));
    },
    version(type: string, id: string, versionId: string): FhirResource | undefined {
      const row = versionOf.get(type, id, versionId);
      return row ? (JSON.parse(row.json) as FhirResource) : undefined;
    },
    isEmpty: () => cache.size === 0,
    /** The shape of the stored data (src-server/eoj/dataMigrations.ts); 0 for a store from before versions. */
    dataVersion: (): number => Number(getMeta.get('data_version')?.value ?? (cache.size === 0 ? -1 : 0)),
    setDataVersion: (version: number): void => {
      setMeta.run('data_version', String(version));
    },
    /** Several writes in one transaction (a data migration). */
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    /** Removes everything (the sandbox re-seeds a fresh demo day on a new day). */
    clear: db.transaction(() => {
      db.exec('DELETE FROM current; DELETE FROM history;');
      cache.clear();
    }),
    close: () => db.close(),
  };
}
export type Repository = ReturnType<typeof openRepository>;
