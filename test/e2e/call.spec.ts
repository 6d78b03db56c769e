import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { connectApi } from '../helpers/wsClient';
import { startBrowserMode, startSandboxProcess, type RunningApp } from './browserMode';

test.describe.configure({ mode: 'serial' });

let root: string;
let eoj: RunningApp;
let app: RunningApp;

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skaermrum-e2e-call-'));
  eoj = await startSandboxProcess({ dataDir: join(root, 'eoj') });
  app = await startBrowserMode({
    dataDir: join(root, 'client'),
    profile: `e2e-call-${randomUUID()}`,
    extra: { SKAERMRUM_EOJ_URL: eoj.url, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SYNC_INTERVAL_MS: '1000' },
  });
});
test.afterAll(async () => {
  await app.stop();
  await eoj.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Loudest RMS of the remote audio over a moment, through a WebAudio analyser. */
async function remoteAudioEnergy(page: Page, selector: string): Promise<number> {
  return page.evaluate(async (sel) => {
    const video = document.querySelector(sel) as HTMLVideoElement;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(video.srcObject as MediaStream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    source.connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let max = 0;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(buf);
      max = Math.max(max, Math.sqrt(buf.reduce((s, x) => s + x * x, 0) / buf.length));
    }
    await ctx.close();
    return max;
  }, selector);
}

test('staff rings a citizen\'s paired tablet: both see and hear each other, mute is heard, hang-up ends both', async ({ browser }) => {
  const staffContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const citizenContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const staff = await staffContext.newPage();
  const citizen = await citizenContext.newPage();

  await staff.goto(app.url);
  await staff.getByRole('button', { name: /Louise Dalgaard/ }).click();
  const row = staff.locator('tbody tr').filter({ has: staff.getByRole('button', { name: /^Ring op til / }) }).first();
  await expect(row).toBeVisible();
  const visitId = (await row.getAttribute('data-visit-id')) as string;
  const citizenName = (await row.locator('th').textContent()) as string;

  // Pair the citizen's tablet with a one-time code shown to the staff member.
  await row.getByRole('button', { name: `Par tablet for ${citizenName}` }).click();
  const code = (await staff.getByTestId('pair-code').textContent()) as string;
  await staff.getByRole('button', { name: 'Luk' }).click();
  await citizen.goto(eoj.url.replace(/\/fhir$/, '/citizen/'));
  await citizen.getByLabel('Kode').fill(code);
  await citizen.getByRole('button', { name: 'Forbind' }).click();
  await expect(citizen.getByRole('heading', { name: /Du bliver ringet op/ })).toBeVisible();

  // Ring; the citizen answers with the one big button.
  await staff.locator(`tr[data-visit-id="${visitId}"]`).getByRole('button', { name: /^Ring op til / }).click();
  await expect(staff.locator('[data-call-phase="ringing"]')).toBeVisible();
  await citizen.getByRole('button', { name: 'Tag telefonen' }).click();
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();

  // Video both ways.
  await expect.poll(() => staff.evaluate(() => (document.querySelector('.remote-video') as HTMLVideoElement | null)?.videoWidth ?? 0), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => citizen.evaluate(() => (document.querySelector('video.remote') as HTMLVideoElement | null)?.videoWidth ?? 0), { timeout: 15_000 }).toBeGreaterThan(0);
  // Sound both ways, and silence at the citizen when staff mutes.
  expect(await remoteAudioEnergy(staff, '.remote-video')).toBeGreaterThan(0.01);
  expect(await remoteAudioEnergy(citizen, 'video.remote')).toBeGreaterThan(0.01);
  await staff.getByRole('button', { name: 'Slå mikrofon fra' }).click();
  await citizen.waitForTimeout(500);
  expect(await remoteAudioEnergy(citizen, 'video.remote')).toBeLessThan(0.001);
  await staff.getByRole('button', { name: 'Slå mikrofon til' }).click();

  // Hang up from the citizen's big red button: both sides end.
  await citizen.getByRole('button', { name: 'Læg på' }).click();
  await expect(staff.locator('[data-call-phase="ended"]')).toContainText('Opkaldet er afsluttet');
  await expect(citizen.getByRole('heading', { name: 'Opkaldet er slut.' })).toBeVisible();
  await staffContext.close();
  await citizenContext.close();

  // The main process recorded the call for the visit: rang, answered, ended.
  const url = new URL(app.url);
  const { api, close } = connectApi(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`, url.origin);
  const [recorded] = await api.calls.forVisit({ visitId });
  await close();
  expect(recorded).toMatchObject({ visitId, endReason: 'hangup' });
  expect(Date.parse(recorded?.connectedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(recorded?.rangAt ?? ''));
  expect(Date.parse(recorded?.endedAt ?? '')).toBeGreaterThan(Date.parse(recorded?.connectedAt ?? ''));
});
