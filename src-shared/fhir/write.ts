import { PARTICIPANT_ROLE } from './relatives.js';
import type { OutboxEntry } from '../domain/outbox.js';
import type { Outcome } from '../workflow/outcome.js';
import { appointmentStatusFor } from './mapping.js';
import { parseReference } from './references.js';
import { KL_ENCOUNTER_TYPES, KL_SKAERMBESOEG_DISPLAY } from './profiles.js';
import { KL_CARE_SOCIAL_CODES, KL_SKAERMBESOEG_CODE, MUTATION_ID_SYSTEM, V3_ACT_CODE, type FhirResource } from './schemas.js';

/**
 * The FHIR R4 resources Skærmrum writes, built from outbox intents. The sync engine
 * only orders and sends them; what they contain is decided here, and unit-tested here.
 */
type Appointment = Extract<FhirResource, { resourceType: 'Appointment' }>;
type Encounter = Extract<FhirResource, { resourceType: 'Encounter' }>;
type Task = Extract<FhirResource, { resourceType: 'Task' }>;
type Communication = Extract<FhirResource, { resourceType: 'Communication' }>;
export type StatusIntent = Extract<OutboxEntry['intent'], { kind: 'visit.status' }>;
export type EscalateIntent = Extract<OutboxEntry['intent'], { kind: 'visit.escalate' }>;
export type AttemptIntent = Extract<OutboxEntry['intent'], { kind: 'visit.attempt' }>;
export type InvitationIntent = Extract<OutboxEntry['intent'], { kind: 'visit.invitation' }>;
export type MoveIntent = Extract<OutboxEntry['intent'], { kind: 'visit.move' }>;
export type VerdictIntent = Extract<OutboxEntry['intent'], { kind: 'visit.verdict' }>;
type QuestionnaireResponse = Extract<FhirResource, { resourceType: 'QuestionnaireResponse' }>;

const SD = 'https://skaermrum.dk/fhir/StructureDefinition';
/** Our outcome and note on the Encounter (R4 Encounter has no note element). */
export const OUTCOME_EXTENSION = `${SD}/screen-visit-outcome`;
export const NOTE_EXTENSION = `${SD}/screen-visit-note`;
/** When the call rang (the Encounter's period starts when it was answered). */
export const RANG_AT_EXTENSION = `${SD}/call-rang-at`;
/** On an attempt: which attempt it was, how many are allowed, and when the next is due. */
export const ATTEMPT_EXTENSION = `${SD}/attempt-number`;
export const ATTEMPTS_ALLOWED_EXTENSION = `${SD}/attempts-allowed`;
export const RETRY_AT_EXTENSION = `${SD}/retry-at`;
/** On an escalation Task: the outcome that led to it. */
export const ESCALATION_REASON_EXTENSION = `${SD}/escalation-reason`;
/** Our codes: the category of an attempt, why it failed, and the escalation Task's code (all searchable). */
export const SKAERMRUM_CODES = 'https://skaermrum.dk/fhir/CodeSystem/screen-visit';
export const ATTEMPT_CATEGORY = 'screen-visit-attempt';
export const INVITATION_CATEGORY = 'screen-visit-invitation';
export const PHYSICAL_VISIT_CODE = 'physical-visit';
/** The tablet's one question after the call, and its answers (searchable by questionnaire and authored). */
export const SATISFACTION_QUESTIONNAIRE = 'https://skaermrum.dk/fhir/Questionnaire/screen-visit-satisfaction';
export const SATISFACTION_CODES = 'https://skaermrum.dk/fhir/CodeSystem/screen-visit-satisfaction';
export const SATISFACTION_ITEM = 'satisfaction';
const FACE_DISPLAY = { good: 'Godt', okay: 'Okay', bad: 'Dårligt' } as const;
const V3_PARTICIPATION_MODE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode';

/** The conditional-create key of a resource we write: one per outbox mutation. */
export const ifNoneExist = (mutationId: string) => `identifier=${MUTATION_ID_SYSTEM}|${mutationId}`;

/** The participant of a type, whatever form its reference takes (relative, absolute, versioned). */
function participantOf(appointment: Appointment, type: string, baseUrl?: string) {
  return appointment.participant.find((p) => {
    const ref = parseReference(p.actor?.reference, baseUrl);
    return ref?.kind === 'resource' && ref.type === type;
  })?.actor;
}

