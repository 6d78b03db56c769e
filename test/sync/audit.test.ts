import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { AUDIT_EVENT_ID_SYSTEM } from '../../src-shared/fhir/auditEvent';
import { offsetClock } from '../../src-shared/time/clock';
import { createAppEvents } from '../../src-main/events';
import { createLogger } from '../../src-main/log';
import { pushAuditEvents } from '../../src-main/sync/auditPush';
import { createSyncEngine } from '../../src-main/sync/engine';
import { eojToken } from '../helpers/idp';
import { openSyncFixture, TEAM, type SyncFixture } from '../helpers/syncFixture';

/**
 * The audit log reaches the sandbox EOJ as AuditEvents, each exactly once, over real HTTP from the
 * real encrypted store: queued while the EOJ is away and sent when it is back, 5xx and 429 waited
 * out, one refused event a visible problem while the others go, and a resend after the EOJ had
 * already stored an event (the answer lost, as when the sender dies mid-send) not duplicating it.
 */
type Json = { total?: number; entry?: { resource: { id: string; entity?: { what?: { identifier?: { system?: string; value?: string } } }[] } }[] };

describe('audit events to the sandbox EOJ (real HTTP, real encrypted store)', () => {
  let fixture: SyncFixture;
  let visits: QueueVisit[];
  const workstation = 'TEST-VIDEORUM1';

  beforeEach(async () => {
    fixture = await openSyncFixture();
    await fixture.pull(true);
    visits = fixture.today();
  });
  afterEach(() => fixture.close());

  /** As the team lead (only leads may read the trail): how many AuditEvents the EOJ holds per event id of ours, about a citizen. */
  async function heldFor(citizenId: string): Promise<Map<string, number>> {
    const token = await eojToken(fixture.eoj.baseUrl, 'mette');
    const counts = new Map<string, number>();
    let url: string | undefined = `${fixture.eoj.baseUrl}/AuditEvent?entity=Patient/${citizenId}&_count=500`;
    while (url) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json & { link?: { relation: string; url: string }[] };
      for (const e of body.entry ?? []) {
        const id = e.resource.entity?.find((x) => x.what?.identifier?.system === AUDIT_EVENT_ID_SYSTEM)?.what?.identifier?.value ?? '?';
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      url = body.link?.find((l) => l.relation === 'next')?.url;
    }
    return counts;
  }

  /** Louise (practitioner-2, the fixture's sign-in) reveals CPR numbers: one audit row each. */
  function reveals(n: number, from = 0): { eventId: string; citizenId: string }[] {
    return visits.slice(from, from + n).map((v, i) => ({
      citizenId: v.citizen.id,
      eventId: fixture.store.audit.append({
        atMs: fixture.clock.nowMs() + i,
        actorId: 'practitioner-2',
        action: 'citizen.cpr_revealed',
        subjectType: 'Patient',
        subjectId: v.citizen.id,
      }),
    }));
  }
  const push = (clock = fixture.clock) =>
    pushAuditEvents({ eoj: fixture.gateway, store: fixture.store, clock, sender: 'practitioner-2', workstation, random: () => 0 });
  async function expectEachOnce(sent: { eventId: string; citizenId: string }[]) {
    for (const citizenId of new Set(sent.map((s) => s.citizenId))) {
      const held = await heldFor(citizenId);
      for (const s of sent.filter((x) => x.citizenId === citizenId)) expect([s.eventId, held.get(s.eventId)]).toEqual([s.eventId, 1]);
    }
  }

  it('the engine keeps events while the EOJ is down and sends each once when it is back', async () => {
    fixture.store.audit.setActor({ practitionerId: 'practitioner-2', role: 'staff', roomId: 'room-1' });
    const engine = createSyncEngine({
      eoj: fixture.gateway,
      store: fixture.store,
      teamId: TEAM,
      events: createAppEvents(),
      logger: createLogger('silent'),
      clock: fixture.clock,
      intervalMs: 60_000,
      audit: { sender: () => 'practitioner-2', workstation },
    });
    await engine.syncNow();
    await fixture.eoj.faults({ down: true });
    const visit = visits.find((v) => v.status === 'planned') as QueueVisit;
    fixture.store.setVisitStatus({ visitId: visit.id, status: 'in_progress', actorId: 'practitioner-2', atMs: fixture.clock.nowMs() });
    const sent = [...reveals(4), { eventId: fixture.store.audit.recent(5)[4]?.eventId as string, citizenId: visit.citizen.id }];
    await engine.syncNow();
    expect(engine.status()).toMatchObject({ state: 'offline', audit: { pending: 5, refused: 0 } });
    await fixture.eoj.faults({});
    // Back: the first round that reaches the EOJ sends what waited, at once.
    await engine.syncNow();
    await engine.syncNow();
    expect(engine.status()).toMatchObject({ state: 'online', audit: { pending: 0, refused: 0 } });
    await expectEachOnce(sent);
    // The status change's event names the visit, its citizen, and Louise's role and room.
    const token = await eojToken(fixture.eoj.baseUrl, 'mette');
    const trail = (await fetch(`${fixture.eoj.baseUrl}/AuditEvent?entity=Patient/${visit.citizen.id}&_sort=-date`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json())) as { entry: { resource: { subtype: { code: string }[] } & Record<string, unknown> }[] };
    const change = trail.entry.find((e) => e.resource.subtype.some((c) => c.code === 'visit.status_changed'))?.resource;
    expect(change).toMatchObject({
      action: 'U',
      agent: [{ who: { reference: 'Practitioner/practitioner-2' }, role: [{ coding: [{ code: 'staff' }] }], location: { reference: 'Location/room-1' } }, {}],
      entity: [{}, { what: { reference: `Patient/${visit.citizen.id}` } }, { what: { reference: `Appointment/${visit.id}` } }],
    });
    await engine.stop();
  });

  it('waits out 503 and 429 (at least as long as Retry-After says) and then sends each once', async () => {
    const sent = reveals(6);
    await fixture.eoj.faults({ errorRate: 1 });
    const busy = await push();
    expect(busy).toMatchObject({ sent: 0, refused: 0, lastError: { code: 'busy' } });
    expect(fixture.store.audit.summary()).toEqual({ pending: 6, refused: 0 });
    await fixture.eoj.faults({ rateLimitRate: 1 });
    const limited = await push(offsetClock(60_000, fixture.clock));
    expect(limited).toMatchObject({ sent: 0, refused: 0, retryAfterMs: 1_000, lastError: { code: 'rate_limited' } });
    // Not before the server's second has passed.
    expect(fixture.store.audit.due(fixture.clock.nowMs() + 60_500, 10, 'practitioner-2')).toEqual([]);
    await fixture.eoj.faults({});
    const back = await push(offsetClock(120_000, fixture.clock));
    expect(back).toMatchObject({ sent: 6, retried: 0, refused: 0 });
    expect(fixture.store.audit.summary()).toEqual({ pending: 0, refused: 0 });
    await expectEachOnce(sent);
  });

  it('one event the EOJ refuses (422: its citizen does not exist there) is a visible problem; the events beside it go', async () => {
    const before = reveals(3);
    const bad = fixture.store.audit.append({
      atMs: fixture.clock.nowMs(),
      actorId: 'practitioner-2',
      action: 'citizen.cpr_revealed',
      subjectType: 'Patient',
      subjectId: 'borger-findes-ikke',
    });
    const after = reveals(3, 3);
    const result = await push();
    expect(result).toMatchObject({ sent: 6, refused: 1, retried: 0 });
    expect(fixture.store.audit.summary()).toEqual({ pending: 0, refused: 1 });
    expect(fixture.store.audit.problems()).toEqual([
      expect.objectContaining({
        eventId: bad,
        action: 'citizen.cpr_revealed',
        error: expect.objectContaining({ code: 'refused', serverText: expect.stringContaining('Patient/borger-findes-ikke') }),
      }),
    ]);
    await expectEachOnce([...before, ...after]);
    // Sent again by hand, it is refused again (the EOJ still has no such citizen), and nothing else is sent twice.
    expect(fixture.store.audit.requeue(bad, fixture.clock.nowMs())).toBe(true);
    expect(await push()).toMatchObject({ sent: 0, refused: 1 });
    await expectEachOnce([...before, ...after]);
  });

  it('a resend after the EOJ had stored the events but the answer was lost does not duplicate them', async () => {
    const sent = reveals(8);
    // Committed, then the connection dropped: the sender learns nothing, as when it dies mid-send.
    await fixture.eoj.faults({ dropAfterCommitRate: 1 });
    const lost = await push();
    expect(lost).toMatchObject({ sent: 0, refused: 0, lastError: { code: 'unreachable' } });
    expect(fixture.store.audit.summary()).toEqual({ pending: 8, refused: 0 });
    await fixture.eoj.faults({});
    fixture.store.audit.retryNow(fixture.clock.nowMs());
    expect(await push()).toMatchObject({ sent: 8, refused: 0 });
    await expectEachOnce(sent);
    // And once more, from a sender that believes nothing was sent (a copy of the queue from before).
    const again = await fixture.gateway.sendAudit(
      sent.map((s, i) => ({ ...fixture.store.audit.byEventId(s.eventId), seq: 10_000 + i })),
      workstation,
    );
    expect(again.every((r) => r.ok)).toBe(true);
    await expectEachOnce(sent);
  });

  it("another staff member's events wait for their own sign-in: the EOJ takes a person's events only from them", async () => {
    const mine = reveals(1);
    fixture.store.audit.append({
      atMs: fixture.clock.nowMs(),
      actorId: 'practitioner-3',
      action: 'visit.moved',
      subjectType: 'Appointment',
      subjectId: visits[0]?.id as string,
    });
    expect(await push()).toMatchObject({ sent: 1, refused: 0 });
    expect(fixture.store.audit.summary()).toEqual({ pending: 1, refused: 0 });
    await expectEachOnce(mine);
    // Sent under Louise's sign-in anyway (as a bad client might), the EOJ refuses it.
    const [theirs] = fixture.store.audit.due(fixture.clock.nowMs(), 10, 'practitioner-3');
    const [answer] = await fixture.gateway.sendAudit([theirs as NonNullable<typeof theirs>], workstation);
    expect(answer).toMatchObject({ ok: false, error: { status: 403 } });
  });
});
