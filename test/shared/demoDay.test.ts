import { describe, expect, it } from 'vitest';
import { maskCpr } from '../../src-shared/domain/cpr';
import { Visit } from '../../src-shared/domain/visit';
import { demoDay } from '../../src-shared/demo/demoDay';
import { careDay } from '../../src-shared/time/copenhagen';

describe('demo day', () => {
  const day = new Date('2026-03-10T09:00:00Z');
  const demo = demoDay(day);

  it('is one team, 3 rooms, 6 staff and 120 valid visits between 07:30 and 22:00 Copenhagen time', () => {
    expect(demo.rooms).toHaveLength(3);
    expect(demo.staff).toHaveLength(6);
    expect(demo.visits).toHaveLength(120);
    for (const v of demo.visits) expect(() => Visit.parse(v)).not.toThrow();
    const { start } = careDay(day);
    const minutes = demo.visits.map((v) => (Date.parse(v.start) - start.getTime()) / 60_000);
    expect(Math.min(...minutes)).toBeGreaterThanOrEqual(7 * 60 + 30);
    expect(Math.max(...minutes)).toBeLessThan(22 * 60);
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