/** Relative "Type/id" for a reference to the server's own resource (absolute or versioned ones too). */
function relative(reference: string | undefined, baseUrl?: string): string | null {
  const ref = parseReference(reference, baseUrl);
  return ref?.kind === 'resource' ? `${ref.type}/${ref.id}` : null;
}

/**
 * The call that took place, as an Encounter: class VR (virtual), the call's period and length in
 * whole minutes, who actually called (not who was planned), outcome and note. With `klCodes` it
 * carries KL's codes instead: class KL "Skærmbesøg" (a contact class in KL's terminology, not a
 * type) and type "udførelse af planlagt indsats", as KL Gateway's care encounter wants them; the
 * elements the EOJ needs (our identifier, the Appointment, who called) stay, so it does not claim
 * that profile (README: EOJ profiles).
 */
export function encounterFor(
  mutationId: string,
  visitId: string,
  intent: StatusIntent,
  appointment: Appointment,
  baseUrl?: string,
  klCodes = false,
): Encounter {
  const call = intent.encounter ?? null;
  // The length the staff member documented wins over the measured one (they may have corrected it).
  const seconds = call ? (call.lengthSeconds ?? Math.max(0, (Date.parse(call.end) - Date.parse(call.start)) / 1000)) : null;
  const patient = relative(participantOf(appointment, 'Patient', baseUrl)?.reference, baseUrl);
  const location = relative(participantOf(appointment, 'Location', baseUrl)?.reference, baseUrl);
  return {
    resourceType: 'Encounter',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: mutationId }],
    status: 'finished',
    ...(klCodes
      ? {
          class: { system: KL_CARE_SOCIAL_CODES, code: KL_SKAERMBESOEG_CODE, display: KL_SKAERMBESOEG_DISPLAY },
          type: [{ coding: [{ system: KL_CARE_SOCIAL_CODES, ...KL_ENCOUNTER_TYPES.planlagtIndsats }] }],
        }
      : { class: { system: V3_ACT_CODE, code: 'VR', display: 'virtual' }, type: [{ text: 'Skærmbesøg' }] }),
    ...(patient ? { subject: { reference: patient } } : {}),
    participant: [
      { individual: { reference: `Practitioner/${intent.actorId}` } },
      // Relatives and colleagues who took part, each for their part of the call (v3 "participation").
      ...(call?.guests ?? []).map((g) => ({
        type: [{ coding: [PARTICIPANT_ROLE] }],
        individual: { reference: g.person },
        period: { start: g.start, end: g.end },
      })),
    ],
    appointment: [{ reference: `Appointment/${visitId}` }],
    period: call ? { start: call.start, end: call.end } : { start: intent.at, end: intent.at },
    ...(seconds !== null ? { length: { value: Math.round(seconds / 60), unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' } } : {}),
    ...(call
      ? {
          extension: [
            { url: OUTCOME_EXTENSION, valueCode: call.outcome },
            ...(call.note ? [{ url: NOTE_EXTENSION, valueString: call.note }] : []),
            ...(call.rangAt ? [{ url: RANG_AT_EXTENSION, valueDateTime: call.rangAt }] : []),
          ],
        }
      : {}),
    ...(location ? { location: [{ location: { reference: location } }] } : {}),
  };
}

/** The current Appointment with our status (and reason): everything else on it is kept as the EOJ has it. */
export function appointmentWithStatus(appointment: Appointment & { id: string }, intent: StatusIntent): Appointment & { id: string } {
  return {
    ...appointment,
    status: appointmentStatusFor(intent.status),
    ...(intent.reason ? { cancelationReason: { text: intent.reason } } : {}),
  };
}

const ESCALATION_REASON: Record<Outcome, string> = {
  completed: '',
  not_answered: 'borgeren besvarede ikke skærmbesøget',
  technical_failure: 'skærmbesøget kunne ikke gennemføres af tekniske årsager',
  converted_physical: 'omlagt til fysisk besøg',
  urgent: 'akut situation under skærmbesøget',
};

/** A physical visit for the citizen's home-care group, as a Task focused on the Appointment. */
export function escalationTaskFor(mutationId: string, visitId: string, intent: EscalateIntent): Task {
  const what = intent.reason === 'urgent' ? 'Akut fysisk besøg' : 'Fysisk besøg i stedet for skærmbesøg';
  return {
    resourceType: 'Task',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: mutationId }],
    status: 'requested',
    intent: 'order',
    priority: intent.priority,
    code: { coding: [{ system: SKAERMRUM_CODES, code: PHYSICAL_VISIT_CODE, display: 'Fysisk besøg' }], text: what },
    description: [what, ESCALATION_REASON[intent.reason], intent.note].filter(Boolean).join(' – '),
    for: { reference: `Patient/${intent.patientId}` },
    focus: { reference: `Appointment/${visitId}` },
    ...(intent.ownerId ? { owner: { reference: `CareTeam/${intent.ownerId}` } } : {}),
    requester: { reference: `Practitioner/${intent.actorId}` },
    authoredOn: intent.at,
    extension: [{ url: ESCALATION_REASON_EXTENSION, valueCode: intent.reason }],
  };
}

