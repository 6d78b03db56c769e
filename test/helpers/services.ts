import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { osRefreshVault, type RefreshVault } from '../../src-main/auth/refreshVault';
import type { Staff } from '../../src-shared/domain/visit';
import { browseIdp } from './idp';
import type { Clock } from '../../src-shared/time/clock';
import { configFromEnv } from '../../src-main/config';
import { createLogger } from '../../src-main/log';
import { startMainServices, type MainServices } from '../../src-main/app/mainServices';
import { testClock } from './clock';
import { tempDir, testKeychain } from './store';

/** The real main-process services on a fresh encrypted store with the demo days of the test instant. */
export async function startTestServices(
  overrides: { staffId?: string; clock?: Clock; env?: NodeJS.ProcessEnv } = {},
): Promise<MainServices & { clock: Clock; refreshVault: RefreshVault; cleanup: () => Promise<void> }> {
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
  // The refresh token goes to the real OS keychain, under a profile of this test's own.
  const refreshVault = osRefreshVault(`test-${randomUUID()}`);
  const services = await startMainServices(config, { logger: createLogger('silent'), keychain: testKeychain(), refreshVault });
  return {
    ...services,
    refreshVault,
    clock,
    cleanup: async () => {
      await services.close();
      cleanup();
    },
  };
}

/** Where browser mode's callback would be; the test plays the browser, so nothing listens there. */
export const TEST_CALLBACK = 'http://127.0.0.1:9/auth/callback';

/** Signs the services in at the sandbox's IdP as a demo user, as browser mode does (a real code flow). */
export async function signInThroughIdp(services: MainServices, username: string, password?: string): Promise<Staff> {
  services.session.useSignInRoute({ kind: 'navigate', redirectUri: TEST_CALLBACK });
  const start = await services.session.beginSignIn();
  if (!start) throw new Error('expected an address to go to');
  const back = await browseIdp(start, TEST_CALLBACK, { username, ...(password ? { password } : {}) });
  return services.session.completeSignIn(back);
}
