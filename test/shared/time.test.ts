import { describe, expect, it } from 'vitest';
import { atCopenhagenTime, careDay, careDayKey, copenhagenWallClock, formatClock, formatDay, formatInstant } from '../../src-shared/time/copenhagen';

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

describe('dates and times as a Danish leader reads them (reports and their exports)', () => {
  it('writes a day as 06-12-2026 in Danish and 06/12/2026 in English', () => {
    expect(formatDay('2026-12-06', 'da')).toBe('06-12-2026');
    expect(formatDay('2026-12-06', 'en')).toBe('06/12/2026');
  });

  it('writes an instant in Copenhagen time, with the Danish full stop in the clock', () => {
    // Just after midnight in Copenhagen is still the day before in UTC.
    expect(formatInstant('2026-12-06T00:55:28.924Z', 'da')).toBe('06-12-2026 01.55');
    expect(formatInstant('2026-12-05T23:05:00Z', 'en')).toBe('06/12/2026 00:05');
    expect(formatInstant(new Date('2026-07-01T10:00:00Z'), 'da')).toBe('01-07-2026 12.00');
  });

  it('shows the hour that repeats on the autumn DST night twice, and skips the spring one', () => {
    expect(formatInstant('2026-10-25T00:30:00Z', 'da')).toBe('25-10-2026 02.30');
    expect(formatInstant('2026-10-25T01:30:00Z', 'da')).toBe('25-10-2026 02.30');
    expect(formatInstant('2027-03-28T00:59:00Z', 'da')).toBe('28-03-2027 01.59');
    expect(formatInstant('2027-03-28T01:00:00Z', 'da')).toBe('28-03-2027 03.00');
  });

  it('carries the Copenhagen wall clock in UTC fields, for a spreadsheet date cell without a zone', () => {
    expect(copenhagenWallClock('2026-12-06T00:55:28.924Z').toISOString()).toBe('2026-12-06T01:55:28.000Z');
    expect(copenhagenWallClock('2026-07-01T10:00:00Z').toISOString()).toBe('2026-07-01T12:00:00.000Z');
  });
});
