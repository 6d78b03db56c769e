// Entry point of browser mode: the main-process services plus the loopback server for the client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, type MainConfig } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { rendererDir } from '../platform/paths.js';
import { startMainServices, type MainServices } from '../app/mainServices.js';
import { StoreError } from '../store/errors.js';
import { memoryKeychain } from '../store/keychain.js';
import { SIGN_IN_CALLBACK_PATH, startBrowserServer } from './server.js';

/**
 * The real OS keychain, always. Only the embedded demo or sandbox EOJ (no real data) may run without one, on a
 * temporary database with an in-memory key, deleted on exit: it never becomes a plaintext fallback.
 */
async function startServices(config: MainConfig, logger: Logger): Promise<{ services: MainServices; cleanup: () => void }> {
  try {
    return { services: await startMainServices(config, { logger }), cleanup: () => undefined };
  } catch (error) {
    const demoOnly = config.demo && (!config.eoj || config.eoj.sandbox);
    if (!(error instanceof StoreError && error.code === 'KEYCHAIN_UNAVAILABLE' && demoOnly)) throw error;
    const dataDir = mkdtempSync(join(tmpdir(), 'skaermrum-demo-'));
    process.stdout.write('Ingen OS-nøglering her – demoen kører på en midlertidig krypteret database med nøglen i hukommelsen; den slettes ved afslutning.\n');
    const services = await startMainServices({ ...config, dataDir, databaseFile: join(dataDir, 'visits.db') }, { logger, keychain: memoryKeychain() });
    return { services, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
  }
}

async function main(): Promise<void> {
  const config = configFromEnv(process.env);
  const logger = createLogger(config.logLevel);
  const { services, cleanup } = await startServices(config, logger);
  const server = await startBrowserServer({
    router: services.router,
    staticDir: rendererDir(),
    port: config.browserPort,
    logger,
    extraConnectSrc: config.signallingUrl ? [config.signallingUrl] : [],
    completeSignIn: async (url) => void (await services.session.completeSignIn(url)),
  });
  services.session.useSignInRoute({ kind: 'navigate', redirectUri: `${server.origin}${SIGN_IN_CALLBACK_PATH}` });
  process.stdout.write(`Skærmrum kører i browsertilstand – åbn ${server.url}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await services.close();
    cleanup();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  // Store refusals carry a message written for the user; anything else is a bug report.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Skærmrum kunne ikke starte: ${message}\n`);
  process.exit(error instanceof StoreError ? 2 : 1);
});
