import { describe, expect, it } from 'vitest';
import { demoDay } from '../../src-shared/demo/demoDay';
import type { QueueVisit, Visit } from '../../src-shared/domain/visit';
import { atCopenhagenTime } from '../../src-shared/time/copenhagen';
import { daySummary, latenessBand, minutesLate } from '../../src-shared/workflow/lateness';
import { DEFAULT_RETRY_POLICY, EMPTY_WORKFLOW, decideOutcome } from '../../src-shared/workflow/outcome';

const now = new Date('2026-11-23T09:00:00Z');
const answered = { answered: true };
const unanswered = { answered: false };

describe('retry and escalation policy', () => {
  it('default: two retries five minutes apart, then no-show and a physical visit', () => {
    const first = decideOutcome('not_answered', 0, DEFAULT_RETRY_POLICY, now, unanswered);
    expect(first).toMatchObject({ status: 'planned', failedAttempts: 1, escalate: null, encounter: false });
    expect(first.retryAt?.toISOString()).toBe('2026-11-23T09:05:00.000Z');
    expect(decideOutcome('not_answered', 1, DEFAULT_RETRY_POLICY, now, unanswered)).toMatchObject({ status: 'planned', failedAttempts: 2 });
    const last = decideOutcome('not_answered', 2, DEFAULT_RETRY_POLICY, now, unanswered);
    expect(last).toMatchObject({ status: 'not_answered', failedAttempts: 3, retryAt: null, escalate: { priority: 'routine' }, reason: 'Ikke besvaret' });
  });
  it('is configurable: no retries escalates at once; a longer interval is used', () => {
    expect(decideOutcome('not_answered', 0, { retries: 0, intervalSeconds: 60 }, now, unanswered).escalate).toEqual({ priority: 'routine' });
    expect(decideOutcome('not_answered', 0, { retries: 3, intervalSeconds: 600 }, now, unanswered).retryAt?.toISOString()).toBe('2026-11-23T09:10:00.000Z');
  });
  it('technical failures retry the same way, then cancel into a physical visit', () => {
    expect(decideOutcome('technical_failure', 0, DEFAULT_RETRY_POLICY, now, answered).status).toBe('planned');
    const last = decideOutcome('technical_failure', 2, DEFAULT_RETRY_POLICY, now, answered);
    expect(last).toMatchObject({ status: 'cancelled', escalate: { priority: 'routine' }, encounter: true });
  });
  it('completed and Akut document the call; converted to physical cancels and escalates', () => {
    expect(decideOutcome('completed', 1, DEFAULT_RETRY_POLICY, now, answered)).toMatchObject({
      status: 'completed',
      encounter: true,
      escalate: null,
      failedAttempts: 1,
    });
    expect(decideOutcome('urgent', 0, DEFAULT_RETRY_POLICY, now, answered)).toMatchObject({ status: 'completed', encounter: true });
    expect(decideOutcome('converted_physical', 0, DEFAULT_RETRY_POLICY, now, unanswered)).toMatchObject({
      status: 'cancelled',
      encounter: false,
      escalate: { priority: 'routine' },
      reason: 'Omlagt til fysisk besøg',
    });
  });
});

describe('lateness (Europe/Copenhagen, across DST)', () => {
  it('counts whole minutes late, never negative', () => {
    expect(minutesLate('2026-11-23T09:00:00Z', new Date('2026-11-23T09:07:59Z'))).toBe(7);
    expect(minutesLate('2026-11-23T09:00:00Z', new Date('2026-11-23T08:50:00Z'))).toBe(0);
  });
  it('spring forward: 01:50 called at 03:05 local is 15 minutes late, not 75', () => {
    const day = new Date('2026-03-29T12:00:00Z');
    const start = atCopenhagenTime(day, 1, 50);
    const called = atCopenhagenTime(day, 3, 5);
    expect(start.toISOString()).toBe('2026-03-29T00:50:00.000Z');
    expect(minutesLate(start, called)).toBe(15);
  });
  it('fall back: 02:50 (first) called at 02:10 (second) is 20 minutes late', () => {
    // On 2026-10-25 the clock goes from 03:00 back to 02:00: 02:50 CEST, then 02:10 CET.
    const start = new Date('2026-10-25T00:50:00Z'); // 02:50 CEST
    const called = new Date('2026-10-25T01:10:00Z'); // 02:10 CET
    expect(minutesLate(start, called)).toBe(20);
  });
  it('bands: on time under 5, slightly late under 15, late from 15', () => {
    expect([0, 4, 5, 14, 15, 60].map(latenessBand)).toEqual(['on_time', 'on_time', 'slightly_late', 'slightly_late', 'late', 'late']);
  });
});

describe('day summary', () => {
  it('counts done, missed, escalated and open, and averages lateness of answered calls', () => {
    const [a, b, c, d] = demoDay(new Date('2026-11-23T12:00:00Z')).visits as [Visit, Visit, Visit, Visit];
    const at = (v: { start: string }, minutes: number) => new Date(Date.parse(v.start) + minutes * 60_000).toISOString();
    const visits: QueueVisit[] = [
      { ...a, status: 'completed', workflow: { ...EMPTY_WORKFLOW, outcome: 'completed', calledAt: at(a, 4) } },
      { ...b, status: 'not_answered', workflow: { ...EMPTY_WORKFLOW, outcome: 'not_answered', escalatedAt: at(b, 20), failedAttempts: 3 } },
      { ...c, status: 'completed', workflow: { ...EMPTY_WORKFLOW, outcome: 'urgent', calledAt: at(c, 10), escalatedAt: at(c, 12) } },
      { ...d, status: 'planned', workflow: EMPTY_WORKFLOW },
    ];
    expect(daySummary(visits)).toEqual({ done: 2, missed: 1, escalated: 2, open: 1, averageLatenessMinutes: 7 });
    expect(daySummary([]).averageLatenessMinutes).toBeNull();
  });
});
