import { maskCpr } from '../domain/cpr.js';
import type { Visit, VisitStatus } from '../domain/visit.js';
import type { z } from 'zod';
import {
  CONTACT_ROLE_SYSTEM,
  CPR_SYSTEM,
  FSIII_SYSTEM,
  HOME_CARE_GROUP_EXTENSION,
  RELATIVES_MAY_JOIN_EXTENSION,
  type Appointment,
  type AppointmentStatus,
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
  const n = name?.[0];
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

/** "Patient/123" → ["Patient", "123"]; absolute URLs keep their last two segments. */
export function parseReference(reference: string | undefined): { type: string; id: string } | null {
  if (!reference) return null;
  const parts = reference.split('/').filter(Boolean);
  const id = parts.at(-1);
  const type = parts.at(-2);
  return id && type ? { type, id } : null;
}

/** Age, emergency contact, relatives' consent and home-care group, where the EOJ has them. */
function citizenDetails(patient: FhirPatient | undefined, lookup: (type: string, id: string) => Named | undefined) {
  if (!patient) return {};
  const emergency =
    patient.contact?.find((c) => c.relationship?.some((r) => r.coding?.some((code) => code.system === CONTACT_ROLE_SYSTEM && code.code === 'C'))) ??
    patient.contact?.[0];
  const extension = (url: string) => patient.extension?.find((e) => e.url === url);
  const group = parseReference(extension(HOME_CARE_GROUP_EXTENSION)?.valueReference?.reference);
  const relatives = extension(RELATIVES_MAY_JOIN_EXTENSION)?.valueBoolean;
  return {
    birthDate: patient.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate) ? patient.birthDate : null,
    emergencyContact: emergency
      ? {
          name: emergency.name ? displayName([emergency.name]) : '',
          phone: emergency.telecom?.find((t) => t.system === 'phone')?.value ?? '',
          relationship: emergency.relationship?.find((r) => r.text)?.text ?? '',
        }
      : null,
    relativesMayJoin: typeof relatives === 'boolean' ? relatives : null,
    homeCareGroup: group
      ? { id: group.id, name: nameOf(lookup(group.type, group.id)) || extension(HOME_CARE_GROUP_EXTENSION)?.valueReference?.display || group.id }
      : null,
  };
}

/**
 * An Appointment with its referenced resources (from `_include` or separate reads) as a Visit.
 * Returns null for appointments that must not be in the queue (entered in error, no citizen).
 */
export function appointmentToVisit(appointment: FhirAppointment, lookup: (type: string, id: string) => Named | undefined): Visit | null {
  const status = visitStatusOf(appointment.status);
  if (status === null || !appointment.id || !appointment.start || !appointment.end) return null;
  const actor = (type: string) => {
    for (const p of appointment.participant) {
      const ref = parseReference(p.actor?.reference);
      if (ref?.type === type) return { ref, display: p.actor?.display ?? '', resource: lookup(type, ref.id) };
    }
    return null;
  };
  const patient = actor('Patient');
  if (!patient) return null;
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
  const team = actor('CareTeam');
  const service = appointment.serviceType?.[0];
  const fsiii = service?.coding?.find((c) => c.system === FSIII_SYSTEM)?.code ?? null;
  return {
    id: appointment.id,
    versionId: appointment.meta?.versionId ?? null,
    start: new Date(appointment.start).toISOString(),
    end: new Date(appointment.end).toISOString(),
    citizen: {
      id: patient.ref.id,
      name: nameOf(patient.resource) || patient.display || '–',
      cprMasked,
      address:
        patientResource?.address?.[0]?.text ??
        [patientResource?.address?.[0]?.line?.join(' '), patientResource?.address?.[0]?.postalCode, patientResource?.address?.[0]?.city]
          .filter(Boolean)
          .join(', '),
      ...citizenDetails(patientResource, lookup),
    },
    task: {
      code: fsiii,
      type: service?.text ?? service?.coding?.[0]?.display ?? 'Skærmbesøg',
      description: appointment.description ?? '',
    },
    practitioner: practitioner ? { id: practitioner.ref.id, name: nameOf(practitioner.resource) || practitioner.display } : null,
    room: room ? { id: room.ref.id, name: nameOf(room.resource) || room.display } : null,
    teamId: team?.ref.id ?? null,
    status,
    notes: appointment.comment ?? '',
    updatedAt: new Date(appointment.meta?.lastUpdated ?? appointment.start).toISOString(),
  };
}
