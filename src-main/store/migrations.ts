import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './sqlite.js';
import { StoreError } from './errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `NNNN_name.sql` files; numbers must be unique (gaps are welcome, for hot-fixes). */
export function loadMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE.exec(file);
    if (!match) throw new StoreError('MIGRATIONS_INVALID', `Ugyldigt migrationsnavn: ${file} (forventet NNNN_navn.sql)`);
    migrations.push({ version: Number(match[1]), name: match[2] as string, sql: readFileSync(join(dir, file), 'utf8') });
  }
  assertAscending(migrations);
  return migrations;
}

export function assertAscending(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (m.version <= previous) {
      throw new StoreError('MIGRATIONS_INVALID', `Migration ${m.version} (${m.name}) kommer ikke efter ${previous}: numrene skal stige`);
    }
    previous = m.version;
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies each pending migration in its own transaction together with its user_version bump. */
export function migrate(db: Database, migrations: readonly Migration[]): { from: number; to: number } {
  assertAscending(migrations);
  const from = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new StoreError(
      'DATABASE_NEWER',
      `Databasen er fra en nyere version af Skærmrum (skema ${from}, denne version kender ${latest}). Opdatér programmet. (Database is newer than this app.)`,
    );
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (cause) {
      throw new StoreError('MIGRATION_FAILED', `Migration ${m.version}_${m.name} fejlede; databasen er uændret på version ${schemaVersion(db)}`, { cause });
    }
  }
  return { from, to: schemaVersion(db) };
}