const ATTEMPT_REASON: Record<AttemptIntent['outcome'], { code: string; text: string }> = {
  not_answered: { code: 'not-answered', text: 'Borgeren besvarede ikke opkaldet' },
  technical_failure: { code: 'technical-failure', text: 'Opkaldet kunne ikke gennemføres af tekniske årsager' },
};
export const ATTEMPT_OUTCOME_OF_CODE: Record<string, AttemptIntent['outcome']> = { 'not-answered': 'not_answered', 'technical-failure': 'technical_failure' };

/**
 * A call attempt that did not become a visit, as a Communication (status not-done) based on the
 * Appointment: who called whom, when it rang, why it failed, which attempt, and the next one's time.
 */
export function attemptCommunicationFor(mutationId: string, visitId: string, intent: AttemptIntent): Communication {
  const reason = ATTEMPT_REASON[intent.outcome];
  return {
    resourceType: 'Communication',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: mutationId }],
    status: 'not-done',
    statusReason: { coding: [{ system: SKAERMRUM_CODES, code: reason.code }], text: reason.text },
    category: [{ coding: [{ system: SKAERMRUM_CODES, code: ATTEMPT_CATEGORY, display: 'Forsøg på skærmbesøg' }] }],
    medium: [{ coding: [{ system: V3_PARTICIPATION_MODE, code: 'VIDEOCONF', display: 'videoconferencing' }] }],
    basedOn: [{ reference: `Appointment/${visitId}` }],
    about: [{ reference: `Appointment/${visitId}` }],
    subject: { reference: `Patient/${intent.patientId}` },
    recipient: [{ reference: `Patient/${intent.patientId}` }],
    sender: { reference: `Practitioner/${intent.actorId}` },
    sent: intent.rangAt ?? intent.at,
    ...(intent.note ? { note: [{ text: intent.note }] } : {}),
    extension: [
      { url: ATTEMPT_EXTENSION, valueInteger: intent.attempt },
      { url: ATTEMPTS_ALLOWED_EXTENSION, valueInteger: intent.of },
      ...(intent.retryAt ? [{ url: RETRY_AT_EXTENSION, valueDateTime: intent.retryAt }] : []),
    ],
  };
}

/**
 * A relative's invitation into the visit's call, as a Communication (completed) to the
 * RelatedPerson by SMS: who invited whom, when, and from when the link worked. The link and the PIN
 * are secrets of the moment and are never written anywhere.
 */
export function invitationCommunicationFor(mutationId: string, visitId: string, intent: InvitationIntent): Communication {
  return {
    resourceType: 'Communication',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: mutationId }],
    status: 'completed',
    category: [{ coding: [{ system: SKAERMRUM_CODES, code: INVITATION_CATEGORY, display: 'Invitation til skærmbesøg' }] }],
    medium: [{ coding: [{ system: V3_PARTICIPATION_MODE, code: 'SMSWRIT', display: 'SMS message' }] }],
    basedOn: [{ reference: `Appointment/${visitId}` }],
    about: [{ reference: `Appointment/${visitId}` }],
    subject: { reference: `Patient/${intent.patientId}` },
    recipient: [{ reference: `RelatedPerson/${intent.relatedPersonId}` }],
    sender: { reference: `Practitioner/${intent.actorId}` },
    sent: intent.at,
    payload: [{ contentString: `Invitation til skærmbesøget sendt pr. SMS med link og kode; linket virkede fra ${intent.validFrom}.` }],
  };
}

