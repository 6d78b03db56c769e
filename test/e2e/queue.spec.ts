import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { isOpen } from '../../src-shared/queue/nowNext';
import { testClock } from '../helpers/clock';
import { demoAt, demoQueue } from '../helpers/demo';
import { pinPageClock, startBrowserMode, type RunningApp } from './browserMode';

test.describe.configure({ mode: 'serial' });

let dataDir: string;
const profile = `e2e-${randomUUID()}`;
let app: RunningApp;
const consoleErrors: string[] = [];

function watchConsole(page: Page) {
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}

// The instant of this test (SKAERMRUM_TEST_NOW in the pinned runs). It decides who is signed in:
// whoever works the room of the first visit still open (at 23:58 the night shift in Videorum 1).
// Recording an outcome for that visit changes its status, so it always writes an outbox row.
const clock = testClock();
const firstOpen = demoQueue(clock).find(isOpen);
const me = demoAt(clock).staff.find((s) => s.practitionerId === firstOpen?.practitioner?.id);
if (!me?.roomId) throw new Error('the demo queue has no visit left to document');
const { roomId } = me;
const env = () => ({ dataDir, profile, clock, extra: { SKAERMRUM_STAFF_ID: me.practitionerId } });

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skaermrum-e2e-'));
  app = await startBrowserMode(env());
});
test.beforeEach(async ({ page }) => pinPageClock(page, clock));
test.afterAll(async () => {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const roomVisits = () => demoQueue(clock, { roomId });

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
  await expect(page.getByText(`${me.name} · Videorum ${roomId.slice(-1)}`)).toBeVisible();
  // The visit still open is "Nu" (already due) or "Næste".
  await expect(page.locator(`tr[data-visit-id="${firstOpen?.id}"] .marker`)).toHaveText(Date.parse(firstOpen?.start ?? '') <= clock.nowMs() ? 'Nu' : 'Næste');
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
  const target = firstOpen as NonNullable<typeof firstOpen>;
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
  app = await startBrowserMode(env());
  await page.goto(app.url);
  await expect(page.locator(`tr[data-visit-id="${target.id}"] .chip-completed`)).toHaveText('Gennemført');
  await expect(page.getByRole('status').filter({ hasText: 'venter' })).toContainText('1 ændring venter');
  expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
});
