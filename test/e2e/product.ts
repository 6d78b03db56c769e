import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src-shared/time/clock';
import { startBrowserMode, startSandboxProcess, type RunningApp, type RunningBackEnd } from './browserMode';

/**
 * The product as `npm start` runs it, for one spec: the sandbox EOJ and the signalling service
 * (each its own process, on a data folder of the spec's own) and browser-mode clients, each with
 * its own data folder and keychain profile, as on their own PCs. One start-up for every spec that
 * needs it; `stop()` ends them all and removes the folder.
 */
export interface E2eProduct<Client extends string> {
  /** The spec's own folder (the back end's data is under `eoj/`, each client's under its name). */
  root: string;
  /** The back end now running (a spec may stop and start it again on the same port). */
  readonly eoj: RunningBackEnd;
  clients: Record<Client, RunningApp>;
  /** The keychain profile each client runs under. */
  profiles: Record<Client, string>;
  /** Stops the back end, keeping its data: the EOJ is "down" until `startBackEnd()`. */
  stopBackEnd(): Promise<void>;
  /** Starts the back end again on the data it had, on the port it had (clients keep their address). */
  startBackEnd(): Promise<void>;
  stop(): Promise<void>;
}

export async function startE2eProduct<Client extends string>(options: {
  /** Names the folder and the keychain profiles ("board" → skaermrum-e2e-board-…). */
  name: string;
  clock: Clock;
  clients: readonly Client[];
  /** Settings for the sandbox and signalling (TURN, demo as of "now"). */
  backEnd?: Record<string, string>;
  /** Settings for every client (pull interval, idle lock). */
  client?: Record<string, string>;
}): Promise<E2eProduct<Client>> {
  const root = mkdtempSync(join(tmpdir(), `skaermrum-e2e-${options.name}-`));
  const backEnd = (ports: { port?: number; signalPort?: number } = {}) =>
    startSandboxProcess({ dataDir: join(root, 'eoj'), clock: options.clock, ...ports, extra: options.backEnd });
  let eoj = await backEnd();
  const ports = { port: Number(new URL(eoj.url).port), signalPort: Number(new URL(eoj.signallingUrl).port) };
  const clients = {} as Record<Client, RunningApp>;
  const profiles = Object.fromEntries(options.clients.map((c) => [c, `e2e-${options.name}-${c}-${randomUUID()}`])) as Record<Client, string>;
  const stop = async () => {
    for (const app of Object.values<RunningApp>(clients)) await app.stop();
    await eoj.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (const name of options.clients) {
      clients[name] = await startBrowserMode({
        clock: options.clock,
        dataDir: join(root, name),
        profile: profiles[name],
        extra: { ...eoj.clientEnv, ...options.client },
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    root,
    get eoj() {
      return eoj;
    },
    clients,
    profiles,
    stopBackEnd: () => eoj.stop(),
    async startBackEnd() {
      eoj = await backEnd(ports);
    },
    stop,
  };
}
