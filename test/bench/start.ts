// `npm start` to the queue on screen, everything built: scripts/start.mjs as a person runs it
// (native check, build check, the sandbox EOJ with the full demo: four skærmenheder and their 13
// weeks of history, the signalling service, browser mode), then Chromium opens the printed
// address, signs in at the sandbox's IdP as Louise and waits for the queue's rows. Each round
// starts on empty data folders (the first start seeds the demo), then again on the same folders
// (the demo is read back from the sandbox's database). The history is seeded after the sandbox is
// up: `start.history_ready_ms` is when a search reaching 13 weeks back is answered. The small demo
// (Nord's today and tomorrow, as the tests run) is measured the same way in the same run, and so
// are the sandbox's memory and the staff client's pull of its day against each.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { syncWindow } from '../../src-main/sync/pull';
import { createFhirClient } from '../../src-shared/fhir/client';
import { eojToken } from '../helpers/idp';
import { median, within } from './stats';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// A stated instant (a Wednesday): the demo's size depends on the weekday of its days.
const NOW = '2026-12-02T10:00:00+01:00';
const HISTORY_FROM = new Date(Date.parse(NOW) - 13 * 7 * 86_400_000).toISOString();

interface Started {
  child: ChildProcess;
  appUrl: string;
  eojUrl: string;
  output: () => string;
}

/** `npm start` (scripts/start.mjs) on the given folders; resolves when browser mode prints its address. */
function npmStart(dirs: { eoj: string; client: string; profile: string }, scope: 'small' | 'full'): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: {
        ...process.env,
        SKAERMRUM_BROWSER: '1',
        SKAERMRUM_NOW: NOW,
        SANDBOX_DATA_DIR: dirs.eoj,
        SANDBOX_DEMO_SCOPE: scope,
        SKAERMRUM_DATA_DIR: dirs.client,
        SKAERMRUM_PROFILE: dirs.profile,
        SKAERMRUM_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (data: Buffer) => {
      out += data.toString();
      // A source newer than the build would make this a measurement of the build.
      if (out.includes('Bygger Skærmrum')) reject(new Error('npm start rebuilt the product: build it first (sources changed after the build)'));
      const app = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out)?.[1];
      const eoj = /Sandkasse-EOJ kører på (http:\/\/127\.0\.0\.1:\d+\/fhir)/.exec(out)?.[1];
      if (app && eoj) resolve({ child, appUrl: app, eojUrl: eoj, output: () => out });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** Resident memory of the sandbox EOJ process (a child of start.mjs), in MB. */
function sandboxRssMb(parent: number): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (Number(/PPid:\s+(\d+)/.exec(status)?.[1]) !== parent) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src-server/main.js')) continue;
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      // a process that ended meanwhile
    }
  }
  return Number.NaN;
}

/**
 * The staff client's pull of its team's day, as the sync engine makes it (the team's Appointments
 * of the window with what they refer to, and the window's attempts, calls and escalations): with
 * the history and three more teams in the EOJ it reads no more than without them.
 */
async function dayPullMs(eojUrl: string, token: string): Promise<number> {
  const now = new Date(NOW);
  const eoj = eojGatewayOver(createFhirClient({ baseUrl: eojUrl, token: () => token }));
  const times: number[] = [];
  // Each pull after a write, as in the day of a team (the sandbox's search cache is then stale).
  const visit = `${eojUrl}/Appointment/appointment-${NOW.slice(0, 10)}-room-1-01`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' };
  for (let i = 0; i < 7; i++) {
    const current = await (await fetch(visit, { headers })).text();
    const put = await fetch(visit, { method: 'PUT', headers, body: current });
    if (!put.ok) throw new Error(`writing the visit before the pull: ${put.status}`);
    const t0 = performance.now();
    let visits = 0;
    for await (const page of eoj.visitPages({ teamId: 'team-skaermenhed-nord', window: syncWindow(now), changedAfterMs: null, now }))
      visits += page.visits.length;
    await eoj.teamState({ window: syncWindow(now), changedAfterMs: null, openOf: () => true });
    if (visits === 0) throw new Error('the day pull found no visits');
    if (i > 1) times.push(performance.now() - t0);
  }
  return median(times);
}

