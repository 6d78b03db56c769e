import { useEffect, useRef } from 'react';
import type { StoreApi } from 'zustand';
import type { QueueState } from '../queue/queueStore';
import { useNow } from '../queue/useNow';

const QUEUE_REFRESH_MS = 15 * 60_000;

/** The queue's window moves with the clock (a new care day; the next hours past midnight): read it again every 15 minutes. */
export function useQueueRefresh(store: StoreApi<QueueState>): void {
  const quarter = Math.floor(useNow(60_000).getTime() / QUEUE_REFRESH_MS);
  const lastQuarter = useRef(quarter);
  useEffect(() => {
    if (quarter === lastQuarter.current) return;
    lastQuarter.current = quarter;
    if (store.getState().phase === 'ready') void store.getState().refresh();
  }, [quarter, store]);
}
