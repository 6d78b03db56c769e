import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startCluster, type Cluster } from '../helpers/cluster';
import { startBrowserMode, type RunningApp } from './browserMode';
import { framesDecoded, openSignedIn, ringAndAnswer, signInAndPair } from './callFlow';

/**
 * Signalling scaled out, in Chromium: staff and tablet reach three instances through HAProxy
 * (Redis between them); a call with media; the instance holding the tablet's socket is killed
 * mid-call and the media comes back by itself. And the tablet app starting without network.
 */
test.describe.configure({ mode: 'serial' });

let root: string;
let cluster: Cluster;
let app: RunningApp;

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skaermrum-e2e-scaleout-'));
  cluster = await startCluster({ instances: 3 });
  app = await startBrowserMode({
    clock: cluster.clock,
    dataDir: join(root, 'client'),
    profile: `e2e-scaleout-${randomUUID()}`,
    extra: { ...cluster.clientEnv, SKAERMRUM_SYNC_INTERVAL_MS: '2000' },
  });
});
test.afterAll(async () => {
  await app?.stop();
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Media flows: the remote video decodes new frames from now on (more than a few in flight). */
async function mediaFlows(page: Page, selector: string, timeout: number): Promise<void> {
  const before = await framesDecoded(page, selector);
  await expect.poll(() => framesDecoded(page, selector), { timeout }).toBeGreaterThan(before + 5);
}

test('a call across instances has media both ways; killing the instance that holds the tablet brings the media back without anyone touching anything', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const staff = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
  const citizen = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
  await openSignedIn(staff, app.url);
  // Which instance the tablet's socket landed on (the staff client was connected before).
  let visitId = '';
  const holder = await cluster.holderOf(async () => {
    ({ visitId } = await signInAndPair(staff, citizen, app.url, cluster.citizenUrl));
  });
  await ringAndAnswer(staff, citizen, visitId);
  await mediaFlows(staff, '.remote-video', 15_000);
  await mediaFlows(citizen, 'video.remote', 15_000);

  await holder.kill();
  // The tablet reconnects through HAProxy to a live instance, signs in again and restarts the peer.
  await expect
    .poll(async () => (await Promise.all(cluster.instances.filter((s) => s.alive).map((s) => s.connections()))).reduce((a, b) => a + b, 0), {
      timeout: 15_000,
    })
    .toBeGreaterThanOrEqual(2);
  await expect(citizen.locator('video.remote')).toBeVisible();
  await mediaFlows(citizen, 'video.remote', 20_000);
  await mediaFlows(staff, '.remote-video', 20_000);
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
  await staff.getByRole('button', { name: 'Læg på' }).click();
});

test('the tablet app boots without network from its service worker, says so in Danish, and connects by itself when the network is back', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const tablet = await context.newPage();
  await tablet.goto(cluster.citizenUrl);
  await expect(tablet.getByRole('heading', { name: 'Forbind din skærm' })).toBeVisible();
  // The service worker has the shell and controls the page.
  await tablet.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => tablet.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  await tablet.reload();
  await expect(tablet.getByRole('heading', { name: 'Forbind din skærm' })).toBeVisible();
  await expect(tablet.getByRole('status').filter({ hasText: 'Ingen forbindelse – vi prøver igen' })).toBeVisible();
  await context.setOffline(false);
  await expect(tablet.getByText('Ingen forbindelse – vi prøver igen')).toHaveCount(0, { timeout: 15_000 });
  await context.close();
});
