import type { z } from 'zod';
import { Appointment, Consent, Patient, RelatedPerson } from '../../src-shared/fhir/schemas.js';
import { preferredName } from '../../src-shared/fhir/identity.js';
import { relativesOf } from '../../src-shared/fhir/relatives.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { SystemEoj } from './eoj.js';

/** Where the signalling service learns which citizen a visit is for, and whose team it is. */
export interface VisitDirectory {
  /** Whose visit it is, and the citizen's first name (how a call shows them to guests and colleagues). */
  visit(visitId: string): Promise<{ citizenId: string; teamId: string; citizenFirstName: string } | null>;
  citizenInTeam(citizenId: string, teamId: string): Promise<boolean>;
  /** Start of the citizen's next open visit with this team, if any. */
  nextVisitStart(citizenId: string, teamId: string, afterMs: number): Promise<string | null>;
  /**
   * What an invitation of a relative to a visit needs, read fresh (consent can be withdrawn):
   * null when the visit or relative is not there. `mobile` is null when they have no number to text.
   */
  invitee(visitId: string, relativeId: string, now: Date): Promise<Invitee | null>;
}

export interface Invitee {
  citizenId: string;
  teamId: string;
  startMs: number;
  endMs: number;
  citizenFirstName: string;
  relative: { id: string; name: string; relationship: string; mayJoin: boolean; mobile: string | null };
}

/** The first given name, as a guest is told it and the tablet asks about them. */
export const firstNameOf = (full: string) => full.trim().split(/\s+/)[0] ?? '';

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
        const found = await eoj.call((c) => c.searchPage(`Appointment?_id=${encodeURIComponent(visitId)}&_include=Appointment:patient`));
        const entries = found.body.entry ?? [];
        const appointment = entries.map((e) => Appointment.safeParse(e.resource)).find((p) => p.success)?.data;
        if (!appointment) return null;
        const { citizenId, teamId } = partiesOf(appointment, eoj.client.baseUrl);
        if (!citizenId || !teamId) return null;
        // A server that ignores _include gives no Patient: the name is then left out, not looked up.
        const patient = entries.map((e) => Patient.safeParse(e.resource)).find((p) => p.success && p.data.id === citizenId)?.data;
        return { citizenId, teamId, citizenFirstName: patient ? firstNameOf(preferredName(patient.name, new Date(clock.nowMs()))) : '' };
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
    async invitee(visitId, relativeId, now) {
      const found = await eoj.call((c) => c.searchPage(`Appointment?_id=${encodeURIComponent(visitId)}&_include=Appointment:patient`));
      const entries = found.body.entry ?? [];
      const appointment = entries.map((e) => Appointment.safeParse(e.resource)).find((p) => p.success)?.data;
      if (!appointment?.start || !appointment.end) return null;
      const { citizenId, teamId } = partiesOf(appointment, eoj.client.baseUrl);
      if (!citizenId || !teamId) return null;
      let patient = entries.map((e) => Patient.safeParse(e.resource)).find((p) => p.success && p.data.id === citizenId)?.data;
      if (!patient) {
        const read = await eoj.call((c) => c.searchPage(`Patient?_id=${encodeURIComponent(citizenId)}`));
        patient = (read.body.entry ?? []).map((e) => Patient.safeParse(e.resource)).find((p) => p.success)?.data;
      }
      const of = encodeURIComponent(`Patient/${citizenId}`);
      const [people, consents] = await Promise.all([
        eoj.call((c) => c.searchPage(`RelatedPerson?_id=${encodeURIComponent(relativeId)}&patient=${of}`)),
        eoj.call((c) => c.searchPage(`Consent?patient=${of}&status=active&_count=100`)),
      ]);
      const person = (people.body.entry ?? []).map((e) => RelatedPerson.safeParse(e.resource)).find((p) => p.success && p.data.id === relativeId)?.data;
      if (!person) return null;
      const consentList = (consents.body.entry ?? []).flatMap((e) => {
        const parsed = Consent.safeParse(e.resource);
        return parsed.success ? [parsed.data] : [];
      });
      const [relative] = relativesOf([person], consentList, now, eoj.client.baseUrl);
      if (!relative) return null;
      const mobile =
        (person.telecom ?? []).find((t) => (t.system === 'sms' || (t.system === 'phone' && t.use === 'mobile')) && t.value?.trim())?.value?.trim() ?? null;
      return {
        citizenId,
        teamId,
        startMs: Date.parse(appointment.start),
        endMs: Date.parse(appointment.end),
        citizenFirstName: firstNameOf(preferredName(patient?.name, now)),
        relative: { id: relative.id, name: relative.name, relationship: relative.relationship, mayJoin: relative.mayJoin, mobile },
      };
    },
  };
}
