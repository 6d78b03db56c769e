import { mkdirSync } from 'node:fs';
import type { AnyTRPCRouter } from '@trpc/server';
import { demoDay } from '../../src-shared/demo/demoDay.js';
import type { Staff } from '../../src-shared/domain/visit.js';
import { careDay } from '../../src-shared/time/copenhagen.js';
import { createApiHandlers } from '../api/handlers.js';
import { buildApiRouter } from '../api/router.js';
import type { MainConfig } from '../config.js';
import type { Logger } from '../log.js';
import { migrationsDir } from '../platform/paths.js';
import { osKeychain, type StoreKeychain } from '../store/keychain.js';
import { openVisitStore, type VisitStore } from '../store/visitStore.js';
import { createAppEvents, type AppEvents } from './events.js';

export interface MainServices {
  store: VisitStore;
  session: Staff;
  events: AppEvents;
  router: AnyTRPCRouter;
  close(): void;
}

export interface MainServiceDeps {
  logger: Logger;
  keychain?: StoreKeychain;
  now?: () => Date;
  /** Electron passes the native SQLite binding built for its ABI. */
  nativeBinding?: string;
}

/**
 * Everything the main process does, in plain Node: the Electron shell and the browser mode both
 * run exactly these services and differ only in the transport to the renderer.
 */
export async function startMainServices(config: MainConfig, deps: MainServiceDeps): Promise<MainServices> {
  const now = deps.now ?? (() => new Date());
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openVisitStore({
    file: config.databaseFile,
    keychain: deps.keychain ?? osKeychain(config.profile),
    migrationsDir: migrationsDir(),
    ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
  });

  // Until the EOJ sync exists, a demo team and day stand in for the signed-in staff member's data.
  const demo = demoDay(now(), { now: now() });
  const session = demo.staff.find((s) => s.practitionerId === config.staffId);
  if (!session) {
    store.close();
    throw new Error(`Ukendt medarbejder ${config.staffId} (SKAERMRUM_STAFF_ID)`);
  }
  if (config.demo) {
    const today = careDay(now());
    if (store.dayQueue({ fromMs: today.start.getTime(), toMs: today.end.getTime() }).length === 0) {
      store.upsertVisits(demo.visits);
      deps.logger.info({ visits: demo.visits.length }, 'demo day seeded');
    }
  }
  store.audit.append({ atMs: now().getTime(), actorId: session.practitionerId, action: 'store.opened' });

  const events = createAppEvents();
  const router = buildApiRouter(createApiHandlers({ store, session, events, now }));
  deps.logger.info({ schema: 'ok' }, 'main services started');
  return { store, session, events, router, close: () => store.close() };
}
