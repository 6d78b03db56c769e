import { z } from 'zod';
import { CallGuest, type CallRecord } from '../../src-shared/domain/visit.js';
import type { Database } from './sqlite.js';

interface CallRow {
  call_id: string;
  visit_id: string;
  rang_ms: number;
  connected_ms: number | null;
  ended_ms: number;
  end_reason: CallRecord['endReason'];
  guests_json: string | null;
}
const Guests = z.array(CallGuest).max(3);
/** A stored guest list that no longer reads (it never should) loses only itself. */
const guestsOf = (json: string | null) => {
  if (!json) return undefined;
  try {
    const parsed = Guests.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const iso = (ms: number) => new Date(ms).toISOString();

export function callQueries(db: Database) {
  // A call id is recorded once; a repeated record (a retried request) changes nothing.
  const insert = db.prepare<[string, string, string, number, number | null, number, string, string | null], void>(
    `INSERT INTO calls (call_id, visit_id, staff_id, rang_ms, connected_ms, ended_ms, end_reason, guests_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (call_id) DO NOTHING`,
  );
  const forVisit = db.prepare<[string], CallRow>(
    `SELECT call_id, visit_id, rang_ms, connected_ms, ended_ms, end_reason, guests_json FROM calls WHERE visit_id = ? ORDER BY rang_ms`,
  );
  return {
    insert(c: CallRecord, staffId: string): void {
      insert.run(
        c.callId,
        c.visitId,
        staffId,
        Date.parse(c.rangAt),
        c.connectedAt ? Date.parse(c.connectedAt) : null,
        Date.parse(c.endedAt),
        c.endReason,
        c.guests && c.guests.length > 0 ? JSON.stringify(c.guests) : null,
      );
    },
    forVisit(visitId: string): CallRecord[] {
      return forVisit.all(visitId).map((r) => ({
        callId: r.call_id,
        visitId: r.visit_id,
        rangAt: iso(r.rang_ms),
        connectedAt: r.connected_ms === null ? null : iso(r.connected_ms),
        endedAt: iso(r.ended_ms),
        endReason: r.end_reason,
        ...(guestsOf(r.guests_json) ? { guests: guestsOf(r.guests_json) } : {}),
      }));
    },
  };
}
