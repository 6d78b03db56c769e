import { EMPTY_WORKFLOW, type Outcome, type VisitWorkflow } from '../../src-shared/workflow/outcome.js';
import type { Database } from './sqlite.js';

interface WorkflowRow {
  visit_id: string;
  citizen_id: string;
  failed_attempts: number;
  outcome: Outcome | null;
  note: string;
  duration_s: number | null;
  retry_at_ms: number | null;
  escalated_at_ms: number | null;
  escalation_reason: Outcome | null;
  urgent_at_ms: number | null;
  called_at_ms: number | null;
  recorded_by: string | null;
  updated_ms: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ms = (at: string | null) => (at === null ? null : Date.parse(at));

function toWorkflow(r: WorkflowRow | undefined): VisitWorkflow {
  if (!r) return EMPTY_WORKFLOW;
  return {
    failedAttempts: r.failed_attempts,
    outcome: r.outcome,
    note: r.note,
    durationSeconds: r.duration_s,
    retryAt: iso(r.retry_at_ms),
    escalatedAt: iso(r.escalated_at_ms),
    escalationReason: r.escalation_reason,
    urgentAt: iso(r.urgent_at_ms),
    calledAt: iso(r.called_at_ms),
  };
}

/** The documented progress of visits (migration 0080). */
export function workflowQueries(db: Database) {
  const get = db.prepare<[string], WorkflowRow>(`SELECT * FROM visit_workflow WHERE visit_id = ?`);
  const put = db.prepare<[WorkflowRow], void>(`
    INSERT INTO visit_workflow (visit_id, citizen_id, failed_attempts, outcome, note, duration_s, retry_at_ms, escalated_at_ms,
      escalation_reason, urgent_at_ms, called_at_ms, recorded_by, updated_ms)
    VALUES (@visit_id, @citizen_id, @failed_attempts, @outcome, @note, @duration_s, @retry_at_ms, @escalated_at_ms,
      @escalation_reason, @urgent_at_ms, @called_at_ms, @recorded_by, @updated_ms)
    ON CONFLICT (visit_id) DO UPDATE SET failed_attempts = excluded.failed_attempts, outcome = excluded.outcome,
      note = excluded.note, duration_s = excluded.duration_s, retry_at_ms = excluded.retry_at_ms,
      escalated_at_ms = excluded.escalated_at_ms, escalation_reason = excluded.escalation_reason,
      urgent_at_ms = excluded.urgent_at_ms, called_at_ms = excluded.called_at_ms, recorded_by = excluded.recorded_by,
      updated_ms = excluded.updated_ms`);
  const startingIn = db.prepare<[number, number], WorkflowRow>(
    `SELECT w.* FROM visits v JOIN visit_workflow w ON w.visit_id = v.id WHERE v.start_ms >= ? AND v.start_ms < ?`,
  );
  const lastForCitizen = db.prepare<[string, string], WorkflowRow>(
    `SELECT * FROM visit_workflow WHERE citizen_id = ? AND visit_id <> ? AND outcome IS NOT NULL ORDER BY updated_ms DESC LIMIT 1`,
  );
  return {
    get: (visitId: string): VisitWorkflow => toWorkflow(get.get(visitId)),
    /** The documented progress of the visits starting in [fromMs, toMs), by visit id, in one statement (a day's queue is 500 visits). */
    startingIn(fromMs: number, toMs: number): Map<string, VisitWorkflow> {
      return new Map(startingIn.all(fromMs, toMs).map((r) => [r.visit_id, toWorkflow(r)]));
    },
    put(visitId: string, citizenId: string, w: VisitWorkflow, actorId: string, atMs: number): void {
      put.run({
        visit_id: visitId,
        citizen_id: citizenId,
        failed_attempts: w.failedAttempts,
        outcome: w.outcome,
        note: w.note,
        duration_s: w.durationSeconds,
        retry_at_ms: ms(w.retryAt),
        escalated_at_ms: ms(w.escalatedAt),
        escalation_reason: w.escalationReason,
        urgent_at_ms: ms(w.urgentAt),
        called_at_ms: ms(w.calledAt),
        recorded_by: actorId,
        updated_ms: atMs,
      });
    },
    /** The citizen's latest documented outcome of another visit: "notes from the last visit". */
    lastForCitizen(citizenId: string, exceptVisitId: string): (VisitWorkflow & { visitId: string; at: string }) | null {
      const r = lastForCitizen.get(citizenId, exceptVisitId);
      return r ? { ...toWorkflow(r), visitId: r.visit_id, at: new Date(r.updated_ms).toISOString() } : null;
    },
  };
}
