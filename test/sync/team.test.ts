import { spawn } from 'node:child_process';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../src-shared/workflow/outcome';
import type { VisitSlot } from '../../src-shared/domain/outbox';
import { offsetClock, type Clock } from '../../src-shared/time/clock';
import { careDay } from '../../src-shared/time/copenhagen';
import { createFhirClient, type FhirClient } from '../../src-shared/fhir/client';
import type { VisitStore } from '../../src-main/store/visitStore';
import { pullAppointments } from '../../src-main/sync/pull';
import { pushOutbox } from '../../src-main/sync/push';
import { pullTeamState } from '../../src-main/sync/teamState';
import { KL_CARE_SOCIAL_CODES, KL_ENCOUNTER_TYPES, KL_SKAERMBESOEG_CODE } from '../../src-shared/fhir/profiles';
import { syncWindow } from '../../src-main/sync/pull';
import { pastThisMillisecond, testClock } from '../helpers/clock';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { openTestStore, ROOT_DIR, tempDir, testKeychain } from '../helpers/store';

/**
 * The team's shared day through the sandbox EOJ: what one client documents, the
 * others (a colleague, the team lead, the same person on another PC) read back; the lead's moves
 * follow the 412 rules and never overwrite a visit someone else completed.
 */
const TEAM = 'team-skaermenhed-nord';

interface Client {
  store: VisitStore;
  client: FhirClient;
  dir: ReturnType<typeof tempDir>;
  keychain: ReturnType<typeof testKeychain>;
}

