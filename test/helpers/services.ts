import { join } from 'node:path';
import { configFromEnv } from '../../src-main/config';
import { createLogger } from '../../src-main/log';
import { startMainServices, type MainServices } from '../../src-main/services/mainServices';
import { tempDir, testKeychain } from './store';

/** The real main-process services on a fresh encrypted store with the demo day. */
export async function startTestServices(overrides: { staffId?: string } = {}): Promise<MainServices & { cleanup: () => Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const config = configFromEnv(
    {},
    { dataDir: dir, databaseFile: join(dir, 'visits.db'), demo: true, staffId: overrides.staffId ?? 'practitioner-2', logLevel: 'silent' },
  );
  const services = await startMainServices(config, { logger: createLogger('silent'), keychain: testKeychain() });
  return {
    ...services,
    cleanup: async () => {
      await services.close();
      cleanup();
    },
  };
}
