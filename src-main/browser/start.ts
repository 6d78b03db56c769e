// Entry point of browser mode: the main-process services plus the loopback server for the client.
import { configFromEnv } from '../config.js';
import { createLogger } from '../log.js';
import { rendererDir } from '../platform/paths.js';
import { startMainServices } from '../services/mainServices.js';
import { StoreError } from '../store/errors.js';
import { startBrowserServer } from './server.js';

async function main(): Promise<void> {
  const config = configFromEnv(process.env);
  const logger = createLogger(config.logLevel);
  const services = await startMainServices(config, { logger });
  const server = await startBrowserServer({ router: services.router, staticDir: rendererDir(), port: config.browserPort, logger });
  process.stdout.write(`Skærmrum kører i browsertilstand – åbn ${server.url}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  // Store refusals carry a message written for the user; anything else is a bug report.
  const message = error instanceof StoreError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`Skærmrum kunne ikke starte: ${message}\n`);
  process.exit(error instanceof StoreError ? 2 : 1);
});
