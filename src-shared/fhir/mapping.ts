import { maskCpr } from '../domain/cpr.js';
import type { Visit, VisitStatus } from '../domain/visit.js';
import type { z } from 'zod';
import { parseReference } from './references.js';
import {
  CONTACT_ROLE_SYSTEM,
  CPR_SYSTEM,
  FSIII_SYSTEM,
  HOME_CARE_GROUP_EXTENSION,
  RELATIVES_MAY_JOIN_EXTENSION,
  type Appointment,
  type AppointmentStatus,
  type Address,
  type HumanName,
  type Patient,
} from './schemas.js';

/** The one place FHIR resources become domain types (and back, for what we write). */

type FhirAppointment = z.infer<typeof Appointment>;
type FhirPatient = z.infer<typeof Patient>;
type FhirStatus = z.infer<typeof AppointmentStatus>;
export interface Named {
  resourceType: string;
  id?: string | undefined;
  name?: unknown;
}

const TO_VISIT: Record<FhirStatus, VisitStatus | null> = {
  proposed: 'planned',
  pending: 'planned',
  waitlist: 'planned',
  booked: 'planned',
  'checked-in': 'in_progress',
  arrived: 'in_progress',
  fulfilled: 'completed',
  noshow: 'not_answered',
  cancelled: 'cancelled',
  'entered-in-error': null,
};

const TO_APPOINTMENT: Record<VisitStatus, FhirStatus> = {
  planned: 'booked',
  in_progress: 'arrived',
  completed: 'fulfilled',
  not_answered: 'noshow',
  cancelled: 'cancelled',
};

export const visitStatusOf = (status: FhirStatus): VisitStatus | null => TO_VISIT[status];
export const appointmentStatusFor = (status: VisitStatus): FhirStatus => TO_APPOINTMENT[status];
/** Statuses someone has already closed the visit with: never overwritten by a stale client. */
export const isClosedAppointmentStatus = (status: FhirStatus) =>
  status === 'fulfilled' || status === 'cancelled' || status === 'noshow' || status === 'entered-in-error';

export function displayName(name: z.infer<typeof HumanName>[] | undefined): string {
  const n = name?.find((candidate) => candidate.use === 'official') ?? name?.[0];
  if (!n) return '';
  return n.text ?? [...(n.given ?? []), n.family ?? ''].join(' ').trim();
}

function nameOf(resource: Named | undefined): string {
  return resource && Array.isArray(resource.name)
    ? displayName(resource.name as z.infer<typeof HumanName>[])
    : typeof resource?.name === 'string'
      ? resource.name
      : '';
}

/** Long texts are kept in the EOJ and shortened only for what the client shows and stores. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** A Danish postal address: "Mågevej 58, 4000 Roskilde" (the text form when the EOJ has one). */
export function danishAddress(address: z.infer<typeof Address> | undefined): string {
  if (!address) return '';
  if (address.text) return address.text;
  const town = [address.postalCode, address.city].filter(Boolean).join(' ');
  return [address.line?.join(' '), town].filter(Boolean).join(', ');
}

/** Age, emergency contact, relatives' consent and home-care group, where the EOJ has them. */
function citizenDetails(patient: FhirPatient | undefined, resolve: (reference: string | undefined) => Named | undefined) {
  if (!patient) return {};
  const emergency =
    patient.contact?.find((c) => c.relationship?.some((r) => r.coding?.some((code) => code.system === CONTACT_ROLE_SYSTEM && code.code === 'C'))) ??
    patient.contact?.[0];
  const extension = (url: string) => patient.extension?.find((e) => e.url === url);
  const groupRef = extension(HOME_CARE_GROUP_EXTENSION)?.valueReference;
  const group = parseReference(groupRef?.reference);
  const relatives = extension(RELATIVES_MAY_JOIN_EXTENSION)?.valueBoolean;
  return {
    birthDate: patient.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate) ? patient.birthDate : null,
    emergencyContact: emergency
      ? {
          name: shorten(emergency.name ? displayName([emergency.name]) : '', 200),
          phone: shorten(emergency.telecom?.find((t) => t.system === 'phone')?.value ?? '', 40),
          relationship: shorten(emergency.relationship?.find((r) => r.text)?.text ?? '', 100),
        }
      : null,
    relativesMayJoin: typeof relatives === 'boolean' ? relatives : null,
    homeCareGroup:
      group?.kind === 'resource' ? { id: group.id, name: shorten(nameOf(resolve(groupRef?.reference)) || groupRef?.display || group.id, 200) } : null,
  };
}

/** What became of one Appointment: a visit, nothing (entered in error), or a problem to show. */
export type AppointmentMapping = { kind: 'visit'; visit: Visit } | { kind: 'skip' } | { kind: 'problem'; field: string; message: string };

