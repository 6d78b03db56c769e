import { describe, expect, it } from 'vitest';
import type { VisitStatus } from '../../src-shared/domain/visit';
import { inQueueWindow, queueWindow } from '../../src-shared/queue/window';

/** Which visits "today's queue" holds, at stated instants (Copenhagen times in the names). */
const visit = (start: string, status: VisitStatus = 'planned') => ({ start: new Date(start).toISOString(), status });

describe('the queue window around an instant', () => {
  it('at 12:00 on an ordinary day: the calendar day, nothing from yesterday or tomorrow', () => {
    const w = queueWindow(new Date('2026-12-02T12:00:00+01:00'));
    expect(inQueueWindow(visit('2026-12-02T00:40:00+01:00'), w)).toBe(true);
    expect(inQueueWindow(visit('2026-12-02T23:50:00+01:00', 'completed'), w)).toBe(true);
    expect(inQueueWindow(visit('2026-12-01T23:50:00+01:00'), w)).toBe(false);
    expect(inQueueWindow(visit('2026-12-03T00:40:00+01:00'), w)).toBe(false);
  });

  it("at 23:58 the night shift sees its calls after midnight (three hours ahead), not the day after's morning", () => {
    const w = queueWindow(new Date('2026-12-02T23:58:00+01:00'));
    expect(inQueueWindow(visit('2026-12-03T00:40:00+01:00'), w)).toBe(true);
    expect(inQueueWindow(visit('2026-12-03T02:50:00+01:00'), w)).toBe(true);
    expect(inQueueWindow(visit('2026-12-03T03:10:00+01:00'), w)).toBe(false);
    expect(inQueueWindow(visit('2026-12-03T07:30:00+01:00'), w)).toBe(false);
  });

  it('at 00:05 an open 23:50 call from before midnight stays; done ones and older open ones do not', () => {
    const w = queueWindow(new Date('2026-12-03T00:05:00+01:00'));
    expect(inQueueWindow(visit('2026-12-02T23:50:00+01:00'), w)).toBe(true);
    expect(inQueueWindow(visit('2026-12-02T23:05:00+01:00', 'completed'), w)).toBe(false);
    expect(inQueueWindow(visit('2026-12-02T18:00:00+01:00'), w)).toBe(false);
    expect(inQueueWindow(visit('2026-12-03T07:30:00+01:00'), w)).toBe(true);
  });

  it('on the spring-forward night (23-hour day) the three hours ahead are real hours', () => {
    // 2027-03-28: 02:00 CET → 03:00 CEST. Three real hours after 23:30 on the 27th is 03:30 CEST.
    const w = queueWindow(new Date('2027-03-27T23:30:00+01:00'));
    expect(inQueueWindow(visit('2027-03-28T03:10:00+02:00'), w)).toBe(true);
    expect(inQueueWindow(visit('2027-03-28T03:40:00+02:00'), w)).toBe(false);
    const day = queueWindow(new Date('2027-03-28T12:00:00+02:00'));
    expect((day.dayEndMs - day.dayStartMs) / 3_600_000).toBe(23);
  });

  it('on the fall-back night (25-hour day) both 02:30s belong to the day', () => {
    const w = queueWindow(new Date('2026-10-25T02:30:00+01:00'));
    expect((w.dayEndMs - w.dayStartMs) / 3_600_000).toBe(25);
    expect(inQueueWindow(visit('2026-10-25T02:30:00+02:00', 'completed'), w)).toBe(true);
    expect(inQueueWindow(visit('2026-10-25T02:30:00+01:00'), w)).toBe(true);
  });
});
