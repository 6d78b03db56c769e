import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Visit } from '../../src-shared/domain/visit';
import { careDay } from '../../src-shared/time/copenhagen';
import { StoreError } from '../../src-main/store/errors';
import { DEFAULT_RETRY_POLICY } from '../../src-shared/workflow/outcome';
import type { VisitStore } from '../../src-main/store/visitStore';
import { openTestStore, tempDir, testKeychain, testVisits, TEST_DAY } from '../helpers/store';

describe('visit store repository (encrypted, real keychain)', () => {
  let store: VisitStore;
  let cleanup: () => void;
  let dir: string;
  const visits = testVisits();
  const day = careDay(TEST_DAY);
  const range = { fromMs: day.start.getTime(), toMs: day.end.getTime() };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await openTestStore(dir);
    store.upsertVisits(visits);
  });
  afterEach(() => {
    store.close();
    cleanup();
  });

  it('returns the day queue in time order, whole and per room, staff member and team', () => {
    const all = store.dayQueue(range);
    expect(all).toHaveLength(visits.length);
    expect(all.map((v) => v.start)).toEqual([...all.map((v) => v.start)].sort());
    // Each visit comes with its (still empty) documented progress.
    expect(all.map(({ workflow: _workflow, ...v }) => v)).toEqual(expect.arrayContaining(visits));
    expect(all.every((v) => v.workflow.outcome === null && v.workflow.failedAttempts === 0)).toBe(true);
    const room = store.dayQueue({ ...range, roomId: 'room-2' });
    expect(room.length).toBe(40);
    expect(room.every((v) => v.room?.id === 'room-2')).toBe(true);
    const mine = store.dayQueue({ ...range, practitionerId: 'practitioner-2' });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((v) => v.practitioner?.id === 'practitioner-2')).toBe(true);
    expect(store.dayQueue({ ...range, teamId: 'team-skaermenhed-nord' })).toHaveLength(visits.length);
  });

  it('gives each visit in the queue its own documented progress, and the others none', () => {
    const done = visits[3] as Visit;
    const atMs = Date.parse(done.end) + 60_000;
    store.recordOutcome({
      visitId: done.id,
      outcome: 'completed',
      note: 'Insulin taget',
      actorId: 'practitioner-2',
      atMs,
      call: null,
      durationSeconds: 300,
      policy: DEFAULT_RETRY_POLICY,
    });
    const queue = store.dayQueue(range);
    expect(queue.find((v) => v.id === done.id)?.workflow).toMatchObject({ outcome: 'completed', note: 'Insulin taget', durationSeconds: 300 });
    expect(queue.filter((v) => v.id !== done.id).every((v) => v.workflow.outcome === null && v.workflow.note === '')).toBe(true);
    // The same in each narrower queue that holds the visit.
    expect(store.dayQueue({ ...range, roomId: done.room?.id as string }).find((v) => v.id === done.id)?.workflow.outcome).toBe('completed');
  });

  it('bounds the day in Copenhagen time, not UTC', () => {
    const late: Visit = { ...(visits[0] as Visit), id: 'late-evening', start: '2026-03-10T22:30:00.000Z', end: '2026-03-10T22:40:00.000Z' };
    const nextDay: Visit = { ...(visits[0] as Visit), id: 'after-midnight', start: '2026-03-10T23:05:00.000Z', end: '2026-03-10T23:15:00.000Z' };
    store.upsertVisits([late, nextDay]);
    const ids = store.dayQueue(range).map((v) => v.id);
    expect(ids).toContain('late-evening'); // 23:30 in Copenhagen (UTC+1 in March)
    expect(ids).not.toContain('after-midnight'); // 00:05 the next day there
  });

  it('updates a visit on upsert instead of duplicating it', () => {
    const first = visits[0] as Visit;
    store.upsertVisits([{ ...first, versionId: '2', notes: 'Ny note' }]);
    expect(store.getVisit(first.id)).toMatchObject({ versionId: '2', notes: 'Ny note' });
    expect(store.visitCount()).toBe(visits.length);
  });

  it('writes a status change, its outbox row and an audit entry together', () => {
    const visit = visits[5] as Visit;
    const result = store.setVisitStatus({ visitId: visit.id, status: 'completed', actorId: 'practitioner-2', atMs: Date.parse('2026-03-10T10:00:00Z') });
    expect(result.visit.status).toBe('completed');
    expect(store.getVisit(visit.id)?.status).toBe('completed');
    expect(result.outboxEntry).toMatchObject({
      visitId: visit.id,
      intent: { kind: 'visit.status', status: 'completed' },
      baseVersion: visit.versionId,
      state: 'pending',
      attempts: 0,
    });
    expect(store.outbox.summary()).toEqual({ pending: 1, inflight: 0, conflict: 0, dead: 0 });
    const [audit] = store.audit.recent(1);
    expect(audit).toMatchObject({
      actorId: 'practitioner-2',
      action: 'visit.status_changed',
      subjectId: visit.id,
      details: { from: visit.status, to: 'completed' },
    });
    // No personal data in the audit trail.
    expect(JSON.stringify(audit)).not.toContain(visit.citizen.name);
  });

  it('writes nothing when the visit does not exist', () => {
    expect(() => store.setVisitStatus({ visitId: 'nope', status: 'completed', actorId: 'p', atMs: 1 })).toThrow(StoreError);
    expect(store.outbox.list()).toHaveLength(0);
    expect(store.audit.recent(10).filter((a) => a.action === 'visit.status_changed')).toHaveLength(0);
  });

  it('writes no outbox row when the status does not change', () => {
    const visit = visits[0] as Visit;
    const result = store.setVisitStatus({ visitId: visit.id, status: visit.status, actorId: 'p', atMs: 1 });
    expect(result.outboxEntry).toBeNull();
    expect(store.outbox.list()).toHaveLength(0);
  });

  it('drains the outbox FIFO per visit: a later change waits for the earlier one', () => {
    const [a, b] = visits as [Visit, Visit];
    const a1 = store.setVisitStatus({ visitId: a.id, status: 'in_progress', actorId: 'p', atMs: 100 }).outboxEntry;
    const b1 = store.setVisitStatus({ visitId: b.id, status: 'in_progress', actorId: 'p', atMs: 101 }).outboxEntry;
    const a2 = store.setVisitStatus({ visitId: a.id, status: 'completed', actorId: 'p', atMs: 102 }).outboxEntry;
    expect(store.outbox.due(1_000, 10).map((e) => e.mutationId)).toEqual([a1?.mutationId, b1?.mutationId]);
    store.outbox.markInflight(a1?.mutationId as string, 200);
    store.outbox.markDone(a1?.mutationId as string, 201);
    expect(store.outbox.due(1_000, 10).map((e) => e.mutationId)).toEqual([b1?.mutationId, a2?.mutationId]);
    store.outbox.scheduleRetry(b1?.mutationId as string, 5_000, { code: 'timeout', serverText: null, subject: null }, 300);
    expect(store.outbox.due(1_000, 10).map((e) => e.mutationId)).toEqual([a2?.mutationId]);
    expect(store.outbox.get(b1?.mutationId as string)).toMatchObject({ attempts: 1, error: { code: 'timeout' }, state: 'pending' });
    store.outbox.markFailed(a2?.mutationId as string, 'conflict', { code: 'conflict', serverText: 'cancelled', subject: null }, 400);
    expect(store.outbox.summary()).toEqual({ pending: 1, inflight: 0, conflict: 1, dead: 0 });
    // A conflict is final: a later change of the same visit goes on (and meets the EOJ's rules itself).
    const a3 = store.setVisitStatus({ visitId: a.id, status: 'not_answered', actorId: 'p', atMs: 500 }).outboxEntry;
    expect(store.outbox.due(1_000, 10).map((e) => e.mutationId)).toEqual([a3?.mutationId]);
    // A refusal (dead) may be sent again: what came after it waits until it is dealt with.
    store.outbox.markFailed(a3?.mutationId as string, 'dead', { code: 'refused', serverText: 'invalid', subject: null }, 600);
    const a4 = store.setVisitStatus({ visitId: a.id, status: 'completed', actorId: 'p', atMs: 700 }).outboxEntry;
    expect(store.outbox.due(1_000, 10).map((e) => e.mutationId)).toEqual([]);
    expect(store.resolveProblem(a3?.mutationId as string, 'accept_eoj', 'p', 800)).toBe(true);
    expect(store.outbox.due(1_000, 10).map((e) => e.mutationId)).toEqual([a4?.mutationId]);
  });

  it('remembers devices per room', () => {
    expect(store.roomDevices('room-1')).toBeNull();
    const devices = {
      roomId: 'room-1',
      camera: { deviceId: 'cam', label: 'Logitech C920' },
      microphone: { deviceId: 'mic', label: 'Jabra Evolve2' },
      speaker: null,
    };
    store.saveRoomDevices(devices, 'practitioner-2', 1);
    expect(store.roomDevices('room-1')).toEqual(devices);
    store.saveRoomDevices({ ...devices, speaker: { deviceId: 'spk', label: 'Jabra Evolve2' } }, 'practitioner-2', 2);
    expect(store.roomDevices('room-1')?.speaker?.label).toBe('Jabra Evolve2');
  });

  it('keeps sync state per scope', () => {
    expect(store.syncState.get('appointments')).toBeUndefined();
    const state = { scope: 'appointments', cursor: '2026-03-10T08:00:00Z', lastPullMs: 5, lastFullResyncMs: 4, lastSuccessMs: 5, lastError: null };
    store.syncState.put(state);
    expect(store.syncState.get('appointments')).toEqual(state);
  });

  it('keeps everything across a reopen with the same keychain entry', async () => {
    const keychain = testKeychain();
    const other = tempDir();
    try {
      const first = await openTestStore(other.dir, keychain);
      first.upsertVisits(visits);
      const change = first.setVisitStatus({ visitId: (visits[3] as Visit).id, status: 'not_answered', actorId: 'p', atMs: 7 });
      first.close();
      const again = await openTestStore(other.dir, keychain);
      expect(again.getVisit((visits[3] as Visit).id)?.status).toBe('not_answered');
      expect(again.outbox.get(change.outboxEntry?.mutationId ?? randomUUID())).toBeDefined();
      again.close();
    } finally {
      other.cleanup();
    }
  });
});
