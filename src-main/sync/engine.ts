import type { VisitMoved } from '../../src-shared/api/contract.js';
import type { SyncError, SyncStatus } from '../../src-shared/domain/outbox.js';
import type { UnrecognisedShapes } from '../../src-shared/domain/visit.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { careDayKey } from '../../src-shared/time/copenhagen.js';
import { EojError } from '../eoj/errors.js';
import type { EojGateway } from '../eoj/gateway.js';
import type { Logger } from '../log.js';
import type { AppEvents } from '../events.js';
import type { VisitStore } from '../store/visitStore.js';
import { PULL_SCOPE, pullAppointments, syncWindow } from './pull.js';
import { pullTeamState } from './teamState.js';
import { pushOutbox } from './push.js';
import { pushAuditEvents } from './auditPush.js';

export interface SyncEngineOptions {
  eoj: EojGateway;
  store: VisitStore;
  teamId: string;
  events: AppEvents;
  logger: Logger;
  clock: Clock;
  /** Quiet-time pull interval. */
  intervalMs?: number;
  /** Periodic full resync (it is what catches hard deletes). */
  fullResyncMs?: number;
  /** Data older than this may be out of date (shown on screen). */
  staleAfterSeconds?: number;
  /**
   * The audit log goes to the EOJ with each round: who sends (the person signed in) and from which
   * room PC. Without it, the audit log is not sent (tests of the visit sync alone).
   */
  audit?: { sender: () => string | null; workstation: string; keepSentMs?: number };
}

/** Sent audit rows are kept this long on the PC (the EOJ has them), then pruned. */
const KEEP_SENT_AUDIT_MS = 14 * 24 * 3_600_000;
/** How often the sent ones are pruned (a scan of the log). */
const PRUNE_EVERY_MS = 3_600_000;

/** Moves a pull found, for the notice on the queue ("10:30 Inger Birkholm er flyttet til Jonas"). */
function movedFor(store: VisitStore, moves: ReturnType<VisitStore['takePulledMoves']>): VisitMoved[] {
  return moves.map((m) => ({
    visitId: m.visitId,
    start: m.to.start,
    citizenName: store.getVisit(m.visitId)?.citizen.name ?? '',
    from: m.from.practitioner,
    to: m.to.practitioner,
  }));
}

const DEFAULT_STALE_AFTER_S = 60;

/** How many visits of the window carried each kind of shape Skærmrum does not understand. */
function unrecognisedSummary(byVisit: ReadonlyMap<string, UnrecognisedShapes>): UnrecognisedShapes {
  const summary = { participants: 0, identifiers: 0, extensions: 0 };
  for (const shapes of byVisit.values()) {
    if (shapes.participants > 0) summary.participants++;
    if (shapes.identifiers > 0) summary.identifiers++;
    if (shapes.extensions > 0) summary.extensions++;
  }
  return summary;
}

/** The EOJ lacks a search the pull cannot do without: one clear message naming it. */
class MissingCapability extends Error {
  constructor(readonly missing: string[]) {
    super(`EOJ understøtter ikke ${missing.join(' og ')}`);
  }
}

/**
 * Keeps the store in step with the EOJ: reads what the EOJ can do, then pushes the outbox and
 * pulls; a full resync at start, at the start of each care day and periodically; retries with
 * backoff while the EOJ is away or busy (at least as long as it asks for).
 */
