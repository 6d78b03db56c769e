import { OutboxIntent, OutboxState, SyncError, type OutboxEntry, type OutboxSummary } from '../../src-shared/domain/outbox.js';
import type { Database } from './sqlite.js';

interface OutboxRow {
  seq: number;
  mutation_id: string;
  visit_id: string;
  intent: string;
  base_version: string | null;
  state: OutboxState;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
  created_ms: number;
}

/** last_error holds a SyncError as JSON (rows of older versions hold the message as text). */
export function errorOf(text: string | null): SyncError | null {
  if (text === null) return null;
  try {
    const parsed = SyncError.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // an older row: plain text
  }
  return { code: 'refused', serverText: text.slice(0, 1000), subject: null };
}

function toEntry(r: OutboxRow): OutboxEntry {
  return {
    seq: r.seq,
    mutationId: r.mutation_id,
    visitId: r.visit_id,
    // Parsed, not cast: a row written by an older version with an unknown intent fails loudly.
    intent: OutboxIntent.parse(JSON.parse(r.intent)),
    baseVersion: r.base_version,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_ms).toISOString(),
    error: errorOf(r.last_error),
    createdAt: new Date(r.created_ms).toISOString(),
  };
}

export interface NewOutboxEntry {
  mutationId: string;
  visitId: string;
  intent: OutboxIntent;
  baseVersion: string | null;
  atMs: number;
}

const COLUMNS = 'seq, mutation_id, visit_id, intent, base_version, state, attempts, next_attempt_ms, last_error, created_ms';

/**
 * Every state, as an SQL list. The outbox's one index leads with the state (one index page per new
 * row, not two), so a query for a visit's rows in any state names them all to seek by visit.
 */
export const ANY_OUTBOX_STATE = OutboxState.options.map((s) => `'${s}'`).join(', ');

