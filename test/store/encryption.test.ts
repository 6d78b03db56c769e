import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Visit } from '../../src-shared/domain/visit';
import { openDatabaseFile } from '../../src-main/store/sqlite';
import { createVisitStore } from '../../src-main/store/visitStore';
import { loadMigrations, migrate } from '../../src-main/store/migrations';
import { applySessionPragmas } from '../../src-main/store/open';
import { MIGRATIONS_DIR, openTestStore, tempDir, testVisits } from '../helpers/store';

const NAME = 'Valdemar Hemmeligsen';
const CPR = '230541-xxxx';
const NOTE = 'Insulindosis 14 IE efter aftensmad';

function secretVisits(): Visit[] {
  return testVisits().map((v, i) => (i % 10 === 0 ? { ...v, citizen: { ...v.citizen, name: NAME, cprMasked: CPR }, notes: NOTE } : v));
}

/** Every file the database left in its folder, with the secrets it contains in any common encoding. */
function leaks(dir: string): { files: string[]; found: string[] } {
  const files = readdirSync(dir);
  const found: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    for (const secret of [NAME, CPR, CPR.slice(0, 6), NOTE, 'Hemmeligsen']) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        if (bytes.includes(Buffer.from(secret, encoding))) found.push(`${file}: ${secret} (${encoding})`);
      }
    }
  }
  return { files, found };
}

describe('encryption at rest', () => {
  it('leaves no name, CPR or note in the database, its WAL or any other file, open or closed', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const store = await openTestStore(dir);
      store.upsertVisits(secretVisits());
      for (const v of store.dayQueue({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }).slice(0, 30)) {
        store.setVisitStatus({ visitId: v.id, status: 'completed', actorId: 'p', atMs: 1 });
      }
      const whileOpen = leaks(dir);
      expect(whileOpen.files).toEqual(expect.arrayContaining(['visits.db', 'visits.db-wal']));
      expect(readFileSync(join(dir, 'visits.db-wal')).length).toBeGreaterThan(0);
      expect(whileOpen.found).toEqual([]);
      store.close();
      const afterClose = leaks(dir);
      expect(afterClose.found).toEqual([]);
      // Only the database and its WAL/shm: no temp files (temp_store = MEMORY).
      expect(afterClose.files.every((f) => f.startsWith('visits.db'))).toBe(true);
      const header = readFileSync(join(dir, 'visits.db')).subarray(0, 16).toString('latin1');
      expect(header.startsWith('SQLite format 3')).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('control: the same check finds the secrets in an unencrypted database', () => {
    const { dir, cleanup } = tempDir();
    try {
      const db = openDatabaseFile(join(dir, 'visits.db'));
      applySessionPragmas(db);
      migrate(db, loadMigrations(MIGRATIONS_DIR));
      const store = createVisitStore(db, join(dir, 'visits.db'));
      store.upsertVisits(secretVisits());
      store.close();
      expect(leaks(dir).found.length).toBeGreaterThan(0);
      expect(readFileSync(join(dir, 'visits.db')).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    } finally {
      cleanup();
    }
  });
});
