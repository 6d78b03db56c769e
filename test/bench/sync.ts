// Sync figures: the sandbox EOJ on loopback, the real client, the encrypted store.
import { performance } from 'node:perf_hooks';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { demoFhirResources } from '../../src-shared/demo/demoFhir';
import type { FhirResource } from '../../src-shared/fhir/schemas';
import { careDay } from '../../src-shared/time/copenhagen';
import { conformanceOf } from '../../src-server/eoj/conformance';
import { createFhirClient, type FhirClient } from '../../src-shared/fhir/client';
import type { VisitStore } from '../../src-main/store/visitStore';
import { CURSOR_OVERLAP_MS, pullAppointments } from '../../src-main/sync/pull';
import { pushOutbox } from '../../src-main/sync/push';
import { startTestSandbox } from '../helpers/sandbox';
import { openTestStore, tempDir } from '../helpers/store';
import { systemClock, type Clock } from '../../src-shared/time/clock';
import { median } from './stats';

const TEAM = 'team-skaermenhed-nord';

/** 2,000 of the team's Appointments on today's care day, with the demo's people and rooms (staff named directly or through their role). */
function twoThousandAppointments(day: Date, staffAs: 'Practitioner' | 'PractitionerRole' = 'Practitioner'): FhirResource[] {
  const base = demoFhirResources(day, { now: careDay(day).start, staffAs });
  const others = base.filter((r) => r.resourceType !== 'Appointment');
  const templates = base.filter((r): r is Extract<FhirResource, { resourceType: 'Appointment' }> => r.resourceType === 'Appointment');
  const start = careDay(day).start.getTime() + 7 * 3_600_000;
  const appointments = Array.from({ length: 2000 }, (_, i) => {
    const t = templates[i % templates.length] as Extract<FhirResource, { resourceType: 'Appointment' }>;
    const at = start + Math.floor((i / 2000) * 15 * 3_600_000);
    return { ...t, id: `bench-${i}`, status: 'booked' as const, start: new Date(at).toISOString(), end: new Date(at + 10 * 60_000).toISOString() };
  });
  return [...others, ...appointments];
}

/** One outcome's status change on 500 visits, pushed until the outbox is empty (waiting out backoffs). */
async function pushFiveHundred(client: FhirClient, store: VisitStore, clock: Clock, from: number): Promise<{ ms: number; dead: number; conflicts: number }> {
  const visits = store.dayQueue({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }).slice(from, from + 500);
  if (visits.some((v) => v.status !== 'planned')) throw new Error('the benchmark needs 500 open visits');
  for (const v of visits) store.setVisitStatus({ visitId: v.id, status: 'completed', actorId: 'practitioner-2', atMs: clock.nowMs() });
  const t0 = performance.now();
  while (store.outbox.summary().pending + store.outbox.summary().inflight > 0) {
    const round = await pushOutbox({ eoj: eojGatewayOver(client), store, clock, limit: 500 });
    // Rows backing off after 409/412 come due within seconds; wait a little rather than spin.
    if (round.done + round.failed === 0) await new Promise((r) => setTimeout(r, 25));
  }
  const ms = performance.now() - t0;
  return { ms, dead: store.outbox.summary().dead, conflicts: store.outbox.summary().conflict };
}

