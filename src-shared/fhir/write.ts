import type { OutboxEntry } from '../domain/outbox.js';
import type { Outcome } from '../workflow/outcome.js';
import { appointmentStatusFor } from './mapping.js';
import { parseReference } from './references.js';
import { KL_CARE_SOCIAL_CODES, KL_SKAERMBESOEG_CODE, MUTATION_ID_SYSTEM, V3_ACT_CODE, type FhirResource } from './schemas.js';

/**
 * The FHIR R4 resources Skærmrum writes, built from outbox intents (design §2). The sync engine
 * only orders and sends them; what they contain is decided here, and unit-tested here.
 */
type Appointment = Extract<FhirResource, { resourceType: 'Appointment' }>;
type Encounter = Extract<FhirResource, { resourceType: 'Encounter' }>;
type Task = Extract<FhirResource, { resourceType: 'Task' }>;
export type StatusIntent = Extract<OutboxEntry['intent'], { kind: 'visit.status' }>;
export type EscalateIntent = Extract<OutboxEntry['intent'], { kind: 'visit.escalate' }>;

/** Our outcome and note on the Encounter (R4 Encounter has no note element). */
export const OUTCOME_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/screen-visit-outcome';
export const NOTE_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/screen-visit-note';

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
 * The call that took place, as an Encounter: class VR, KL's "Skærmbesøg" type, the call's period
 * and length in whole minutes, who actually called (not who was planned), outcome and note.
 */
export function encounterFor(mutationId: string, visitId: string, intent: StatusIntent, appointment: Appointment, baseUrl?: string): Encounter {
  const call = intent.encounter ?? null;
  const seconds = call ? Math.max(0, (Date.parse(call.end) - Date.parse(call.start)) / 1000) : null;
  const patient = relative(participantOf(appointment, 'Patient', baseUrl)?.reference, baseUrl);
  const location = relative(participantOf(appointment, 'Location', baseUrl)?.reference, baseUrl);
  return {
    resourceType: 'Encounter',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: mutationId }],
    status: 'finished',
    class: { system: V3_ACT_CODE, code: 'VR', display: 'virtual' },
    type: [{ coding: [{ system: KL_CARE_SOCIAL_CODES, code: KL_SKAERMBESOEG_CODE, display: 'Skærmbesøg' }], text: 'Skærmbesøg' }],
    ...(patient ? { subject: { reference: patient } } : {}),
    participant: [{ individual: { reference: `Practitioner/${intent.actorId}` } }],
    appointment: [{ reference: `Appointment/${visitId}` }],
    period: call ? { start: call.start, end: call.end } : { start: intent.at, end: intent.at },
    ...(seconds !== null ? { length: { value: Math.round(seconds / 60), unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' } } : {}),
    ...(call
      ? { extension: [{ url: OUTCOME_EXTENSION, valueCode: call.outcome }, ...(call.note ? [{ url: NOTE_EXTENSION, valueString: call.note }] : [])] }
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
    code: { text: what },
    description: [what, ESCALATION_REASON[intent.reason], intent.note].filter(Boolean).join(' – '),
    for: { reference: `Patient/${intent.patientId}` },
    focus: { reference: `Appointment/${visitId}` },
    ...(intent.ownerId ? { owner: { reference: `CareTeam/${intent.ownerId}` } } : {}),
    requester: { reference: `Practitioner/${intent.actorId}` },
    authoredOn: intent.at,
  };
}
