import { z } from 'zod';
import { Outcome } from '../workflow/outcome.js';
import { VisitStatus } from './visit.js';

/** Life of an outbox row (design §3): every row ends done, or visibly conflict/dead. */
export const OutboxState = z.enum(['pending', 'inflight', 'done', 'conflict', 'dead']);
export type OutboxState = z.infer<typeof OutboxState>;

/** What the user meant to change; the EOJ adapter turns it into FHIR requests. */
const At = z.iso.datetime({ offset: true });

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
      .object({ start: At, end: At, outcome: Outcome, note: z.string().max(2000) })
      .nullable()
      .optional(),
  }),
  z.object({
    /** A physical visit for the citizen's home-care group: a Task (design §2). */
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
]);
export type OutboxIntent = z.infer<typeof OutboxIntent>;

export const OutboxEntry = z.object({
  seq: z.number().int().positive(),
  mutationId: z.uuid(),
  visitId: z.string().min(1),
  intent: OutboxIntent,
  baseVersion: z.string().nullable(),
  state: OutboxState,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.iso.datetime({ offset: true }),
  lastError: z.string().nullable(),
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

/** What the renderer shows about the link to the EOJ. */
export const SyncStatus = z.object({
  /** disabled: no EOJ configured (demo); offline: EOJ unreachable; error: reachable but refusing. */
  state: z.enum(['disabled', 'online', 'offline', 'error']),
  lastSuccessAt: z.iso.datetime({ offset: true }).nullable(),
  lastError: z.string().nullable(),
  outbox: OutboxSummary,
});
export type SyncStatus = z.infer<typeof SyncStatus>;
