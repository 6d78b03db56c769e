import type { Visit } from '../domain/visit.js';
import type { VisitWorkflow } from './outcome.js';

/**
 * Punctuality, which matters most to a citizen waiting by the tablet. Lateness is real elapsed
 * time between two instants, so it is right across the DST change (a visit at 01:50 called at
 * 03:05 on the spring-forward night is 15 minutes late, not 75).
 */
export function minutesLate(scheduledStart: string | Date, at: Date): number {
  const start = typeof scheduledStart === 'string' ? Date.parse(scheduledStart) : scheduledStart.getTime();
  return Math.max(0, Math.floor((at.getTime() - start) / 60_000));
}

/** Colour band for the queue: on time, a little late, late. */
export type LatenessBand = 'on_time' | 'slightly_late' | 'late';
export const LATENESS_BANDS = { slightlyLateFrom: 5, lateFrom: 15 } as const;
export function latenessBand(minutes: number): LatenessBand {
  if (minutes >= LATENESS_BANDS.lateFrom) return 'late';
  if (minutes >= LATENESS_BANDS.slightlyLateFrom) return 'slightly_late';
  return 'on_time';
}

export interface DaySummary {
  done: number;
  missed: number;
  escalated: number;
  open: number;
  /** Average minutes late of the answered calls; null before the first. */
  averageLatenessMinutes: number | null;
}

/** The staff member's day: done, missed, escalated, and how late the calls were on average. */
export function daySummary(visits: readonly (Visit & { workflow: VisitWorkflow })[]): DaySummary {
  let done = 0,
    missed = 0,
    escalated = 0,
    open = 0,
    lateSum = 0,
    lateN = 0;
  for (const v of visits) {
    if (v.status === 'completed') done++;
    else if (v.status === 'not_answered') missed++;
    else if (v.status === 'planned' || v.status === 'in_progress') open++;
    if (v.workflow.escalatedAt) escalated++;
    if (v.workflow.calledAt) {
      lateSum += minutesLate(v.start, new Date(v.workflow.calledAt));
      lateN++;
    }
  }
  return { done, missed, escalated, open, averageLatenessMinutes: lateN ? Math.round((lateSum / lateN) * 10) / 10 : null };
}
