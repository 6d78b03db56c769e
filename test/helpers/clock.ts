import { clockStartingAt, parseInstantSetting, type Clock } from '../../src-shared/time/clock';

/**
 * The instant the time-dependent tests run at. `npm test` runs them at several pinned instants
 * (test/run.sh sets SKAERMRUM_TEST_NOW for each); run by hand they default to noon on an ordinary
 * day. Never the machine's time of day: a failure must be reproducible at any hour.
 */
export const DEFAULT_TEST_INSTANT = '2026-12-02T12:00:00+01:00';
export const TEST_INSTANT: Date = parseInstantSetting('SKAERMRUM_TEST_NOW', process.env.SKAERMRUM_TEST_NOW ?? DEFAULT_TEST_INSTANT);

/** A clock that reads `at` (default: the test instant) now and runs on at the machine's pace. */
export function testClock(at: Date = TEST_INSTANT): Clock {
  return clockStartingAt(at);
}

/**
 * Resolves once `clock` reads a later millisecond than it does now: an instant taken after this is
 * strictly later than every write stamped before it (a condition, not a sleep of a guessed length).
 */
export async function pastThisMillisecond(clock: Clock): Promise<void> {
  const now = clock.nowMs();
  while (clock.nowMs() <= now) await new Promise<void>((resolve) => setImmediate(resolve));
}
