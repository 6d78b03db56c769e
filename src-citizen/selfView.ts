import { useCallback, useEffect, useState } from 'react';

/** The latest the citizen's own picture waits for the caller's (a call that stays audio only). */
export const SELF_VIEW_LATEST_MS = 1_000;

/**
 * When the citizen's own picture shows in a call: once the caller's picture plays, or after
 * SELF_VIEW_LATEST_MS without it. A second video started while the call is being set up held the
 * tablet's answer back by about 60 ms in the calls benchmark (the main thread starts its player
 * just as the offer arrives); a moment later nobody notices it.
 */
export function useSelfViewAfterPicture(callId: string | null): { shown: boolean; pictureUp: () => void } {
  const [shownFor, setShownFor] = useState<string | null>(null);
  useEffect(() => {
    if (!callId) return;
    const timer = window.setTimeout(() => setShownFor(callId), SELF_VIEW_LATEST_MS);
    return () => window.clearTimeout(timer);
  }, [callId]);
  const pictureUp = useCallback(() => {
    if (callId) setShownFor(callId);
  }, [callId]);
  return { shown: callId !== null && shownFor === callId, pictureUp };
}
