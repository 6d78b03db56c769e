import { z } from 'zod';
import { Outcome } from '../workflow/outcome.js';
import { Verdict } from '../workflow/verdict.js';
import { CallGuest, VisitStatus } from './visit.js';

/** Life of an outbox row: every row ends done, or visibly conflict/dead. */
export const OutboxState = z.enum(['pending', 'inflight', 'done', 'conflict', 'dead']);
export type OutboxState = z.infer<typeof OutboxState>;

/** What the user meant to change; the EOJ adapter turns it into FHIR requests. */
const At = z.iso.datetime({ offset: true });

/** Who does a visit, in which room, when: what a move changes. */
export const VisitSlot = z.object({
  practitioner: z.object({ id: z.string().min(1).max(128), name: z.string().max(200) }).nullable(),
  room: z.object({ id: z.string().min(1).max(128), name: z.string().max(200) }).nullable(),
  start: At,
  end: At,
});
export type VisitSlot = z.infer<typeof VisitSlot>;

export const OutboxIntent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('visit.status'),
    status: VisitStatus,
    /** When the change was made, and by whom (the staff member who actually called). */
    at: At,
    actorId: z.string().min(1),
    /** Appointment.cancelationReason for noshow/cancelled. */
    reason: z.string().max(200).nullable().optional(),
    /** The call that took place: an Encounter with its period, length, outcome and note. */
    encounter: z
      .object({
        start: At,
        end: At,
        outcome: Outcome,
        note: z.string().max(2000),
        /** When it rang (the citizen answered at `start`). */
        rangAt: At.nullable().optional(),
        /** The length the staff member documented (may differ from the measured period). */
        lengthSeconds: z.number().int().nonnegative().nullable().optional(),
        /** Relatives and colleagues who took part, each with their period. */
        guests: z.array(CallGuest).max(3).optional(),
      })
      .nullable()
      .optional(),
  }),
  z.object({
    /** A call attempt that did not become a visit: a Communication, seen by the whole team. */
    kind: z.literal('visit.attempt'),
    at: At,
    actorId: z.string().min(1),
    outcome: z.enum(['not_answered', 'technical_failure']),
    /** Which attempt this was (1 = the first call), and how many are allowed in all. */
    attempt: z.number().int().positive(),
    of: z.number().int().positive(),
    /** When the next try is due; null after the last. */
    retryAt: At.nullable(),
    patientId: z.string().min(1),
    rangAt: At.nullable(),
    note: z.string().max(2000),
  }),
  z.object({
    /** A team lead moves the visit to another staff member, room or time. */
    kind: z.literal('visit.move'),
    at: At,
    actorId: z.string().min(1),
    to: VisitSlot,
    /** Where it was when the lead moved it: someone else moving it meanwhile is a conflict. */
    from: VisitSlot,
  }),
  z.object({
    /** A physical visit for the citizen's home-care group: a Task. */
    kind: z.literal('visit.escalate'),
    at: At,
    actorId: z.string().min(1),
    reason: Outcome,
    priority: z.enum(['routine', 'stat']),
    patientId: z.string().min(1),
    /** CareTeam of the home-care group; null: the EOJ's own routing (the visit's team). */
    ownerId: z.string().min(1).nullable(),
    note: z.string().max(2000),
  }),
  z.object({
    /** A relative was invited into the visit's call: a Communication (never the link or the PIN). */
    kind: z.literal('visit.invitation'),
    at: At,
    actorId: z.string().min(1),
    patientId: z.string().min(1),
    relatedPersonId: z.string().min(1).max(64),
    /** From when the link works. */
    validFrom: At,
  }),
  z.object({
    /** The citizen's verdict on the call: a QuestionnaireResponse linked to the call's Encounter. */
    kind: z.literal('visit.verdict'),
    at: At,
    actorId: z.string().min(1),
    verdict: Verdict,
    patientId: z.string().min(1),
    /** The outbox row whose Encounter documents the call (its conditional-create identifier). */
    encounterMutationId: z.uuid(),
  }),
]);
export type OutboxIntent = z.infer<typeof OutboxIntent>;

/**
 * Why a change or a sync did not go through, as a code the renderer words in the user's language
 * (with what happens next: tried again at nextAttemptAt, sent again by hand, or not sent at all).
 */
