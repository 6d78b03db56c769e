import type { OutboxEntry } from '../../src-shared/domain/outbox.js';
import { appointmentStatusFor, isClosedAppointmentStatus } from '../../src-shared/fhir/mapping.js';
import { KL_CARE_SOCIAL_CODES, KL_SKAERMBESOEG_CODE, MUTATION_ID_SYSTEM, V3_ACT_CODE, type FhirResource } from '../../src-shared/fhir/schemas.js';
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

class Conflict extends Error {}

async function ensureEncounter(client: FhirClient, entry: OutboxEntry, appointment: Appointment): Promise<void> {
  const { intent } = entry;
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
    period: { start: intent.at, end: intent.at },
    ...(location?.reference ? { location: [{ location: { reference: location.reference } }] } : {}),
  };
  await client.createIfNoneExist(encounter, `identifier=${MUTATION_ID_SYSTEM}|${entry.mutationId}`);
}

/** Applies one status intent to the current Appointment, following the 412 rules. Returns the new versionId. */
async function pushStatus(client: FhirClient, store: VisitStore, entry: OutboxEntry): Promise<string | null> {
  const wanted = appointmentStatusFor(entry.intent.status);
  for (let round = 0; round < MAX_412_ROUNDS; round++) {
    const current = await client.read('Appointment', entry.visitId);
    const appointment = current.body;
    const version = client.versionOf(current);
    if (entry.intent.status === 'completed') await ensureEncounter(client, entry, appointment);
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
      const updated = await client.update({ ...appointment, id: entry.visitId, status: wanted }, version);
      return client.versionOf(updated);
    } catch (error) {
      if (error instanceof EojError && error.kind === 'http' && (error.status === 412 || error.status === 409)) continue;
      throw error;
    }
  }
  throw new EojError('http', 'Appointment blev ved med at ændre sig under opdatering', 412);
}

export interface PushResult {
  done: number;
  retried: number;
  failed: number;
  lastError: string | null;
}

/** Rows of different visits are independent: a few go at once (FIFO holds within each visit). */
const CONCURRENCY = 4;

export async function pushOutbox(opts: { client: FhirClient; store: VisitStore; now: () => Date; limit?: number; random?: () => number }): Promise<PushResult> {
  const { client, store, now } = opts;
  const result: PushResult = { done: 0, retried: 0, failed: 0, lastError: null };
  // due() yields at most one row per visit: the oldest unfinished one.
  const queue = store.outbox.due(now().getTime(), opts.limit ?? 200);
  let transportDown = false;

  async function pushOne(entry: OutboxEntry): Promise<void> {
    store.outbox.markInflight(entry.mutationId, now().getTime());
    try {
      const version = await pushStatus(client, store, entry);
      store.recordPushed(entry.mutationId, entry.visitId, version, now().getTime());
      result.done++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.lastError = message;
      if (error instanceof Conflict) {
        store.outbox.markFailed(entry.mutationId, 'conflict', message, now().getTime());
        result.failed++;
      } else if (error instanceof EojError && !error.transient) {
        store.outbox.markFailed(entry.mutationId, 'dead', message, now().getTime());
        result.failed++;
      } else {
        store.outbox.scheduleRetry(entry.mutationId, now().getTime() + backoffMs(entry.attempts, opts.random), message, now().getTime());
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
