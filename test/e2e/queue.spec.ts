import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { demoDay } from '../../src-shared/demo/demoDay';
import { isOpen } from '../../src-shared/queue/nowNext';
import { startBrowserMode, type RunningApp } from './browserMode';

test.describe.configure({ mode: 'serial' });

let dataDir: string;
const profile = `e2e-${randomUUID()}`;
let app: RunningApp;
const consoleErrors: string[] = [];

function watchConsole(page: Page) {
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skaermrum-e2e-'));
  app = await startBrowserMode({ dataDir, profile });
});
test.afterAll(async () => {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// The signed-in demo staff member (practitioner-2) works in Videorum 2.
const roomVisits = () => demoDay(new Date(), { now: new Date() }).visits.filter((v) => v.room?.id === 'room-2');

test("browser mode shows today's queue from the encrypted store, in time order, in Danish", async ({ page }) => {
  watchConsole(page);
  await page.goto(app.url);
  await expect(page.getByRole('heading', { name: 'Skærmrum' })).toBeVisible();
  // The token is taken out of the address bar once read.
  expect(page.url()).not.toContain('token=');
  const expected = roomVisits();
  await expect(page.getByRole('table')).toContainText(`Dagens skærmbesøg – ${expected.length} i alt`);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(expected.length);
  const names = await page.locator('tbody th[scope=row]').allTextContents();
  expect(names).toEqual(expected.map((v) => v.citizen.name));
  await expect(page.getByText('Louise Dalgaard · Videorum 2')).toBeVisible();
  const open = expected.filter(isOpen);
  if (open.length > 0) await expect(page.locator('.marker')).not.toHaveCount(0);
  else await expect(page.locator('.marker')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('the queue view has no serious or critical accessibility violations, in Danish and English', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.locator('tbody tr').first()).toBeVisible();
  const serious = async () =>
    (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  expect(await serious()).toEqual([]);
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('table')).toContainText("Today's screen visits");
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(await serious()).toEqual([]);
  await page.getByRole('button', { name: 'Skift til dansk' }).click();
  await expect(page.getByRole('table')).toContainText('Dagens skærmbesøg');
});

test('an outcome recorded in the UI (keyboard only) survives a restart of the main-process services', async ({ page }) => {
  watchConsole(page);
  await page.goto(app.url);
  // Any visit not completed yet (late in the evening every visit has ended; some were not answered).
  const target = roomVisits().find((v) => v.status !== 'completed');
  if (!target) throw new Error('demo day has no visit to complete');
  // Keyboard: focus the visit, U opens the outcome form, 1 chooses Gennemført, Ctrl+Enter saves.
  const open = page.locator(`tr[data-visit-id="${target.id}"] button.visit-open`);
  await expect(open).toHaveAccessibleName(new RegExp(`^Åbn ${target.citizen.name} kl\\. \\d\\d:\\d\\d$`));
  await open.focus();
  await page.keyboard.press('u');
  await expect(page.getByTestId('outcome-dialog')).toBeVisible();
  await page.keyboard.press('1');
  await expect(page.getByRole('radio', { name: 'Gennemført' })).toBeChecked();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('outcome-dialog')).toHaveCount(0);
  await expect(page.locator(`tr[data-visit-id="${target.id}"] .chip-completed`)).toHaveText('Gennemført');
  await expect(page.getByRole('status').filter({ hasText: 'ændring venter på at blive sendt' })).toContainText('1 ændring venter');

  await app.stop();
  await expect(page.getByRole('alert')).toContainText('Forbindelsen til Skærmrum-tjenesten er afbrudt');
  app = await startBrowserMode({ dataDir, profile });
  await page.goto(app.url);
  await expect(page.locator(`tr[data-visit-id="${target.id}"] .chip-completed`)).toHaveText('Gennemført');
  await expect(page.getByRole('status').filter({ hasText: 'venter' })).toContainText('1 ændring venter');
  expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
});
