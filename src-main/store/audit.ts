import { randomUUID } from 'node:crypto';
import { AuditAction, AuditProblem, WORKSTATION_ACTIONS, WORKSTATION_ACTORS, type AuditQueueSummary, type AuditRecord } from '../../src-shared/domain/audit.js';
import type { SyncError } from '../../src-shared/domain/outbox.js';
import { StaffRole } from '../../src-shared/domain/visit.js';
import type { Database } from './sqlite.js';
import { errorOf } from './outbox.js';

/**
 * The audit log: who did what when, ids and codes only (never health data or names). It is the
 * queue of the EOJ's record, not the record itself: each row goes to the EOJ once as an AuditEvent
 * (src-main/sync/auditPush.ts), by its stable event id, and sent rows may be pruned after a while.
 */
export type { AuditAction } from '../../src-shared/domain/audit.js';
export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEntry {
  id: number;
  eventId: string;
  at: string;
  actorId: string;
  action: AuditAction;
  subjectType: string | null;
  subjectId: string | null;
  patientId: string | null;
  details: AuditDetails;
  sendState: 'pending' | 'sent' | 'refused';
}

export interface NewAuditEntry {
  atMs: number;
  actorId: string;
  action: AuditAction;
  subjectType?: string;
  subjectId?: string;
  /** The citizen, when the subject does not say (an Appointment's is found from the visit). */
  patientId?: string;
  details?: AuditDetails;
  /** Supplied by callers that must know it before the commit returns (tests, the benchmark). */
  eventId?: string;
}

/** Who is signed in on this PC: their events carry the role and the room they were in. */
export interface AuditActor {
  practitionerId: string;
  role: StaffRole;
  roomId: string | null;
}

interface AuditRow {
  id: number;
  event_id: string;
  at_ms: number;
  actor_id: string;
  action: AuditAction;
  subject_type: string | null;
  subject_id: string | null;
  patient_id: string | null;
  actor_role: string | null;
  room_id: string | null;
  details: string;
  send_state: 'pending' | 'sent' | 'refused';
  send_attempts: number;
  send_error: string | null;
}

const COLUMNS =
  'id, event_id, at_ms, actor_id, action, subject_type, subject_id, patient_id, actor_role, room_id, details, send_state, send_attempts, send_error';
const quoted = (list: readonly string[]) => list.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');

/** A queued row ready to send: what the EOJ gateway turns into an AuditEvent. */
export interface QueuedAuditEvent extends AuditRecord {
  /** The row (its rowid): how the sender marks it, without searching the log for the event id. */
  seq: number;
  attempts: number;
}

function recordOf(r: AuditRow): QueuedAuditEvent {
  const role = StaffRole.safeParse(r.actor_role);
  return {
    seq: r.id,
    eventId: r.event_id,
    at: new Date(r.at_ms).toISOString(),
    actorId: r.actor_id,
    actorRole: role.success ? role.data : null,
    roomId: r.room_id,
    // Parsed, not cast: a row an older version wrote with an action this one no longer knows fails loudly.
    action: AuditAction.parse(r.action),
    subject: r.subject_type && r.subject_id ? { type: r.subject_type, id: r.subject_id } : null,
    patientId: r.patient_id,
    attempts: r.send_attempts,
  };
}