/** From the spawn of `npm start` to the queue's first rows on screen, signed in as Louise. */
async function timedStart(browser: Browser, dirs: { eoj: string; client: string; profile: string }, scope: 'small' | 'full') {
  const t0 = performance.now();
  const started = await within(120_000, 'npm start', npmStart(dirs, scope));
  try {
    const context = await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    const page = await context.newPage();
    await page.goto(started.appUrl);
    // On the same folders the client is still signed in; a first start signs in at the IdP.
    const signIn = page.getByRole('button', { name: 'Log ind', exact: true });
    await page.locator('.sign-in, table.queue').first().waitFor({ timeout: 60_000 });
    if (await signIn.isVisible()) {
      await signIn.click();
      await page.getByLabel('Brugernavn').fill('louise');
      await page.getByLabel('Adgangskode').fill('skaermrum');
      await page.keyboard.press('Enter');
    }
    await within(60_000, 'the queue after npm start', page.locator('table.queue tbody tr').first().waitFor({ timeout: 60_000 }));
    const readyMs = performance.now() - t0;
    // The history: a search from 13 weeks back is answered once the sandbox has seeded it.
    const token = await eojToken(started.eojUrl, 'louise');
    const res = await fetch(`${started.eojUrl}/Encounter?date=ge${encodeURIComponent(HISTORY_FROM)}&_count=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { total } = (await res.json()) as { total: number };
    const historyMs = performance.now() - t0;
    const rssMb = sandboxRssMb(started.child.pid ?? -1);
    await context.close();
    return { readyMs, historyMs, encounters: total, rssMb, pullMs: await dayPullMs(started.eojUrl, token) };
  } finally {
    await stop(started.child);
  }
}

export async function benchStart(runs = 3) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const first: Awaited<ReturnType<typeof timedStart>>[] = [];
  const again: Awaited<ReturnType<typeof timedStart>>[] = [];
  const small: Awaited<ReturnType<typeof timedStart>>[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      for (const scope of ['full', 'small'] as const) {
        const root = mkdtempSync(join(tmpdir(), `skaermrum-bench-start-${scope}-`));
        const dirs = { eoj: join(root, 'eoj'), client: join(root, 'client'), profile: `bench-start-${randomUUID()}` };
        try {
          const fresh = await timedStart(browser, dirs, scope);
          if (scope === 'small') small.push(fresh);
          else {
            first.push(fresh);
            again.push(await timedStart(browser, dirs, scope));
          }
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }
      const f = first.at(-1);
      const a = again.at(-1);
      const s = small.at(-1);
      console.log(
        `start round ${r + 1}: full ${f?.readyMs.toFixed(0)} ms (history ${f?.historyMs.toFixed(0)} ms, ${f?.encounters} Encounters, sandbox ${f?.rssMb.toFixed(0)} MB), ` +
          `again ${a?.readyMs.toFixed(0)} ms (sandbox ${a?.rssMb.toFixed(0)} MB, day pull ${a?.pullMs.toFixed(0)} ms), ` +
          `small ${s?.readyMs.toFixed(0)} ms (sandbox ${s?.rssMb.toFixed(0)} MB, day pull ${s?.pullMs.toFixed(0)} ms)`,
      );
    }
  } finally {
    await browser.close();
  }
  const readyMs = median(first.map((s) => s.readyMs));
  return {
    'start.demo_ready_ms': { value: readyMs, unit: 'ms' },
    'start.demo_ready_again_ms': { value: median(again.map((s) => s.readyMs)), unit: 'ms' },
    'start.history_ready_ms': { value: median(first.map((s) => s.historyMs)), unit: 'ms' },
    'start.sandbox_rss_mb': { value: median(again.map((s) => s.rssMb)), unit: 'MB' },
    'start.day_pull_ms': { value: median(again.map((s) => s.pullMs)), unit: 'ms' },
    'start.small_demo_ready_ms': { value: median(small.map((s) => s.readyMs)), unit: 'ms' },
    'start.small_sandbox_rss_mb': { value: median(small.map((s) => s.rssMb)), unit: 'MB' },
    'start.small_day_pull_ms': { value: median(small.map((s) => s.pullMs)), unit: 'ms' },
  };
}
