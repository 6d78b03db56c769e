import type { OutboxEntry } from '../../src-shared/domain/outbox.js';
import { appointmentStatusFor, isClosedAppointmentStatus } from '../../src-shared/fhir/mapping.js';
import { KL_CARE_SOCIAL_CODES, KL_SKAERMBESOEG_CODE, MUTATION_ID_SYSTEM, V3_ACT_CODE, type FhirResource } from '../../src-shared/fhir/schemas.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { EojError, type FhirClient } from '../eoj/fhirClient.js';
import type { VisitStore } from '../store/visitStore.js';

/**
 * Drains the outbox to the EOJ (design §3): FIFO per visit, each intent made idempotent
 * (conditional create on the mutation id; Appointment updates with If-Match), transient failures
 * retried with exponential backoff and jitter, refusals made visible as dead, concurrent closing of
 * the visit by someone else made visible as a conflict. Nothing is dropped.
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
const MAX_412_ROUNDS = 3;

/** Full jitter: a random delay up to the exponential bound, so many clients do not retry in step. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempts));
}

type Appointment = Extract<FhirResource, { resourceType: 'Appointment' }>;
type StatusEntry = OutboxEntry & { intent: Extract<OutboxEntry['intent'], { kind: 'visit.status' }> };
type EscalateEntry = OutboxEntry & { intent: Extract<OutboxEntry['intent'], { kind: 'visit.escalate' }> };

class Conflict extends Error {}

/** Our outcome and note on the Encounter (R4 Encounter has no note element). */
export const OUTCOME_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/screen-visit-outcome';
export const NOTE_EXTENSION = 'https://skaermrum.dk/fhir/StructureDefinition/screen-visit-note';

async function ensureEncounter(client: FhirClient, entry: StatusEntry, appointment: Appointment): Promise<void> {
  const { intent } = entry;
  const call = intent.encounter ?? null;
  const minutes = call ? Math.max(0, Math.round((Date.parse(call.end) - Date.parse(call.start)) / 60_000)) : null;
  const patient = appointment.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor;
  const location = appointment.participant.find((p) => p.actor?.reference?.startsWith('Location/'))?.actor;
  const encounter: Extract<FhirResource, { resourceType: 'Encounter' }> = {
    resourceType: 'Encounter',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: entry.mutationId }],
    status: 'finished',
    class: { system: V3_ACT_CODE, code: 'VR', display: 'virtual' },
    type: [{ coding: [{ system: KL_CARE_SOCIAL_CODES, code: KL_SKAERMBESOEG_CODE, display: 'Skærmbesøg' }], text: 'Skærmbesøg' }],
    ...(patient ? { subject: { reference: patient.reference } } : {}),
    // Who actually called, which may differ from the practitioner the visit was planned for.
    participant: [{ individual: { reference: `Practitioner/${intent.actorId}` } }],
    appointment: [{ reference: `Appointment/${entry.visitId}` }],
    period: call ? { start: call.start, end: call.end } : { start: intent.at, end: intent.at },
    ...(minutes !== null ? { length: { value: minutes, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' } } : {}),
    ...(call
      ? { extension: [{ url: OUTCOME_EXTENSION, valueCode: call.outcome }, ...(call.note ? [{ url: NOTE_EXTENSION, valueString: call.note }] : [])] }
      : {}),
    ...(location?.reference ? { location: [{ location: { reference: location.reference } }] } : {}),
  };
  await client.createIfNoneExist(encounter, `identifier=${MUTATION_ID_SYSTEM}|${entry.mutationId}`);
}

/** Applies one status intent to the current Appointment, following the 412 rules. Returns the new versionId. */
async function pushStatus(client: FhirClient, store: VisitStore, entry: StatusEntry): Promise<string | null> {
  const wanted = appointmentStatusFor(entry.intent.status);
  for (let round = 0; round < MAX_412_ROUNDS; round++) {
    const current = await client.read('Appointment', entry.visitId);
    const appointment = current.body;
    const version = client.versionOf(current);
    // The call took place (also for a visit cancelled into a physical one after a call).
    if (entry.intent.encounter || entry.intent.status === 'completed') await ensureEncounter(client, entry, appointment);
    if (appointment.status === wanted) return version;
    // Someone else closed the visit (cancelled, completed, no-show): never overwrite it. The
    // Encounter above stays: the call happened.
    const ours = version === entry.baseVersion || version === store.outbox.lastResultVersion(entry.visitId);
    if (isClosedAppointmentStatus(appointment.status) && !ours) {
      throw new Conflict(`Besøget er allerede ${appointment.status} i EOJ; din ændring til ${wanted} er ikke sendt`);
    }
    // Only participants, room or time changed since our base (e.g. a team lead reassigned the
    // visit while we were offline): re-apply the status on the new version.
    if (!version) throw new EojError('malformed', 'EOJ sendte ingen versionId for Appointment');
    try {
      const reason = entry.intent.reason ? { cancelationReason: { text: entry.intent.reason } } : {};
      const updated = await client.update({ ...appointment, id: entry.visitId, status: wanted, ...reason }, version);
      return client.versionOf(updated);
    } catch (error) {
      if (error instanceof EojError && error.kind === 'http' && (error.status === 412 || error.status === 409)) continue;
      throw error;
    }
  }
  throw new EojError('http', 'Appointment blev ved med at ændre sig under opdatering', 412);
}

/**
 * A physical visit for the citizen's home-care group, as a Task (conditional create on the mutation
 * id, so a resend never makes two). The Appointment is not touched: no version is produced.
 */
async function pushEscalation(client: FhirClient, entry: EscalateEntry): Promise<null> {
  const { intent } = entry;
  const what = intent.reason === 'urgent' ? 'Akut fysisk besøg' : 'Fysisk besøg i stedet for skærmbesøg';
  const task: Extract<FhirResource, { resourceType: 'Task' }> = {
    resourceType: 'Task',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: entry.mutationId }],
    status: 'requested',
    intent: 'order',
    priority: intent.priority,
    code: { text: what },
    description: [what, ESCALATION_REASON[intent.reason], intent.note].filter(Boolean).join(' – '),
    for: { reference: `Patient/${intent.patientId}` },
    focus: { reference: `Appointment/${entry.visitId}` },
    ...(intent.ownerId ? { owner: { reference: `CareTeam/${intent.ownerId}` } } : {}),
    requester: { reference: `Practitioner/${intent.actorId}` },
    authoredOn: intent.at,
  };
  await client.createIfNoneExist(task, `identifier=${MUTATION_ID_SYSTEM}|${entry.mutationId}`);
  return null;
}

