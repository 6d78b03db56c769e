import type { OutboxEntry, SyncError } from '../../src-shared/domain/outbox.js';
import { appointmentStatusFor, isClosedAppointmentStatus } from '../../src-shared/fhir/mapping.js';
import {
  appointmentWithStatus,
  attemptCommunicationFor,
  encounterFor,
  escalationTaskFor,
  ifNoneExist,
  movedAppointment,
  slotOf,
  type AttemptIntent,
  type EscalateIntent,
  type MoveIntent,
  type StatusIntent,
  type VerdictIntent,
  verdictResponseFor,
} from '../../src-shared/fhir/write.js';
import { Encounter, MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { EojError, type FhirClient } from '../../src-shared/fhir/client.js';
import type { VisitStore } from '../store/visitStore.js';

/**
 * Drains the outbox to the EOJ (design §3): FIFO per visit, each intent made idempotent
 * (conditional create on the mutation id; Appointment updates with If-Match). What is temporary
 * (transport failures, 409, 412 contention, 429 with its Retry-After, 5xx) is retried with
 * exponential backoff and jitter; only a permanent refusal becomes visible as dead, and a visit
 * someone else closed as a conflict. Nothing is dropped. The resources come from src-shared/fhir/write.ts.
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** Re-reads after a 412 before the row waits for its next attempt (contention, not a refusal). */
const MAX_412_ROUNDS = 3;

/** Full jitter: a random delay up to the exponential bound, so many clients do not retry in step. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempts));
}

type StatusEntry = OutboxEntry & { intent: StatusIntent };
type EscalateEntry = OutboxEntry & { intent: EscalateIntent };
type AttemptEntry = OutboxEntry & { intent: AttemptIntent };
type MoveEntry = OutboxEntry & { intent: MoveIntent };
type VerdictEntry = OutboxEntry & { intent: VerdictIntent };

/** Someone else closed (or, for a move, moved) the visit in the EOJ: never overwritten. */
class Conflict extends Error {
  constructor(readonly eojStatus: string) {
    super(`Besøget er allerede ${eojStatus} i EOJ`);
  }
}

const sameSlot = (a: ReturnType<typeof slotOf>, b: MoveIntent['to']) =>
  a.practitionerId === (b.practitioner?.id ?? null) &&
  a.roomId === (b.room?.id ?? null) &&
  a.start === new Date(b.start).toISOString() &&
  a.end === new Date(b.end).toISOString();

/**
 * A team lead's move (design §7): the Appointment's staff, room and time, with If-Match. On a newer
 * version the visit is read again: an unrelated change (a note) → the move is applied on top; the
 * visit completed, cancelled or moved by someone else → nothing is overwritten (a conflict the lead sees).
 */
async function pushMove(client: FhirClient, entry: MoveEntry): Promise<string | null> {
  for (let round = 0; round < MAX_412_ROUNDS; round++) {
    const current = await client.read('Appointment', entry.visitId);
    const version = client.versionOf(current);
    const slot = slotOf(current.body, client.baseUrl);
    // Already there (a resend after a crash mid-move): done, nothing written twice.
    if (sameSlot(slot, entry.intent.to)) return version;
    if (isClosedAppointmentStatus(current.body.status)) throw new Conflict(current.body.status);
    if (!sameSlot(slot, entry.intent.from)) throw new Conflict('moved');
    if (!version) throw new EojError('malformed', 'EOJ sendte ingen versionId for Appointment', undefined, { serverText: 'Appointment uden versionId' });
    try {
      const updated = await client.update(movedAppointment({ ...current.body, id: entry.visitId }, entry.intent.to, client.baseUrl), version);
      return client.versionOf(updated);
    } catch (error) {
      if (error instanceof EojError && error.kind === 'http' && (error.status === 412 || error.status === 409)) continue;
      throw error;
    }
  }
  throw new EojError('http', 'Appointment blev ved med at ændre sig under flytning', 412, { transient: true });
}

/** An attempt that did not become a visit: a Communication, created once (conditional on the mutation id). */
async function pushAttempt(client: FhirClient, entry: AttemptEntry): Promise<null> {
  await client.createIfNoneExist(attemptCommunicationFor(entry.mutationId, entry.visitId, entry.intent), ifNoneExist(entry.mutationId));
  return null;
}

/** Applies one status intent to the current Appointment, following the 412 rules. Returns the new versionId. */
async function pushStatus(client: FhirClient, store: VisitStore, entry: StatusEntry): Promise<string | null> {
  const wanted = appointmentStatusFor(entry.intent.status);
  for (let round = 0; round < MAX_412_ROUNDS; round++) {
    const current = await client.read('Appointment', entry.visitId);
    const appointment = current.body;
    const version = client.versionOf(current);
    // The call took place (also for a visit cancelled into a physical one after a call).
    if (entry.intent.encounter || entry.intent.status === 'completed') {
      await client.createIfNoneExist(encounterFor(entry.mutationId, entry.visitId, entry.intent, appointment, client.baseUrl), ifNoneExist(entry.mutationId));
    }
    if (appointment.status === wanted) return version;
    // Someone else closed the visit (cancelled, completed, no-show): never overwrite it. The
    // Encounter above stays: the call happened.
    const ours = version === entry.baseVersion || version === store.outbox.lastResultVersion(entry.visitId);
    if (isClosedAppointmentStatus(appointment.status) && !ours) throw new Conflict(appointment.status);
    // Only participants, room or time changed since our base (e.g. a team lead reassigned the
    // visit while we were offline): re-apply the status on the new version.
    if (!version) throw new EojError('malformed', 'EOJ sendte ingen versionId for Appointment', undefined, { serverText: 'Appointment uden versionId' });
    try {
      const updated = await client.update(appointmentWithStatus({ ...appointment, id: entry.visitId }, entry.intent), version);
      return client.versionOf(updated);
    } catch (error) {
      // Changed again between our read and our write (409 on some servers): read again.
      if (error instanceof EojError && error.kind === 'http' && (error.status === 412 || error.status === 409)) continue;
      throw error;
    }
  }
  // Still changing under us: contention, tried again after a backoff.
  throw new EojError('http', 'Appointment blev ved med at ændre sig under opdatering', 412, { transient: true });
}

/**
 * A physical visit for the citizen's home-care group, as a Task (conditional create on the mutation
 * id, so a resend never makes two). The Appointment is not touched: no version is produced.
 */
async function pushEscalation(client: FhirClient, entry: EscalateEntry): Promise<null> {
  await client.createIfNoneExist(escalationTaskFor(entry.mutationId, entry.visitId, entry.intent), ifNoneExist(entry.mutationId));
  return null;
}

/**
 * The citizen's verdict as a QuestionnaireResponse on the call's Encounter, found by the identifier
 * our status row created it with (that row was pushed first: FIFO per visit). Created once.
 */
async function pushVerdict(client: FhirClient, entry: VerdictEntry): Promise<null> {
  const { body } = await client.searchPage(`Encounter?identifier=${encodeURIComponent(`${MUTATION_ID_SYSTEM}|${entry.intent.encounterMutationId}`)}`);
  const encounter = (body.entry ?? []).map((e) => Encounter.safeParse(e.resource)).find((p) => p.success && p.data.id);
  const encounterId = encounter?.success ? encounter.data.id : undefined;
  if (!encounterId)
    throw new EojError('http', 'Samtalen (Encounter) som borgerens svar hører til, findes ikke i EOJ', 404, {
      serverText: 'Encounter for borgerens svar findes ikke',
      transient: false,
    });
  await client.createIfNoneExist(verdictResponseFor(entry.mutationId, entry.intent, encounterId), ifNoneExist(entry.mutationId));
  return null;
}

function pushEntry(client: FhirClient, store: VisitStore, entry: OutboxEntry): Promise<string | null> {
  switch (entry.intent.kind) {
    case 'visit.escalate':
      return pushEscalation(client, entry as EscalateEntry);
    case 'visit.attempt':
      return pushAttempt(client, entry as AttemptEntry);
    case 'visit.move':
      return pushMove(client, entry as MoveEntry);
    case 'visit.status':
      return pushStatus(client, store, entry as StatusEntry);
    case 'visit.verdict':
      return pushVerdict(client, entry as VerdictEntry);
  }
}

export interface PushResult {
  done: number;
  retried: number;
  failed: number;
  /** The last failure of the round, for the sync status. */
  lastError: SyncError | null;
  /** The longest wait a server asked for (429 Retry-After), if any. */
  retryAfterMs: number | null;
  /** Visits whose team-visible state landed in the EOJ this round (for the team's hint). */
  landed: string[];
}

/** Rows of different visits are independent: a few go at once (FIFO holds within each visit). */
const CONCURRENCY = 4;

export async function pushOutbox(opts: {
  client: FhirClient;
  store: VisitStore;
  clock: Clock;
  limit?: number;
  random?: () => number;
  /**
   * The longest a row waits after a temporary failure (the pull interval): the team's view is
   * right one interval after an EOJ error burst ends, not after minutes of backoff. A server's own
   * Retry-After still counts in full.
   */
  maxBackoffMs?: number;
}): Promise<PushResult> {
  const { client, store, clock } = opts;
  const result: PushResult = { done: 0, retried: 0, failed: 0, lastError: null, retryAfterMs: null, landed: [] };
  // due() yields at most one row per visit: the oldest unfinished one.
  const queue = store.outbox.due(clock.nowMs(), opts.limit ?? 200);
  let transportDown = false;

  async function pushOne(entry: OutboxEntry): Promise<void> {
    store.outbox.markInflight(entry.mutationId, clock.nowMs());
    try {
      const version = await pushEntry(client, store, entry);
      store.recordPushed(entry.mutationId, entry.visitId, version, clock.nowMs());
      result.done++;
      if (!result.landed.includes(entry.visitId)) result.landed.push(entry.visitId);
    } catch (error) {
      if (error instanceof Conflict) {
        result.lastError = { code: 'conflict', serverText: error.eojStatus, subject: `Appointment/${entry.visitId}` };
        store.recordConflict(entry.mutationId, entry.visitId, result.lastError, clock.nowMs());
        result.failed++;
        return;
      }
      // Anything but an EojError is unexpected here; it is retried rather than lost.
      const eoj =
        error instanceof EojError
          ? error
          : new EojError('malformed', error instanceof Error ? error.message : String(error), undefined, { cause: error, transient: true });
      result.lastError = eoj.toSyncError(`Appointment/${entry.visitId}`);
      if (!eoj.transient) {
        store.outbox.markFailed(entry.mutationId, 'dead', result.lastError, clock.nowMs());
        result.failed++;
        return;
      }
      // Temporary: wait at least as long as the server asked (429 Retry-After).
      const waitMs = Math.max(Math.min(backoffMs(entry.attempts, opts.random), opts.maxBackoffMs ?? BACKOFF_MAX_MS), eoj.retryAfterMs ?? 0);
      if (eoj.retryAfterMs !== null) result.retryAfterMs = Math.max(result.retryAfterMs ?? 0, eoj.retryAfterMs);
      store.outbox.scheduleRetry(entry.mutationId, clock.nowMs() + waitMs, result.lastError, clock.nowMs());
      result.retried++;
      // A transport failure will hit the next rows too: stop this round.
      if (eoj.kind === 'network' || eoj.kind === 'timeout') transportDown = true;
    }
  }

  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let entry = queue.shift(); entry && !transportDown; entry = queue.shift()) await pushOne(entry);
  });
  await Promise.all(workers);
  return result;
}
