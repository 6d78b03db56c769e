import { spawn } from 'node:child_process';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VisitStatus } from '../../src-shared/domain/visit';
import { appointmentStatusFor } from '../../src-shared/fhir/mapping';
import { MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas';
import { offsetClock, type Clock } from '../../src-shared/time/clock';
import { atCopenhagenTime, careDay } from '../../src-shared/time/copenhagen';
import { TEST_INSTANT, testClock } from '../helpers/clock';
import { conformanceOf } from '../../src-server/eoj/conformance';
import { createFhirClient } from '../../src-shared/fhir/client';
import { pullAppointments } from '../../src-main/sync/pull';
import { pushOutbox } from '../../src-main/sync/push';
import { createLogger } from '../../src-main/log';
import { createAppEvents } from '../../src-main/events';
import type { StoreKeychain } from '../../src-main/store/keychain';
import type { VisitStore } from '../../src-main/store/visitStore';
import { createSyncEngine, type SyncEngine } from '../../src-main/sync/engine';
import { startTestSandbox } from '../helpers/sandbox';
import { openTestStore, ROOT_DIR, tempDir, testKeychain } from '../helpers/store';

/**
 * Fault-injection property test (the outbox invariants). Random sequences of local outcomes on two
 * clients, team-lead reassignments, EOJ faults (5xx, timeouts, responses lost after commit, down,
 * restart) and client restarts; then faults stop, a quiet period passes, and:
 * every outbox row is done or a visible conflict/dead, every completed visit has exactly one
 * Encounter, no identifier exists twice, and both clients show the EOJ's queue.
 * Fixed seed in CI; SKAERMRUM_PROPERTY_RUNS and SKAERMRUM_PROPERTY_SEED for more.
 */
const TEAM = 'team-skaermenhed-nord';
const RUNS = Number(process.env.SKAERMRUM_PROPERTY_RUNS ?? 15);
const STORM_RUNS = Math.max(2, Math.round(RUNS / 2));
const SEED = Number(process.env.SKAERMRUM_PROPERTY_SEED ?? 20261123);
const logger = createLogger('silent');

type Command =
  | { kind: 'outcome'; client: 0 | 1; visit: number; status: VisitStatus }
  | { kind: 'reassign'; client: 0 | 1; visit: number }
  | { kind: 'sync'; client: 0 | 1 }
  | { kind: 'fault'; fault: 'errors' | 'timeouts' | 'lost' | 'down' | 'none' }
  | { kind: 'restartEoj' }
  | { kind: 'restartClient'; client: 0 | 1 };

const client = fc.constantFrom<0 | 1>(0, 1);
const visit = fc.nat({ max: 7 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('outcome' as const),
      client,
      visit,
      status: fc.constantFrom<VisitStatus>('in_progress', 'completed', 'not_answered', 'completed'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reassign' as const), client, visit }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fault' as const), fault: fc.constantFrom('errors', 'timeouts', 'lost', 'down', 'none') }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restartEoj' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restartClient' as const), client }) },
);

const FAULTS = {
  errors: { errorRate: 0.4 },
  timeouts: { timeoutRate: 0.3 },
  lost: { dropAfterCommitRate: 0.6 },
  down: { down: true },
  none: {},
} as const;

interface Client {
  practitionerId: string;
  roomId: string;
  dir: string;
  keychain: StoreKeychain;
  store: VisitStore;
  engine: SyncEngine;
  completed: Set<string>;
  cleanup: () => void;
}