export interface MappingContext {
  /** A referenced resource the server sent along or the client read ("Type", "id"). */
  lookup(type: string, id: string): Named | undefined;
  /** The server's base, so absolute references to it resolve like relative ones. */
  baseUrl?: string;
  /** The team the Appointments were searched for: visits without a HealthcareService participant belong to it. */
  teamId?: string | null;
}

/**
 * An Appointment with its referenced resources (sent along with `_include`, read in batches, or
 * contained in it) as a Visit. References may be relative, versioned, absolute or contained.
 */
export function appointmentToVisit(appointment: FhirAppointment, context: MappingContext): AppointmentMapping {
  const status = visitStatusOf(appointment.status);
  if (status === null) return { kind: 'skip' };
  if (!appointment.id) return { kind: 'problem', field: 'id', message: 'mangler id' };
  if (!appointment.start) return { kind: 'problem', field: 'start', message: 'mangler starttidspunkt' };
  if (!appointment.end) return { kind: 'problem', field: 'end', message: 'mangler sluttidspunkt' };
  const contained = appointment.contained ?? [];
  const resolve = (reference: string | undefined): Named | undefined => {
    const parsed = parseReference(reference, context.baseUrl);
    if (parsed?.kind === 'contained') return contained.find((r) => r.id === parsed.id) as Named | undefined;
    return parsed?.kind === 'resource' ? context.lookup(parsed.type, parsed.id) : undefined;
  };
  const actors = appointment.participant.map((p, index) => {
    const parsed = parseReference(p.actor?.reference, context.baseUrl);
    const resource = resolve(p.actor?.reference);
    const type = parsed?.kind === 'resource' ? parsed.type : parsed?.kind === 'contained' ? resource?.resourceType : undefined;
    const id = parsed?.kind === 'resource' || parsed?.kind === 'contained' ? parsed.id : undefined;
    return { index, parsed, type, id, display: p.actor?.display ?? '', resource };
  });
  const actor = (type: string) => actors.find((a) => a.type === type && a.id !== undefined);
  const patient = actor('Patient');
  if (!patient) {
    const unresolved = actors.find((a) => a.parsed?.kind === 'contained' && !a.resource);
    if (unresolved)
      return {
        kind: 'problem',
        field: `participant[${unresolved.index}].actor`,
        message: `den indlejrede ressource ${appointment.participant[unresolved.index]?.actor?.reference} findes ikke`,
      };
    return { kind: 'problem', field: 'participant', message: 'har ingen borger (Patient) som deltager' };
  }
  const patientResource = patient.resource as FhirPatient | undefined;
  const cpr = patientResource?.identifier?.find((i) => i.system === CPR_SYSTEM)?.value;
  let cprMasked = '000000-xxxx';
  if (cpr) {
    try {
      cprMasked = maskCpr(cpr);
    } catch {
      // An unusable CPR is shown as unknown rather than stopping the whole queue.
    }
  }
  const practitioner = actor('Practitioner');
  const room = actor('Location');
  const team = actor('HealthcareService');
  const service = appointment.serviceType?.[0];
  const fsiii = service?.coding?.find((c) => c.system === FSIII_SYSTEM)?.code ?? null;
  // A contained resource has no id of its own on the server: it is known by the Appointment's.
  const refId = (a: NonNullable<ReturnType<typeof actor>>) => (a.parsed?.kind === 'contained' ? `${appointment.id}-${a.id}` : (a.id as string));
  return {
    kind: 'visit',
    visit: {
      id: appointment.id,
      versionId: appointment.meta?.versionId ?? null,
      start: new Date(appointment.start).toISOString(),
      end: new Date(appointment.end).toISOString(),
      citizen: {
        id: refId(patient),
        name: shorten(nameOf(patient.resource) || patient.display || '–', 200),
        cprMasked,
        address: shorten(danishAddress(patientResource?.address?.find((a) => a.use === 'home') ?? patientResource?.address?.[0]), 300),
        ...citizenDetails(patientResource, resolve),
      },
      task: {
        code: fsiii ? shorten(fsiii, 32) : null,
        type: shorten(service?.text ?? service?.coding?.[0]?.display ?? 'Skærmbesøg', 120),
        description: shorten(appointment.description ?? '', 1000),
      },
      practitioner: practitioner ? { id: refId(practitioner), name: shorten(nameOf(practitioner.resource) || practitioner.display, 200) } : null,
      room: room ? { id: refId(room), name: shorten(nameOf(room.resource) || room.display, 200) } : null,
      teamId: team ? refId(team) : (context.teamId ?? null),
      status,
      notes: shorten(appointment.comment ?? '', 4000),
      updatedAt: new Date(appointment.meta?.lastUpdated ?? appointment.start).toISOString(),
    },
  };
}
