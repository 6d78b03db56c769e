import type { Database } from './sqlite.js';

/** Actions worth an audit trail. Details carry ids and codes only, never health data or names. */
export type AuditAction =
  | 'store.opened'
  | 'session.signed_in'
  | 'session.signed_out'
  | 'session.sign_in_refused'
  | 'session.refresh_refused'
  | 'session.locked'
  | 'session.unlocked'
  | 'visit.status_changed'
  | 'room.devices_saved'
  | 'call.recorded'
  | 'visit.outcome_recorded'
  | 'visit.urgent'
  | 'citizen.cpr_revealed'
  | 'outbox.resolved'
  | 'visit.moved'
  | 'visit.relative_invited';
export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEntry {
  id: number;
  at: string;
  actorId: string;
  action: AuditAction;
  subjectType: string | null;
  subjectId: string | null;
  details: AuditDetails;
}

export interface NewAuditEntry {
  atMs: number;
  actorId: string;
  action: AuditAction;
  subjectType?: string;
  subjectId?: string;
  details?: AuditDetails;
}

interface AuditRow {
  id: number;
  at_ms: number;
  actor_id: string;
  action: AuditAction;
  subject_type: string | null;
  subject_id: string | null;
  details: string;
}

export function auditQueries(db: Database) {
  const insert = db.prepare<[number, string, string, string | null, string | null, string], void>(
    `INSERT INTO audit_log (at_ms, actor_id, action, subject_type, subject_id, details) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const recent = db.prepare<[number], AuditRow>(
    `SELECT id, at_ms, actor_id, action, subject_type, subject_id, details FROM audit_log ORDER BY id DESC LIMIT ?`,
  );
  return {
    append(e: NewAuditEntry): void {
      insert.run(e.atMs, e.actorId, e.action, e.subjectType ?? null, e.subjectId ?? null, JSON.stringify(e.details ?? {}));
    },
    recent(limit: number): AuditEntry[] {
      return recent.all(limit).map((r) => ({
        id: r.id,
        at: new Date(r.at_ms).toISOString(),
        actorId: r.actor_id,
        action: r.action,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        details: JSON.parse(r.details) as AuditDetails,
      }));
    },
  };
}
