import { describe, expect, it } from 'vitest';
import type { Visit, VisitStatus } from '../../src-shared/domain/visit';
import { findNowNext } from '../../src-shared/queue/nowNext';
import { testVisits } from '../helpers/store';

const base = testVisits()[0] as Visit;
function visit(id: string, start: string, minutes: number, status: VisitStatus = 'planned'): Visit {
  return { ...base, id, start, end: new Date(Date.parse(start) + minutes * 60_000).toISOString(), status };
}
const queue = [
  visit('a', '2026-03-10T08:00:00Z', 10, 'completed'),
  visit('b', '2026-03-10T08:20:00Z', 10),
  visit('c', '2026-03-10T08:40:00Z', 10),
  visit('d', '2026-03-10T09:00:00Z', 10, 'cancelled'),
  visit('e', '2026-03-10T09:20:00Z', 10),
];
const at = (iso: string) => new Date(iso);

describe('now/next marker', () => {
  it('before the first open visit: nothing now, the first open visit next', () => {
    expect(findNowNext(queue, at('2026-03-10T08:10:00Z'))).toEqual({ nowId: null, nextId: 'b' });
  });
  it('during a visit: that visit now, the following open one next', () => {
    expect(findNowNext(queue, at('2026-03-10T08:22:00Z'))).toEqual({ nowId: 'b', nextId: 'c' });
  });
  it('a visit still open after its time stays "now" until it is dealt with', () => {
    expect(findNowNext(queue, at('2026-03-10T08:45:00Z'))).toEqual({ nowId: 'b', nextId: 'c' });
  });
  it('skips completed and cancelled visits', () => {
    const done = queue.map((v) => (v.id === 'b' || v.id === 'c' ? { ...v, status: 'completed' as const } : v));
    expect(findNowNext(done, at('2026-03-10T08:50:00Z'))).toEqual({ nowId: null, nextId: 'e' });
  });
  it('a call in progress is "now" wherever it is in the day', () => {
    const inCall = queue.map((v) => (v.id === 'e' ? { ...v, status: 'in_progress' as const } : v));
    expect(findNowNext(inCall, at('2026-03-10T08:22:00Z'))).toEqual({ nowId: 'e', nextId: 'b' });
  });
  it('an empty or finished day has neither', () => {
    expect(findNowNext([], at('2026-03-10T08:00:00Z'))).toEqual({ nowId: null, nextId: null });
  });
});