describe('sync under injected faults (property)', () => {
  it(`converges: ${RUNS} random fault sequences, seed ${SEED}`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 6, maxLength: 30 }), async (commands) => {
        // The instant: noon of the test instant's care day, so the quiet period (+3 h) never crosses
        // midnight (a new care day makes the clients resync the next day, not the one under test).
        // The EOJ is seeded as at the start of that day: every visit is still open.
        const eojClock = testClock(atCopenhagenTime(TEST_INSTANT, 12, 0));
        let eoj = await startTestSandbox({ practitionerId: 'practitioner-1', clock: eojClock, demo: 'start-of-day' });
        // The clients' clock jumps ahead when needed, so backed-off retries come due without waiting.
        let skewMs = 0;
        const clock: Clock = { nowMs: () => eojClock.nowMs() + skewMs, now: () => new Date(eojClock.nowMs() + skewMs) };
        const fhirClient = () => createFhirClient({ baseUrl: eoj.baseUrl, token: () => eoj.token, timeoutMs: 400 });
        const makeClient = async (practitionerId: string, roomId: string): Promise<Client> => {
          const { dir, cleanup } = tempDir();
          const keychain = testKeychain();
          const store = await openTestStore(dir, keychain);
          const engine = createSyncEngine({
            eoj: eojGatewayOver(fhirClient()),
            store,
            teamId: TEAM,
            events: createAppEvents(),
            logger,
            clock,
            intervalMs: 3_600_000,
          });
          return { practitionerId, roomId, dir, keychain, store, engine, completed: new Set(), cleanup };
        };
        const clients = [await makeClient('practitioner-2', 'room-2'), await makeClient('practitioner-3', 'room-3')] as [Client, Client];
        const day = careDay(clock.now());
        const roomVisits = (c: Client) => c.store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime(), roomId: c.roomId });
        try {
          for (const c of clients) await c.engine.syncNow();
          for (const cmd of commands) {
            if (cmd.kind === 'outcome') {
              // Each staff member works their own room's visits; a visit is completed at most once.
              const c = clients[cmd.client];
              const v = roomVisits(c)[cmd.visit];
              if (!v || (cmd.status === 'completed' && c.completed.has(v.id))) continue;
              const { outboxEntry } = c.store.setVisitStatus({ visitId: v.id, status: cmd.status, actorId: c.practitionerId, atMs: clock.nowMs() });
              if (cmd.status === 'completed' && outboxEntry) c.completed.add(v.id);
            } else if (cmd.kind === 'reassign') {
              // The team lead moves the visit to the other shift's practitioner, straight in the EOJ.
              const id = roomVisits(clients[cmd.client])[cmd.visit]?.id;
              if (!id) continue;
              await eoj.faults({});
              for (let attempt = 0; attempt < 3; attempt++) {
                const current = (await eoj.fhir(`/Appointment/${id}`)).body;
                const participant = current.participant.map((p: { actor: { reference: string } }) =>
                  p.actor.reference.startsWith('Practitioner/')
                    ? {
                        ...p,
                        actor: {
                          reference: p.actor.reference === 'Practitioner/practitioner-6' ? 'Practitioner/practitioner-5' : 'Practitioner/practitioner-6',
                        },
                      }
                    : p,
                );
                const res = await eoj.fhir(`/Appointment/${id}`, {
                  method: 'PUT',
                  headers: { 'if-match': `W/"${current.meta.versionId}"` },
                  json: { ...current, participant },
                });
                if (res.status === 200) break;
              }
            } else if (cmd.kind === 'sync') {
              await clients[cmd.client].engine.syncNow();
            } else if (cmd.kind === 'fault') {
              await eoj.faults({ ...FAULTS[cmd.fault], seed: commands.length });
            } else if (cmd.kind === 'restartEoj') {
              eoj = await eoj.restart();
              for (const c of clients) {
                await c.engine.stop();
                c.engine = createSyncEngine({
                  eoj: eojGatewayOver(fhirClient()),
                  store: c.store,
                  teamId: TEAM,
                  events: createAppEvents(),
                  logger,
                  clock,
                  intervalMs: 3_600_000,
                });
              }
            } else {
              // Client restart: rows left inflight are simply resent.
              const c = clients[cmd.client];
              await c.engine.stop();
              c.store.close();
              c.store = await openTestStore(c.dir, c.keychain);
              c.engine = createSyncEngine({
                eoj: eojGatewayOver(fhirClient()),
                store: c.store,
                teamId: TEAM,
                events: createAppEvents(),
                logger,
                clock,
                intervalMs: 3_600_000,
              });
            }
          }

          // Faults stop; a quiet period passes.
          await eoj.faults({});
          for (let round = 0; round < 12; round++) {
            skewMs += 10 * 60_000;
            for (const c of clients) await c.engine.syncNow();
            const unfinished = clients.reduce((n, c) => n + c.store.outbox.summary().pending + c.store.outbox.summary().inflight, 0);
            if (unfinished === 0) break;
          }
          // One more full resync each, so both see every change the other made.
          skewMs += 60 * 60_000;
          for (const c of clients) await c.engine.syncNow();

          const encounters = (await eoj.fhir('/Encounter?_count=1000')).body;
          const keys = (encounters.entry ?? []).map(
            (e: { resource: { identifier: { system: string; value: string }[] } }) => e.resource.identifier.find((i) => i.system === MUTATION_ID_SYSTEM)?.value,
          );
          expect(new Set(keys).size, 'no identifier twice').toBe(keys.length);
          const perAppointment = new Map<string, number>();
          for (const e of encounters.entry ?? []) {
            const ref = e.resource.appointment[0].reference as string;
            perAppointment.set(ref, (perAppointment.get(ref) ?? 0) + 1);
          }
          const eojDay = (
            await eoj.fhir(
              `/Appointment?actor=HealthcareService/team-skaermenhed-nord&date=ge${day.start.toISOString()}&date=lt${day.end.toISOString()}&_count=1000`,
            )
          ).body.entry.map((e: { resource: unknown }) => e.resource) as { id: string; status: string; participant: { actor: { reference: string } }[] }[];
          for (const c of clients) {
            for (const entry of c.store.outbox.list()) {
              expect(['done', 'conflict', 'dead'], `outbox row ${entry.mutationId} settled`).toContain(entry.state);
              if (entry.intent.kind === 'visit.status' && entry.intent.status === 'completed' && entry.state !== 'dead')
                expect(keys).toContain(entry.mutationId);
            }
            const dead = new Set(
              c.store.outbox
                .problems()
                .filter((e) => e.state === 'dead')
                .map((e) => e.visitId),
            );
            for (const id of c.completed) if (!dead.has(id)) expect(perAppointment.get(`Appointment/${id}`), `one Encounter for ${id}`).toBe(1);
            // The client's queue is the EOJ's queue.
            const local = c.store
              .dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime() })
              .map((v) => [v.id, appointmentStatusFor(v.status), v.practitioner?.id]);
            const remote = eojDay
              .filter((a) => a.status !== 'cancelled')
              .map((a) => [a.id, a.status, a.participant.find((p) => p.actor.reference.startsWith('Practitioner/'))?.actor.reference.split('/')[1]]);
            expect(local.sort()).toEqual(remote.sort());
          }
        } finally {
          for (const c of clients) {
            await c.engine.stop();
            c.store.close();
            c.cleanup();
          }
          await eoj.cleanup();
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);

  it(`contention is temporary: ${STORM_RUNS} random 409/412 storms, every outbox row ends done, none dead, no identifier twice`, async () => {
    const storm = fc.record({
      createConflictRate: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
      updateConflictRate: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
      concurrentCreates: fc.boolean(),
      outcomes: fc.array(fc.record({ client, visit: fc.nat({ max: 11 }), status: fc.constantFrom<VisitStatus>('completed', 'not_answered') }), {
        minLength: 4,
        maxLength: 24,
      }),
    });
    let retriedRows = 0;
    await fc.assert(
      fc.asyncProperty(storm, async (s) => {
        const eojClock = testClock(atCopenhagenTime(TEST_INSTANT, 12, 0));
        const eoj = await startTestSandbox({
          practitionerId: 'practitioner-1',
          clock: eojClock,
          demo: 'start-of-day',
          ...(s.concurrentCreates ? { conformance: conformanceOf(['concurrent-create-409']) } : {}),
        });
        let skewMs = 0;
        const clock: Clock = { nowMs: () => eojClock.nowMs() + skewMs, now: () => new Date(eojClock.nowMs() + skewMs) };
        const client = createFhirClient({ baseUrl: eoj.baseUrl, token: () => eoj.token, timeoutMs: 2_000 });
        const stores: { dir: ReturnType<typeof tempDir>; store: VisitStore }[] = [];
        for (let i = 0; i < 2; i++) {
          const dir = tempDir();
          stores.push({ dir, store: await openTestStore(dir.dir) });
        }
        try {
          const day = careDay(clock.now());
          for (const { store } of stores) await pullAppointments({ eoj: eojGatewayOver(client), store, teamId: TEAM, now: clock.now(), full: true });
          // Each staff member documents their own room's visits, once each.
          const rooms = ['room-2', 'room-3'];
          const done = new Set<string>();
          for (const o of s.outcomes) {
            const { store } = stores[o.client] as { store: VisitStore };
            const v = store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime(), roomId: rooms[o.client] as string })[o.visit];
            if (!v || done.has(v.id)) continue;
            done.add(v.id);
            store.setVisitStatus({ visitId: v.id, status: o.status, actorId: o.client === 0 ? 'practitioner-2' : 'practitioner-3', atMs: clock.nowMs() });
          }
          await eoj.faults({ createConflictRate: s.createConflictRate, updateConflictRate: s.updateConflictRate, seed: s.outcomes.length });
          // The storm goes on while the clients push; backed-off rows come due as the clock moves on.
          for (let round = 0; round < 60; round++) {
            const unfinished = stores.reduce((n, { store }) => n + store.outbox.summary().pending + store.outbox.summary().inflight, 0);
            if (unfinished === 0) break;
            skewMs += 5 * 60_000;
            await Promise.all(stores.map(({ store }) => pushOutbox({ eoj: eojGatewayOver(client), store, clock })));
          }
          await eoj.faults({});
          for (const { store } of stores) {
            expect(
              store.outbox
                .list()
                .map((e) => e.state)
                .filter((state) => state !== 'done'),
              'every row done',
            ).toEqual([]);
            retriedRows += store.outbox.list().filter((e) => e.attempts > 0).length;
          }
          const encounters = (await eoj.fhir('/Encounter?_count=1000')).body.entry ?? [];
          const keys = encounters.map(
            (e: { resource: { identifier: { system: string; value: string }[] } }) => e.resource.identifier.find((i) => i.system === MUTATION_ID_SYSTEM)?.value,
          );
          expect(new Set(keys).size, 'no identifier twice').toBe(keys.length);
          const completed = stores.flatMap(({ store }) =>
            store.outbox.list().filter((e) => e.intent.kind === 'visit.status' && e.intent.status === 'completed'),
          );
          expect(keys.sort()).toEqual(completed.map((e) => e.mutationId).sort());
          for (const e of stores.flatMap(({ store }) => store.outbox.list()))
            if (e.intent.kind === 'visit.status') expect((await eoj.fhir(`/Appointment/${e.visitId}`)).body.status).toBe(appointmentStatusFor(e.intent.status));
        } finally {
          for (const { store, dir } of stores) {
            store.close();
            dir.cleanup();
          }
          await eoj.cleanup();
        }
      }),
      { numRuns: STORM_RUNS, seed: SEED, endOnFailure: true },
    );
    // The storms did hit: rows were refused with 409/412 and went through on a later attempt.
    expect(retriedRows).toBeGreaterThan(0);
  }, 600_000);

  it('a client SIGKILLed in the middle of pushes resends after restart: every row settles, one Encounter each', async () => {
    const clock = testClock();
    const eoj = await startTestSandbox({ practitionerId: 'practitioner-2', clock, demo: 'start-of-day' });
    const { dir, cleanup } = tempDir();
    const keychain = testKeychain();
    try {
      const store = await openTestStore(dir, keychain);
      const engine = createSyncEngine({
        eoj: eojGatewayOver(createFhirClient({ baseUrl: eoj.baseUrl, token: () => eoj.token })),
        store,
        teamId: TEAM,
        events: createAppEvents(),
        logger,
        clock,
        intervalMs: 3_600_000,
      });
      await engine.syncNow();
      await engine.stop();
      const day = careDay(clock.now());
      const visits = store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime(), roomId: 'room-2' }).slice(0, 12);
      const mutations = visits.map(
        (v) => store.setVisitStatus({ visitId: v.id, status: 'completed', actorId: 'practitioner-2', atMs: clock.nowMs() }).outboxEntry?.mutationId as string,
      );
      store.close();
      // Slow EOJ: each request takes 60 ms, so the kill lands between requests of a push.
      await eoj.faults({ latencyMs: 60 });
      for (let kill = 0; kill < 4; kill++) {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'test/fixtures/syncWorker.ts',
            join(dir, 'visits.db'),
            keychain.profile as string,
            eoj.baseUrl,
            eoj.token,
            clock.now().toISOString(),
          ],
          { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('pushing') && resolve()));
        await new Promise((r) => setTimeout(r, 100 + kill * 80));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
      await eoj.faults({});
      const reopened = await openTestStore(dir, keychain);
      const later = createSyncEngine({
        eoj: eojGatewayOver(createFhirClient({ baseUrl: eoj.baseUrl, token: () => eoj.token })),
        store: reopened,
        teamId: TEAM,
        events: createAppEvents(),
        logger,
        clock: offsetClock(3_600_000, clock),
        intervalMs: 3_600_000,
      });
      await later.syncNow();
      await later.stop();
      expect(reopened.outbox.summary()).toEqual({ pending: 0, inflight: 0, conflict: 0, dead: 0 });
      for (const m of mutations) expect((await eoj.fhir(`/Encounter?identifier=${MUTATION_ID_SYSTEM}|${m}`)).body.total).toBe(1);
      for (const v of visits) expect((await eoj.fhir(`/Appointment/${v.id}`)).body.status).toBe('fulfilled');
      reopened.close();
    } finally {
      cleanup();
      await eoj.cleanup();
    }
  });
});
