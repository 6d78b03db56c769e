import type { OutboxEntry, SyncError } from '../../src-shared/domain/outbox.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { EojConflict, EojError } from '../eoj/errors.js';
import type { EojGateway } from '../eoj/gateway.js';
import type { VisitStore } from '../store/visitStore.js';

/**
 * Drains the outbox to the EOJ: FIFO per visit, each intent written once (src-main/eoj/writes.ts).
 * What is temporary (transport failures, 409, 412 contention, 429 with its Retry-After, 5xx) is
 * retried with exponential backoff and jitter; only a permanent refusal becomes visible as dead,
 * and a visit someone else closed as a conflict. Nothing is dropped.
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

/** Full jitter: a random delay up to the exponential bound, so many clients do not retry in step. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempts));
}

export interface PushResult {
  done: number;
  retried: number;
  failed: number;
  /** The last failure of the round, for the sync status. */
  lastError: SyncError | null;
  /** The longest wait a server asked for (429 Retry-After), if any. */
  retryAfterMs: number | null;
  /** Visits whose team-visible state landed in the EOJ this round (for the team's hint). */
  landed: string[];
}

/** Rows of different visits are independent: a few go at once (FIFO holds within each visit). */
const CONCURRENCY = 4;

export async function pushOutbox(opts: {
  eoj: EojGateway;
  store: VisitStore;
  clock: Clock;
  limit?: number;
  random?: () => number;
  /**
   * The longest a row waits after a temporary failure (the pull interval): the team's view is
   * right one interval after an EOJ error burst ends, not after minutes of backoff. A server's own
   * Retry-After still counts in full.
   */
  maxBackoffMs?: number;
}): Promise<PushResult> {
  const { eoj, store, clock } = opts;
  const result: PushResult = { done: 0, retried: 0, failed: 0, lastError: null, retryAfterMs: null, landed: [] };
  // due() yields at most one row per visit: the oldest unfinished one.
  const queue = store.outbox.due(clock.nowMs(), opts.limit ?? 200);
  let transportDown = false;

  async function pushOne(entry: OutboxEntry): Promise<void> {
    store.outbox.markInflight(entry.mutationId, clock.nowMs());
    try {
      const version = await eoj.write(entry, { baseVersion: entry.baseVersion, lastResultVersion: store.outbox.lastResultVersion(entry.visitId) });
      store.recordPushed(entry.mutationId, entry.visitId, version, clock.nowMs());
      result.done++;
      if (!result.landed.includes(entry.visitId)) result.landed.push(entry.visitId);
    } catch (error) {
      if (error instanceof EojConflict) {
        result.lastError = { code: 'conflict', serverText: error.eojStatus, subject: `Appointment/${entry.visitId}` };
        store.recordConflict(entry.mutationId, entry.visitId, result.lastError, clock.nowMs());
        result.failed++;
        return;
      }
      // Anything but an EojError is unexpected here; it is retried rather than lost.
      const failure =
        error instanceof EojError
          ? error
          : new EojError('malformed', error instanceof Error ? error.message : String(error), undefined, { cause: error, transient: true });
      result.lastError = failure.toSyncError(`Appointment/${entry.visitId}`);
      if (!failure.transient) {
        store.outbox.markFailed(entry.mutationId, 'dead', result.lastError, clock.nowMs());
        result.failed++;
        return;
      }
      // Temporary: wait at least as long as the server asked (429 Retry-After).
      const waitMs = Math.max(Math.min(backoffMs(entry.attempts, opts.random), opts.maxBackoffMs ?? BACKOFF_MAX_MS), failure.retryAfterMs ?? 0);
      if (failure.retryAfterMs !== null) result.retryAfterMs = Math.max(result.retryAfterMs ?? 0, failure.retryAfterMs);
      store.outbox.scheduleRetry(entry.mutationId, clock.nowMs() + waitMs, result.lastError, clock.nowMs());
      result.retried++;
      // A transport failure will hit the next rows too: stop this round.
      if (failure.kind === 'network' || failure.kind === 'timeout') transportDown = true;
    }
  }

  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let entry = queue.shift(); entry && !transportDown; entry = queue.shift()) await pushOne(entry);
  });
  await Promise.all(workers);
  return result;
}