describe("the team's shared day in the EOJ", () => {
  let eoj: TestSandbox;
  let clock: Clock;
  let clients: Client[] = [];
  const open = async (): Promise<Client> => {
    const dir = tempDir();
    const keychain = testKeychain();
    const c = {
      store: await openTestStore(dir.dir, keychain),
      client: createFhirClient({ baseUrl: eoj.baseUrl, token: () => eoj.token, timeoutMs: 3_000 }),
      dir,
      keychain,
    };
    clients.push(c);
    return c;
  };
  /** A pull as the engine makes it: the Appointments, then the team's state. */
  const sync = async (c: Client, full = false, at: Clock = clock) => {
    const eoj = eojGatewayOver(c.client);
    await pushOutbox({ eoj, store: c.store, clock: at });
    await pullAppointments({ eoj, store: c.store, teamId: TEAM, now: at.now(), full });
    return pullTeamState({ eoj, store: c.store, window: syncWindow(at.now()), now: at.now(), full });
  };
  const day = () => careDay(clock.now());
  const roomQueue = (c: Client, roomId: string) => c.store.dayQueue({ fromMs: day().start.getTime(), toMs: day().end.getTime(), roomId });

  beforeEach(async () => {
    clock = testClock();
    eoj = await startTestSandbox({ clock, demo: 'start-of-day' });
  });
  afterEach(async () => {
    for (const c of clients) {
      c.store.close();
      c.dir.cleanup();
    }
    clients = [];
    await eoj.cleanup();
  });

  it('a colleague, the team lead and the same person on another PC see the retries and the outcome one client documented', async () => {
    const louise = await open();
    const [colleague, lead, otherPc] = [await open(), await open(), await open()];
    for (const c of clients) await sync(c, true);
    const [visit, second] = roomQueue(louise, 'room-2');
    if (!visit || !second) throw new Error('no visits');
    louise.store.recordOutcome({
      visitId: visit.id,
      outcome: 'not_answered',
      note: 'Ingen svar',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: { rangAt: clock.now().toISOString(), connectedAt: null, endedAt: clock.now().toISOString() },
      durationSeconds: 0,
      policy: DEFAULT_RETRY_POLICY,
    });
    const connectedAt = new Date(clock.nowMs() - 8 * 60_000).toISOString();
    louise.store.recordOutcome({
      visitId: second.id,
      outcome: 'completed',
      note: 'Godt',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: { connectedAt, endedAt: clock.now().toISOString() },
      // Corrected by hand: the Encounter says so, not the measured length.
      durationSeconds: 6 * 60,
      policy: DEFAULT_RETRY_POLICY,
    });
    await sync(louise);
    const mine = louise.store.getQueueVisit(visit.id)?.workflow;
    for (const c of [colleague, lead, otherPc]) {
      const result = await sync(c);
      expect(result.changedIds.sort()).toEqual([visit.id, second.id].sort());
      expect(c.store.getQueueVisit(visit.id)?.workflow).toMatchObject({
        failedAttempts: 1,
        outcome: 'not_answered',
        note: 'Ingen svar',
        retryAt: mine?.retryAt,
      });
      expect(c.store.getQueueVisit(second.id)).toMatchObject({
        status: 'completed',
        workflow: { outcome: 'completed', note: 'Godt', durationSeconds: 360, calledAt: connectedAt },
      });
    }
    // A full resync reads the same back (nothing depends on having seen the change happen).
    const fresh = await open();
    await sync(fresh, true);
    expect(fresh.store.getQueueVisit(visit.id)?.workflow).toMatchObject({ failedAttempts: 1, retryAt: mine?.retryAt });
    const encounter = (await eoj.fhir(`/Encounter?appointment=Appointment/${second.id}`)).body.entry[0].resource;
    expect(encounter.length).toMatchObject({ value: 6, code: 'min' });
  });

  it("a held call written with KL's codes (SKAERMRUM_KL_CODES) is recognised as the visit's call by the rest of the team", async () => {
    const [writer, reader] = [await open(), await open()];
    await sync(writer, true);
    await sync(reader, true);
    const visit = roomQueue(writer, 'room-2')[0];
    if (!visit) throw new Error('no visit');
    writer.store.recordOutcome({
      visitId: visit.id,
      outcome: 'completed',
      note: 'KL-kodet',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: { connectedAt: new Date(clock.nowMs() - 5 * 60_000).toISOString(), endedAt: clock.now().toISOString() },
      durationSeconds: 300,
      policy: DEFAULT_RETRY_POLICY,
    });
    expect((await pushOutbox({ eoj: eojGatewayOver(writer.client, { klCodes: true }), store: writer.store, clock })).done).toBe(1);
    const encounter = (await eoj.fhir(`/Encounter?appointment=Appointment/${visit.id}`)).body.entry[0].resource;
    expect(encounter).toMatchObject({
      class: { system: KL_CARE_SOCIAL_CODES, code: KL_SKAERMBESOEG_CODE },
      type: [{ coding: [{ system: KL_CARE_SOCIAL_CODES, code: KL_ENCOUNTER_TYPES.planlagtIndsats.code }] }],
    });
    await sync(reader);
    expect(reader.store.getQueueVisit(visit.id)).toMatchObject({
      status: 'completed',
      workflow: { outcome: 'completed', note: 'KL-kodet', durationSeconds: 300 },
    });
  });

  it('a local change not yet in the EOJ wins over what the EOJ says until it is pushed', async () => {
    const [a, b] = [await open(), await open()];
    await sync(a, true);
    await sync(b, true);
    const visit = roomQueue(a, 'room-2')[0];
    if (!visit) throw new Error('no visit');
    a.store.recordOutcome({
      visitId: visit.id,
      outcome: 'not_answered',
      note: '',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: null,
      durationSeconds: 0,
      policy: DEFAULT_RETRY_POLICY,
    });
    await sync(a);
    // B records a second attempt offline; pulling A's first attempt does not overwrite it.
    b.store.recordOutcome({
      visitId: visit.id,
      outcome: 'not_answered',
      note: 'fra B',
      actorId: 'practitioner-3',
      atMs: clock.nowMs(),
      call: null,
      durationSeconds: 0,
      policy: DEFAULT_RETRY_POLICY,
    });
    await pullTeamState({ eoj: eojGatewayOver(b.client), store: b.store, window: syncWindow(clock.now()), now: clock.now(), full: true });
    expect(b.store.getQueueVisit(visit.id)?.workflow.note).toBe('fra B');
  });

  const slot = (practitioner: { id: string; name: string } | null, room: { id: string; name: string } | null, start: string, end: string): VisitSlot => ({
    practitioner,
    room,
    start,
    end,
  });

  it('a move by the lead lands with If-Match; a visit the staff completed meanwhile is never overwritten: a conflict the lead sees', async () => {
    const [lead, staff] = [await open(), await open()];
    await sync(lead, true);
    await sync(staff, true);
    const [moved, contested] = roomQueue(lead, 'room-2');
    if (!moved || !contested) throw new Error('no visits');
    const jonas = { id: 'practitioner-5', name: 'Jonas Kvist' };
    const later = (v: { start: string; end: string }) =>
      [new Date(Date.parse(v.start) + 30 * 60_000).toISOString(), new Date(Date.parse(v.end) + 30 * 60_000).toISOString()] as const;
    lead.store.moveVisits([
      { visitId: moved.id, to: slot(jonas, { id: 'room-2', name: 'Videorum 2' }, ...later(moved)), actorId: 'practitioner-1', atMs: clock.nowMs() },
      { visitId: contested.id, to: slot(jonas, contested.room, ...later(contested)), actorId: 'practitioner-1', atMs: clock.nowMs() },
    ]);
    // The staff member completes the contested visit first (their change reaches the EOJ first).
    staff.store.recordOutcome({
      visitId: contested.id,
      outcome: 'completed',
      note: '',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: null,
      durationSeconds: 300,
      policy: DEFAULT_RETRY_POLICY,
    });
    await sync(staff);
    await sync(lead);
    const eojMoved = (await eoj.fhir(`/Appointment/${moved.id}`)).body;
    expect(eojMoved.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toContain('Practitioner/practitioner-5');
    expect(eojMoved.start).toBe(later(moved)[0]);
    const eojContested = (await eoj.fhir(`/Appointment/${contested.id}`)).body;
    expect(eojContested.status).toBe('fulfilled');
    expect(eojContested.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toContain('Practitioner/practitioner-2');
    expect(lead.store.outbox.problems()).toEqual([
      expect.objectContaining({ visitId: contested.id, state: 'conflict', error: expect.objectContaining({ code: 'conflict', serverText: 'fulfilled' }) }),
    ]);
    // The staff member's queue learns of the move at their next pull.
    await sync(staff);
    expect(staff.store.getVisit(moved.id)?.practitioner?.id).toBe('practitioner-5');
    expect(staff.store.takePulledMoves().map((m) => [m.visitId, m.from.practitioner?.id, m.to.practitioner?.id])).toEqual([
      [moved.id, 'practitioner-2', 'practitioner-5'],
    ]);
  });

  it('after a conflict the lead sees the EOJ\u2019s version at the next pull, not the move that did not land', async () => {
    const [lead, staff] = [await open(), await open()];
    await sync(lead, true);
    await sync(staff, true);
    const [contested] = roomQueue(lead, 'room-2');
    if (!contested) throw new Error('no visits');
    const jonas = { id: 'practitioner-5', name: 'Jonas Kvist' };
    lead.store.moveVisits([
      { visitId: contested.id, to: slot(jonas, contested.room, contested.start, contested.end), actorId: 'practitioner-1', atMs: clock.nowMs() },
    ]);
    staff.store.recordOutcome({
      visitId: contested.id,
      outcome: 'completed',
      note: '',
      actorId: 'practitioner-2',
      atMs: clock.nowMs(),
      call: null,
      durationSeconds: 300,
      policy: DEFAULT_RETRY_POLICY,
    });
    await sync(staff);
    // The lead pulls the completed version before pushing: the unsent move shows on top of it.
    const pull = (full: boolean) => pullAppointments({ eoj: eojGatewayOver(lead.client), store: lead.store, teamId: TEAM, now: clock.now(), full });
    await pull(false);
    expect(lead.store.getVisit(contested.id)?.practitioner?.id).toBe('practitioner-5');
    // The push meets the completed visit: a conflict, and a full re-read is asked for.
    await pushOutbox({ eoj: eojGatewayOver(lead.client), store: lead.store, clock });
    expect(lead.store.outbox.problems().map((p) => [p.visitId, p.state])).toEqual([[contested.id, 'conflict']]);
    expect(lead.store.syncState.get('appointments')?.lastFullResyncMs).toBeNull();
    // That pull brings the EOJ's version back, though it is the version the lead already had.
    await pull(true);
    expect(lead.store.getVisit(contested.id)).toMatchObject({ status: 'completed', practitioner: { id: 'practitioner-2' } });
  });

  it('an unrelated change meanwhile (a note) is kept and the move applied on top; a move by someone else is a conflict', async () => {
    const lead = await open();
    await sync(lead, true);
    const [noted, movedElsewhere] = roomQueue(lead, 'room-2');
    if (!noted || !movedElsewhere) throw new Error('no visits');
    for (const v of [noted, movedElsewhere]) {
      const current = (await eoj.fhir(`/Appointment/${v.id}`)).body;
      const change =
        v === noted
          ? { ...current, comment: 'Datteren er med' }
          : {
              ...current,
              participant: current.participant.map((p: { actor: { reference: string } }) =>
                p.actor.reference.startsWith('Practitioner/') ? { ...p, actor: { reference: 'Practitioner/practitioner-6' } } : p,
              ),
            };
      expect((await eoj.fhir(`/Appointment/${v.id}`, { method: 'PUT', headers: { 'if-match': `W/"${current.meta.versionId}"` }, json: change })).status).toBe(
        200,
      );
    }
    lead.store.moveVisits(
      [noted, movedElsewhere].map((v) => ({
        visitId: v.id,
        to: slot({ id: 'practitioner-4', name: 'Sofie Lindholm' }, v.room, v.start, v.end),
        actorId: 'practitioner-1',
        atMs: clock.nowMs(),
      })),
    );
    await pushOutbox({ eoj: eojGatewayOver(lead.client), store: lead.store, clock });
    const after = (await eoj.fhir(`/Appointment/${noted.id}`)).body;
    expect(after.comment).toBe('Datteren er med');
    expect(after.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toContain('Practitioner/practitioner-4');
    expect((await eoj.fhir(`/Appointment/${movedElsewhere.id}`)).body.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toContain(
      'Practitioner/practitioner-6',
    );
    expect(lead.store.outbox.problems().map((p) => [p.visitId, p.state, p.error?.serverText])).toEqual([[movedElsewhere.id, 'conflict', 'moved']]);
  });

  it('a client killed mid-move resends after restart: the move lands once, nothing written twice', async () => {
    const lead = await open();
    await sync(lead, true);
    const visits = roomQueue(lead, 'room-3').slice(0, 6);
    // Every Appointment version written from here on is one of the moves.
    await pastThisMillisecond(eoj.clock);
    const since = eoj.clock.now().toISOString();
    lead.store.moveVisits(
      visits.map((v) => ({
        visitId: v.id,
        to: slot({ id: 'practitioner-6', name: 'Fatima Yilmaz' }, v.room, v.start, v.end),
        actorId: 'practitioner-1',
        atMs: clock.nowMs(),
      })),
    );
    lead.store.close();
    await eoj.faults({ latencyMs: 60 });
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fixtures/syncWorker.ts',
        join(lead.dir.dir, 'visits.db'),
        lead.keychain.profile,
        eoj.baseUrl,
        eoj.token,
        clock.now().toISOString(),
      ],
      {
        cwd: ROOT_DIR,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('pushing') && resolve()));
    // Killed mid-move: as soon as the first move has landed in the EOJ (the others are still on their way).
    const landed = async () => (await eoj.fhir(`/Appointment/_history?_since=${encodeURIComponent(since)}&_count=1000`)).body.entry.length as number;
    await expect.poll(landed, { interval: 10, timeout: 10_000 }).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await eoj.faults({});
    lead.store = await openTestStore(lead.dir.dir, lead.keychain);
    await pushOutbox({ eoj: eojGatewayOver(lead.client), store: lead.store, clock: offsetClock(3_600_000, clock) });
    expect(lead.store.outbox.summary()).toEqual({ pending: 0, inflight: 0, conflict: 0, dead: 0 });
    for (const v of visits) {
      const versions = (await eoj.fhir(`/Appointment/_history?_since=${encodeURIComponent(since)}&_count=1000`)).body.entry.filter(
        (e: { resource: { id: string } }) => e.resource.id === v.id,
      );
      expect(versions, `one version written for ${v.id}`).toHaveLength(1);
      expect(versions[0].resource.participant.map((p: { actor: { reference: string } }) => p.actor.reference)).toContain('Practitioner/practitioner-6');
    }
  });
});
