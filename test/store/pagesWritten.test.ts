import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Visit } from '../../src-shared/domain/visit';
import { loadMigrations, migrate } from '../../src-main/store/migrations';
import { applySessionPragmas } from '../../src-main/store/open';
import { openDatabaseFile, type Database } from '../../src-main/store/sqlite';
import { createVisitStore, type VisitStore } from '../../src-main/store/visitStore';
import { MIGRATIONS_DIR, tempDir, testVisits } from '../helpers/store';

// In the encrypted store every page a commit writes is encrypted and authenticated, and again when
// a checkpoint copies it into the database file. Counted here on a plain file with the same schema
// and session settings (the page numbers in the WAL's frame headers are plaintext either way).
describe('pages a write leaves in the WAL', () => {
  let db: Database;
  let store: VisitStore;
  let file: string;
  let cleanup: () => void;

  beforeEach(() => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    file = join(temp.dir, 'visits.db');
    db = openDatabaseFile(file);
    applySessionPragmas(db);
    migrate(db, loadMigrations(MIGRATIONS_DIR));
    store = createVisitStore(db, file);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  /** The b-tree (table or index) of each page in the WAL, one entry per frame. */
  function walPages(): string[] {
    const wal = readFileSync(`${file}-wal`);
    const pageSize = wal.readUInt32BE(8);
    const owner = new Map(
      db
        .prepare<[], { pageno: number; name: string }>('SELECT pageno, name FROM dbstat')
        .all()
        .map((r) => [r.pageno, r.name]),
    );
    const pages: string[] = [];
    for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) pages.push(owner.get(wal.readUInt32BE(at)) ?? 'unknown');
    return pages;
  }

  it('a status change writes one page each of the visit, the outbox row, its two indexes and the audit entry', () => {
    const visits = testVisits();
    store.upsertVisits(visits);
    const perChange: number[] = [];
    for (const [i, visit] of visits.slice(0, 30).entries()) {
      db.pragma('wal_checkpoint(TRUNCATE)');
      const result = store.setVisitStatus({ visitId: visit.id, status: visit.status === 'completed' ? 'in_progress' : 'completed', actorId: 'p1', atMs: i });
      expect(result.outboxEntry).not.toBeNull();
      // sqlite_schema: page 1, whose header counts the pages when the file grows.
      const pages = walPages().filter((name) => name !== 'sqlite_schema');
      expect([...new Set(pages)].sort()).toEqual(['audit_log', 'outbox', 'outbox_by_state_visit', 'sqlite_autoindex_outbox_1', 'visits']);
      perChange.push(pages.length);
    }
    // More only when a page splits.
    expect(perChange.filter((n) => n === 5).length).toBeGreaterThan(25);
  });

  it('a bulk load copies its own frames into the database, so the next status change starts a fresh WAL', () => {
    const template = testVisits();
    const many = Array.from({ length: 3000 }, (_, i): Visit => ({ ...(template[i % template.length] as Visit), id: `bulk-${i}` }));
    store.upsertVisits(many);
    const visit = many[0] as Visit;
    store.setVisitStatus({ visitId: visit.id, status: visit.status === 'completed' ? 'in_progress' : 'completed', actorId: 'p1', atMs: 1 });
    const [state] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    // Left to the auto-checkpoint at 1000 frames, the load's ~600 frames would still be here, for a click to copy.
    expect(state?.log).toBeLessThanOrEqual(10);
  });
});