export function auditQueries(db: Database) {
  const insert = db.prepare<
    [number, string, string, string | null, string | null, string, string, string | null, string | null, string | null, string | null, string | null, number],
    void
  >(
    `INSERT INTO audit_log (at_ms, actor_id, action, subject_type, subject_id, details, event_id, patient_id, actor_role, room_id, next_send_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE(?, CASE WHEN ? = 'Appointment' THEN (SELECT citizen_id FROM visits WHERE id = ?) END), ?, ?, ?)`,
  );
  const recent = db.prepare<[number], AuditRow>(`SELECT ${COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?`);
  const byEvent = db.prepare<[string], AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE event_id = ?`);
  // The rows a sender may send now: its own, and the room PC's. Another person's wait for them
  // (an EOJ accepts a person's events only under their own sign-in).
  const due = db.prepare<[number, number, string, number], AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log
     WHERE id >= ? AND send_state = 'pending' AND next_send_ms <= ?
       AND (actor_id = ? OR action IN (${quoted(WORKSTATION_ACTIONS)}) OR actor_id IN (${quoted(WORKSTATION_ACTORS)}))
     ORDER BY id LIMIT ?`,
  );
  const firstPending = db.prepare<[number], { id: number }>(`SELECT id FROM audit_log WHERE id >= ? AND send_state = 'pending' ORDER BY id LIMIT 1`);
  const lastId = db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM audit_log`);
  const sent = db.prepare<[number, number], void>(
    `UPDATE audit_log SET send_state = 'sent', sent_ms = ?, send_error = NULL WHERE id = ? AND send_state = 'pending'`,
  );
  const retry = db.prepare<[number, string, number], void>(
    `UPDATE audit_log SET send_attempts = send_attempts + 1, next_send_ms = ?, send_error = ? WHERE id = ? AND send_state = 'pending'`,
  );
  const refuse = db.prepare<[string, number], void>(
    `UPDATE audit_log SET send_state = 'refused', send_attempts = send_attempts + 1, send_error = ? WHERE id = ? AND send_state = 'pending'`,
  );
  const requeue = db.prepare<[number, string], { id: number }>(
    `UPDATE audit_log SET send_state = 'pending', send_attempts = 0, next_send_ms = ? WHERE event_id = ? AND send_state = 'refused' RETURNING id`,
  );
  const retryNow = db.prepare<[number, number, number], void>(
    `UPDATE audit_log SET next_send_ms = ? WHERE id >= ? AND send_state = 'pending' AND next_send_ms > ?`,
  );
  const problems = db.prepare<[], AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE send_state = 'refused' ORDER BY id`);
  const pendingFrom = db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM audit_log WHERE id >= ? AND send_state = 'pending'`);
  const refusedCount = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM audit_log WHERE send_state = 'refused'`);
  const prune = db.prepare<[number], void>(`DELETE FROM audit_log WHERE send_state = 'sent' AND sent_ms < ?`);

  let context: AuditActor | null = null;
  // Refused rows are few and anywhere in the log: counted once, then kept up to date here.
  let refused: number | null = null;
  const refusedNow = () => (refused ??= refusedCount.get()?.n ?? 0);
  /** Every row below this one is sent or refused: the sender seeks from here (the rowid), not through all. */
  let settledBelow = 0;
  const advance = () => {
    const first = firstPending.get(settledBelow)?.id;
    settledBelow = first ?? (lastId.get()?.id ?? 0) + 1;
  };

  return {
    /** Who is signed in now (null: nobody). Their events carry the role and room. */
    setActor(actor: AuditActor | null): void {
      context = actor;
    },
    append(e: NewAuditEntry): string {
      const eventId = e.eventId ?? randomUUID();
      const own = context?.practitionerId === e.actorId ? context : null;
      const patient = e.patientId ?? (e.subjectType === 'Patient' ? (e.subjectId ?? null) : null);
      const { lastInsertRowid } = insert.run(
        e.atMs,
        e.actorId,
        e.action,
        e.subjectType ?? null,
        e.subjectId ?? null,
        JSON.stringify(e.details ?? {}),
        eventId,
        patient,
        e.subjectType ?? null,
        e.subjectId ?? null,
        own?.role ?? null,
        own?.roomId ?? null,
        e.atMs,
      );
      // A row id below the mark (after a prune freed the highest ids) moves it back.
      settledBelow = Math.min(settledBelow, Number(lastInsertRowid));
      return eventId;
    },
    recent(limit: number): AuditEntry[] {
      return recent.all(limit).map((r) => ({
        id: r.id,
        eventId: r.event_id,
        at: new Date(r.at_ms).toISOString(),
        actorId: r.actor_id,
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        patientId: r.patient_id,
        details: JSON.parse(r.details) as AuditDetails,
        sendState: r.send_state,
      }));
    },
    /** One row by its event id (tests, and what a sender checks). */
    byEventId(eventId: string): QueuedAuditEvent & { sendState: AuditRow['send_state'] } {
      const row = byEvent.get(eventId);
      if (!row) throw new Error(`Ukendt hændelse ${eventId}`);
      return { ...recordOf(row), sendState: row.send_state };
    },
    /**
     * Unsent rows due now, oldest first, that `sender` may send: their own and the room PC's
     * (null: nobody is signed in, only the room PC's).
     */
    due(nowMs: number, limit: number, sender: string | null): QueuedAuditEvent[] {
      advance();
      return due.all(settledBelow, nowMs, sender ?? '\u0000', limit).map(recordOf);
    },
    /** The EOJ holds them (created now, or found there from an earlier try). */
    markSent: db.transaction((seqs: readonly number[], atMs: number) => {
      for (const seq of seqs) sent.run(atMs, seq);
    }),
    scheduleRetry(seq: number, nextAttemptMs: number, error: SyncError): void {
      retry.run(nextAttemptMs, JSON.stringify(error), seq);
    },
    /** Refused for good: shown as a problem, sent again only by hand. The others go on. */
    markRefused(seq: number, error: SyncError): void {
      const before = refusedNow();
      if (refuse.run(JSON.stringify(error), seq).changes > 0) refused = before + 1;
    },
    /** A refused event is sent again (e.g. after the EOJ was corrected). */
    requeue(eventId: string, atMs: number): boolean {
      const before = refusedNow();
      const row = requeue.get(atMs, eventId);
      if (row) {
        settledBelow = Math.min(settledBelow, row.id);
        refused = Math.max(0, before - 1);
      }
      return row !== undefined;
    },
    /** The EOJ is reachable again: rows waiting out a failure need not wait longer. */
    retryNow(nowMs: number): void {
      retryNow.run(nowMs, settledBelow, nowMs);
    },
    problems(): AuditProblem[] {
      if (refusedNow() === 0) return [];
      return problems.all().map((r) =>
        AuditProblem.parse({
          eventId: r.event_id,
          at: new Date(r.at_ms).toISOString(),
          action: r.action,
          error: errorOf(r.send_error) ?? { code: 'refused', serverText: null, subject: null },
        }),
      );
    },
    summary(): AuditQueueSummary {
      advance();
      return { pending: pendingFrom.get(settledBelow)?.n ?? 0, refused: refusedNow() };
    },
    /** Sent rows recorded before `beforeMs` are in the EOJ: the local copy goes. Returns how many. */
    pruneSent(sentBeforeMs: number): number {
      return prune.run(sentBeforeMs).changes;
    },
  };
}
