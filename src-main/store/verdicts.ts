import type { Verdict } from '../../src-shared/workflow/verdict.js';
import type { Database } from './sqlite.js';
import { ANY_OUTBOX_STATE } from './outbox.js';

interface VerdictRow {
  call_id: string;
  verdict: Verdict;
  actor_id: string;
  at_ms: number;
}

/** Verdicts of calls (migrations/0120): kept until their Encounter's outbox row exists. */
export function verdictQueries(db: Database) {
  const insert = db.prepare<[string, string, string, string, number], void>(
    `INSERT INTO call_verdicts (call_id, visit_id, verdict, actor_id, at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING`,
  );
  const waiting = db.prepare<[string], VerdictRow>(
    `SELECT call_id, verdict, actor_id, at_ms FROM call_verdicts WHERE visit_id = ? AND sent_mutation_id IS NULL ORDER BY at_ms DESC LIMIT 1`,
  );
  const sent = db.prepare<[string, string], void>(`UPDATE call_verdicts SET sent_mutation_id = ? WHERE visit_id = ? AND sent_mutation_id IS NULL`);
  // The outbox row whose Encounter documents the visit's call (a visit has at most one).
  const encounterRow = db.prepare<[string], { mutation_id: string }>(
    `SELECT mutation_id FROM outbox WHERE state IN (${ANY_OUTBOX_STATE}) AND visit_id = ? AND json_extract(intent, '$.kind') = 'visit.status'
       AND json_type(intent, '$.encounter') = 'object' ORDER BY seq DESC LIMIT 1`,
  );
  return {
    /** False when the call already has a verdict (the first tap counts). */
    insert: (callId: string, visitId: string, verdict: Verdict, actorId: string, atMs: number) =>
      insert.run(callId, visitId, verdict, actorId, atMs).changes > 0,
    waiting: (visitId: string) => waiting.get(visitId) ?? null,
    markSent: (visitId: string, mutationId: string) => sent.run(mutationId, visitId),
    encounterMutationId: (visitId: string) => encounterRow.get(visitId)?.mutation_id ?? null,
  };
}
