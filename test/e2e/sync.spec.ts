import { expect, test } from '@playwright/test';
import { MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas';
import { testClock } from '../helpers/clock';
import { demoQueue } from '../helpers/demo';
import { pinPageClock, readEoj, type RunningApp } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { openSignedIn } from './callFlow';

test.describe.configure({ mode: 'serial' });

let product: E2eProduct<'client'>;
let app: RunningApp;
// The instant of this test (SKAERMRUM_TEST_NOW in the pinned runs): sandbox, client and page share it.
const clock = testClock();

test.beforeAll(async () => {
  product = await startE2eProduct({ name: 'sync', clock, clients: ['client'], client: { SKAERMRUM_SYNC_INTERVAL_MS: '500' } });
  app = product.clients.client;
});
test.afterAll(async () => {
  await product.stop();
});

const fhir = (path: string) => readEoj<{ status: string; total: number; entry?: { resource: { id: string } }[] }>(product.eoj.url, path);

test('with the EOJ down, three outcomes recorded in the UI arrive exactly once when it is back, and the banner clears', async ({ page }) => {
  await pinPageClock(page, clock);
  await openSignedIn(page, app.url);
  await expect(page.locator('tbody tr').first()).toBeVisible();
  await page.getByRole('button', { name: 'Hele teamet' }).click();
  await expect(page.locator('tbody tr')).toHaveCount(demoQueue(clock).length);
  // How old the day on screen is, always in view.
  const freshness = page.getByTestId('freshness');
  await expect(freshness).toHaveAttribute('data-stale', 'false');
  await expect(freshness).toContainText(/^Opdateret for \d+ s siden$/);

  await product.stopBackEnd();
  const open = page.locator('tbody tr').filter({ has: page.locator('.chip-planned') });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const row = open.nth(0);
    const id = (await row.getAttribute('data-visit-id')) as string;
    ids.push(id);
    await row.getByRole('button', { name: /^Registrér udfald for / }).click();
    await page.getByRole('radio', { name: 'Gennemført' }).check();
    await page.getByLabel('Varighed (min.)').fill('6');
    await page.getByLabel('Kort note').fill(`Offline-udfald ${i + 1}`);
    await page.getByRole('button', { name: 'Gem udfald' }).click();
    await expect(page.locator(`tr[data-visit-id="${id}"] .chip-completed`)).toBeVisible();
  }
  const banner = page.locator('[data-sync-state]');
  await expect(banner).toContainText('Ingen forbindelse til EOJ', { timeout: 20_000 });
  await expect(banner).toContainText('3 ændringer venter');
  // The view says plainly that it may be out of date, and why (the sandbox's signalling went with it).
  await expect(freshness).toHaveAttribute('data-stale', 'true');
  await expect(freshness).toContainText(/^Kan være forældet – opdateret for \d+ s siden\. EOJ kan ikke nås\. Signaleringen er nede\.$/);

  await product.startBackEnd();
  await expect(banner).toHaveCount(0, { timeout: 40_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Alle ændringer er gemt' })).toBeVisible();
  await expect(freshness).toHaveAttribute('data-stale', 'false');

  for (const id of ids) {
    expect((await fhir(`/Appointment/${id}`)).status).toBe('fulfilled');
    expect((await fhir(`/Encounter?appointment=Appointment/${id}`)).total).toBe(1);
  }
  const all = await fhir(`/Encounter?_count=1000`);
  const identifiers = new Set(
    (all.entry ?? []).map((e) =>
      JSON.stringify((e.resource as unknown as { identifier: { system: string; value: string }[] }).identifier.find((i) => i.system === MUTATION_ID_SYSTEM)),
    ),
  );
  expect(identifiers.size).toBe(all.total);
});

test('an address whose token was cut off when copied says so in Danish, instead of an empty page', async ({ page }) => {
  await page.goto(app.url.slice(0, -4));
  await expect(page.getByTestId('connection-refused')).toHaveText(/^Adgangsnøglen i adressen passer ikke/);
  // The full address works in the same tab afterwards: the wrong token was not kept.
  await page.goto(app.url);
  await expect(page.locator('.sign-in, table.queue').first()).toBeVisible();
});
