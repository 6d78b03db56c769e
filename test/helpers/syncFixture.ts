import { careDay } from '../../src-shared/time/copenhagen';
import { createFhirClient, type FhirClient } from '../../src-main/eoj/fhirClient';
import type { VisitStore } from '../../src-main/store/visitStore';
import { startTestSandbox, type TestSandbox } from './sandbox';
import { openTestStore, tempDir } from './store';

export interface SyncFixture {
  eoj: TestSandbox;
  store: VisitStore;
  client: FhirClient;
  close(): Promise<void>;
}

/**
 * A sandbox EOJ seeded as at the start of today (every visit open whatever time the tests run), a
 * fresh encrypted store, and a FHIR client signed in to the sandbox.
 */
export async function openSyncFixture(): Promise<SyncFixture> {
  const eoj = await startTestSandbox({ seedDay: careDay(new Date()).start });
  const dir = tempDir();
  const store = await openTestStore(dir.dir);
  const client = createFhirClient({ baseUrl: eoj.baseUrl, token: () => eoj.token, timeoutMs: 3_000 });
  return {
    eoj,
    store,
    client,
    async close() {
      store.close();
      dir.cleanup();
      await eoj.cleanup();
    },
  };
}
