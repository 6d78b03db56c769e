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
export function startBrowserMode(env: {
  dataDir: string;
  profile: string;
  clock: Clock;
  extra?: Record<string, string>;
}): Promise<RunningApp & { pid: number }> {
  return startProcess(
    'dist/main/src-main/browser/start.js',
    { SKAERMRUM_DATA_DIR: env.dataDir, SKAERMRUM_PROFILE: env.profile, SKAERMRUM_LOG_LEVEL: 'warn', ...clockEnv(env.clock), ...env.extra },
    /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/,
  );
}

export interface RunningBackEnd extends RunningApp {
  /** The citizen app, served by the signalling service. */
  citizenUrl: string;
  signallingUrl: string;
  /** What a client needs to reach both (the EOJ, that it is the sandbox, the signalling service). */
  clientEnv: Record<string, string>;
}

/**
 * The embedded back end as `npm start` runs it: the sandbox EOJ and the signalling service, each
 * its own process, on a data folder that outlives restarts. `extra` goes to both (TURN settings, faults).
 */
export async function startSandboxProcess(env: {
  dataDir: string;
  clock: Clock;
  port?: number;
  signalPort?: number;
  extra?: Record<string, string>;
}): Promise<RunningBackEnd> {
  const clientSecret = 'e2e-signalling-client-secret';
  const eoj = await startProcess(
    'dist/main/src-server/main.js',
    {
      SANDBOX_DATA_DIR: env.dataDir,
      SANDBOX_PORT: String(env.port ?? 0),
      SANDBOX_FAULTS: '1',
      SANDBOX_DEMO_AS_OF: 'start-of-day',
      SANDBOX_SIGNALLING_CLIENT_SECRET: clientSecret,
      ...clockEnv(env.clock),
      ...env.extra,
    },
    /(http:\/\/127\.0\.0\.1:\d+\/fhir)[\s\S]*Log ind/,
  );
  const signal = await startSignallingProcess({
    SIGNAL_EOJ_URL: eoj.url,
    SIGNAL_CLIENT_SECRET: clientSecret,
    SIGNAL_DATA_DIR: env.dataDir,
    SIGNAL_PORT: String(env.signalPort ?? 0),
    ...clockEnv(env.clock),
    ...env.extra,
  }).catch(async (error: unknown) => {
    await eoj.stop();
    throw error;
  });
  return {
    url: eoj.url,
    citizenUrl: signal.url.replace(/^ws:/, 'http:').replace(/\/signal$/, '/citizen/'),
    signallingUrl: signal.url,
    clientEnv: { SKAERMRUM_EOJ_URL: eoj.url, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SIGNALLING_URL: signal.url },
    stop: async () => {
      await signal.stop();
      await eoj.stop();
    },
  };
}

/** One signalling instance as its own process (resolves with its ws:// address). */
export function startSignallingProcess(env: Record<string, string>): Promise<RunningApp & { pid: number; output(): string }> {
  return startProcess('dist/main/src-server/signalling/main.js', env, /Signalering kører på (ws:\/\/\S+\/signal)/);
}

/** The child's output is kept for its whole life (`output()`): tests read what it logged. */
function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<RunningApp & { pid: number; output(): string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script], {
      cwd: ROOT,
      // Only the clock given here counts, not one left in the shell's environment.
      env: { ...process.env, SKAERMRUM_NOW: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let started = false;
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = started ? null : ready.exec(output);
      if (match?.[1]) {
        started = true;
        resolve({
          url: match[1],
          pid: child.pid ?? 0,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
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
