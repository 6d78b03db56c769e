// Sync figures: the sandbox EOJ on loopback, the real client, the encrypted store.
import { performance } from 'node:perf_hooks';
import { demoFhirResources } from '../../src-shared/demo/demoFhir';
import type { FhirResource } from '../../src-shared/fhir/schemas';
import { careDay } from '../../src-shared/time/copenhagen';
import { createFhirClient } from '../../src-main/eoj/fhirClient';
import { CURSOR_OVERLAP_MS, pullAppointments } from '../../src-main/sync/pull';
import { pushOutbox } from '../../src-main/sync/push';
import { startTestSandbox } from '../helpers/sandbox';
import { openTestStore, tempDir } from '../helpers/store';
import { systemClock } from '../../src-shared/time/clock';
import { median } from './stats';

const TEAM = 'team-skaermenhed-nord';

/** 2,000 of the team's Appointments on today's care day, with the demo's people and rooms. */
function twoThousandAppointments(day: Date): FhirResource[] {
  const base = demoFhirResources(day, { now: careDay(day).start });
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
  const server = await eoj.restart();
  const client = createFhirClient({ baseUrl: server.baseUrl, token: () => server.token });
  const cold: number[] = [];
  const incremental: number[] = [];
  let firstIncremental = 0;
  let pushMs = 0;
  const changeTen = async (round: number) => {
    for (let k = 0; k < 10; k++) {
      const id = `bench-${round * 10 + k}`;
      const current = (await server.fhir(`/Appointment/${id}`)).body;
      await server.fhir(`/Appointment/${id}`, { method: 'PUT', json: { ...current, comment: `ændret ${round}` } });
    }
  };
  try {
    for (let r = 0; r < rounds; r++) {
      const { dir, cleanup } = tempDir('skaermrum-bench-sync-');
      const store = await openTestStore(dir);
      try {
        let t0 = performance.now();
        await pullAppointments({ client, store, teamId: TEAM, now: today, full: true });
        cold.push(performance.now() - t0);
        if (store.visitCount() !== 2000) throw new Error(`cold pull brought ${store.visitCount()} visits, expected 2000`);
        if (r < rounds - 1) continue;

        // Incremental pulls. The first one after the bulk load re-reads everything inside the cursor
        // overlap (the whole load was written moments ago); it is reported on its own. Steady state
        // is measured once the cursor has moved past the load's overlap window.
        await new Promise((resolve) => setTimeout(resolve, CURSOR_OVERLAP_MS + 200));
        await changeTen(0);
        t0 = performance.now();
        await pullAppointments({ client, store, teamId: TEAM, now: today, full: false });
        firstIncremental = performance.now() - t0;
        for (let round = 1; round <= 5; round++) {
          await changeTen(round);
          t0 = performance.now();
          const inc = await pullAppointments({ client, store, teamId: TEAM, now: today, full: false });
          incremental.push(performance.now() - t0);
          if (inc.changedIds.length < 10) throw new Error(`incremental pull saw ${inc.changedIds.length} changes, expected 10`);
        }

        const visits = store.dayQueue({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER }).slice(100, 600);
        for (const v of visits) store.setVisitStatus({ visitId: v.id, status: 'completed', actorId: 'practitioner-2', atMs: clock.nowMs() });
        t0 = performance.now();
        while (store.outbox.summary().pending > 0) await pushOutbox({ client, store, clock, limit: 500 });
        pushMs = performance.now() - t0;
        if (store.outbox.summary().conflict + store.outbox.summary().dead > 0) throw new Error('push left conflicts or dead rows');
      } finally {
        store.close();
        cleanup();
      }
    }
  } finally {
    await server.cleanup();
  }
  return {
    'sync.cold_pull_2000_appointments_ms': { value: median(cold), unit: 'ms', target: '< 1500', met: median(cold) < 1500 },
    'sync.incremental_pull_10_changes_ms': { value: median(incremental), unit: 'ms', target: '< 100', met: median(incremental) < 100 },
    'sync.first_incremental_pull_after_cold_pull_ms': { value: firstIncremental, unit: 'ms' },
    'sync.push_500_outcomes_ms': { value: pushMs, unit: 'ms', target: '< 5000', met: pushMs < 5000 },
  };
}
