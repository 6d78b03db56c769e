import { EventEmitter, on } from 'node:events';
import type { OutboxSummary, SyncStatus } from '../src-shared/domain/outbox.js';
import type { QueueChanged } from '../src-shared/api/contract.js';
import type { Staff } from '../src-shared/domain/visit.js';

/** Events the main process pushes to every connected renderer. */
export interface AppEventMap {
  queueChanged: QueueChanged;
  outboxChanged: OutboxSummary;
  syncStatus: SyncStatus;
  sessionChanged: Staff | null;
  pushed: { visitIds: string[] };
}

export interface AppEvents {
  emit<E extends keyof AppEventMap>(event: E, payload: AppEventMap[E]): void;
  /** Yields each payload until `signal` aborts. */
  stream<E extends keyof AppEventMap>(event: E, signal: AbortSignal): AsyncIterable<AppEventMap[E]>;
}

export function createAppEvents(): AppEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  return {
    emit: (event, payload) => void emitter.emit(event, payload),
    async *stream(event, signal) {
      try {
        for await (const [payload] of on(emitter, event, { signal })) yield payload as AppEventMap[typeof event];
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    },
  };
}