export function outboxQueries(db: Database) {
  const insert = db.prepare<[string, string, string, string | null, number, number, number], void>(
    `INSERT INTO outbox (mutation_id, visit_id, intent, base_version, next_attempt_ms, created_ms, updated_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const byMutation = db.prepare<[string], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE mutation_id = ?`);
  const all = db.prepare<[], OutboxRow>(`SELECT ${COLUMNS} FROM outbox ORDER BY seq`);
  const byVisit = db.prepare<[string], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE state IN (${ANY_OUTBOX_STATE}) AND visit_id = ? ORDER BY seq`);
  // FIFO per visit: a row is due only when no earlier row of the same visit is still unfinished,
  // or refused (dead) and not yet dealt with: it may be sent again, and must not land after a
  // newer change. A conflict is final (the EOJ's version stands; it cannot be sent again), so
  // later rows go on, each checked against the EOJ as it is now: a move or status change of a
  // visit someone else closed becomes a conflict of its own, never an overwrite. Waiting behind
  // a conflict instead kept them pending for good, shown as done on this screen only.
  // The earlier rows are found by state, visit and seq: a seek on outbox_by_state_visit.
  const due = db.prepare<[number, number], OutboxRow>(`
    SELECT ${COLUMNS} FROM outbox o
    WHERE o.state IN ('pending', 'inflight') AND o.next_attempt_ms <= ?
      AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state IN ('pending', 'inflight', 'dead') AND p.visit_id = o.visit_id
                      AND p.seq < o.seq AND (p.state <> 'dead' OR p.resolved_ms IS NULL))
    ORDER BY o.seq LIMIT ?`);
  const setState = db.prepare<[OutboxState, string | null, number, string], void>(
    `UPDATE outbox SET state = ?, last_error = ?, updated_ms = ? WHERE mutation_id = ?`,
  );
  const retry = db.prepare<[number, string, number, string], void>(
    `UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt_ms = ?, last_error = ?, updated_ms = ?
     WHERE mutation_id = ?`,
  );
  const inflight = db.prepare<[number, string], void>(
    `UPDATE outbox SET state = 'inflight', updated_ms = ? WHERE mutation_id = ? AND state IN ('pending', 'inflight')`,
  );
  // Asked for every visit of a pull: one seek per unfinished state, each already newest first
  // (one query over both states would sort its rows on every call).
  const newestInState = db.prepare<[OutboxState, string, OutboxIntent['kind']], { seq: number; intent: string }>(
    `SELECT seq, intent FROM outbox WHERE state = ? AND visit_id = ? AND json_extract(intent, '$.kind') = ? ORDER BY seq DESC LIMIT 1`,
  );
  const newestUnfinished = (visitId: string, kind: OutboxIntent['kind']): OutboxIntent | undefined => {
    const pending = newestInState.get('pending', visitId, kind);
    const inflight = newestInState.get('inflight', visitId, kind);
    const row = pending && (!inflight || pending.seq > inflight.seq) ? pending : inflight;
    return row && OutboxIntent.parse(JSON.parse(row.intent));
  };
  const unfinishedWorkflow = db.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM outbox WHERE visit_id = ? AND state IN ('pending', 'inflight') AND json_extract(intent, '$.kind') IN ('visit.status', 'visit.attempt', 'visit.escalate')`,
  );
  const problems = db.prepare<[], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE state IN ('conflict', 'dead') AND resolved_ms IS NULL ORDER BY seq`);
  const resolve = db.prepare<[number, string], void>(
    `UPDATE outbox SET resolved_ms = ?, resolution = 'accepted_eoj' WHERE mutation_id = ? AND state IN ('conflict', 'dead') AND resolved_ms IS NULL`,
  );
  const requeue = db.prepare<[number, string], void>(
    `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_ms = ?, resolution = 'retried' WHERE mutation_id = ? AND state = 'dead'`,
  );
  const retryNow = db.prepare<[number, number], void>(`UPDATE outbox SET next_attempt_ms = ? WHERE state = 'pending' AND next_attempt_ms > ?`);
  const done = db.prepare<[string | null, number, string], void>(
    `UPDATE outbox SET state = 'done', last_error = NULL, result_version = ?, updated_ms = ? WHERE mutation_id = ?`,
  );
  const lastResult = db.prepare<[string], { result_version: string }>(
    `SELECT result_version FROM outbox WHERE visit_id = ? AND state = 'done' AND result_version IS NOT NULL ORDER BY seq DESC LIMIT 1`,
  );
  const rebase = db.prepare<[string, string], void>(`UPDATE outbox SET base_version = ? WHERE visit_id = ? AND state IN ('pending', 'inflight')`);
  const summary = db.prepare<[], { state: OutboxState; n: number }>(
    `SELECT state, count(*) AS n FROM outbox WHERE state IN ('pending', 'inflight', 'conflict', 'dead') AND resolved_ms IS NULL GROUP BY state`,
  );

  return {
    add(e: NewOutboxEntry): void {
      insert.run(e.mutationId, e.visitId, JSON.stringify(e.intent), e.baseVersion, e.atMs, e.atMs, e.atMs);
    },
    get(mutationId: string): OutboxEntry | undefined {
      const row = byMutation.get(mutationId);
      return row && toEntry(row);
    },
    list(): OutboxEntry[] {
      return all.all().map(toEntry);
    },
    forVisit(visitId: string): OutboxEntry[] {
      return byVisit.all(visitId).map(toEntry);
    },
    due(nowMs: number, limit: number): OutboxEntry[] {
      return due.all(nowMs, limit).map(toEntry);
    },
    markInflight(mutationId: string, atMs: number): void {
      inflight.run(atMs, mutationId);
    },
    /** Accepted by the EOJ; `resultVersion` is the Appointment version the push produced, if known. */
    markDone(mutationId: string, atMs: number, resultVersion: string | null = null): void {
      done.run(resultVersion, atMs, mutationId);
    },
    /** The Appointment version our latest accepted push produced for a visit. */
    lastResultVersion(visitId: string): string | null {
      return lastResult.get(visitId)?.result_version ?? null;
    },
    /** Terminal but visible: the user sees it in the conflict list. */
    markFailed(mutationId: string, state: 'conflict' | 'dead', error: SyncError, atMs: number): void {
      setState.run(state, JSON.stringify(error), atMs, mutationId);
    },
    scheduleRetry(mutationId: string, nextAttemptMs: number, error: SyncError, atMs: number): void {
      retry.run(nextAttemptMs, JSON.stringify(error), atMs, mutationId);
    },
    /** The EOJ is reachable again: rows waiting out a transport failure need not wait longer. */
    retryNow(nowMs: number): void {
      retryNow.run(nowMs, nowMs);
    },
    /** Later changes to a visit were made on top of the version our last push produced. */
    rebaseUnfinished(visitId: string, versionId: string): void {
      rebase.run(versionId, visitId);
    },
    /** The newest change to a visit not yet accepted by the EOJ, if any. */
    /** The newest unsent status change of a visit (what the UI shows until it is pushed). */
    latestUnfinishedIntent(visitId: string): Extract<OutboxIntent, { kind: 'visit.status' }> | undefined {
      const intent = newestUnfinished(visitId, 'visit.status');
      return intent?.kind === 'visit.status' ? intent : undefined;
    },
    /** The newest unsent move of a visit (the board and the queue show it until it is pushed). */
    latestUnfinishedMove(visitId: string): Extract<OutboxIntent, { kind: 'visit.move' }> | undefined {
      const intent = newestUnfinished(visitId, 'visit.move');
      return intent?.kind === 'visit.move' ? intent : undefined;
    },
    /** Whether the visit has documented progress not yet in the EOJ (it wins over what the EOJ says). */
    hasUnfinishedWorkflow(visitId: string): boolean {
      return (unfinishedWorkflow.get(visitId)?.n ?? 0) > 0;
    },
    /** The staff member accepts the EOJ's version: the row stays, no longer as a problem. */
    acceptEoj(mutationId: string, atMs: number): boolean {
      return resolve.run(atMs, mutationId).changes > 0;
    },
    /** A refused row is sent again (e.g. after the EOJ was corrected). */
    requeue(mutationId: string, atMs: number): boolean {
      return requeue.run(atMs, mutationId).changes > 0;
    },
    /** Conflicts and dead rows: shown to the user, never dropped. */
    problems(): OutboxEntry[] {
      return problems.all().map(toEntry);
    },
    summary(): OutboxSummary {
      const counts: OutboxSummary = { pending: 0, inflight: 0, conflict: 0, dead: 0 };
      for (const { state, n } of summary.all()) if (state !== 'done') counts[state] = n;
      return counts;
    },
  };
}
