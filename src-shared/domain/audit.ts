import { z } from 'zod';
import { SyncError } from './outbox.js';
export { AuditQueueSummary } from './outbox.js';
import { Ref, StaffRole } from './visit.js';

/**
 * Who did what when, as Skærmrum records it on the room PC and sends it to the EOJ (an R4
 * AuditEvent each, src-shared/fhir/auditEvent.ts). Ids and codes only: never a name or CPR number.
 */
export const AuditAction = z.enum([
  'store.opened',
  'session.signed_in',
  'session.signed_out',
  'session.sign_in_refused',
  'session.refresh_refused',
  'session.locked',
  'session.unlocked',
  'visit.status_changed',
  'room.devices_saved',
  'call.recorded',
  'visit.outcome_recorded',
  'visit.urgent',
  'citizen.cpr_revealed',
  'outbox.resolved',
  'visit.moved',
  'visit.relative_invited',
  /** "Hvem har set oplysninger om denne borger?" was opened for a citizen. */
  'audit.viewed',
  /** That list was exported for the data-protection officer. */
  'audit.exported',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** Actors that are not a person: events of the room PC itself. */
export const WORKSTATION_ACTORS: readonly string[] = ['system', 'unknown'];
/** Events the room PC asks for itself (no one is signed in yet, or the sign-in was refused). */
export const WORKSTATION_ACTIONS: readonly AuditAction[] = ['store.opened', 'session.sign_in_refused'];

/** Who asks for an event to be kept: the person signed in, or the room PC for its own events. */
export const requestorIsWorkstation = (record: { actorId: string; action: AuditAction }): boolean =>
  WORKSTATION_ACTIONS.includes(record.action) || WORKSTATION_ACTORS.includes(record.actorId);

/** How it went, as AuditEvent.outcome says it (0, 4, 8, 12). */
export const AuditOutcome = z.enum(['success', 'minor_failure', 'serious_failure', 'major_failure']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** One event as it is sent: what the queue holds, with the context it was recorded in. */
export interface AuditRecord {
  /** Stable and unique: the EOJ recognises a resend by it. */
  eventId: string;
  at: string;
  actorId: string;
  /** The role the actor was signed in with when it happened (unknown for older rows). */
  actorRole: StaffRole | null;
  /** The video room the actor was signed in to. */
  roomId: string | null;
  action: AuditAction;
  subject: { type: string; id: string } | null;
  /** The citizen the event concerns, if any. */
  patientId: string | null;
}

/** One line of "Hvem har set oplysninger om denne borger?", read back from the EOJ. */
export const AuditTrailEntry = z.object({
  /** The AuditEvent's id in the EOJ. */
  id: z.string().min(1).max(128),
  at: z.iso.datetime({ offset: true }),
  practitionerId: z.string().max(128).nullable(),
  /** The staff member's name from the EOJ (null: not found there). */
  staffName: z.string().max(200).nullable(),
  role: StaffRole.nullable(),
  /** An event of ours; null for one another system wrote (then `actionText` says what it was). */
  action: AuditAction.nullable(),
  actionText: z.string().max(300).nullable(),
  /** The room PC it came from. */
  workstation: z.string().max(200).nullable(),
  room: Ref.nullable(),
  outcome: AuditOutcome,
});
export type AuditTrailEntry = z.infer<typeof AuditTrailEntry>;

export const AuditTrailPage = z.object({
  entries: z.array(AuditTrailEntry),
  /** Where the next page is; null on the last. */
  cursor: z.string().max(4000).nullable(),
  /** The total the EOJ reported, when it did. */
  total: z.number().int().nonnegative().nullable(),
});
export type AuditTrailPage = z.infer<typeof AuditTrailPage>;

/** An event the EOJ refused for good: shown, and sent again only by hand. */
export const AuditProblem = z.object({
  eventId: z.uuid(),
  at: z.iso.datetime({ offset: true }),
  action: AuditAction,
  error: SyncError,
});
export type AuditProblem = z.infer<typeof AuditProblem>;
