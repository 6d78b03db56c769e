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

/** Half-open instant range [from, to); null: unbounded on that side. */
export interface DateRange {
  from: number | null;
  to: number | null;
}

const DAY_MS = 86_400_000;

/**
 * `dateOf`: the instant a resource is searched by (its type's date parameter), if any: resources
 * are then also kept by day, so a search of a few days reads those days only, not weeks of history.
 */
export function openRepository(file: string, clock: Clock, options: { dateOf?: (resource: FhirResource) => number | null } = {}) {
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

  // Current versions by type, then id: a search reads one type's resources, not every stored one.
  const cache = new Map<ResourceType, Map<string, StoredResource>>();
  const ofType = (type: ResourceType) => cache.get(type) ?? cache.set(type, new Map()).get(type)!;
  let size = 0;
  /** Counts writes: what was read before a write may be stale after it. */
  let writes = 0;
  // Per type, by UTC day number of the resource's date (resources without one are not kept here).
  const byDay = new Map<ResourceType, Map<number, Map<string, StoredResource>>>();
  const dayOf = (stored: StoredResource): number | null => {
    const ms = options.dateOf?.(stored.resource) ?? null;
    return ms === null || Number.isNaN(ms) ? null : Math.floor(ms / DAY_MS);
  };
  const remember = (stored: StoredResource) => {
    const resources = ofType(stored.type);
    const previous = resources.get(stored.id);
    if (!previous) size++;
    resources.set(stored.id, stored);
    if (!options.dateOf) return;
    const days = byDay.get(stored.type) ?? byDay.set(stored.type, new Map()).get(stored.type)!;
    const was = previous ? dayOf(previous) : null;
    if (was !== null) days.get(was)?.delete(stored.id);
    const day = dayOf(stored);
    if (day !== null) (days.get(day) ?? days.set(day, new Map()).get(day)!).set(stored.id, stored);
  };
  /** The resources of the type that may have a date within the range (those of its days). */
  const within = (type: ResourceType, range: DateRange): StoredResource[] => {
    const first = range.from === null ? Number.NEGATIVE_INFINITY : Math.floor(range.from / DAY_MS);
    const last = range.to === null ? Number.POSITIVE_INFINITY : Math.floor((range.to - 1) / DAY_MS);
    const out: StoredResource[] = [];
    for (const [day, resources] of byDay.get(type) ?? []) if (day >= first && day <= last) for (const r of resources.values()) out.push(r);
    return out;
  };
  let lastMs = 0;
  for (const row of db
    .prepare<[], { type: string; id: string; version_id: string; last_updated_ms: number; json: string }>('SELECT * FROM current')
    .iterate()) {
    remember({
      type: row.type as ResourceType,
      id: row.id,
      versionId: row.version_id,
      lastUpdatedMs: row.last_updated_ms,
      resource: JSON.parse(row.json) as FhirResource,
    });
    // A loop, not Math.max(...all): a spread of a large store's instants overflows the stack.
    if (row.last_updated_ms > lastMs) lastMs = row.last_updated_ms;
  }

  // Never earlier than the last write (clock steps back), but equal instants happen, as on real
  // servers: clients overlap their `_lastUpdated` cursor and de-duplicate.
  const nextInstant = () => (lastMs = Math.max(clock.nowMs(), lastMs));

  const writeOne = (type: ResourceType, id: string, body: FhirResource, method: 'POST' | 'PUT'): StoredResource => {
    const versionId = randomUUID();
    const lastUpdatedMs = nextInstant();
    const resource = { ...body, id, meta: { ...(body.meta ?? {}), versionId, lastUpdated: new Date(lastUpdatedMs).toISOString() } } as FhirResource;
    const json = JSON.stringify(resource);
    upsert.run(type, id, versionId, lastUpdatedMs, json);
    addHistory.run(type, id, versionId, lastUpdatedMs, method, json);
    const stored = { type, id, versionId, lastUpdatedMs, resource };
    remember(stored);
    writes++;
    return stored;
  };
  const write = db.transaction(writeOne);

  return {
    get: (type: string, id: string) => cache.get(type as ResourceType)?.get(id),
    /** The type's current resources; with a date range (and `dateOf`), only those that may lie within it. */
    all: (type: ResourceType, range?: DateRange): StoredResource[] =>
      options.dateOf && range && (range.from !== null || range.to !== null) ? within(type, range) : [...(cache.get(type)?.values() ?? [])],
    create: (type: ResourceType, body: FhirResource, id: string = randomUUID()) => write(type, id, body, 'POST'),
    update: (type: ResourceType, id: string, body: FhirResource) => write(type, id, body, 'PUT'),
    /** Many resources in one transaction (seeding), without a savepoint for each. */
    createMany: db.transaction((items: FhirResource[]) => items.map((r) => writeOne(r.resourceType, r.id ?? randomUUID(), r, 'POST'))),
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
    isEmpty: () => size === 0,
    /** Changes with every write (search results cached at one count are stale at another). */
    writeCount: (): number => writes,
    /** The shape of the stored data (src-server/eoj/dataMigrations.ts); 0 for a store from before versions. */
    dataVersion: (): number => Number(getMeta.get('data_version')?.value ?? (size === 0 ? -1 : 0)),
    setDataVersion: (version: number): void => {
      setMeta.run('data_version', String(version));
    },
    /** Several writes in one transaction (a data migration). */
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    /** Removes everything (the sandbox re-seeds a fresh demo day on a new day). */
    clear: db.transaction(() => {
      db.exec('DELETE FROM current; DELETE FROM history;');
      cache.clear();
      byDay.clear();
      size = 0;
      writes++;
    }),
    close: () => db.close(),
  };
}
export type Repository = ReturnType<typeof openRepository>;
