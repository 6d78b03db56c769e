import { describe, expect, it } from 'vitest';
import { maskCpr } from '../../src-shared/domain/cpr';
import { Visit } from '../../src-shared/domain/visit';
import { demoDay } from '../../src-shared/demo/demoDay';
import { careDay, careDayKey, formatClock } from '../../src-shared/time/copenhagen';

describe('demo day', () => {
  const day = new Date('2026-03-10T09:00:00Z');
  const demo = demoDay(day);

  it('is one team, 3 rooms, 7 staff, 120 day visits 07:30–22:00 and 8 night calls, all valid, ids carrying the date', () => {
    expect(demo.rooms).toHaveLength(3);
    expect(demo.staff).toHaveLength(7);
    expect(demo.visits).toHaveLength(128);
    for (const v of demo.visits) expect(() => Visit.parse(v)).not.toThrow();
    expect(demo.visits.every((v) => v.id.startsWith('appointment-2026-03-10-'))).toBe(true);
    expect(new Set(demo.visits.map((v) => v.id)).size).toBe(128);
    const { start } = careDay(day);
    const minuteOf = (v: { start: string }) => (Date.parse(v.start) - start.getTime()) / 60_000;
    const dayShift = demo.visits.filter((v) => !v.id.includes('-night-'));
    expect(dayShift).toHaveLength(120);
    expect(Math.min(...dayShift.map(minuteOf))).toBeGreaterThanOrEqual(7 * 60 + 30);
    expect(Math.max(...dayShift.map(minuteOf))).toBeLessThan(22 * 60);
    const night = demo.visits.filter((v) => v.id.includes('-night-'));
    expect(night.map((v) => formatClock(v.start))).toEqual(['00:40', '01:50', '03:10', '04:30', '05:50', '22:20', '23:05', '23:50']);
    expect(new Set(night.map((v) => v.practitioner?.id))).toEqual(new Set(['practitioner-7']));
  });

  it('keeps its night calls at their wall-clock times on both DST nights', () => {
    for (const dstDay of ['2027-03-28T12:00:00+02:00', '2026-10-25T12:00:00+01:00']) {
      const night = demoDay(new Date(dstDay)).visits.filter((v) => v.id.includes('-night-'));
      expect(night.map((v) => formatClock(v.start))).toEqual(['00:40', '01:50', '03:10', '04:30', '05:50', '22:20', '23:05', '23:50']);
      expect(night.every((v) => careDayKey(new Date(v.start)) === careDayKey(new Date(dstDay)))).toBe(true);
    }
  });

  it('is the same plan at every instant of the day: only the statuses follow "now"', () => {
    const strip = (d: ReturnType<typeof demoDay>) => d.visits.map(({ status: _s, updatedAt: _u, ...rest }) => rest);
    const morning = demoDay(day, { now: new Date('2026-03-10T06:00:00Z') });
    const evening = demoDay(day, { now: new Date('2026-03-10T20:00:00Z') });
    expect(strip(morning)).toEqual(strip(evening));
    expect(morning.visits.filter((v) => v.status !== 'planned').length).toBeLessThan(evening.visits.filter((v) => v.status !== 'planned').length);
  });

  it('is the same every time (deterministic) and differs by seed', () => {
    expect(demoDay(day)).toEqual(demo);
    expect(demoDay(day, { seed: 1 }).visits.map((v) => v.citizen.name)).not.toEqual(demo.visits.map((v) => v.citizen.name));
  });

  it('uses CPR numbers no living person can hold (7th digit 5 with year 30–50 means born 2030–2050)', () => {
    for (const c of demo.citizens) {
      expect(c.cpr).toMatch(/^\d{6}5\d{3}$/);
      const yy = Number(c.cpr.slice(4, 6));
      expect(yy).toBeGreaterThanOrEqual(30);
      expect(yy).toBeLessThanOrEqual(50);
    }
  });

  it('marks visits that ended before "now" as done or not answered', () => {
    const now = new Date(Date.parse(careDay(day).start.toISOString()) + 13 * 3_600_000);
    const withNow = demoDay(day, { now });
    const past = withNow.visits.filter((v) => Date.parse(v.end) < now.getTime());
    expect(past.length).toBeGreaterThan(0);
    expect(past.every((v) => v.status === 'completed' || v.status === 'not_answered')).toBe(true);
    expect(withNow.visits.filter((v) => Date.parse(v.start) > now.getTime()).every((v) => v.status === 'planned')).toBe(true);
  });
});

describe('CPR masking', () => {
  it('keeps the birth date only', () => {
    expect(maskCpr('010144-5123')).toBe('010144-xxxx');
    expect(maskCpr('0101445123')).toBe('010144-xxxx');
    expect(() => maskCpr('12345')).toThrow(/10 cifre/);
  });
});
