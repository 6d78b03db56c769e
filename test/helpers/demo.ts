import { demoDay, type DemoDay } from '../../src-shared/demo/demoDay';
import type { Visit } from '../../src-shared/domain/visit';
import { inQueueWindow, queueWindow } from '../../src-shared/queue/window';
import type { Clock } from '../../src-shared/time/clock';
import { careDayKey, nextCareDay } from '../../src-shared/time/copenhagen';

/** The demo day as the sandbox or the demo store holds it at the clock's instant. */
export function demoAt(clock: Clock, options: { visits?: number } = {}): DemoDay {
  return demoDay(clock.now(), { now: clock.now(), ...options });
}

/** The id of a demo visit of the clock's care day, e.g. demoVisitId(clock, 'room-2-05'). */
export function demoVisitId(clock: Clock, slot: string): string {
  return `appointment-${careDayKey(clock.now())}-${slot}`;
}

/**
 * The visits today's queue shows at the clock's instant (demo data as the demo store seeds it:
 * today and tomorrow as of now), for a given staff member or the whole team.
 */
export function demoQueue(clock: Clock, filter: { practitionerId?: string; roomId?: string } = {}): Visit[] {
  const now = clock.now();
  const window = queueWindow(now);
  const tomorrow = demoDay(nextCareDay(now).start, { now }).visits;
  return [...demoAt(clock).visits, ...tomorrow]
    .filter((v) => v.status !== 'cancelled' && inQueueWindow(v, window))
    .filter((v) => (!filter.practitionerId || v.practitioner?.id === filter.practitionerId) && (!filter.roomId || v.room?.id === filter.roomId))
    .sort((a, b) => a.start.localeCompare(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
