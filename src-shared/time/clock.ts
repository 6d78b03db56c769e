/**
 * The one place the product reads "now". Every process gets a Clock injected (main services, sync,
 * sandbox EOJ, signalling, renderer, citizen app), so a test or a demo can say "it is 11:00 on the
 * spring-forward day" and everything agrees. Durations (timeouts, frame timing) keep using timers
 * and performance.now(); they do not depend on the time of day.
 *
 * A lint rule forbids `Date.now()` and `new Date()` without arguments everywhere else.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /** The current instant in epoch milliseconds. */
  nowMs(): number;
}

/** The machine's clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};

/** A clock `offsetMs` ahead of (or behind) another one, running at its pace. */
export function offsetClock(offsetMs: number, base: Clock = systemClock): Clock {
  return {
    nowMs: () => base.nowMs() + offsetMs,
    now: () => new Date(base.nowMs() + offsetMs),
  };
}

/**
 * A clock that reads `start` now and then runs at the machine's pace: "it is 23:58 on 2 December"
 * for a test or a demo, with timers, timeouts and backoff behaving exactly as usual.
 */
export function clockStartingAt(start: Date, base: Clock = systemClock): Clock {
  return offsetClock(start.getTime() - base.nowMs(), base);
}

/** A clock that only moves when told to (unit tests of time-dependent rules). */
export interface ManualClock extends Clock {
  set(at: Date): void;
  advance(ms: number): void;
}

export function manualClock(start: Date): ManualClock {
  let ms = start.getTime();
  return {
    nowMs: () => ms,
    now: () => new Date(ms),
    set: (at) => {
      ms = at.getTime();
    },
    advance: (delta) => {
      ms += delta;
    },
  };
}

/** ISO 8601 with a zone: "2027-03-28T01:58:00+01:00" or "…Z" (a wall time alone is ambiguous on DST nights). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads an instant setting such as SKAERMRUM_NOW; throws a Danish message for anything else. */
export function parseInstantSetting(name: string, value: string): Date {
  const ms = INSTANT.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${name} skal være et tidspunkt med tidszone, fx 2027-03-28T01:58:00+01:00 (fik "${value}")`);
  return new Date(ms);
}

/** The clock a process runs on: the machine's, or one starting at the configured instant. */
export function clockFromSetting(name: string, value: string | undefined): Clock {
  return value ? clockStartingAt(parseInstantSetting(name, value)) : systemClock;
}