export async function benchSync(rounds: number) {
  // A measurement, not a time-of-day test: the machine's clock.
  const clock = systemClock;
  const today = clock.now();
  const eoj = await startTestSandbox({ demo: null, clock });
  const { openRepository } = await import('../../src-server/eoj/repository');
  // Seed straight into a second handle on the sandbox's database, then restart it to load them.
  const repo = openRepository(`${eoj.dir}/eoj.db`, clock);
  repo.createMany(twoThousandAppointments(today));
  repo.close();
  let server = await eoj.restart();
  let client = createFhirClient({ baseUrl: server.baseUrl, token: () => server.token });
  const pull = async (store: VisitStore, full: boolean) => pullAppointments({ eoj: eojGatewayOver(client), store, teamId: TEAM, now: today, full });
  const cold: number[] = [];
  const coldNoInclude: number[] = [];
  const coldRoles: number[] = [];
  let roles: Awaited<ReturnType<typeof startTestSandbox>> | null = null;
  const incremental: number[] = [];
  let firstIncremental = 0;
  let pushMs = 0;
  let contention = { ms: 0, dead: 0, conflicts: 0 };
  const changeTen = async (round: number) => {
    for (let k = 0; k < 10; k++) {
      const id = `bench-${round * 10 + k}`;
      const current = (await server.fhir(`/Appointment/${id}`)).body;
      await server.fhir(`/Appointment/${id}`, { method: 'PUT', json: { ...current, comment: `ændret ${round}` } });
    }
  };
  const withStore = async (fn: (store: VisitStore) => Promise<void>) => {
    const { dir, cleanup } = tempDir('skaermrum-bench-sync-');
    const store = await openTestStore(dir);
    try {
      await fn(store);
    } finally {
      store.close();
      cleanup();
    }
  };
  try {
    for (let r = 0; r < rounds; r++) {
      await withStore(async (store) => {
        let t0 = performance.now();
        await pull(store, true);
        cold.push(performance.now() - t0);
        if (store.visitCount() !== 2000) throw new Error(`cold pull brought ${store.visitCount()} visits, expected 2000`);
        if (r < rounds - 1) return;

        // Incremental pulls. The first one after the bulk load re-reads everything inside the cursor
        // overlap (the whole load was written moments ago); it is reported on its own. Steady state
        // is measured once the cursor has moved past the load's overlap window.
        await new Promise((resolve) => setTimeout(resolve, CURSOR_OVERLAP_MS + 200));
        await changeTen(0);
        t0 = performance.now();
        await pull(store, false);
        firstIncremental = performance.now() - t0;
        for (let round = 1; round <= 5; round++) {
          await changeTen(round);
          t0 = performance.now();
          const inc = await pull(store, false);
          incremental.push(performance.now() - t0);
          if (inc.changedIds.length < 10) throw new Error(`incremental pull saw ${inc.changedIds.length} changes, expected 10`);
        }
        const pushed = await pushFiveHundred(client, store, clock, 100);
        pushMs = pushed.ms;
        if (pushed.dead + pushed.conflicts > 0) throw new Error('push left conflicts or dead rows');
      });
    }

    // Contention: 409 to a tenth of the creates, 412 to a tenth of the updates.
    await server.faults({ createConflictRate: 0.1, updateConflictRate: 0.1, seed: 7 });
    await withStore(async (store) => {
      await pull(store, true);
      // Other visits than the plain push completed, so every one is a change.
      contention = await pushFiveHundred(client, store, clock, 1_000);
    });
    await server.faults({});

    // A server without _include: the referenced Patients, Practitioners and rooms are read in batches.
    await server.close();
    server = await startTestSandbox({ dir: server.dir, port: server.port, demo: null, clock, conformance: conformanceOf(['no-include']) });
    client = createFhirClient({ baseUrl: server.baseUrl, token: () => server.token });
    for (let r = 0; r < rounds; r++) {
      await withStore(async (store) => {
        const t0 = performance.now();
        await pull(store, true);
        coldNoInclude.push(performance.now() - t0);
        if (store.visitCount() !== 2000) throw new Error(`cold pull without _include brought ${store.visitCount()} visits, expected 2000`);
        if (store.dayQueue({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }).some((v) => v.citizen.name === '–')) throw new Error('a citizen was not read');
      });
    }

    // Staff booked through their PractitionerRoles: each visit's person and room are read from the
    // role (the roles come with _include, their people in one batched read).
    roles = await startTestSandbox({ demo: null, clock });
    const rolesRepo = openRepository(`${roles.dir}/eoj.db`, clock);
    rolesRepo.createMany(twoThousandAppointments(today, 'PractitionerRole'));
    rolesRepo.close();
    roles = await roles.restart();
    const rolesServer = roles;
    const rolesClient = createFhirClient({ baseUrl: rolesServer.baseUrl, token: () => rolesServer.token });
    for (let r = 0; r < rounds; r++) {
      await withStore(async (store) => {
        const t0 = performance.now();
        await pullAppointments({ eoj: eojGatewayOver(rolesClient), store, teamId: TEAM, now: today, full: true });
        coldRoles.push(performance.now() - t0);
        const visits = store.dayQueue({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER });
        if (visits.length !== 2000) throw new Error(`cold pull through roles brought ${visits.length} visits, expected 2000`);
        if (visits.some((v) => !v.practitioner || !v.room)) throw new Error('a visit booked through a role has no staff member or room');
      });
    }
  } finally {
    await server.cleanup();
    await roles?.cleanup();
  }
  return {
    'sync.cold_pull_2000_appointments_ms': { value: median(cold), unit: 'ms', target: '< 1500', met: median(cold) < 1500 },
    'sync.cold_pull_2000_no_include_ms': { value: median(coldNoInclude), unit: 'ms', target: '< 1500', met: median(coldNoInclude) < 1500 },
    'sync.cold_pull_2000_practitionerrole_ms': { value: median(coldRoles), unit: 'ms', target: '< 1500', met: median(coldRoles) < 1500 },
    'sync.incremental_pull_10_changes_ms': { value: median(incremental), unit: 'ms', target: '< 100', met: median(incremental) < 100 },
    'sync.first_incremental_pull_after_cold_pull_ms': { value: firstIncremental, unit: 'ms' },
    'sync.push_500_outcomes_ms': { value: pushMs, unit: 'ms', target: '< 5000', met: pushMs < 5000 },
    'sync.push_500_contention_ms': { value: contention.ms, unit: 'ms', target: '< 8000', met: contention.ms < 8000 },
    'sync.push_500_contention_dead_rows': {
      value: contention.dead + contention.conflicts,
      unit: 'rows',
      target: '0',
      met: contention.dead + contention.conflicts === 0,
    },
  };
}
