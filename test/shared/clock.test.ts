import { describe, expect, it } from 'vitest';
import { clockFromSetting, clockStartingAt, manualClock, offsetClock, parseInstantSetting, systemClock } from '../../src-shared/time/clock';

describe('the injected clock', () => {
  it('a clock started at an instant reads that instant, then runs at the base clock’s pace', () => {
    const base = manualClock(new Date('2026-12-01T20:00:00Z'));
    const clock = clockStartingAt(new Date('2027-03-28T01:58:00+01:00'), base);
    expect(clock.now().toISOString()).toBe('2027-03-28T00:58:00.000Z');
    base.advance(90_000);
    expect(clock.now().toISOString()).toBe('2027-03-28T00:59:30.000Z');
    expect(offsetClock(60_000, clock).nowMs() - clock.nowMs()).toBe(60_000);
  });

  it('reads SKAERMRUM_NOW only as an instant with a zone, and says so in Danish otherwise', () => {
    expect(parseInstantSetting('SKAERMRUM_NOW', '2026-10-25T02:30:00+01:00').toISOString()).toBe('2026-10-25T01:30:00.000Z');
    expect(parseInstantSetting('SKAERMRUM_NOW', '2026-12-02T11:00:00Z').toISOString()).toBe('2026-12-02T11:00:00.000Z');
    // A wall time alone is ambiguous on the fall-back night and missing on the spring-forward night.
    expect(() => parseInstantSetting('SKAERMRUM_NOW', '2026-10-25T02:30')).toThrow(/tidspunkt med tidszone/);
    expect(() => parseInstantSetting('SKAERMRUM_NOW', 'i morgen')).toThrow(/SKAERMRUM_NOW/);
    expect(clockFromSetting('SKAERMRUM_NOW', undefined)).toBe(systemClock);
    expect(clockFromSetting('SKAERMRUM_NOW', '2026-12-02T23:58:00+01:00').now().getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-02T22:58:00Z'));
  });
});
