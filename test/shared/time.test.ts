import { describe, expect, it } from 'vitest';
import { atCopenhagenTime, careDay, careDayKey, formatClock } from '../../src-shared/time/copenhagen';

const hours = (r: { start: Date; end: Date }) => (r.end.getTime() - r.start.getTime()) / 3_600_000;

describe('care day in Europe/Copenhagen', () => {
  it('starts at local midnight in winter (UTC+1) and summer (UTC+2)', () => {
    expect(careDay(new Date('2026-01-15T12:00:00Z')).start.toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(careDay(new Date('2026-07-15T12:00:00Z')).start.toISOString()).toBe('2026-07-14T22:00:00.000Z');
  });

  it('is 23 hours on the spring DST change and 25 on the autumn one', () => {
    expect(hours(careDay(new Date('2026-03-29T12:00:00Z')))).toBe(23);
    expect(hours(careDay(new Date('2026-10-25T12:00:00Z')))).toBe(25);
    expect(hours(careDay(new Date('2026-10-26T12:00:00Z')))).toBe(24);
  });

  it('puts 00:30 local time on the right day even though it is the previous day in UTC', () => {
    expect(careDayKey(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(careDayKey(new Date('2026-06-30T21:30:00Z'))).toBe('2026-06-30');
  });

  it('turns wall-clock times into instants across the DST change', () => {
    expect(atCopenhagenTime(new Date('2026-03-29T12:00:00Z'), 7, 30).toISOString()).toBe('2026-03-29T05:30:00.000Z');
    expect(atCopenhagenTime(new Date('2026-03-28T12:00:00Z'), 7, 30).toISOString()).toBe('2026-03-28T06:30:00.000Z');
  });

  it('formats clock times in Copenhagen time as HH:MM', () => {
    expect(formatClock('2026-01-15T09:30:00Z')).toBe('10:30');
    expect(formatClock(new Date('2026-07-15T09:05:00Z'), 'en-GB')).toBe('11:05');
  });
});