export function createSyncEngine(options: SyncEngineOptions) {
  const { eoj, store, events, logger, clock } = options;
  const intervalMs = options.intervalMs ?? 10_000;
  const fullResyncMs = options.fullResyncMs ?? 30 * 60_000;
  /** Per visit of the window, what it carried that Skærmrum does not understand (a full pull replaces it). */
  let unrecognised = new Map<string, UnrecognisedShapes>();
  let state: SyncStatus['state'] = 'offline';
  let lastError: SyncError | null = null;
  let nextAttemptMs: number | null = null;
  let failures = 0;
  let waitAtLeastMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;
  // One sender of audit events at a time: a round's and a flush never send the same event at once.
  let auditChain: Promise<void> = Promise.resolve();
  let lastPruneMs = Number.NEGATIVE_INFINITY;
  const pushAudit = (): Promise<void> => {
    const audit = options.audit;
    if (!audit) return Promise.resolve();
    const run = auditChain.then(async () => {
      const pushed = await pushAuditEvents({ eoj, store, clock, sender: audit.sender(), workstation: audit.workstation, maxBackoffMs: intervalMs });
      if (pushed.refused > 0) logger.warn({ refused: pushed.refused, kind: pushed.lastError?.code }, 'audit events refused by the EOJ');
      if (clock.nowMs() - lastPruneMs > PRUNE_EVERY_MS) {
        lastPruneMs = clock.nowMs();
        store.audit.pruneSent(clock.nowMs() - (audit.keepSentMs ?? KEEP_SENT_AUDIT_MS));
      }
    });
    // A failure is the round's to report; the chain goes on for the next sender.
    auditChain = run.catch(() => undefined);
    return run;
  };

  const status = (): SyncStatus => {
    const sync = store.syncState.get(PULL_SCOPE);
    return {
      state,
      lastSuccessAt: sync?.lastSuccessMs ? new Date(sync.lastSuccessMs).toISOString() : null,
      error: lastError,
      nextAttemptAt: failures > 0 && nextAttemptMs !== null ? new Date(nextAttemptMs).toISOString() : null,
      outbox: store.outbox.summary(),
      problems: store.syncProblems.count(),
      unrecognised: unrecognisedSummary(unrecognised),
      staleAfterSeconds: options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_S,
      ...(options.audit ? { audit: store.audit.summary() } : {}),
    };
  };
  const publish = () => {
    events.emit('syncStatus', status());
    events.emit('outboxChanged', store.outbox.summary());
  };

  function needsFullResync(at: Date): boolean {
    const last = store.syncState.get(PULL_SCOPE)?.lastFullResyncMs;
    return !last || careDayKey(new Date(last)) !== careDayKey(at) || at.getTime() - last > fullResyncMs;
  }

  async function ensureCapabilities(): Promise<void> {
    const missing = await eoj.missingEssentials();
    if (missing.length > 0) throw new MissingCapability(missing);
  }

  function noteUnrecognised(pulled: Awaited<ReturnType<typeof pullAppointments>>) {
    if (pulled.full) unrecognised = pulled.unrecognised;
    else for (const [visitId, shapes] of pulled.unrecognised) unrecognised.set(visitId, shapes);
  }

  async function runOnce(): Promise<void> {
    const at = clock.now();
    waitAtLeastMs = 0;
    try {
      await ensureCapabilities();
      const pull = async (full: boolean) => {
        const pulled = await pullAppointments({ eoj, store, teamId: options.teamId, now: at, full });
        noteUnrecognised(pulled);
        return pulled;
      };
      if (state === 'offline' && failures > 0) {
        // Probe with the cheap pull first; once the EOJ answers, waiting rows go at once.
        await pull(false);
        store.outbox.retryNow(at.getTime());
        store.audit.retryNow(at.getTime());
      }
      const pushed = await pushOutbox({ eoj, store, clock, maxBackoffMs: intervalMs });
      if (pushed.done + pushed.failed > 0) events.emit('outboxChanged', store.outbox.summary());
      if (pushed.landed.length > 0) events.emit('pushed', { visitIds: pushed.landed });
      waitAtLeastMs = pushed.retryAfterMs ?? 0;
      // Beside the visit outbox, never in its way: a failing audit event is its own row's problem.
      await pushAudit().catch((error: unknown) => logger.warn({ kind: error instanceof EojError ? error.kind : 'other' }, 'audit push failed'));
      const full = needsFullResync(at);
      const pulled = await pull(full);
      // The team's shared state (attempts, held calls, escalations), where the EOJ can be searched for it.
      const team = (await eoj.capabilities()).teamStateSearch ? await pullTeamState({ eoj, store, window: syncWindow(at), now: at, full }) : null;
      for (const { resource, problem } of team?.problems ?? []) store.syncProblems.put(resource, problem, at.getTime());
      const changedIds = [...new Set([...pulled.changedIds, ...(team?.changedIds ?? [])])];
      const moved = movedFor(store, store.takePulledMoves());
      if (changedIds.length > 0) events.emit('queueChanged', { visitIds: changedIds, reason: 'sync', ...(moved.length > 0 ? { moved } : {}) });
      // A push that only got transport errors means we are not really through.
      if (pushed.retried > 0 && pushed.done === 0 && pushed.lastError && (pushed.lastError.code === 'unreachable' || pushed.lastError.code === 'timeout')) {
        throw new EojError(pushed.lastError.code === 'timeout' ? 'timeout' : 'network', 'EOJ kan ikke nås');
      }
      state = 'online';
      lastError = null;
      failures = 0;
    } catch (error) {
      failures++;
      if (error instanceof MissingCapability) {
        state = 'error';
        lastError = { code: 'capability_missing', serverText: null, subject: error.missing.join(', ') };
        // Read again later: the EOJ may be upgraded or reconfigured.
        eoj.forgetCapabilities();
      } else {
        const eoj = error instanceof EojError ? error : new EojError('malformed', error instanceof Error ? error.message : String(error));
        state = eoj.kind === 'network' || eoj.kind === 'timeout' ? 'offline' : 'error';
        lastError = eoj.toSyncError();
        waitAtLeastMs = Math.max(waitAtLeastMs, eoj.retryAfterMs ?? 0);
      }
      const previous = store.syncState.get(PULL_SCOPE);
      if (previous) store.syncState.put({ ...previous, lastError: JSON.stringify(lastError) });
      logger.warn({ kind: lastError.code, status: error instanceof EojError ? error.status : undefined }, 'sync failed');
    }
  }

  function schedule(delayMs: number) {
    nextAttemptMs = clock.nowMs() + delayMs;
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void syncNow(), delayMs);
    timer.unref?.();
  }

  /** A change waits for a round: the one in progress goes once more, or one starts soon. */
  function wantRound(delayMs: number) {
    // During a round, a timer would be replaced by the next interval when the round ends (and the
    // change would wait a whole interval): the round itself goes again instead.
    if (running) again = true;
    else schedule(delayMs);
  }

  /** Runs a sync now, or right after the one in progress. */
  async function syncNow(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
        // A server that asked us to wait (429) is not asked again at once; the schedule below waits.
      } while (again && waitAtLeastMs === 0);
    })();
    try {
      await running;
    } finally {
      running = null;
      // After a failure: 1, 2, 4 … s, never longer than the pull interval, so the view is right
      // again one interval after the EOJ is back (and a failing EOJ gets no more requests than a
      // healthy one). A server that asked us to wait (429 Retry-After) is waited for in full.
      const backoff = failures === 0 ? intervalMs : Math.min(intervalMs, 1_000 * 2 ** Math.min(failures - 1, 5));
      schedule(Math.max(backoff, waitAtLeastMs));
      // Published once the next attempt is known (the banner says when it tries again).
      publish();
    }
  }

  return {
    start() {
      stopped = false;
      void syncNow();
    },
    /** A local change was written: push it soon. */
    trigger() {
      // A short pause gathers changes made together (a bulk move) into one round.
      if (!stopped) wantRound(Math.max(25, waitAtLeastMs));
    },
    syncNow,
    /** Sends the audit events waiting now (bounded by `timeoutMs`), e.g. before a sign-out or a look at the trail. */
    async flushAudit(timeoutMs: number): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref?.();
      });
      try {
        await Promise.race([pushAudit().catch(() => undefined), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    status,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await auditChain;
    },
  };
}
export type SyncEngine = ReturnType<typeof createSyncEngine>;
