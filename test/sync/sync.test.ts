import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas';
import { demoDay } from '../../src-shared/demo/demoDay';
import { offsetClock, type Clock } from '../../src-shared/time/clock';
import type { FhirClient } from '../../src-shared/fhir/client';
import { createLogger } from '../../src-main/log';
import { createAppEvents } from '../../src-main/events';
import type { VisitStore } from '../../src-main/store/visitStore';
import { createSyncEngine } from '../../src-main/sync/engine';
import { pushOutbox } from '../../src-main/sync/push';
import type { TestSandbox } from '../helpers/sandbox';
import { conformanceOf, type ConformanceMode } from '../../src-server/eoj/conformance';
import type { TeamLinkKind } from '../../src-main/eoj/teamLink';
import { openSyncFixture, TEAM, type SyncFixture } from '../helpers/syncFixture';

/**
 * The sync suite runs against each way a conformant server may behave (the sandbox's conformance
 * modes) and with each team link. The pinned-instant runs take the first only
 * (SKAERMRUM_SYNC_SERVERS=default): the servers' ways do not depend on the time of day.
 */
const SERVERS: [string, ConformanceMode[], TeamLinkKind][] = [
  ['strict R4 references, cursor paging, _include', [], 'healthcare-service'],
  ['no _include: referenced resources read in batches', ['no-include'], 'healthcare-service'],
  ['offset paging', ['offset-paging'], 'healthcare-service'],
  ['_count capped at 50', ['count-cap-50'], 'healthcare-service'],
  ['409 on concurrent creates', ['concurrent-create-409'], 'healthcare-service'],
  ['OperationOutcome text in details.text only', ['details-text'], 'healthcare-service'],
  ['the team linked through its members (CareTeam, PractitionerRole rooms)', [], 'members'],
  ['staff booked through PractitionerRoles (the role names the room)', ['practitioner-role'], 'healthcare-service'],
  ['staff booked through PractitionerRoles, the team linked through its members', ['practitioner-role'], 'members'],
];
const servers = process.env.SKAERMRUM_SYNC_SERVERS === 'default' ? SERVERS.slice(0, 1) : SERVERS;

