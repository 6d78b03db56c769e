import { z } from 'zod';
import type { VisitStatus } from '../domain/visit.js';

/**
 * The outcome of a screen visit as the skærmenhed documents it, and what follows from it: the
 * visit's status, a retry, or an escalation to a physical visit for the citizen's home-care group.
 */
export const Outcome = z.enum(['completed', 'not_answered', 'technical_failure', 'converted_physical', 'urgent']);
export type Outcome = z.infer<typeof Outcome>;

export const RetryPolicy = z.object({
  /** Further calls after a call that was not answered (or failed technically). */
  retries: z.number().int().min(0).max(5),
  intervalSeconds: z.number().int().min(1).max(3_600),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, intervalSeconds: 5 * 60 };

/** The visit's documented progress, kept beside the EOJ's data. */
export const VisitWorkflow = z.object({
  /** Calls that were not answered or failed, so far. */
  failedAttempts: z.number().int().nonnegative(),
  outcome: Outcome.nullable(),
  note: z.string().max(2000),
  durationSeconds: z.number().int().nonnegative().nullable(),
  /** When the next try is due (after a call that was not answered). */
  retryAt: z.iso.datetime({ offset: true }).nullable(),
  escalatedAt: z.iso.datetime({ offset: true }).nullable(),
  escalationReason: Outcome.nullable(),
  /** When "Akut" was pressed during the call. */
  urgentAt: z.iso.datetime({ offset: true }).nullable(),
  /** When the call for the outcome was answered: for lateness. */
  calledAt: z.iso.datetime({ offset: true }).nullable(),
});
export type VisitWorkflow = z.infer<typeof VisitWorkflow>;

export const EMPTY_WORKFLOW: VisitWorkflow = {
  failedAttempts: 0,
  outcome: null,
  note: '',
  durationSeconds: null,
  retryAt: null,
  escalatedAt: null,
  escalationReason: null,
  urgentAt: null,
  calledAt: null,
};

/** How the EOJ is told. */
export interface OutcomeEffects {
  /** The visit's status; unchanged ('planned') while a retry is pending. */
  status: VisitStatus;
  /** Appointment.cancelationReason text for noshow/cancelled. */
  reason: string | null;
  /** A new Encounter documents the call (it took place). */
  encounter: boolean;
  retryAt: Date | null;
  /** A physical visit for the home-care group: routine, or at once ("Akut"). */
  escalate: null | { priority: 'routine' | 'stat' };
  failedAttempts: number;
}

const FAILED: ReadonlySet<Outcome> = new Set(['not_answered', 'technical_failure']);

/**
 * The retry and escalation policy. Not answered / technical failure: try again after the interval,
 * up to `retries` more times; after the last, the visit is closed (no-show, or cancelled for a
 * technical failure) and escalated to a physical visit. Converted to physical: cancelled and
 * escalated. Akut: the visit took place and is escalated at once (the Task is created when the
 * button is pressed, so it is not repeated here).
 */
export function decideOutcome(outcome: Outcome, previousFailedAttempts: number, policy: RetryPolicy, now: Date, call: { answered: boolean }): OutcomeEffects {
  if (FAILED.has(outcome)) {
    const failedAttempts = previousFailedAttempts + 1;
    if (failedAttempts <= policy.retries) {
      return {
        status: 'planned',
        reason: null,
        encounter: false,
        retryAt: new Date(now.getTime() + policy.intervalSeconds * 1000),
        escalate: null,
        failedAttempts,
      };
    }
    return outcome === 'not_answered'
      ? { status: 'not_answered', reason: 'Ikke besvaret', encounter: false, retryAt: null, escalate: { priority: 'routine' }, failedAttempts }
      : {
          status: 'cancelled',
          reason: 'Teknisk fejl – omlagt til fysisk besøg',
          encounter: call.answered,
          retryAt: null,
          escalate: { priority: 'routine' },
          failedAttempts,
        };
  }
  if (outcome === 'converted_physical') {
    return {
      status: 'cancelled',
      reason: 'Omlagt til fysisk besøg',
      encounter: call.answered,
      retryAt: null,
      escalate: { priority: 'routine' },
      failedAttempts: previousFailedAttempts,
    };
  }
  // completed and urgent: the visit took place.
  return { status: 'completed', reason: null, encounter: true, retryAt: null, escalate: null, failedAttempts: previousFailedAttempts };
}