export const SyncErrorCode = z.enum([
  /** The EOJ cannot be reached (network), or did not answer in time. */
  'unreachable',
  'timeout',
  /** Temporary: busy or contended (409, 412 contention, 5xx); tried again. */
  'busy',
  /** 429: the EOJ asked us to wait. */
  'rate_limited',
  /** The EOJ does not accept the sign-in (401). */
  'unauthorized',
  /** A permanent refusal (400, 403, 422, …): sent again only by hand. */
  'refused',
  'not_found',
  /** Someone else closed the visit in the EOJ: the change is not sent. */
  'conflict',
  /** The EOJ's answer could not be read, or was too large. */
  'malformed',
  'oversized',
  /** The EOJ lacks a search the client needs (subject names it). */
  'capability_missing',
]);
export type SyncErrorCode = z.infer<typeof SyncErrorCode>;
export const SyncError = z.object({
  code: SyncErrorCode,
  /** The server's own words (OperationOutcome details.text or diagnostics), if it gave any. */
  serverText: z.string().max(1000).nullable(),
  /** What it concerns, when that is one thing ("Appointment?date", "Appointment/abc"). */
  subject: z.string().max(300).nullable(),
});
export type SyncError = z.infer<typeof SyncError>;

export const OutboxEntry = z.object({
  seq: z.number().int().positive(),
  mutationId: z.uuid(),
  visitId: z.string().min(1),
  intent: OutboxIntent,
  baseVersion: z.string().nullable(),
  state: OutboxState,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.iso.datetime({ offset: true }),
  /** The last failure: why the row is waiting (pending), or why it stopped (conflict, dead). */
  error: SyncError.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const OutboxSummary = z.object({
  pending: z.number().int().nonnegative(),
  inflight: z.number().int().nonnegative(),
  conflict: z.number().int().nonnegative(),
  dead: z.number().int().nonnegative(),
});
export type OutboxSummary = z.infer<typeof OutboxSummary>;

/** The audit events waiting to go to the EOJ, and those it refused (src-shared/domain/audit.ts). */
export const AuditQueueSummary = z.object({ pending: z.number().int().nonnegative(), refused: z.number().int().nonnegative() });
export type AuditQueueSummary = z.infer<typeof AuditQueueSummary>;

/** What the renderer shows about the link to the EOJ. */
export const SyncStatus = z.object({
  /** disabled: no EOJ configured (demo); offline: EOJ unreachable; error: reachable but refusing. */
  state: z.enum(['disabled', 'online', 'offline', 'error']),
  lastSuccessAt: z.iso.datetime({ offset: true }).nullable(),
  error: SyncError.nullable(),
  /** When the engine tries again after a failure. */
  nextAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  outbox: OutboxSummary,
  /** EOJ resources that could not be read (each one alone; the rest of the queue is there). */
  problems: z.number().int().nonnegative(),
  /**
   * Visits of the window that carried participants, identifiers or extensions Skærmrum does not
   * understand (kept in the EOJ untouched): counted so nothing is dropped without a word.
   */
  unrecognised: z.object({
    participants: z.number().int().nonnegative(),
    identifiers: z.number().int().nonnegative(),
    extensions: z.number().int().nonnegative(),
  }),
  /** Data older than this may be out of date, and the screen says so (SKAERMRUM_STALE_AFTER_S). */
  staleAfterSeconds: z.number().int().positive(),
  /** The audit events on their way to the EOJ (absent where nothing is sent: no EOJ). */
  audit: AuditQueueSummary.optional(),
});

/** One resource from the EOJ that could not be read, shown until it reads well or is gone. */
export const SyncProblem = z.object({
  /** "Appointment/abc" */
  resource: z.string().max(300),
  /** The field, as a FHIR path ("participant[0].actor", "start"). */
  field: z.string().max(300),
  kind: z.enum(['missing', 'wrong_type', 'invalid_value', 'invalid_format', 'unresolved_reference', 'no_citizen', 'other']),
  /** More about it, e.g. the value or type expected (not personal data). */
  detail: z.string().max(300),
  firstSeenAt: z.iso.datetime({ offset: true }),
  lastSeenAt: z.iso.datetime({ offset: true }),
});
export type SyncProblem = z.infer<typeof SyncProblem>;
/**
 * What is wrong with one resource from the EOJ, said so a person can act on it: which field, and in
 * short Danish what is wrong with it (never the value itself, which may be personal data).
 */
export type ResourceProblem = Pick<SyncProblem, 'field' | 'kind' | 'detail'>;
export type SyncStatus = z.infer<typeof SyncStatus>;
