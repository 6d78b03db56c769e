import { useEffect } from 'react';

/**
 * Starts a store's background work (a subscription, a connection, open devices) while `active`,
 * and stops it on the way out, also when it is still starting.
 */
export function useStarted(start: () => Promise<() => void>, active: boolean, deps: readonly unknown[]): void {
  useEffect(() => {
    if (!active) return;
    let stop: (() => void) | undefined;
    let cancelled = false;
    void start().then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
    // The caller names what the start depends on.
  }, [active, ...deps]);
}
