import type { OutboxEntry } from '../../src-shared/domain/outbox.js';
import { appointmentStatusFor, isClosedAppointmentStatus, staffOfRole, type Named } from '../../src-shared/fhir/mapping.js';
import { Bundle, Encounter, MUTATION_ID_SYSTEM, PractitionerRole } from '../../src-shared/fhir/schemas.js';
import {
  appointmentWithStatus,
  attemptCommunicationFor,
  invitationCommunicationFor,
  encounterFor,
  escalationTaskFor,
  ifNoneExist,
  movedAppointment,
  slotOf,
  staffParticipantOf,
  type AttemptIntent,
  type EscalateIntent,
  type MoveIntent,
  type RoleSlot,
  type StaffWrite,
  type StatusIntent,
  type VerdictIntent,
  verdictResponseFor,
} from '../../src-shared/fhir/write.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';
import { EojConflict, EojError } from './errors.js';

/**
 * One outbox intent written to the EOJ, made idempotent: conditional create on the mutation id,
 * Appointment updates with If-Match and the 412 rules. Returns the Appointment's new versionId (or
 * null when the Appointment was not touched). Throws EojConflict when someone else closed or moved
 * the visit, EojError otherwise (its `transient` says whether to try again). What the resources
 * contain is decided in src-shared/fhir/write.ts.
 */
export interface WriteContext {
  /** The version the intent was made on, and the last version our own pushes produced. */
  baseVersion: string | null;
  lastResultVersion: string | null;
  /** Encounters carry KL Gateway's care-encounter profile (SKAERMRUM_KL_CODES). */
  klCodes: boolean;
}

/** Re-reads after a 412 before the row waits for its next attempt (contention, not a refusal). */
const MAX_412_ROUNDS = 3;

type StatusEntry = OutboxEntry & { intent: StatusIntent };
type EscalateEntry = OutboxEntry & { intent: EscalateIntent };
type AttemptEntry = OutboxEntry & { intent: AttemptIntent };
type MoveEntry = OutboxEntry & { intent: MoveIntent };
type VerdictEntry = OutboxEntry & { intent: VerdictIntent };

const isContention = (error: unknown) => error instanceof EojError && error.kind === 'http' && (error.status === 412 || error.status === 409);
const noVersion = () => new EojError('malformed', 'EOJ sendte ingen versionId for Appointment', undefined, { serverText: 'Appointment uden versionId' });

const sameSlot = (a: ReturnType<typeof slotOf>, b: MoveIntent['to']) =>
  a.practitionerId === (b.practitioner?.id ?? null) &&
  a.roomId === (b.room?.id ?? null) &&
  a.start === new Date(b.start).toISOString() &&
  a.end === new Date(b.end).toISOString();

async function readRole(client: FhirClient, id: string): Promise<Named | undefined> {
  try {
    return (await client.read('PractitionerRole', id)).body as Named;
  } catch (error) {
    if (error instanceof EojError && (error.status === 404 || error.status === 410)) return undefined;
    throw error;
  }
}

/**
 * The role to book `practitionerId` through, like the role the visit had: the one in the same
 * skærmenhed (HealthcareService) first. None: a refusal the lead sees, never a silent change of kind.
 */
async function roleFor(client: FhirClient, practitionerId: string, name: string, teamHint: string | null): Promise<StaffWrite> {
  const { body } = await client.request('GET', `PractitionerRole?practitioner=${encodeURIComponent(`Practitioner/${practitionerId}`)}&_count=50`, Bundle);
  const roles = (body.entry ?? []).flatMap((e) => {
    const role = PractitionerRole.safeParse(e.resource);
    return role.success && role.data.id && (role.data as { active?: boolean }).active !== false ? [role.data] : [];
  });
  const of = roles.map((role) => ({ role, slot: staffOfRole(role as Named, client.baseUrl) }));
  const chosen = of.find((r) => teamHint !== null && r.slot?.roleTeamId === teamHint) ?? of[0];
  if (!chosen?.role.id)
    throw new EojError('http', `Medarbejderen har ingen rolle (PractitionerRole) i EOJ`, 422, {
      serverText: 'Medarbejderen har ingen rolle (PractitionerRole) i EOJ, som besøget kan bookes på',
      transient: false,
    });
  return { reference: `PractitionerRole/${chosen.role.id}`, display: name, roomFromRole: chosen.slot?.roleRoomId ?? null };
}

/**
 * A team lead's move: the Appointment's staff, room and time, with If-Match. The staff member is
 * written as the same kind of reference the EOJ used. On a newer version the visit is read again:
 * an unrelated change (a note) → the move is applied on top; the visit completed, cancelled or
 * moved by someone else → nothing is overwritten (a conflict the lead sees).
 */
