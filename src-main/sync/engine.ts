import type { SyncStatus } from '../../src-shared/domain/outbox.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { careDayKey } from '../../src-shared/time/copenhagen.js';
import { EojError, type FhirClient } from '../eoj/fhirClient.js';
import type { Logger } from '../log.js';
import type { AppEvents } from '../services/events.js';
import type { VisitStore } from '../store/visitStore.js';
import { PULL_SCOPE, pullAppointments } from './pull.js';
import { pushOutbox } from './push.js';

export interface SyncEngineOptions {
  client: FhirClient;
  store: VisitStore;
  teamId: string;
  events: AppEvents;
  logger: Logger;
  clock: Clock;
  /** Quiet-time pull interval. */
  intervalMs?: number;
  /** Periodic full resync (it is what catches hard deletes). */
  fullResyncMs?: number;
}

/**
 * Keeps the store in step with the EOJ: push the outbox, then pull; a full resync at start, at
 * the start of each care day and periodically; retries with backoff while the EOJ is away.
 */
export function createSyncEngine(options: SyncEngineOptions) {
  const { client, store, events, logger } = options;
  const { clock } = options;
  const intervalMs = options.intervalMs ?? 10_000;
  const fullResyncMs = options.fullResyncMs ?? 30 * 60_000;
  let state: SyncStatus['state'] = 'offline';
  let lastError: string | null = null;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  const status = (): SyncStatus => {
    const sync = store.syncState.get(PULL_SCOPE);
    return { state, lastSuccessAt: sync?.lastSuccessMs ? new Date(sync.lastSuccessMs).toISOString() : null, lastError, outbox: store.outbox.summary() };
  };
  const publish = () => {
    events.emit('syncStatus', status());
    events.emit('outboxChanged', store.outbox.summary());
  };

  function needsFullResync(at: Date): boolean {
    const last = store.syncState.get(PULL_SCOPE)?.lastFullResyncMs;
    return !last || careDayKey(new Date(last)) !== careDayKey(at) || at.getTime() - last > fullResyncMs;
  }

  async function runOnce(): Promise<void> {
    const at = clock.now();
    try {
      if (state === 'offline' && failures > 0) {
        // Probe with the cheap pull first; once the EOJ answers, waiting rows go at once.
        await pullAppointments({ client, store, teamId: options.teamId, now: at, full: false });
        store.outbox.retryNow(at.getTime());
      }
      const pushed = await pushOutbox({ client, store, clock });
      if (pushed.done + pushed.failed > 0) events.emit('outboxChanged', store.outbox.summary());
      const pulled = await pullAppointments({ client, store, teamId: options.teamId, now: at, full: needsFullResync(at) });
      if (pulled.changedIds.length > 0) events.emit('queueChanged', { visitIds: pulled.changedIds, reason: 'sync' });
      // A push that only got transport errors means we are not really through.
      if (pushed.retried > 0 && pushed.done === 0 && pushed.lastError) throw new EojError('network', pushed.lastError);
      state = 'online';
      lastError = null;
      failures = 0;
    } catch (error) {
      failures++;
      const offline = error instanceof EojError && (error.kind === 'network' || error.kind === 'timeout');
      state = offline ? 'offline' : 'error';
      lastError = error instanceof Error ? error.message : String(error);
      const previous = store.syncState.get(PULL_SCOPE);
      if (previous) store.syncState.put({ ...previous, lastError });
      logger.warn({ kind: error instanceof EojError ? error.kind : 'other', status: error instanceof EojError ? error.status : undefined }, 'sync failed');
    } finally {
      publish();
    }
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void syncNow(), delayMs);
    timer.unref?.();
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
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
      schedule(failures === 0 ? intervalMs : Math.min(30_000, Math.max(intervalMs, 1_000 * 2 ** Math.min(failures - 1, 5))));
    }
  }

  return {
    start() {
      stopped = false;
      void syncNow();
    },
    /** A local change was written: push it soon. */
    trigger() {
      if (!stopped) schedule(100);
    },
    syncNow,
    status,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
export type SyncEngine = ReturnType<typeof createSyncEngine>;
