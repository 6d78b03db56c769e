import { DEMO_TEAMS, NORD, type DemoTeam } from '../../src-shared/demo/demoDay.js';
import { demoAppointmentResources, demoFhirResources } from '../../src-shared/demo/demoFhir.js';
import { demoHistory, HISTORY_WEEKS } from '../../src-shared/demo/demoHistory.js';
import type { FhirResource, ResourceType } from '../../src-shared/fhir/schemas.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { careDay, careDayKey, nextCareDay, type InstantRange } from '../../src-shared/time/copenhagen.js';
import type { Repository } from './repository.js';
import { LEADER_USER, OTHER_TEAM_USER } from '../idp/users.js';

/**
 * now: visits that ended before the clock's "now" are seeded as done (or not answered);
 * start-of-day: today is seeded as nobody has worked yet, every visit open (tests that need many).
 */
export type DemoAsOf = 'now' | 'start-of-day';

/**
 * small: Skærmenheden Nord's today and tomorrow (what the tests count on);
 * full: the four skærmenheder, each with today, tomorrow, the 13 weeks before and the plan of
 * the two weeks after (`npm start`).
 */
export type DemoScope = 'small' | 'full';

/** What the history and the plan ahead hold: a search of these types may read them. */
const DEMO_TYPES: ReadonlySet<ResourceType> = new Set(['Appointment', 'Encounter', 'Communication', 'Task', 'QuestionnaireResponse']);
const TEAM_PREFIX = 'HealthcareService/';
/** The full demo's plan ahead: a report's citizens have visits after the week it covers, as in a real EOJ. */
export const PLAN_AHEAD_DAYS = 14;

// A past day's calls, verdicts and escalations may come an hour or two after its last visit (a
// night call rung late, its verdict, its escalation), its first ring a little before its first.
const SPILL_BEFORE_MS = 3_600_000;
const SPILL_AFTER_MS = 3 * 3_600_000;

interface QueuedDay {
  /** The day's visits (Appointments) start within [start, end). */
  start: number;
  end: number;
  /** A past day: its other resources may be dated a little outside it. */
  past: boolean;
  resources: () => FhirResource[];
}

/**
 * Keeps the demo data in the sandbox EOJ: today's and tomorrow's demo days (a night shift's next
 * calls are after midnight), each seeded once as of the clock's "now", a pure function of it, and
 * in the full demo also the 13 weeks before today and the plan of the two weeks after tomorrow.
 * Days seeded earlier stay, as history does in a real EOJ; a new care day brings the day after
 * it. A team's day that already has visits (seeded before, perhaps in an older shape) is left as
 * it is.
 *
 * Today and tomorrow are seeded at once (`ensure`); the full demo's other days after the server
 * is up (`fillHistory`), the days nearest today first and one team's day at a time, so the queue is
 * on screen as soon as without them. A search that may read a day not yet there waits for it
 * (`ready`).
 */
