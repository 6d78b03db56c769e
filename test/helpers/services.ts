import { join } from 'node:path';
import type { Clock } from '../../src-shared/time/clock';
import { configFromEnv } from '../../src-main/config';
import { createLogger } from '../../src-main/log';
import { startMainServices, type MainServices } from '../../src-main/services/mainServices';
import { testClock } from './clock';
import { tempDir, testKeychain } from './store';

/** The real main-process services on a fresh encrypted store with the demo days of the test instant. */
export async function startTestServices(
  overrides: { staffId?: string; clock?: Clock; env?: NodeJS.ProcessEnv } = {},
): Promise<MainServices & { clock: Clock; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const clock = overrides.clock ?? testClock();
  const config = configFromEnv(overrides.env ?? {}, {
    dataDir: dir,
    databaseFile: join(dir, 'visits.db'),
    demo: true,
    staffId: overrides.staffId ?? 'practitioner-2',
    logLevel: 'silent',
    clock,
  });
  const services = await startMainServices(config, { logger: createLogger('silent'), keychain: testKeychain() });
  return {
    ...services,
    clock,
    cleanup: async () => {
      await services.close();
      cleanup();
    },
  };
}
