import type { SyncError } from '../../src-shared/domain/outbox.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { EojError } from '../eoj/errors.js';
import type { EojGateway } from '../eoj/gateway.js';
import type { VisitStore } from '../store/visitStore.js';
import { BACKOFF_MAX_MS, backoffMs } from './push.js';

/**
 * Drains the audit log to the EOJ beside the visit outbox: each event once, by its event id (the
 * gateway makes every write idempotent). What is temporary (transport failures, 409, 429 with its
 * Retry-After, 5xx, 401 until the next sign-in) waits with backoff; a permanent refusal (400, 403,
 * 422 …) is that event's alone: it becomes a visible problem and the events beside it go on.
 */
export interface AuditPushResult {
  sent: number;
  retried: number;
  refused: number;
  lastError: SyncError | null;
  /** The longest wait a server asked for (429 Retry-After), if any. */
  retryAfterMs: number | null;
}

/** Events read from the queue at a time (the gateway sends them in batches of its own). */
const PAGE = 200;

export async function pushAuditEvents(opts: {
  eoj: EojGateway;
  store: VisitStore;
  clock: Clock;
  /** Who is signed in: their events and the room PC's go; another person's wait for their sign-in. */
  sender: string | null;
  /** The room PC, as the AuditEvents name it. */
  workstation: string;
  /** At most this many events in one call (the rest go in the next round). */
  limit?: number;
  random?: () => number;
  /** The longest an event waits after a temporary failure (the pull interval). */
  maxBackoffMs?: number;
}): Promise<AuditPushResult> {
  const { eoj, store, clock } = opts;
  const result: AuditPushResult = { sent: 0, retried: 0, refused: 0, lastError: null, retryAfterMs: null };
  const limit = opts.limit ?? 5_000;
  let handled = 0;
  while (handled < limit) {
    const due = store.audit.due(clock.nowMs(), Math.min(PAGE, limit - handled), opts.sender);
    if (due.length === 0) break;
    handled += due.length;
    const outcomes = await eoj.sendAudit(due, opts.workstation);
    const bySeq = new Map(due.map((e) => [e.seq, e]));
    const now = clock.nowMs();
    const sent = outcomes.filter((o) => o.ok).map((o) => o.seq);
    if (sent.length > 0) store.audit.markSent(sent, now);
    result.sent += sent.length;
    let again = false;
    for (const o of outcomes) {
      if (o.ok) continue;
      const error = o.error instanceof EojError ? o.error : new EojError('malformed', String(o.error), undefined, { transient: true });
      const event = bySeq.get(o.seq);
      result.lastError = error.toSyncError(event ? `AuditEvent ${event.eventId}` : null);
      if (!error.transient) {
        store.audit.markRefused(o.seq, result.lastError);
        result.refused++;
        continue;
      }
      const waitMs = Math.max(Math.min(backoffMs(event?.attempts ?? 0, opts.random), opts.maxBackoffMs ?? BACKOFF_MAX_MS), error.retryAfterMs ?? 0);
      if (error.retryAfterMs !== null) result.retryAfterMs = Math.max(result.retryAfterMs ?? 0, error.retryAfterMs);
      store.audit.scheduleRetry(o.seq, now + waitMs, result.lastError);
      result.retried++;
      again = true;
    }
    // Something temporary (away, busy, not signed in, asked to wait): the rest waits for the next round.
    if (again) break;
  }
  return result;
}
