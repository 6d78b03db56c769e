import type { Visit } from '../domain/visit.js';
import { careDay } from '../time/copenhagen.js';
import { isOpen } from './nowNext.js';

/**
 * Which visits "today's queue" holds at an instant. A care day is a Danish calendar day, but a
 * shift is not: at 23:58 the night staff need their 00:40 call in view, and at 00:05 the 23:50
 * call nobody answered yet is still theirs. So the queue is the care day, plus the calls of the
 * next hours beyond midnight, plus the last hours' visits from before midnight that are still open.
 */
export const LOOKAHEAD_MS = 3 * 3_600_000;
export const CARRY_OVER_MS = 6 * 3_600_000;

export interface QueueWindow {
  dayStartMs: number;
  dayEndMs: number;
  /** Earliest start a carried-over open visit may have. */
  fromMs: number;
  /** Latest start (exclusive) of a visit in the queue. */
  toMs: number;
}

export function queueWindow(now: Date): QueueWindow {
  const day = careDay(now);
  const dayStartMs = day.start.getTime();
  const dayEndMs = day.end.getTime();
  return { dayStartMs, dayEndMs, fromMs: Math.min(dayStartMs, now.getTime() - CARRY_OVER_MS), toMs: Math.max(dayEndMs, now.getTime() + LOOKAHEAD_MS) };
}

/** Whether a visit (of any status) belongs in the queue of the window. */
export function inQueueWindow(visit: Pick<Visit, 'start' | 'status'>, window: QueueWindow): boolean {
  const start = Date.parse(visit.start);
  if (start >= window.dayStartMs) return start < window.toMs;
  return start >= window.fromMs && isOpen(visit);
}
