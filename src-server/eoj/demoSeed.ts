import { demoFhirResources } from '../../src-shared/demo/demoFhir.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { careDay, careDayKey, nextCareDay } from '../../src-shared/time/copenhagen.js';
import type { Repository } from './repository.js';

/**
 * now: visits that ended before the clock's "now" are seeded as done (or not answered);
 * start-of-day: today is seeded as nobody has worked yet, every visit open (tests that need many).
 */
export type DemoAsOf = 'now' | 'start-of-day';

/**
 * Keeps the demo data in the sandbox EOJ: today's and tomorrow's demo days (a night shift's next
 * calls are after midnight), each seeded once as of the clock's "now", a pure function of it. Days
 * seeded earlier stay, as history does in a real EOJ; a new care day brings the day after it.
 */
export function createDemoSeeder(repository: Repository, clock: Clock, asOf: DemoAsOf, staffAs: 'Practitioner' | 'PractitionerRole' = 'Practitioner') {
  let seededFor: string | null = null;
  return {
    /** Seeds what the clock's care day needs; cheap when nothing changed since the last call. */
    ensure(): number {
      const now = clock.now();
      const key = careDayKey(now);
      if (key === seededFor) return 0;
      seededFor = key;
      const seenAs = asOf === 'start-of-day' ? careDay(now).start : now;
      let added = 0;
      for (const day of [careDay(now), nextCareDay(now)]) {
        // A day that already has visits (seeded before, perhaps in an older shape) is left as it is.
        const hasDay = repository.all('Appointment').some((a) => {
          const start = a.resource.resourceType === 'Appointment' && a.resource.start ? Date.parse(a.resource.start) : NaN;
          return start >= day.start.getTime() && start < day.end.getTime();
        });
        if (hasDay) continue;
        const missing = demoFhirResources(day.start, { now: seenAs, staffAs }).filter((r) => r.id === undefined || !repository.get(r.resourceType, r.id));
        if (missing.length > 0) repository.createMany(missing);
        added += missing.length;
      }
      return added;
    },
  };
}