async function writeMove(client: FhirClient, entry: MoveEntry): Promise<string | null> {
  for (let round = 0; round < MAX_412_ROUNDS; round++) {
    const current = await client.read('Appointment', entry.visitId);
    const version = client.versionOf(current);
    const staff = staffParticipantOf(current.body, client.baseUrl);
    const role = staff?.type === 'PractitionerRole' ? await readRole(client, staff.id) : undefined;
    const roleSlot: RoleSlot = role
      ? (({ practitionerId, roleRoomId }) => ({ practitionerId, roomId: roleRoomId }))(
          staffOfRole(role, client.baseUrl) ?? { practitionerId: null, roleRoomId: null },
        )
      : null;
    const slot = slotOf(current.body, client.baseUrl, roleSlot);
    // Already there (a resend after a crash mid-move): done, nothing written twice.
    if (sameSlot(slot, entry.intent.to)) return version;
    if (isClosedAppointmentStatus(current.body.status)) throw new EojConflict(current.body.status);
    if (!sameSlot(slot, entry.intent.from)) throw new EojConflict('moved');
    if (!version) throw noVersion();
    const target = entry.intent.to.practitioner;
    const teamHint = role ? (staffOfRole(role, client.baseUrl)?.roleTeamId ?? null) : null;
    const write = staff?.type === 'PractitionerRole' && target ? await roleFor(client, target.id, target.name, teamHint) : undefined;
    try {
      const updated = await client.update(movedAppointment({ ...current.body, id: entry.visitId }, entry.intent.to, client.baseUrl, write), version);
      return client.versionOf(updated);
    } catch (error) {
      if (isContention(error)) continue;
      throw error;
    }
  }
  throw new EojError('http', 'Appointment blev ved med at ændre sig under flytning', 412, { transient: true });
}

/** Applies one status intent to the current Appointment, following the 412 rules. */
async function writeStatus(client: FhirClient, entry: StatusEntry, context: WriteContext): Promise<string | null> {
  const wanted = appointmentStatusFor(entry.intent.status);
  for (let round = 0; round < MAX_412_ROUNDS; round++) {
    const current = await client.read('Appointment', entry.visitId);
    const appointment = current.body;
    const version = client.versionOf(current);
    // The call took place (also for a visit cancelled into a physical one after a call).
    if (entry.intent.encounter || entry.intent.status === 'completed') {
      const encounter = encounterFor(entry.mutationId, entry.visitId, entry.intent, appointment, client.baseUrl, context.klCodes);
      await client.createIfNoneExist(encounter, ifNoneExist(entry.mutationId));
    }
    if (appointment.status === wanted) return version;
    // Someone else closed the visit (cancelled, completed, no-show): never overwrite it. The
    // Encounter above stays: the call happened.
    const ours = version === context.baseVersion || version === context.lastResultVersion;
    if (isClosedAppointmentStatus(appointment.status) && !ours) throw new EojConflict(appointment.status);
    // Only participants, room or time changed since our base (e.g. a team lead reassigned the
    // visit while we were offline): re-apply the status on the new version.
    if (!version) throw noVersion();
    try {
      const updated = await client.update(appointmentWithStatus({ ...appointment, id: entry.visitId }, entry.intent), version);
      return client.versionOf(updated);
    } catch (error) {
      // Changed again between our read and our write (409 on some servers): read again.
      if (isContention(error)) continue;
      throw error;
    }
  }
  throw new EojError('http', 'Appointment blev ved med at ændre sig under opdatering', 412, { transient: true });
}

/**
 * The citizen's verdict as a QuestionnaireResponse on the call's Encounter, found by the identifier
 * our status row created it with (that row was pushed first: FIFO per visit). Created once.
 */
async function writeVerdict(client: FhirClient, entry: VerdictEntry): Promise<null> {
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

export async function writeIntent(client: FhirClient, entry: OutboxEntry, context: WriteContext): Promise<string | null> {
  switch (entry.intent.kind) {
    case 'visit.escalate': {
      const e = entry as EscalateEntry;
      // A physical visit for the citizen's home-care group, as a Task; the Appointment is not touched.
      await client.createIfNoneExist(escalationTaskFor(e.mutationId, e.visitId, e.intent), ifNoneExist(e.mutationId));
      return null;
    }
    case 'visit.attempt': {
      const e = entry as AttemptEntry;
      // An attempt that did not become a visit: a Communication.
      await client.createIfNoneExist(attemptCommunicationFor(e.mutationId, e.visitId, e.intent), ifNoneExist(e.mutationId));
      return null;
    }
    case 'visit.invitation': {
      const e = entry as OutboxEntry & { intent: Extract<OutboxEntry['intent'], { kind: 'visit.invitation' }> };
      await client.createIfNoneExist(invitationCommunicationFor(e.mutationId, e.visitId, e.intent), ifNoneExist(e.mutationId));
      return null;
    }
    case 'visit.move':
      return writeMove(client, entry as MoveEntry);
    case 'visit.status':
      return writeStatus(client, entry as StatusEntry, context);
    case 'visit.verdict':
      return writeVerdict(client, entry as VerdictEntry);
  }
}