const ESCALATION_REASON: Record<EscalateEntry['intent']['reason'], string> = {
  completed: '',
  not_answered: 'borgeren besvarede ikke skærmbesøget',
  technical_failure: 'skærmbesøget kunne ikke gennemføres af tekniske årsager',
  converted_physical: 'omlagt til fysisk besøg',
  urgent: 'akut situation under skærmbesøget',
};

const pushEntry = (client: FhirClient, store: VisitStore, entry: OutboxEntry): Promise<string | null> =>
  entry.intent.kind === 'visit.escalate' ? pushEscalation(client, entry as EscalateEntry) : pushStatus(client, store, entry as StatusEntry);

export interface PushResult {
  done: number;
  retried: number;
  failed: number;
  lastError: string | null;
}

/** Rows of different visits are independent: a few go at once (FIFO holds within each visit). */
const CONCURRENCY = 4;

export async function pushOutbox(opts: { client: FhirClient; store: VisitStore; clock: Clock; limit?: number; random?: () => number }): Promise<PushResult> {
  const { client, store, clock } = opts;
  const result: PushResult = { done: 0, retried: 0, failed: 0, lastError: null };
  // due() yields at most one row per visit: the oldest unfinished one.
  const queue = store.outbox.due(clock.nowMs(), opts.limit ?? 200);
  let transportDown = false;

  async function pushOne(entry: OutboxEntry): Promise<void> {
    store.outbox.markInflight(entry.mutationId, clock.nowMs());
    try {
      const version = await pushEntry(client, store, entry);
      store.recordPushed(entry.mutationId, entry.visitId, version, clock.nowMs());
      result.done++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.lastError = message;
      if (error instanceof Conflict) {
        store.outbox.markFailed(entry.mutationId, 'conflict', message, clock.nowMs());
        result.failed++;
      } else if (error instanceof EojError && !error.transient) {
        store.outbox.markFailed(entry.mutationId, 'dead', message, clock.nowMs());
        result.failed++;
      } else {
        store.outbox.scheduleRetry(entry.mutationId, clock.nowMs() + backoffMs(entry.attempts, opts.random), message, clock.nowMs());
        result.retried++;
        // A transport failure will hit the next rows too: stop this round.
        if (error instanceof EojError && (error.kind === 'network' || error.kind === 'timeout')) transportDown = true;
      }
    }
  }

  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let entry = queue.shift(); entry && !transportDown; entry = queue.shift()) await pushOne(entry);
  });
  await Promise.all(workers);
  return result;
}
