import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src-main/store/errors';
import { loadMigrations, migrate, schemaVersion, type Migration } from '../../src-main/store/migrations';
import { outboxQueries } from '../../src-main/store/outbox';
import { openDatabaseFile } from '../../src-main/store/sqlite';
import { verdictQueries } from '../../src-main/store/verdicts';
import { MIGRATIONS_DIR, tempDir } from '../helpers/store';

const memory = () => openDatabaseFile(':memory:');

describe('numbered migrations', () => {
  const migrations = loadMigrations(MIGRATIONS_DIR);

  it('are numbered, ascending and named', () => {
    expect(migrations.length).toBeGreaterThanOrEqual(5);
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
    expect(migrations.map((m) => m.name)).toContain('visits');
  });

  it.each(loadMigrations(MIGRATIONS_DIR).map((m) => [m.version, m.name] as const))('migration %i (%s) applies on top of the ones before it', (version) => {
    const db = memory();
    migrate(
      db,
      migrations.filter((m) => m.version <= version),
    );
    expect(schemaVersion(db)).toBe(version);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('sets user_version to the last migration and is a no-op the second time', () => {
    const db = memory();
    const latest = migrations.at(-1)?.version;
    expect(migrate(db, migrations)).toEqual({ from: 0, to: latest });
    expect(migrate(db, migrations)).toEqual({ from: latest, to: latest });
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['visits', 'outbox', 'sync_state', 'audit_log', 'room_devices']));
    db.close();
  });

  it('rolls a failing migration back completely and names it', () => {
    const db = memory();
    const broken: Migration[] = [
      { version: 10, name: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 20, name: 'b', sql: 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO missing VALUES (1);' },
    ];
    let error: unknown;
    try {
      migrate(db, broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('MIGRATION_FAILED');
    expect((error as StoreError).message).toContain('20_b');
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('rejects badly named or out-of-order migration files', () => {
    const { dir, cleanup } = tempDir();
    try {
      const bad = join(dir, 'bad');
      mkdirSync(bad);
      writeFileSync(join(bad, '10_short.sql'), 'SELECT 1;');
      expect(() => loadMigrations(bad)).toThrow(/Ugyldigt migrationsnavn/);
      const dup = join(dir, 'dup');
      mkdirSync(dup);
      writeFileSync(join(dup, '0010_a.sql'), 'SELECT 1;');
      writeFileSync(join(dup, '0010_b.sql'), 'SELECT 1;');
      expect(() => loadMigrations(dup)).toThrow(/numrene skal stige/);
    } finally {
      cleanup();
    }
  });

  it('serves the day queue from indexes, not table scans', () => {
    const db = memory();
    migrate(db, migrations);
    const plan = (sql: string) =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join(' | ');
    expect(plan('SELECT * FROM visits WHERE room_id = 1 AND start_ms >= 0 AND start_ms < 9 ORDER BY start_ms, id')).toMatch(/USING INDEX visits_by_room_start/);
    expect(plan('SELECT * FROM visits WHERE practitioner_id = 1 AND start_ms >= 0 AND start_ms < 9 ORDER BY start_ms, id')).toMatch(
      /USING INDEX visits_by_practitioner_start/,
    );
    expect(plan('SELECT * FROM visits WHERE team_id = 1 AND start_ms >= 0 AND start_ms < 9 ORDER BY start_ms, id')).toMatch(/USING INDEX visits_by_team_start/);
    expect(plan("SELECT * FROM outbox WHERE state IN ('pending','inflight') AND next_attempt_ms <= 5")).toMatch(
      /USING INDEX outbox_by_state_visit \(state=\?\)/,
    );
    db.close();
  });

  it('gives the outbox one index beside its mutation ids, and every query but the full list a seek', () => {
    const db = memory();
    migrate(db, migrations);
    const indexes = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name")
      .all()
      .map((r) => r.name);
    // Each index is one more page written (and, in the encrypted store, encrypted) per new row.
    expect(indexes).toEqual(['outbox_by_state_visit', 'sqlite_autoindex_outbox_1']);
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    outboxQueries(db);
    verdictQueries(db);
    const plans = prepared
      .filter((sql) => /\b(FROM|UPDATE) outbox\b/.test(sql) && !/FROM outbox ORDER BY seq$/.test(sql))
      .map((sql) => {
        const params = Array.from(sql.matchAll(/\?/g), () => 1);
        const plan = prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((r) => r.detail)
          .join(' | ');
        return `${sql.replace(/\s+/g, ' ')} => ${plan}`;
      });
    expect(plans.length).toBeGreaterThan(15);
    for (const plan of plans) expect(plan).not.toMatch(/SCAN (o|p|outbox)\b/);
    db.close();
  });
});