export function createDemoSeeder(
  repository: Repository,
  clock: Clock,
  asOf: DemoAsOf,
  staffAs: 'Practitioner' | 'PractitionerRole' = 'Practitioner',
  scope: DemoScope = 'small',
) {
  let seededFor: string | null = null;
  const teams: readonly DemoTeam[] = scope === 'full' ? DEMO_TEAMS : [NORD];
  /** The teams' days still to seed, nearest today first. */
  let queue: QueuedDay[] = [];
  let waiters: { type: ResourceType; from: number; to: number; resolve: () => void }[] = [];
  let filling: Promise<number> | null = null;
  let stopped = false;

  const pending = (type: ResourceType, from: number, to: number) =>
    queue.some((day) => {
      const spills = day.past && type !== 'Appointment';
      return day.start - (spills ? SPILL_BEFORE_MS : 0) < to && day.end + (spills ? SPILL_AFTER_MS : 0) > from;
    });
  const release = () => {
    waiters = waiters.filter((w) => {
      if (pending(w.type, w.from, w.to)) return true;
      w.resolve();
      return false;
    });
  };

  function seedMissing(resources: FhirResource[]): number {
    // Shared resources (the home-care groups) come once; what is there already stays.
    const ids = new Set<string>();
    const missing = resources.filter((r) => {
      const ref = `${r.resourceType}/${r.id ?? ''}`;
      if (r.id === undefined || ids.has(ref) || repository.get(r.resourceType, r.id)) return false;
      ids.add(ref);
      return true;
    });
    if (missing.length > 0) repository.createMany(missing);
    return missing.length;
  }

  return {
    /** Seeds today and tomorrow for the clock's care day and queues the full demo's other days; cheap when nothing changed since the last call. */
    ensure(): number {
      const now = clock.now();
      const key = careDayKey(now);
      if (key === seededFor) return 0;
      seededFor = key;
      const seenAs = asOf === 'start-of-day' ? careDay(now).start : now;
      const days = [careDay(now), nextCareDay(now)];
      const histories = scope === 'full' ? teams.map((team) => demoHistory(team, now, { weeks: HISTORY_WEEKS, staffAs })) : [];
      const past = histories[0];
      const pastDays = past ? Array.from({ length: past.days }, (_, i) => past.range(i + 1)) : [];
      const ahead: InstantRange[] = [];
      for (let i = 0; scope === 'full' && i < PLAN_AHEAD_DAYS; i++) ahead.push(nextCareDay((ahead.at(-1) ?? (days[1] as InstantRange)).start));
      const seeded = daysWithVisits(repository, [...days, ...pastDays, ...ahead]);
      const wanted: FhirResource[] = [];
      teams.forEach((team, t) => {
        for (const day of days) if (!seeded(team.teamId, day.start.getTime())) wanted.push(...demoFhirResources(day.start, { now: seenAs, staffAs, team }));
        // The citizens whose visits ended before today come with today: few, and read by id.
        const history = histories[t];
        if (history) wanted.push(...history.citizenResources());
      });
      const todayMs = days[0]?.start.getTime() ?? 0;
      queue = [
        ...pastDays.flatMap((day, i) =>
          teams.flatMap((team, t) => {
            const history = histories[t];
            if (!history || seeded(team.teamId, day.start.getTime())) return [];
            return [{ start: day.start.getTime(), end: day.end.getTime(), past: true, resources: () => history.resources(i + 1) }];
          }),
        ),
        ...ahead.flatMap((day) =>
          teams.flatMap((team) =>
            seeded(team.teamId, day.start.getTime())
              ? []
              : [
                  {
                    start: day.start.getTime(),
                    end: day.end.getTime(),
                    past: false,
                    resources: () => demoAppointmentResources(day.start, { now: seenAs, staffAs, team }),
                  },
                ],
          ),
        ),
      ].sort((a, b) => Math.abs(a.start - todayMs) - Math.abs(b.start - todayMs));
      // Everyone who signs in is a Practitioner (their audit events name them): the leader, and
      // Syd's lead where Syd is not seeded. Last, so a team's own record of them comes first.
      for (const user of [LEADER_USER, OTHER_TEAM_USER]) {
        const [given, ...family] = user.name.split(' ');
        wanted.push({ resourceType: 'Practitioner', id: user.sub, name: [{ text: user.name, given: given ? [given] : [], family: family.join(' ') }] });
      }
      const added = seedMissing(wanted);
      release();
      return added;
    },

    /**
     * Seeds the queued days, one team's day per turn of the event loop (requests are answered in
     * between) and, given `quiet` (whether no request came since it was last asked), only while
     * the server is quiet or a search waits; resolves with how many resources it added.
     */
    fillHistory(options: { quiet?: () => boolean } = {}): Promise<number> {
      filling ??= new Promise<number>((resolve, reject) => {
        let added = 0;
        const finish = (error?: unknown) => {
          queue = [];
          release();
          filling = null;
          if (error === undefined) resolve(added);
          else reject(error instanceof Error ? error : new Error(String(error)));
        };
        const step = () => {
          const next = queue[0];
          if (stopped || !next) return finish();
          // Sign-ins and the staff's pulls go first: a day is seeded while nobody is asking, or when a search waits for it.
          if (waiters.length === 0 && options.quiet && !options.quiet()) {
            setTimeout(step, 100);
            return;
          }
          try {
            added += seedMissing(next.resources());
          } catch (error) {
            return finish(error);
          }
          queue.shift();
          release();
          setImmediate(step);
        };
        setImmediate(step);
      });
      return filling;
    },

    /**
     * Resolves once what a search of `type` over [from, to) (null: unbounded) may read is seeded;
     * null when it already is.
     */
    ready(type: ResourceType, range: { from: number | null; to: number | null }): Promise<void> | null {
      const from = range.from ?? Number.NEGATIVE_INFINITY;
      const to = range.to ?? Number.POSITIVE_INFINITY;
      if (!DEMO_TYPES.has(type) || !pending(type, from, to)) return null;
      return new Promise((resolve) => waiters.push({ type, from, to, resolve }));
    },

    /** Stops seeding (the sandbox closes); waiting searches go on with what there is. */
    stop(): void {
      stopped = true;
      queue = [];
      release();
    },
  };
}

/**
 * Which teams already have visits on which of the days: one pass over the Appointments. A visit
 * without a team participant (data of another shape) counts for every team.
 */
function daysWithVisits(repository: Repository, days: InstantRange[]): (teamId: string, dayStartMs: number) => boolean {
  const sorted = [...days].sort((a, b) => a.start.getTime() - b.start.getTime());
  const starts = sorted.map((d) => d.start.getTime());
  const found = new Set<string>();
  for (const stored of repository.all('Appointment')) {
    const r = stored.resource;
    if (r.resourceType !== 'Appointment' || !r.start) continue;
    const ms = Date.parse(r.start);
    // The last day starting at or before the visit, if the visit is within it.
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] as number) <= ms) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const day = sorted[at];
    if (!day || ms >= day.end.getTime()) continue;
    const teams = r.participant.flatMap((p) => (p.actor?.reference?.startsWith(TEAM_PREFIX) ? [p.actor.reference.slice(TEAM_PREFIX.length)] : []));
    for (const team of teams.length > 0 ? teams : ['*']) found.add(`${team} ${day.start.getTime()}`);
  }
  return (teamId, dayStartMs) => found.has(`${teamId} ${dayStartMs}`) || found.has(`* ${dayStartMs}`);
}
