import { join } from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { connectApi } from '../helpers/wsClient';
import { type RunningApp } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { openSignedIn } from './callFlow';
import { startCoturn, type Coturn } from './coturn';
import { systemClock } from '../../src-shared/time/clock';

// Media and device tests: the time of day plays no part, and coturn checks TURN credentials
// against the machine's own clock, so these run on the machine's clock.
const MEDIA_CLOCK = systemClock;
import { darkRoom, writeY4m } from './y4m';

test.describe.configure({ mode: 'serial' });

let product: E2eProduct<'client'>;
let app: RunningApp;
let coturn: Coturn;

test.beforeAll(async () => {
  // A real coturn, so the network part can gather a relay candidate with fresh credentials.
  coturn = await startCoturn();
  product = await startE2eProduct({
    name: 'check',
    clock: MEDIA_CLOCK,
    clients: ['client'],
    backEnd: { SIGNAL_TURN_SECRET: coturn.secret, SIGNAL_TURN_URLS: coturn.url },
  });
  app = product.clients.client;
});
test.afterAll(async () => {
  await product.stop();
  await coturn.stop();
});

/** The main process's API, as the renderer reaches it (to see what it stored). */
function mainApi() {
  const url = new URL(app.url);
  return connectApi(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`, url.origin);
}

async function signIn(page: Page) {
  await openSignedIn(page, app.url);
  // Calls (and the network part of the check) need the signalling connection.
  await expect(page.getByRole('button', { name: /^Ring op til / }).first()).toBeEnabled();
}

async function fullCheck(page: Page) {
  await page.getByTestId('check-summary').click();
  const panel = page.getByRole('dialog', { name: /Enhedstjek|Før opkaldet/ });
  await expect(panel).toBeVisible();
  await expect(panel).not.toHaveAttribute('data-verdict', 'running', { timeout: 15_000 });
  return panel;
}

test('full check with fake devices: camera, microphone and network pass; no headset is the only warning; devices remembered for the room', async ({
  browser,
}) => {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await signIn(page);
  const panel = await fullCheck(page);
  await expect(panel.locator('[data-finding="camera.ok"]')).toBeVisible();
  await expect(panel.locator('[data-finding="microphone.ok"]')).toBeVisible();
  await expect(panel.locator('[data-finding="network.good"]')).toBeVisible();
  // Chromium's fake devices are honestly not a headset.
  await expect(panel.locator('[data-finding="headset.none"]')).toContainText('andre i rummet kan høre borgeren');
  await expect(panel.locator('.finding-blocking')).toHaveCount(0);
  await expect(panel.locator('.finding-warning')).toHaveCount(1);
  await expect(panel).toHaveAttribute('data-verdict', 'warnings');
  // Live preview, and a level meter that moves with the fake microphone's beeps.
  await expect.poll(() => page.evaluate(() => (document.querySelector('.check-preview') as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
  await expect.poll(async () => Number(await panel.getByRole('meter').getAttribute('aria-valuenow')), { timeout: 5_000 }).toBeGreaterThan(0);
  // The speaker test tone plays (on the chosen output).
  await panel.getByRole('button', { name: 'Afspil testtone' }).click();
  await expect(panel.getByRole('button', { name: 'Afspil testtone' })).toBeEnabled({ timeout: 5_000 });
  await panel.getByRole('button', { name: 'Godkend advarslerne og luk' }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByTestId('check-summary')).toHaveText('Enheder: advarsler');

  // The room's first full check remembers its devices in the encrypted store.
  const { api, close } = mainApi();
  const saved = await api.devices.forRoom({ roomId: 'room-2' });
  await close();
  expect(saved?.camera?.label).toMatch(/fake/i);
  expect(saved?.microphone?.label).toMatch(/Fake Audio Input/);

  // The check before a call is fresh (it just ran): the click rings on it at once, without
  // measuring again, and the accepted warning is not asked again.
  await page
    .getByRole('button', { name: /^Ring op til / })
    .first()
    .click();
  // The call panel, or (this citizen has no paired tablet, so the call ends at once) the outcome form.
  await expect(page.locator('[data-call-phase], [data-testid="outcome-dialog"]').first()).toBeVisible();
  await expect(page.locator('.check-panel')).toHaveCount(0);
  const steps = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));
  expect(steps).toContain('skaermrum.call:check.ready');
  expect(steps).not.toContain('skaermrum.call:check.start');
  // After the call the devices are checked again, ahead of the next one: quickly, re-measuring
  // nothing that did not change.
  const summary = page.getByTestId('check-summary');
  await expect(summary).toHaveAttribute('data-mode', 'quick');
  await expect(summary).toHaveAttribute('data-retested', '');
  await context.close();
});

test('a changed device choice is re-measured and remembered for the room', async ({ browser }) => {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await signIn(page);
  const panel = await fullCheck(page);
  const mic = panel.getByRole('combobox', { name: 'Mikrofon', exact: true });
  // Another named microphone than the one chosen (not the "default" stand-in).
  const optionValue = () =>
    mic.locator('option').evaluateAll((options) => (options as HTMLOptionElement[]).find((o) => !o.selected && o.value !== 'default' && o.value !== '')?.value);
  await expect.poll(optionValue).toBeTruthy();
  const other = await optionValue();
  const otherLabel = await mic.locator(`option[value="${other}"]`).textContent();
  await mic.selectOption(other ?? '');
  await expect(mic).toHaveValue(other ?? '');
  await expect(panel.locator('[data-finding="microphone.ok"]')).toBeVisible();
  const { api, close } = mainApi();
  await expect.poll(async () => (await api.devices.forRoom({ roomId: 'room-2' }))?.microphone?.label).toBe(otherLabel);
  // A fresh start of the check (another browser context, other device ids) restores it by label, without a fallback.
  const again = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const second = await again.newPage();
  await signIn(second);
  const panel2 = await fullCheck(second);
  await expect(panel2.getByRole('combobox', { name: 'Mikrofon', exact: true }).locator('option:checked')).toHaveText(otherLabel ?? '');
  await expect(panel2.locator('[data-finding^="fallback."]')).toHaveCount(0);
  await again.close();
  await close();
  await context.close();
});

/** A browser without the fake permission UI: what is not granted is denied. */
async function withBrowser(args: string[], run: (browser: Browser) => Promise<void>) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args, headless: true });
  try {
    await run(browser);
  } finally {
    await browser.close();
  }
}

test('no microphone permission blocks the call with the fix-it message', async () => {
  await withBrowser(
    CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'),
    async (browser) => {
      const context = await browser.newContext({ permissions: ['camera'], locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
      const page = await context.newPage();
      await signIn(page);
      await page
        .getByRole('button', { name: /^Ring op til / })
        .first()
        .click();
      const panel = page.getByRole('dialog', { name: /Før opkaldet/ });
      await expect(panel).toHaveAttribute('data-verdict', 'blocked', { timeout: 15_000 });
      await expect(panel.locator('[data-finding="microphone.denied"]')).toContainText('Giv Skærmrum lov til at bruge mikrofonen');
      await expect(panel.locator('[data-finding="camera.ok"]')).toBeVisible();
      await expect(panel.getByRole('button', { name: /^Ring op/ })).toHaveCount(0);
      await expect(page.locator('[data-call-phase]')).toHaveCount(0);
    },
  );
});

test('no camera device at all (fake device count 0) blocks the call too', async () => {
  // Chromium's fake devices can remove the camera but not the microphone; "no microphone device"
  // takes the same path (NotFoundError → missing) and is covered by the verdict's unit tests.
  const args = [...CHROMIUM_ARGS.filter((a) => a !== '--use-fake-device-for-media-stream'), '--use-fake-device-for-media-stream=device-count=0'];
  await withBrowser(args, async (browser) => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'], locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    const page = await context.newPage();
    await signIn(page);
    await page
      .getByRole('button', { name: /^Ring op til / })
      .first()
      .click();
    const panel = page.getByRole('dialog', { name: /Før opkaldet/ });
    await expect(panel).toHaveAttribute('data-verdict', 'blocked', { timeout: 15_000 });
    await expect(panel.locator('[data-finding="camera.missing"]')).toContainText('intet kamera fundet');
    await expect(panel.locator('[data-finding="microphone.ok"]')).toBeVisible();
    await expect(page.locator('[data-call-phase]')).toHaveCount(0);
  });
});

test('a dark camera (generated .y4m) gives the "too dark" hint', async () => {
  const file = join(product.root, 'dark.y4m');
  writeY4m(file, { width: 160, height: 120, frames: 12, luma: darkRoom });
  await withBrowser([...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${file}`], async (browser) => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'], locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    const page = await context.newPage();
    await signIn(page);
    const panel = await fullCheck(page);
    await expect(panel.locator('[data-finding="camera.dark"]')).toContainText('for mørkt');
    await expect(panel).toHaveAttribute('data-verdict', 'warnings');
  });
});
