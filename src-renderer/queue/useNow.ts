import { useEffect, useState } from 'react';
import { rendererClock } from '../time/clock';

/** The current time, re-read every `intervalMs` so "now/next" markers move on their own. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => rendererClock.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(rendererClock.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
