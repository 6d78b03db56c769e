import type { z } from 'zod';
import { Appointment } from '../../src-shared/fhir/schemas.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { SystemEoj } from './eoj.js';

/** Where the signalling service learns which citizen a visit is for, and whose team it is. */
export interface VisitDirectory {
  visit(visitId: string): Promise<{ citizenId: string; teamId: string } | null>;
  citizenInTeam(citizenId: string, teamId: string): Promise<boolean>;
  /** Start of the citizen's next open visit with this team, if any. */
  nextVisitStart(citizenId: string, teamId: string, afterMs: number): Promise<string | null>;
}

/** A visit that started up to this long ago is still "the next call" (it may be running late). */
const STILL_NEXT_MS = 15 * 60_000;
/** Who a visit is for does not change; team membership and plans can, so those are kept shorter. */
const VISIT_TTL_MS = 10 * 60_000;
const MEMBERSHIP_TTL_MS = 5 * 60_000;
const SCHEDULE_TTL_MS = 60_000;

function partiesOf(appointment: z.infer<typeof Appointment>, baseUrl: string): { citizenId: string | null; teamId: string | null } {
  const refs = appointment.participant.map((p) => parseReference(p.actor?.reference, baseUrl));
  const idOf = (type: string) => {
    const found = refs.find((r) => r?.kind === 'resource' && r.type === type);
    return found?.kind === 'resource' ? found.id : null;
  };
  return { citizenId: idOf('Patient'), teamId: idOf('HealthcareService') };
}

/**
 * The directory read from the EOJ by search (any conformant R4 server), with the system's own
 * credentials. Answers are cached briefly per instance: a ring must not wait on the EOJ each time.
 */
export function eojVisitDirectory(eoj: SystemEoj, clock: Clock): VisitDirectory {
  const cache = new Map<string, { value: unknown; untilMs: number }>();
  async function cached<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit && hit.untilMs > clock.nowMs()) return hit.value as T;
    const value = await load();
    if (cache.size > 50_000) cache.clear();
    cache.set(key, { value, untilMs: clock.nowMs() + ttlMs });
    return value;
  }
  const theirs = (citizenId: string, teamId: string) =>
    `patient=${encodeURIComponent(`Patient/${citizenId}`)}&actor=${encodeURIComponent(`HealthcareService/${teamId}`)}`;

  return {
    visit: (visitId) =>
      cached(`visit:${visitId}`, VISIT_TTL_MS, async () => {
        const found = await eoj.call((c) => c.searchPage(`Appointment?_id=${encodeURIComponent(visitId)}`));
        const appointment = found.body.entry?.map((e) => Appointment.safeParse(e.resource)).find((p) => p.success)?.data;
        if (!appointment) return null;
        const { citizenId, teamId } = partiesOf(appointment, eoj.client.baseUrl);
        return citizenId && teamId ? { citizenId, teamId } : null;
      }),
    citizenInTeam: (citizenId, teamId) =>
      cached(`member:${teamId}:${citizenId}`, MEMBERSHIP_TTL_MS, async () => {
        const found = await eoj.call((c) => c.searchPage(`Appointment?${theirs(citizenId, teamId)}&_count=1`));
        return (found.body.entry ?? []).length > 0;
      }),
    nextVisitStart: (citizenId, teamId, afterMs) =>
      cached(`next:${teamId}:${citizenId}`, SCHEDULE_TTL_MS, async () => {
        const from = new Date(afterMs - STILL_NEXT_MS).toISOString();
        const found = await eoj.call((c) =>
          c.searchPage(`Appointment?${theirs(citizenId, teamId)}&status=booked&date=ge${encodeURIComponent(from)}&_count=50`),
        );
        const starts = (found.body.entry ?? [])
          .map((e) => Appointment.safeParse(e.resource))
          .flatMap((p) => (p.success && p.data.status === 'booked' && p.data.start && Date.parse(p.data.start) + STILL_NEXT_MS > afterMs ? [p.data.start] : []))
          .sort((a, b) => Date.parse(a) - Date.parse(b));
        return starts[0] ?? null;
      }),
  };
}
