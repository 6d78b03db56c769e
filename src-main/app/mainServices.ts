import { mkdirSync } from 'node:fs';
import type { AnyTRPCRouter } from '@trpc/server';
import { demoDay } from '../../src-shared/demo/demoDay.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { careDay, nextCareDay } from '../../src-shared/time/copenhagen.js';
import { createApiHandlers } from '../api/handlers.js';
import { buildApiRouter } from '../api/router.js';
import type { MainConfig } from '../config.js';
import type { Logger } from '../log.js';
import { migrationsDir } from '../platform/paths.js';
import { osKeychain, type StoreKeychain } from '../store/keychain.js';
import { openVisitStore, type VisitStore } from '../store/visitStore.js';
import { createAppEvents, type AppEvents } from '../events.js';
import type { ScreenAwake } from '../services/screenAwake.js';
import { createSessionService, type SessionService } from '../services/session.js';
import type { RefreshVault } from '../auth/refreshVault.js';
import { createReportComputer } from '../reports/compute.js';
import { createReportService } from '../reports/service.js';

export interface MainServices {
  store: VisitStore;
  session: SessionService;
  events: AppEvents;
  router: AnyTRPCRouter;
  close(): Promise<void>;
}

export interface MainServiceDeps {
  logger: Logger;
  keychain?: StoreKeychain;
  /** The clock every service reads "now" from (default: the configuration's, normally the machine's). */
  clock?: Clock;
  /** Electron passes the native SQLite binding built for its ABI. */
  nativeBinding?: string;
  /** Where the refresh token is kept (default: the OS keychain under the profile). */
  refreshVault?: RefreshVault;
  /** Electron keeps the display on during calls; browser mode has none (the page uses Wake Lock). */
  screenAwake?: ScreenAwake;
}

/**
 * Everything the main process does, in plain Node: the Electron shell and the browser mode both
 * run exactly these services and differ only in the transport to the renderer.
 */
export async function startMainServices(config: MainConfig, deps: MainServiceDeps): Promise<MainServices> {
  const clock = deps.clock ?? config.clock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openVisitStore({
    file: config.databaseFile,
    keychain: deps.keychain ?? osKeychain(config.profile),
    migrationsDir: migrationsDir(),
    ...(deps.nativeBinding ? { nativeBinding: deps.nativeBinding } : {}),
  });

  const events = createAppEvents();
  let session: SessionService;
  try {
    session = createSessionService({ config, store, events, logger: deps.logger, clock, ...(deps.refreshVault ? { vault: deps.refreshVault } : {}) });
  } catch (error) {
    store.close();
    throw error;
  }
  // Without an EOJ, demo days stand in for the team's data: today as it stands now, and tomorrow
  // (a night shift's next calls are after midnight).
  if (!config.eoj && config.demo) {
    const now = clock.now();
    for (const day of [careDay(now), nextCareDay(now)]) {
      if (store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime() }).length > 0) continue;
      const demo = demoDay(day.start, { now, visits: config.demoVisits });
      store.upsertVisits(demo.visits);
      deps.logger.info({ visits: demo.visits.length }, 'demo day seeded');
    }
  }
  store.audit.append({ atMs: clock.nowMs(), actorId: session.current()?.practitionerId ?? 'system', action: 'store.opened' });

  // Reports are computed in a worker thread of their own (src-main/reports/worker.ts).
  const computer = createReportComputer();
  const reports = createReportService({ store, session, clock, computer, logger: deps.logger });
  const router = buildApiRouter(
    createApiHandlers({
      store,
      session,
      events,
      clock,
      reports,
      retryPolicy: config.retryPolicy,
      ...(deps.screenAwake ? { screenAwake: deps.screenAwake } : {}),
    }),
    () => session.grantedRole(),
  );
  deps.logger.info({ eoj: config.eoj ? (config.eoj.sandbox ? 'sandbox' : 'configured') : 'none' }, 'main services started');
  return {
    store,
    session,
    events,
    router,
    close: async () => {
      await computer.close();
      await session.close();
      store.close();
    },
  };
}
