import { maskCpr } from '../domain/cpr.js';
import type { ResourceProblem } from '../domain/outbox.js';
import type { UnrecognisedShapes, Visit, VisitStatus } from '../domain/visit.js';
import type { z } from 'zod';
import { currentCpr, preferredName } from './identity.js';
import { FUT_APPOINTMENT_EXTENSIONS, FUT_APPOINTMENT_SERVICE_TYPE_SYSTEM } from './profiles.js';
import { parseReference } from './references.js';
import { relativesOf } from './relatives.js';
import {
  CONTACT_ROLE_SYSTEM,
  CPR_SYSTEM,
  FSIII_SYSTEM,
  HOME_CARE_GROUP_EXTENSION,
  type Appointment,
  type AppointmentStatus,
  type Address,
  type Consent,
  type HumanName,
  type Patient,
  type RelatedPerson,
  PractitionerRole,
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

/** A person's name as shown (the current one: see preferredName), or a place's or team's name. */
export function nameOf(resource: Named | undefined, now: Date): string {
  return resource && Array.isArray(resource.name)
    ? preferredName(resource.name as z.infer<typeof HumanName>[], now)
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

/** A citizen's relatives and their consents, as read from the EOJ (absent: the EOJ could not be asked). */
export interface CitizenRelations {
  relatedPersons: z.infer<typeof RelatedPerson>[];
  consents: z.infer<typeof Consent>[];
}

/** Age, emergency contact, relatives (and their consent) and home-care group, where the EOJ has them. */
function citizenDetails(
  patient: FhirPatient | undefined,
  resolve: (reference: string | undefined) => Named | undefined,
  now: Date,
  relations: CitizenRelations | undefined,
  baseUrl: string | undefined,
) {
  const relatives = relations ? relativesOf(relations.relatedPersons, relations.consents, now, baseUrl) : undefined;
  if (!patient) return relatives ? { relatives, relativesMayJoin: relatives.some((r) => r.mayJoin) } : {};
  const emergency =
    patient.contact?.find((c) => c.relationship?.some((r) => r.coding?.some((code) => code.system === CONTACT_ROLE_SYSTEM && code.code === 'C'))) ??
    patient.contact?.[0];
  const extension = (url: string) => patient.extension?.find((e) => e.url === url);
  const groupRef = extension(HOME_CARE_GROUP_EXTENSION)?.valueReference;
  const group = parseReference(groupRef?.reference);
  return {
    birthDate: patient.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate) ? patient.birthDate : null,
    emergencyContact: emergency
      ? {
          name: shorten(emergency.name ? preferredName([emergency.name], now) : '', 200),
          phone: shorten(emergency.telecom?.find((t) => t.system === 'phone')?.value ?? '', 40),
          relationship: shorten(emergency.relationship?.find((r) => r.text)?.text ?? '', 100),
        }
      : null,
    relativesMayJoin: relatives ? relatives.some((r) => r.mayJoin) : null,
    ...(relatives ? { relatives } : {}),
    homeCareGroup:
      group?.kind === 'resource' ? { id: group.id, name: shorten(nameOf(resolve(groupRef?.reference), now) || groupRef?.display || group.id, 200) } : null,
  };
}

/** Participant types the mapping reads; any other is kept in the EOJ and counted as unrecognised. */
const KNOWN_PARTICIPANTS = new Set(['Patient', 'Practitioner', 'PractitionerRole', 'Location', 'HealthcareService']);
/** Patient extensions the mapping reads. */
const KNOWN_PATIENT_EXTENSIONS = new Set([HOME_CARE_GROUP_EXTENSION]);
/** Appointment extensions the mapping knows: FUT's video appointment's (its meeting is the service's). */
const KNOWN_APPOINTMENT_EXTENSIONS = new Set(FUT_APPOINTMENT_EXTENSIONS);

/** What became of one Appointment: a visit, nothing (entered in error), or a problem to show. */
export type AppointmentMapping =
  | {
      kind: 'visit';
      visit: Visit;
      /** Referenced resources that could not serve the visit (a role without a person): shown as problems. */
      referenceProblems: { resource: string; problem: ResourceProblem }[];
      unrecognised: UnrecognisedShapes;
    }
  | { kind: 'skip' }
  | { kind: 'problem'; problem: ResourceProblem };

export interface MappingContext {
  /** A referenced resource the server sent along or the client read ("Type", "id"). */
  lookup(type: string, id: string): Named | undefined;
  /** The server's base, so absolute references to it resolve like relative ones. */
  baseUrl?: string;
  /** The team the Appointments were searched for: visits without a team of their own belong to it. */
  teamId?: string | null;
  /** Now: identifiers and names whose period has ended are history, not current. */
  now: Date;
  /** The citizen's relatives and consents, where they were read ("Patient" id). */
  relations?(patientId: string): CitizenRelations | undefined;
}

/** The urls of a resource's extensions (Appointment's are not in our schema: they are only counted). */
function extensionUrls(resource: object): string[] {
  const extension = (resource as { extension?: unknown }).extension;
  return Array.isArray(extension) ? extension.map((e: { url?: unknown }) => (typeof e?.url === 'string' ? e.url : '')) : [];
}

/** Who does a visit, from an Appointment's participants: the staff member, directly or through a PractitionerRole. */
export interface StaffParticipant {
  /** The Practitioner's id (whoever booked through a role, the person is the one on the board). */
  practitionerId: string | null;
  display: string;
  /** The role the EOJ booked, when it used one (a move writes a role back). */
  roleId: string | null;
  /** The role's room and team, for an Appointment that names neither. */
  roleRoomId: string | null;
  roleTeamId: string | null;
}

/** The staff member of a PractitionerRole: its practitioner, room (first location) and team (first service). */
export function staffOfRole(role: Named | undefined, baseUrl?: string): Omit<StaffParticipant, 'display' | 'roleId'> | null {
  const parsed = PractitionerRole.safeParse(role);
  if (!parsed.success) return null;
  const idOf = (reference: string | undefined, type: string) => {
    const ref = parseReference(reference, baseUrl);
    return ref?.kind === 'resource' && ref.type === type ? ref.id : null;
  };
  return {
    practitionerId: idOf(parsed.data.practitioner?.reference, 'Practitioner'),
    roleRoomId: (parsed.data.location ?? []).map((l) => idOf(l.reference, 'Location')).find((id) => id !== null) ?? null,
    roleTeamId: (parsed.data.healthcareService ?? []).map((h) => idOf(h.reference, 'HealthcareService')).find((id) => id !== null) ?? null,
  };
}

/**
 * An Appointment with its referenced resources (sent along with `_include`, read in batches, or
 * contained in it) as a Visit. References may be relative, versioned, absolute or contained.
 */
export function appointmentToVisit(appointment: FhirAppointment, context: MappingContext): AppointmentMapping {
  const status = visitStatusOf(appointment.status);
  if (status === null) return { kind: 'skip' };
  const problem = (field: string, kind: ResourceProblem['kind'], detail: string): AppointmentMapping => ({ kind: 'problem', problem: { field, kind, detail } });
  if (!appointment.id) return problem('id', 'missing', 'mangler id');
  if (!appointment.start) return problem('start', 'missing', 'mangler starttidspunkt');
  if (!appointment.end) return problem('end', 'missing', 'mangler sluttidspunkt');
  const { now } = context;
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
    return { index, parsed, type, id, display: p.actor?.display ?? '', resource, hasActor: p.actor !== undefined };
  });
  type Actor = (typeof actors)[number];
  const actor = (type: string) => actors.find((a) => a.type === type && a.id !== undefined);
  const patient = actor('Patient');
  if (!patient) {
    const unresolved = actors.find((a) => a.parsed?.kind === 'contained' && !a.resource);
    if (unresolved)
      return problem(
        `participant[${unresolved.index}].actor`,
        'unresolved_reference',
        `den indlejrede ressource ${appointment.participant[unresolved.index]?.actor?.reference} findes ikke`,
      );
    return problem('participant', 'no_citizen', 'har ingen borger (Patient) som deltager');
  }
  const patientResource = patient.resource as FhirPatient | undefined;
  const cpr = currentCpr(patientResource?.identifier, now);
  // A contained resource has no id of its own on the server: it is known by the Appointment's.
  const refId = (a: Actor) => (a.parsed?.kind === 'contained' ? `${appointment.id}-${a.id}` : (a.id as string));
  const referenceProblems: { resource: string; problem: ResourceProblem }[] = [];

  // The staff member: a Practitioner participant, or the practitioner of a PractitionerRole one.
  const practitioner = actor('Practitioner');
  const role = practitioner ? undefined : actor('PractitionerRole');
  let staff: { id: string; name: string } | null = practitioner
    ? { id: refId(practitioner), name: nameOf(practitioner.resource, now) || practitioner.display }
    : null;
  let roleRoomId: string | null = null;
  let roleTeamId: string | null = null;
  if (role) {
    const roleKey = role.parsed?.kind === 'resource' ? `PractitionerRole/${role.id}` : `Appointment/${appointment.id}#${role.id}`;
    const of = staffOfRole(role.resource, context.baseUrl);
    if (!role.resource)
      referenceProblems.push({ resource: roleKey, problem: { field: '(ressourcen)', kind: 'unresolved_reference', detail: 'findes ikke i EOJ' } });
    else if (!of?.practitionerId)
      referenceProblems.push({
        resource: roleKey,
        problem: {
          field: 'practitioner',
          kind: 'missing',
          detail: 'rollen peger ikke på en medarbejder (Practitioner), så besøget står som ufordelt',
        },
      });
    if (of?.practitionerId) staff = { id: of.practitionerId, name: nameOf(context.lookup('Practitioner', of.practitionerId), now) || role.display };
    roleRoomId = of?.roleRoomId ?? null;
    roleTeamId = of?.roleTeamId ?? null;
  }
  const room = actor('Location');
  const roomOf = (): { id: string; name: string } | null => {
    if (room) return { id: refId(room), name: nameOf(room.resource, now) || room.display };
    return roleRoomId ? { id: roleRoomId, name: nameOf(context.lookup('Location', roleRoomId), now) || roleRoomId } : null;
  };
  const team = actor('HealthcareService');
  // The task: the serviceType that says what is done (FSIII, or a text), not FUT's "video" marker.
  const service =
    appointment.serviceType?.find((s) => s.text || s.coding?.some((c) => c.system === FSIII_SYSTEM)) ??
    appointment.serviceType?.find((s) => !s.coding?.some((c) => c.system === FUT_APPOINTMENT_SERVICE_TYPE_SYSTEM));
  const fsiii = service?.coding?.find((c) => c.system === FSIII_SYSTEM)?.code ?? null;
  const roomRef = roomOf();

  const staffActors = actors.filter((a) => a.type === 'Practitioner' || a.type === 'PractitionerRole');
  const unrecognised: UnrecognisedShapes = {
    // Another kind of participant, a reference we cannot follow, or staff beyond the one shown.
    participants: actors.filter((a) => a.hasActor && (a.type === undefined || !KNOWN_PARTICIPANTS.has(a.type))).length + Math.max(0, staffActors.length - 1),
    identifiers: (patientResource?.identifier ?? []).filter((i) => i.system !== CPR_SYSTEM).length,
    extensions:
      (patientResource?.extension ?? []).filter((e) => !KNOWN_PATIENT_EXTENSIONS.has(e.url)).length +
      extensionUrls(appointment).filter((url) => !KNOWN_APPOINTMENT_EXTENSIONS.has(url)).length +
      ((appointment as { modifierExtension?: unknown[] }).modifierExtension?.length ?? 0),
  };
  return {
    kind: 'visit',
    referenceProblems,
    unrecognised,
    visit: {
      id: appointment.id,
      versionId: appointment.meta?.versionId ?? null,
      start: new Date(appointment.start).toISOString(),
      end: new Date(appointment.end).toISOString(),
      citizen: {
        id: refId(patient),
        name: shorten(nameOf(patient.resource, now) || patient.display || '–', 200),
        cprMasked: cpr ? maskCpr(cpr) : null,
        address: shorten(danishAddress(patientResource?.address?.find((a) => a.use === 'home') ?? patientResource?.address?.[0]), 300),
        ...citizenDetails(
          patientResource,
          resolve,
          now,
          patient.parsed?.kind === 'resource' ? context.relations?.(refId(patient)) : undefined,
          context.baseUrl,
        ),
      },
      task: {
        code: fsiii ? shorten(fsiii, 32) : null,
        // Coded only as a screen visit (KL, FUT's video appointment): the task is the screen visit itself.
        type: shorten(service?.text ?? service?.coding?.[0]?.display ?? 'Skærmbesøg', 120),
        description: shorten(appointment.description ?? '', 1000),
      },
      practitioner: staff ? { id: staff.id, name: shorten(staff.name, 200) } : null,
      room: roomRef ? { id: roomRef.id, name: shorten(roomRef.name, 200) } : null,
      teamId: team ? refId(team) : (roleTeamId ?? context.teamId ?? null),
      status,
      notes: shorten(appointment.comment ?? '', 4000),
      updatedAt: new Date(appointment.meta?.lastUpdated ?? appointment.start).toISOString(),
    },
  };
}
