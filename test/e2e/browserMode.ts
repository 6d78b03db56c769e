import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { systemClock, type Clock } from '../../src-shared/time/clock';
import { eojToken } from '../helpers/idp';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

/**
 * The instant a child process starts at (SKAERMRUM_NOW): the test clock's now at spawn time, so the
 * test, the sandbox and the client share one timeline. The machine's clock is passed on as is.
 */
const clockEnv = (clock: Clock): Record<string, string> => (clock === systemClock ? {} : { SKAERMRUM_NOW: clock.now().toISOString() });

/** Starts `npm start`'s browser mode (built main process) on a given data folder and keychain profile. */
export function startBrowserMode(env: { dataDir: string; profile: string; clock: Clock; extra?: Record<string, string> }): Promise<RunningApp> {
  return startProcess(
    'dist/main/src-main/browser/start.js',
    { SKAERMRUM_DATA_DIR: env.dataDir, SKAERMRUM_PROFILE: env.profile, SKAERMRUM_LOG_LEVEL: 'warn', ...clockEnv(env.clock), ...env.extra },
    /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/,
  );
}

/** The sandbox EOJ as its own process (as `npm start` runs it), on a data folder that outlives restarts. */
export function startSandboxProcess(env: { dataDir: string; clock: Clock; port?: number; extra?: Record<string, string> }): Promise<RunningApp> {
  return startProcess(
    'dist/main/src-server/main.js',
    {
      SANDBOX_DATA_DIR: env.dataDir,
      SANDBOX_PORT: String(env.port ?? 0),
      SANDBOX_FAULTS: '1',
      SANDBOX_DEMO_AS_OF: 'start-of-day',
      ...clockEnv(env.clock),
      ...env.extra,
    },
    /(http:\/\/127\.0\.0\.1:\d+\/fhir)/,
  );
}

function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<RunningApp> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script], {
      cwd: ROOT,
      // Only the clock given here counts, not one left in the shell's environment.
      env: { ...process.env, SKAERMRUM_NOW: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = ready.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve({
          url: match[1],
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output}`)));
  });
}

/** Reads from the sandbox EOJ as the team lead (Mette, signed in at the sandbox's IdP), to see what arrived there. */
export async function readEoj<T>(eojUrl: string, path: string): Promise<T> {
  const token = await eojToken(eojUrl, 'mette');
  return (await (await fetch(`${eojUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
}

/**
 * Playwright's clock for the page, at the test clock's instant: the page's Date and timers start
 * there and run on, and `page.clock.fastForward` moves the page on to the instant a test needs.
 */
export async function pinPageClock(page: Page, clock: Clock): Promise<void> {
  await page.clock.install({ time: clock.now() });
}
