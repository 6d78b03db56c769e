import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Visit } from '../../src-shared/domain/visit';
import type { VisitStore } from '../../src-main/store/visitStore';
import { openTestStore, tempDir, testKeychain, testVisits } from '../helpers/store';

/**
 * The audit log as the queue of the EOJ's AuditEvents, in the real encrypted store: a stable unique
 * event id per row, the citizen and the signed-in role and room with it, oldest first, the sender's
 * own and the room PC's only, retries waiting, refusals visible and sent again by hand, kept across
 * a restart, sent rows pruned.
 */
describe('the audit queue (encrypted store, real keychain)', () => {
  let store: VisitStore;
  let dir: string;
  let cleanup: () => void;
  const keychain = testKeychain();
  const visits = testVisits();
  const visit = visits[5] as Visit;
  const T = Date.parse(visit.start);

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    store = await openTestStore(dir, keychain);
    store.upsertVisits(visits);
  });
  afterEach(() => {
    if (store.isOpen()) store.close();
    cleanup();
  });

  it('gives every row its own event id, the citizen of its visit, and the role and room of whoever is signed in', () => {
    store.audit.setActor({ practitionerId: 'practitioner-1', role: 'team_lead', roomId: 'room-2' });
    store.setVisitStatus({ visitId: visit.id, status: 'in_progress', actorId: 'practitioner-1', atMs: T });
    store.audit.append({ atMs: T + 1, actorId: 'practitioner-1', action: 'citizen.cpr_revealed', subjectType: 'Patient', subjectId: 'citizen-x' });
    store.audit.append({ atMs: T + 2, actorId: 'practitioner-3', action: 'visit.moved', subjectType: 'Appointment', subjectId: visit.id });
    const [other, reveal, status] = store.audit.recent(3);
    expect(new Set([other?.eventId, reveal?.eventId, status?.eventId]).size).toBe(3);
    for (const row of [other, reveal, status]) expect(row?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(status).toMatchObject({ action: 'visit.status_changed', patientId: visit.citizen.id, sendState: 'pending' });
    expect(reveal).toMatchObject({ patientId: 'citizen-x' });
    expect(store.audit.byEventId(status?.eventId as string)).toMatchObject({ actorRole: 'team_lead', roomId: 'room-2', patientId: visit.citizen.id });
    // Someone who is not signed in here (a row written for them) carries no role or room.
    expect(store.audit.byEventId(other?.eventId as string)).toMatchObject({ actorRole: null, roomId: null, patientId: visit.citizen.id });
    // No name or CPR number in any row.
    expect(JSON.stringify(store.audit.recent(10))).not.toContain(visit.citizen.name);
  });

  it("hands a sender its own rows and the room PC's, oldest first; another person's wait for them", () => {
    store.audit.append({ atMs: T, actorId: 'system', action: 'store.opened' });
    const mine = store.audit.append({ atMs: T + 1, actorId: 'practitioner-1', action: 'session.signed_in' });
    const theirs = store.audit.append({ atMs: T + 2, actorId: 'practitioner-3', action: 'session.signed_in' });
    const refused = store.audit.append({ atMs: T + 3, actorId: 'practitioner-9', action: 'session.sign_in_refused' });
    expect(store.audit.due(T + 10, 10, 'practitioner-1').map((e) => e.action)).toEqual(['store.opened', 'session.signed_in', 'session.sign_in_refused']);
    expect(store.audit.due(T + 10, 10, 'practitioner-1').map((e) => e.eventId)).not.toContain(theirs);
    expect(store.audit.due(T + 10, 10, 'practitioner-3').map((e) => e.eventId)).toEqual([store.audit.recent(4)[3]?.eventId, theirs, refused]);
    // Nobody signed in: the room PC's own only.
    expect(store.audit.due(T + 10, 10, null).map((e) => e.action)).toEqual(['store.opened', 'session.sign_in_refused']);
    expect(store.audit.due(T + 10, 2, 'practitioner-1').map((e) => e.eventId)).toEqual([store.audit.recent(4)[3]?.eventId, mine]);
  });

  it('marks sent rows, waits out retries, and keeps a refusal visible until it is sent again by hand', () => {
    const ids = Array.from({ length: 5 }, (_, i) => store.audit.append({ atMs: T + i, actorId: 'practitioner-1', action: 'visit.status_changed' }));
    const due = store.audit.due(T + 10, 10, 'practitioner-1');
    expect(due.map((e) => e.eventId)).toEqual(ids);
    const [a, b, c, d] = due;
    store.audit.markSent([a?.seq as number, d?.seq as number], T + 20);
    store.audit.scheduleRetry(b?.seq as number, T + 5_000, { code: 'busy', serverText: null, subject: null });
    store.audit.markRefused(c?.seq as number, { code: 'refused', serverText: 'Referencen Patient/x findes ikke', subject: null });
    expect(store.audit.due(T + 30, 10, 'practitioner-1').map((e) => e.eventId)).toEqual([ids[4]]);
    expect(store.audit.due(T + 5_000, 10, 'practitioner-1').map((e) => [e.eventId, e.attempts])).toEqual([
      [ids[1], 1],
      [ids[4], 0],
    ]);
    expect(store.audit.summary()).toEqual({ pending: 2, refused: 1 });
    expect(store.audit.problems()).toEqual([
      {
        eventId: ids[2],
        at: new Date(T + 2).toISOString(),
        action: 'visit.status_changed',
        error: { code: 'refused', serverText: 'Referencen Patient/x findes ikke', subject: null },
      },
    ]);
    // Sent again by hand: due at once, no longer a problem.
    expect(store.audit.requeue(ids[2] as string, T + 40)).toBe(true);
    expect(store.audit.requeue(ids[2] as string, T + 40)).toBe(false);
    expect(store.audit.problems()).toEqual([]);
    expect(store.audit.due(T + 40, 10, 'practitioner-1').map((e) => e.eventId)).toEqual([ids[2], ids[4]]);
    // The EOJ is back: what waited goes at once.
    store.audit.retryNow(T + 41);
    expect(store.audit.due(T + 41, 10, 'practitioner-1').map((e) => e.eventId)).toEqual([ids[1], ids[2], ids[4]]);
  });

  it('keeps every unsent row and its event id across a restart', async () => {
    const ids = Array.from({ length: 3 }, (_, i) => store.audit.append({ atMs: T + i, actorId: 'practitioner-1', action: 'visit.moved' }));
    const [first] = store.audit.due(T + 10, 1, 'practitioner-1');
    store.audit.markSent([first?.seq as number], T + 10);
    store.close();
    store = await openTestStore(dir, keychain);
    expect(store.audit.due(T + 10, 10, 'practitioner-1').map((e) => e.eventId)).toEqual(ids.slice(1));
    expect(store.audit.summary()).toEqual({ pending: 2, refused: 0 });
  });

  it('prunes sent rows after a while, never an unsent or refused one, and finds rows written after a prune', () => {
    const ids = Array.from({ length: 4 }, (_, i) => store.audit.append({ atMs: T + i, actorId: 'practitioner-1', action: 'visit.moved' }));
    const due = store.audit.due(T + 10, 10, 'practitioner-1');
    store.audit.markSent([due[0]?.seq as number, due[1]?.seq as number, due[3]?.seq as number], T + 10);
    store.audit.markRefused(due[2]?.seq as number, { code: 'refused', serverText: null, subject: null });
    expect(store.audit.pruneSent(T + 11)).toBe(3);
    expect(store.audit.recent(10).map((r) => r.eventId)).toEqual([ids[2]]);
    // The highest row ids were freed: a new row may reuse one, and is still sent.
    const later = store.audit.append({ atMs: T + 20, actorId: 'practitioner-1', action: 'visit.moved' });
    expect(store.audit.due(T + 30, 10, 'practitioner-1').map((e) => e.eventId)).toEqual([later]);
    expect(store.audit.summary()).toEqual({ pending: 1, refused: 1 });
  });
});