/** The Appointment's staff participant: a Practitioner, or a PractitionerRole (an EOJ that books staff through roles). */
export function staffParticipantOf(appointment: Appointment, baseUrl?: string): { type: 'Practitioner' | 'PractitionerRole'; id: string } | null {
  for (const type of ['Practitioner', 'PractitionerRole'] as const) {
    const ref = parseReference(participantOf(appointment, type, baseUrl)?.reference, baseUrl);
    if (ref?.kind === 'resource') return { type, id: ref.id };
  }
  return null;
}

/** A PractitionerRole's person and room, as the caller read it (null: not booked through a role). */
export type RoleSlot = { practitionerId: string | null; roomId: string | null } | null;

/**
 * Who does the visit, in which room and when, as the Appointment says (for the 412 rules of a
 * move). Booked through a PractitionerRole, the person is the role's, and so is the room when the
 * Appointment names none.
 */
export function slotOf(
  appointment: Appointment,
  baseUrl?: string,
  role: RoleSlot = null,
): { practitionerId: string | null; roomId: string | null; start: string | null; end: string | null } {
  const idOf = (type: string) => {
    const ref = parseReference(participantOf(appointment, type, baseUrl)?.reference, baseUrl);
    return ref?.kind === 'resource' ? ref.id : null;
  };
  const instant = (at: string | undefined) => (at ? new Date(at).toISOString() : null);
  return {
    practitionerId: idOf('Practitioner') ?? role?.practitionerId ?? null,
    roomId: idOf('Location') ?? role?.roomId ?? null,
    start: instant(appointment.start),
    end: instant(appointment.end),
  };
}

/** How a move writes the staff member: as a Practitioner, or as the PractitionerRole the EOJ books them through. */
export type StaffWrite = { reference: string; display: string; roomFromRole: string | null } | null;

/**
 * The Appointment moved to another staff member, room or time: its staff (Practitioner or
 * PractitionerRole) and Location participants replaced (or removed, to leave the visit unassigned),
 * start and end set. Everything else (the citizen, the team, notes, participants we do not know)
 * stays as the EOJ has it. `staff`: the reference to write (default: the Practitioner); a room the
 * written role already names is not repeated as a Location participant.
 */
export function movedAppointment(
  appointment: Appointment & { id: string },
  to: MoveIntent['to'],
  baseUrl?: string,
  staff?: StaffWrite,
): Appointment & { id: string } {
  const keep = appointment.participant.filter((p) => {
    const ref = parseReference(p.actor?.reference, baseUrl);
    return !(ref?.kind === 'resource' && (ref.type === 'Practitioner' || ref.type === 'PractitionerRole' || ref.type === 'Location'));
  });
  const who = to.practitioner ? (staff ?? { reference: `Practitioner/${to.practitioner.id}`, display: to.practitioner.name, roomFromRole: null }) : null;
  const roomSaidByRole = to.room !== null && who?.roomFromRole === to.room.id;
  const participant = [
    ...keep,
    ...(who ? [{ actor: { reference: who.reference, display: who.display }, status: 'accepted' as const }] : []),
    ...(to.room && !roomSaidByRole ? [{ actor: { reference: `Location/${to.room.id}`, display: to.room.name }, status: 'accepted' as const }] : []),
  ];
  return { ...appointment, participant, start: to.start, end: to.end };
}

/**
 * The citizen's verdict as a QuestionnaireResponse on the call's Encounter: completed with the
 * face tapped, or stopped without an answer when the faces timed out (no answer is counted too).
 */
export function verdictResponseFor(mutationId: string, intent: VerdictIntent, encounterId: string): QuestionnaireResponse {
  const answered = intent.verdict !== 'none';
  return {
    resourceType: 'QuestionnaireResponse',
    identifier: { system: MUTATION_ID_SYSTEM, value: mutationId },
    questionnaire: SATISFACTION_QUESTIONNAIRE,
    status: answered ? 'completed' : 'stopped',
    subject: { reference: `Patient/${intent.patientId}` },
    encounter: { reference: `Encounter/${encounterId}` },
    authored: intent.at,
    source: { reference: `Patient/${intent.patientId}` },
    item: [
      {
        linkId: SATISFACTION_ITEM,
        text: 'Hvordan var skærmbesøget?',
        ...(intent.verdict !== 'none'
          ? { answer: [{ valueCoding: { system: SATISFACTION_CODES, code: intent.verdict, display: FACE_DISPLAY[intent.verdict] } }] }
          : {}),
      },
    ],
  };
}