describe.each(servers)('sync with the sandbox EOJ over FHIR (real HTTP, real encrypted store): %s', (_name, modes, teamLink) => {
  let eoj: TestSandbox;
  let store: VisitStore;
  let client: FhirClient;
  let fixture: SyncFixture;
  let clock: Clock;
  const queue = () => fixture.today();
  const dayVisits = () => demoDay(clock.now()).visits.length;

  beforeEach(async () => {
    fixture = await openSyncFixture({ conformance: conformanceOf(modes), teamLink });
    ({ eoj, store, client, clock } = fixture);
  });
  afterEach(() => fixture.close());

  const eojAppointment = async (id: string) => (await eoj.fhir(`/Appointment/${id}`)).body;
  const encountersFor = async (mutationId: string) => (await eoj.fhir(`/Encounter?identifier=${MUTATION_ID_SYSTEM}|${mutationId}`)).body.total as number;

  it("cold pull brings all of today's team visits into the store, names and masked CPR included", async () => {
    const result = await fixture.pull(true);
    expect(result.pages).toBeGreaterThanOrEqual(2);
    const visits = queue();
    expect(visits).toHaveLength(dayVisits());
    expect(visits[0]?.citizen.name).toMatch(/\S+ \S+/);
    expect(visits.every((v) => /^\d{6}-xxxx$/.test(v.citizen.cprMasked ?? ''))).toBe(true);
    expect(visits.every((v) => v.room && v.practitioner && v.versionId)).toBe(true);
    // Whoever the EOJ books (a Practitioner or their PractitionerRole), each visit has the demo
    // day's staff member and room, and its citizen's current CPR (every fifth has an old one first).
    const demo = demoDay(clock.now());
    const planned = new Map(demo.visits.map((v) => [v.id, v]));
    expect(visits.map((v) => [v.id, v.practitioner?.id, v.room?.id, v.citizen.cprMasked])).toEqual(
      visits.map((v) => [v.id, planned.get(v.id)?.practitioner?.id, planned.get(v.id)?.room?.id, planned.get(v.id)?.citizen.cprMasked]),
    );
    expect(store.syncProblems.count()).toBe(0);
  });

  it('pushes a completed visit as one Encounter and a fulfilled Appointment, with the real caller', async () => {
    await fixture.pull(true);
    const visit = queue().find((v) => v.status === 'planned') ?? queue()[0];
    if (!visit) throw new Error('no visit');
    const change = store.setVisitStatus({ visitId: visit.id, status: 'completed', actorId: 'practitioner-5', atMs: clock.nowMs() });
    const pushed = await pushOutbox({ eoj: eojGatewayOver(client), store, clock });
    expect(pushed.done).toBe(1);
    expect((await eojAppointment(visit.id)).status).toBe('fulfilled');
    const enc = (await eoj.fhir(`/Encounter?identifier=${MUTATION_ID_SYSTEM}|${change.outboxEntry?.mutationId}`)).body.entry[0].resource;
    expect(enc).toMatchObject({
      status: 'finished',
      class: { code: 'VR' },
      appointment: [{ reference: `Appointment/${visit.id}` }],
      participant: [{ individual: { reference: 'Practitioner/practitioner-5' } }],
    });
    // KL's "Skærmbesøg" is a contact class, not a type: without KL's codes the type is text only.
    expect(enc.type).toEqual([{ text: 'Skærmbesøg' }]);
    expect(store.outbox.summary()).toEqual({ pending: 0, inflight: 0, conflict: 0, dead: 0 });
    // The visit row keeps the last pulled version until the next pull brings the new one whole.
    await fixture.pull(false);
    expect(store.getVisit(visit.id)).toMatchObject({ status: 'completed', versionId: (await eojAppointment(visit.id)).meta.versionId });
  });

  it('a response lost after the commit is retried without a second Encounter', async () => {
    await fixture.pull(true);
    const visit = queue().find((v) => v.status === 'planned') ?? queue()[1];
    if (!visit) throw new Error('no visit');
    const change = store.setVisitStatus({ visitId: visit.id, status: 'completed', actorId: 'practitioner-2', atMs: clock.nowMs() });
    await eoj.faults({ dropAfterCommitRate: 1 });
    expect((await pushOutbox({ eoj: eojGatewayOver(client), store, clock })).retried).toBe(1);
    await eoj.faults({});
    const later = offsetClock(10 * 60_000, clock);
    expect((await pushOutbox({ eoj: eojGatewayOver(client), store, clock: later })).done).toBe(1);
    expect(await encountersFor(change.outboxEntry?.mutationId ?? '')).toBe(1);
    expect((await eojAppointment(visit.id)).status).toBe('fulfilled');
  });

  it('re-applies the status when a team lead reassigned the visit meanwhile, keeping the reassignment', async () => {
    await fixture.pull(true);
    const visit = queue().find((v) => v.status === 'planned') ?? queue()[2];
    if (!visit) throw new Error('no visit');
    store.setVisitStatus({ visitId: visit.id, status: 'not_answered', actorId: 'practitioner-2', atMs: clock.nowMs() });
    const current = await eojAppointment(visit.id);
    const reassigned = {
      ...current,
      // Reassigned the way the EOJ books staff: a Practitioner, or their PractitionerRole.
      participant: current.participant.map((p: { actor: { reference: string } }) =>
        p.actor.reference.startsWith('Practitioner/')
          ? { ...p, actor: { reference: 'Practitioner/practitioner-6' } }
          : p.actor.reference.startsWith('PractitionerRole/')
            ? { ...p, actor: { reference: 'PractitionerRole/role-practitioner-6' } }
            : p,
      ),
    };
    expect(
      (await eoj.fhir(`/Appointment/${visit.id}`, { method: 'PUT', headers: { 'if-match': `W/"${current.meta.versionId}"` }, json: reassigned })).status,
    ).toBe(200);
    expect((await pushOutbox({ eoj: eojGatewayOver(client), store, clock })).done).toBe(1);
    const after = await eojAppointment(visit.id);
    expect(after.status).toBe('noshow');
    expect(
      after.participant.some((p: { actor: { reference: string } }) =>
        /^PractitionerRole\/role-practitioner-6$|^Practitioner\/practitioner-6$/.test(p.actor.reference),
      ),
    ).toBe(true);
    await fixture.pull(false);
    expect(store.getVisit(visit.id)?.practitioner?.id).toBe('practitioner-6');
  });

  it('never overwrites a visit someone else cancelled: visible conflict, the Encounter is kept', async () => {
    await fixture.pull(true);
    const visit = queue().find((v) => v.status === 'planned') ?? queue()[3];
    if (!visit) throw new Error('no visit');
    const change = store.setVisitStatus({ visitId: visit.id, status: 'completed', actorId: 'practitioner-2', atMs: clock.nowMs() });
    const current = await eojAppointment(visit.id);
    await eoj.fhir(`/Appointment/${visit.id}`, { method: 'PUT', json: { ...current, status: 'cancelled' } });
    const pushed = await pushOutbox({ eoj: eojGatewayOver(client), store, clock });
    expect(pushed.failed).toBe(1);
    expect(store.outbox.problems()).toEqual([expect.objectContaining({ mutationId: change.outboxEntry?.mutationId, state: 'conflict' })]);
    expect((await eojAppointment(visit.id)).status).toBe('cancelled');
    expect(await encountersFor(change.outboxEntry?.mutationId ?? '')).toBe(1);
  });

  it('puts a change the EOJ refuses (visit gone) in the visible dead list', async () => {
    await fixture.pull(true);
    const visit = queue()[4];
    if (!visit) throw new Error('no visit');
    store.upsertVisits([{ ...visit, id: 'appointment-that-never-existed' }]);
    store.setVisitStatus({ visitId: 'appointment-that-never-existed', status: 'completed', actorId: 'practitioner-2', atMs: clock.nowMs() });
    await pushOutbox({ eoj: eojGatewayOver(client), store, clock });
    // The server's own words (diagnostics or details.text), and not retried: a permanent refusal.
    expect(store.outbox.problems()[0]).toMatchObject({ state: 'dead', error: { code: 'not_found', serverText: expect.stringContaining('findes ikke') } });
  });

  it('incremental pull fetches only what changed, and keeps an unsent local change on top', async () => {
    await fixture.pull(true);
    const [a, b] = queue();
    if (!a || !b) throw new Error('no visits');
    store.setVisitStatus({ visitId: b.id, status: 'in_progress', actorId: 'practitioner-2', atMs: clock.nowMs() });
    for (const id of [a.id, b.id]) {
      const cur = await eojAppointment(id);
      await eoj.fhir(`/Appointment/${id}`, { method: 'PUT', json: { ...cur, comment: 'Ny note fra EOJ' } });
    }
    const result = await fixture.pull(false);
    expect(result.changedIds.sort()).toEqual([a.id, b.id].sort());
    expect(store.getVisit(a.id)?.notes).toBe('Ny note fra EOJ');
    expect(store.getVisit(b.id)).toMatchObject({ notes: 'Ny note fra EOJ', status: 'in_progress' });
    const again = await fixture.pull(false);
    expect(again.changedIds).toEqual([]);
  });

  it('removes cancelled visits from the queue and finds hard-deleted ones on full resync', async () => {
    await fixture.pull(true);
    const [a] = queue();
    if (!a) throw new Error('no visits');
    const cur = await eojAppointment(a.id);
    await eoj.fhir(`/Appointment/${a.id}`, { method: 'PUT', json: { ...cur, status: 'cancelled' } });
    await fixture.pull(false);
    expect(store.getVisit(a.id)).toBeUndefined();
    store.upsertVisits([{ ...(queue()[0] as NonNullable<ReturnType<typeof queue>[0]>), id: 'appointment-deleted-on-eoj', versionId: 'x' }]);
    await fixture.pull(true);
    expect(store.getVisit('appointment-deleted-on-eoj')).toBeUndefined();
    expect(queue()).toHaveLength(dayVisits() - 1);
  });

  it('the engine goes offline while the EOJ is down, keeps changes, and delivers them when it is back', async () => {
    const events = createAppEvents();
    const engine = createSyncEngine({
      eoj: eojGatewayOver(client, { teamLink }),
      store,
      teamId: TEAM,
      events,
      logger: createLogger('silent'),
      clock,
      intervalMs: 60_000,
    });
    await engine.syncNow();
    expect(engine.status().state).toBe('online');
    await eoj.faults({ down: true });
    const ids = queue()
      .filter((v) => v.status === 'planned')
      .slice(0, 3)
      .map((v) => v.id);
    const mutations = ids.map(
      (id) => store.setVisitStatus({ visitId: id, status: 'completed', actorId: 'practitioner-2', atMs: clock.nowMs() }).outboxEntry?.mutationId ?? '',
    );
    await engine.syncNow();
    expect(engine.status()).toMatchObject({ state: 'offline', outbox: { pending: 3 } });
    expect(
      queue()
        .filter((v) => ids.includes(v.id))
        .every((v) => v.status === 'completed'),
    ).toBe(true);
    await eoj.faults({});
    // The retry time of the failed rows has to come; a later clock stands in for waiting (each round
    // ten minutes on: a server that answers concurrent creates with 409 needs a round or two more).
    let status = engine.status();
    for (let round = 1; round <= 5 && status.outbox.pending + status.outbox.inflight > 0; round++) {
      const later = createSyncEngine({
        eoj: eojGatewayOver(client, { teamLink }),
        store,
        teamId: TEAM,
        events,
        logger: createLogger('silent'),
        clock: offsetClock(round * 10 * 60_000, clock),
      });
      await later.syncNow();
      await later.stop();
      status = later.status();
    }
    expect(status).toMatchObject({ state: 'online', error: null, outbox: { pending: 0, conflict: 0, dead: 0 } });
    for (const m of mutations) expect(await encountersFor(m)).toBe(1);
    await engine.stop();
  });
});
