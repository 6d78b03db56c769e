import type { Conformance } from '../../src-server/eoj/conformance';
import type { Clock } from '../../src-shared/time/clock';
import { eojGatewayOver, type EojGateway } from '../../src-main/eoj/gateway';
import type { TeamLinkKind } from '../../src-main/eoj/teamLink';
import { pullAppointments, type PullResult } from '../../src-main/sync/pull';
import { careDay } from '../../src-shared/time/copenhagen';
import { createFhirClient, type FhirClient } from '../../src-shared/fhir/client';
import type { VisitStore } from '../../src-main/store/visitStore';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { testClock } from './clock';
import { startTestSandbox, type TestSandbox } from './sandbox';
import { openTestStore, tempDir } from './store';

export interface SyncFixture {
  eoj: TestSandbox;
  store: VisitStore;
  client: FhirClient;
  /** The client's gateway, as the engine has it (capabilities read once, the team link as configured). */
  gateway: EojGateway;
  /** The clock of the sandbox and of the test's store commands (the test instant, running on). */
  clock: Clock;
  /** The store's visits of the clock's care day, in time order. */
  today(): QueueVisit[];
  /** A pull as the engine makes it (capabilities read once, the team link as configured). */
  pull(full: boolean): Promise<PullResult>;
  close(): Promise<void>;
}

/**
 * A sandbox EOJ on the test clock, seeded as at the start of its care day (every visit of the day
 * open, whatever the instant), a fresh encrypted store, and a FHIR client signed in to the sandbox.
 */
export const TEAM = 'team-skaermenhed-nord';

export async function openSyncFixture(options: { clock?: Clock; conformance?: Conformance; teamLink?: TeamLinkKind } = {}): Promise<SyncFixture> {
  const clock = options.clock ?? testClock();
  const eoj = await startTestSandbox({ clock, demo: 'start-of-day', ...(options.conformance ? { conformance: options.conformance } : {}) });
  const dir = tempDir();
  const store = await openTestStore(dir.dir);
  const client = createFhirClient({ baseUrl: eoj.baseUrl, token: () => eoj.token, timeoutMs: 3_000 });
  const gateway = eojGatewayOver(client, { teamLink: options.teamLink ?? 'healthcare-service' });
  return {
    eoj,
    store,
    client,
    gateway,
    clock,
    today() {
      const day = careDay(clock.now());
      return store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime() });
    },
    pull: (full) => pullAppointments({ eoj: gateway, store, teamId: TEAM, now: clock.now(), full }),
    async close() {
      store.close();
      dir.cleanup();
      await eoj.cleanup();
    },
  };
}
