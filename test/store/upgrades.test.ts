import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrations, schemaVersion } from '../../src-main/store/migrations';
import { openEncryptedDatabase } from '../../src-main/store/open';
import { outboxQueries } from '../../src-main/store/outbox';
import { auditQueries } from '../../src-main/store/audit';
import type { Database } from '../../src-main/store/sqlite';
import { MIGRATIONS_DIR, tempDir, testKeychain } from '../helpers/store';

/**
 * A room PC updates from whatever version it had: each migration that changes an existing table
 * (adds columns, replaces indexes) is run on a real encrypted database made at the version before
 * it, with real rows, and nothing may be lost or changed. Then the oldest such database, with
 * unsent outbox rows, opens in today's store with every row still pending, in order.
 */
const migrations = loadMigrations(MIGRATIONS_DIR);
const CHANGING = migrations.filter((m) => /\bALTER TABLE\b|\bDROP INDEX\b/i.test(m.sql)).map((m) => m.version);
const { dir, cleanup } = tempDir('skaermrum-upgrades-');
afterAll(cleanup);

const hasTable = (db: Database, name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
const T0 = Date.parse('2026-03-10T08:00:00Z');

/** Rows as a room PC would have them: visits, their outbox (pending, in flight, done, refused), audit, calls, workflow. */
function seed(db: Database): void {
  const visit = db.prepare(
    `INSERT INTO visits (id, version_id, start_ms, end_ms, citizen_id, citizen_name, citizen_cpr_masked, citizen_address,
       task_code, task_type, task_description, practitioner_id, practitioner_name, room_id, room_name, team_id, status, notes, updated_ms)
     VALUES (?, ?, ?, ?, ?, 'Inger Møllegaard', '010150-xxxx', 'Kløvervej 3, 4000 Roskilde', NULL, 'Medicin', 'Påmind om morgenmedicin', 'practitioner-2',
       'Louise Dalgaard', 'room-1', 'Videorum 1', 'team-skaermenhed-nord', ?, ?, ?)`,
  );
  const statuses = ['planned', 'completed', 'not_answered', 'cancelled'] as const;
  for (let i = 0; i < 40; i++) {
    const start = T0 + i * 15 * 60_000;
    visit.run(`visit-${i}`, String(i % 3), start, start + 10 * 60_000, `citizen-${i % 7}`, statuses[i % 4], i % 5 === 0 ? 'Husk briller' : '', start);
  }
  const outbox = db.prepare(
    `INSERT INTO outbox (mutation_id, visit_id, intent, base_version, state, attempts, next_attempt_ms, last_error, created_ms, updated_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const states = ['pending', 'pending', 'inflight', 'done', 'conflict', 'dead'] as const;
  for (let i = 0; i < 30; i++) {
    const at = T0 + i * 60_000;
    const intent = JSON.stringify({ kind: 'visit.status', status: 'completed', at: new Date(at).toISOString(), actorId: 'practitioner-2' });
    const state = states[i % states.length] as string;
    outbox.run(
      `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      `visit-${i % 40}`,
      intent,
      String(i % 3),
      state,
      i % 4,
      at + 5_000,
      state === 'conflict' ? 'HTTP 412' : null,
      at,
      at,
    );
  }
  const audit = db.prepare('INSERT INTO audit_log (at_ms, actor_id, action, subject_type, subject_id, details) VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 10; i++)
    audit.run(T0 + i, 'practitioner-2', 'citizen.cpr_revealed', 'Patient', `citizen-${i}`, JSON.stringify({ visitId: `visit-${i}` }));
  if (hasTable(db, 'calls')) {
    const call = db.prepare('INSERT INTO calls (call_id, visit_id, staff_id, rang_ms, connected_ms, ended_ms, end_reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 8; i++)
      call.run(`call-${i}`, `visit-${i}`, 'practitioner-2', T0 + i, i % 2 ? null : T0 + i + 4_000, T0 + i + 600_000, i % 2 ? 'no_answer' : 'hung_up');
  }
  if (hasTable(db, 'visit_workflow')) {
    const workflow = db.prepare(
      `INSERT INTO visit_workflow (visit_id, citizen_id, failed_attempts, outcome, note, duration_s, retry_at_ms, called_at_ms, recorded_by, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'practitioner-2', ?)`,
    );
    for (let i = 0; i < 6; i++)
      workflow.run(
        `visit-${i}`,
        `citizen-${i % 7}`,
        i % 3,
        i % 2 ? 'not_answered' : 'completed',
        'Tog medicinen',
        i % 2 ? null : 480,
        i % 2 ? T0 + 300_000 : null,
        T0 + i,
        T0 + i,
      );
  }
}

/** Every row of every table, by rowid. */
function snapshot(db: Database): Map<string, Record<string, unknown>[]> {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r.name);
  return new Map(tables.map((t) => [t, db.prepare<[], Record<string, unknown>>(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
}

const upTo = (version: number) => migrations.filter((m) => m.version <= version);

describe('upgrades keep every row', () => {
  it('the migrations that change an existing table are known and each tested here', () => {
    expect(CHANGING).toEqual(expect.arrayContaining([60, 80, 90, 160]));
  });

  it.each(CHANGING)('migration %i, from a database of the version before it', async (version) => {
    const keychain = testKeychain();
    const file = join(dir, `from-${version}.db`);
    const before = migrations.filter((m) => m.version < version).at(-1)?.version ?? 0;
    const old = await openEncryptedDatabase({ file, keychain, migrations: upTo(before) });
    expect(schemaVersion(old)).toBe(before);
    seed(old);
    const rows = snapshot(old);
    old.close();

    const updated = await openEncryptedDatabase({ file, keychain, migrations: upTo(version) });
    expect(schemaVersion(updated)).toBe(version);
    expect(updated.pragma('integrity_check', { simple: true })).toBe('ok');
    const after = snapshot(updated);
    for (const [table, was] of rows) {
      const now = after.get(table) ?? [];
      expect(now.length, `${table} after ${version}`).toBe(was.length);
      // The old columns keep their values; what a migration adds starts empty or at its default.
      now.forEach((row, i) => expect(row, `${table} row ${i}`).toMatchObject(was[i] as Record<string, unknown>));
    }
    updated.close();
  });

  it('the oldest changed schema, with unsent outbox rows, opens in today\u2019s store with every row still pending, in order', async () => {
    const keychain = testKeychain();
    const file = join(dir, 'oldest.db');
    const first = Math.min(...CHANGING);
    const old = await openEncryptedDatabase({ file, keychain, migrations: migrations.filter((m) => m.version < first) });
    seed(old);
    const pending = old.prepare<[], { mutation_id: string }>("SELECT mutation_id FROM outbox WHERE state IN ('pending', 'inflight') ORDER BY seq").all();
    old.close();

    const today = await openEncryptedDatabase({ file, keychain, migrations });
    expect(schemaVersion(today)).toBe(migrations.at(-1)?.version);
    const outbox = outboxQueries(today);
    const unsent = outbox.list().filter((e) => e.state === 'pending' || e.state === 'inflight');
    expect(unsent.map((e) => e.mutationId)).toEqual(pending.map((p) => p.mutation_id));
    // All are handed to the sync in their order (one in flight when the PC closed for the update is
    // sent again: its mutation id makes that safe), their intents readable by today's code.
    const due = outbox.due(T0 + 86_400_000, 100);
    expect(due.map((e) => e.mutationId)).toEqual(unsent.map((e) => e.mutationId));
    expect(due.every((e) => e.intent.kind === 'visit.status')).toBe(true);
    today.close();
  });

  it('migration 160: every audit row of a room PC becomes a queued AuditEvent with its own event id and its citizen, nothing lost', async () => {
    const keychain = testKeychain();
    const file = join(dir, 'audit-outbox.db');
    const old = await openEncryptedDatabase({ file, keychain, migrations: upTo(150) });
    seed(old);
    // What the log held on a room PC: sign-ins, status changes and moves of visits, a reveal, the start.
    const audit = old.prepare('INSERT INTO audit_log (at_ms, actor_id, action, subject_type, subject_id, details) VALUES (?, ?, ?, ?, ?, ?)');
    const more: [string, string, string | null, string | null][] = [
      ['system', 'store.opened', null, null],
      ['practitioner-2', 'session.signed_in', null, null],
      ['practitioner-2', 'visit.status_changed', 'Appointment', 'visit-3'],
      ['practitioner-1', 'visit.moved', 'Appointment', 'visit-8'],
      ['practitioner-1', 'visit.moved', 'Appointment', 'visit-gone'],
      ['practitioner-2', 'room.devices_saved', 'Location', 'room-1'],
    ];
    more.forEach(([actor, action, type, id], i) => audit.run(T0 + 100 + i, actor, action, type, id, JSON.stringify({ mutationId: `m-${i}` })));
    const before = old.prepare<[], Record<string, unknown>>('SELECT * FROM audit_log ORDER BY id').all();
    old.close();

    const updated = await openEncryptedDatabase({ file, keychain, migrations: upTo(160) });
    const rows = updated
      .prepare<[], Record<string, unknown> & { event_id: string; patient_id: string | null; send_state: string }>('SELECT * FROM audit_log ORDER BY id')
      .all();
    expect(rows).toHaveLength(16);
    rows.forEach((row, i) => expect(row).toMatchObject(before[i] as Record<string, unknown>));
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(16);
    for (const r of rows) expect(r.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rows.every((r) => r.send_state === 'pending' && r.send_attempts === 0 && r.sent_ms === null)).toBe(true);
    // The citizen: a Patient subject's own id, an Appointment's from its visit where it is still held.
    expect(rows.slice(0, 10).map((r) => r.patient_id)).toEqual(Array.from({ length: 10 }, (_, i) => `citizen-${i}`));
    expect(rows.slice(10).map((r) => r.patient_id)).toEqual([null, null, 'citizen-3', 'citizen-1', null, null]);
    // Queued, oldest first, for the sender whose they are (and the room PC's own).
    const queue = auditQueries(updated);
    expect(queue.due(T0 + 86_400_000, 100, 'practitioner-2').map((e) => e.eventId)).toEqual(
      rows.filter((r) => r.actor_id === 'practitioner-2' || r.actor_id === 'system').map((r) => r.event_id),
    );
    expect(queue.summary()).toEqual({ pending: 16, refused: 0 });
    updated.close();
  });
});
