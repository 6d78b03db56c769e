import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { testClock } from '../helpers/clock';
import { pinPageClock } from './browserMode';
import { openSignedIn } from './callFlow';
import { startE2eProduct, type E2eProduct } from './product';

/**
 * "Hvem har set oplysninger om denne borger?" in Chromium against the sandbox EOJ: the team lead
 * reveals a citizen's CPR number, then asks who has seen the citizen's information and finds that
 * entry (sent to the EOJ as an AuditEvent and read back from there), exports the list as CSV, all
 * with the keyboard usable, axe clean, at 1280×720.
 */
test.describe.configure({ mode: 'serial' });

const clock = testClock(new Date('2026-12-02T10:00:00+01:00'));
let product: E2eProduct<'lead'>;
let lead: Page;

test.beforeAll(async () => {
  product = await startE2eProduct({ name: 'audit', clock, clients: ['lead'], client: { SKAERMRUM_SYNC_INTERVAL_MS: '60000' } });
});
test.afterAll(async () => {
  await product.stop();
});

const axeSerious = async (page: Page) =>
  (await new AxeBuilder({ page }).analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

test('the lead reveals a citizen’s CPR number, then sees it under "Hvem har set oplysninger?", newest first, in Danish time', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  lead = await context.newPage();
  await pinPageClock(lead, clock);
  await openSignedIn(lead, product.clients.lead.url, 'Mette Skærbæk');
  const row = lead.locator('table.queue tbody tr').first();
  const name = ((await row.locator('th').textContent()) ?? '').trim();
  await row.locator('button.visit-open').click();
  const panel = lead.getByTestId('visit-panel');
  await panel.getByRole('button', { name: 'Vis fuldt CPR' }).click();
  await expect(panel.getByTestId('cpr')).toHaveText(/^\d{6}-\d{4}$/);

  const opener = panel.getByRole('button', { name: 'Hvem har set oplysninger?' });
  await opener.focus();
  await lead.keyboard.press('Enter');
  const dialog = lead.getByTestId('audit-trail');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: `Hvem har set oplysninger om ${name}?` })).toBeFocused();
  const reveal = dialog.locator('tr[data-action="citizen.cpr_revealed"]').first();
  await expect(reveal).toBeVisible({ timeout: 15_000 });
  const cells = await reveal.locator('td').allTextContents();
  expect(cells.slice(1, 4)).toEqual(['Mette Skærbæk', 'Teamleder', 'Så fuldt CPR-nummer']);
  expect(cells[0]).toMatch(/^02-12-2026 \d{2}\.\d{2}$/);
  expect(cells[6]).toBe('Gennemført');
  // Opening the list is recorded too, and is the newest.
  await expect(dialog.locator('tbody tr').first()).toHaveAttribute('data-action', 'audit.viewed');
  // The whole dialog inside the 1280×720 window.
  const box = (await dialog.boundingBox()) as { x: number; y: number; width: number; height: number };
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(720);
  expect(box.x + box.width).toBeLessThanOrEqual(1280);
  expect(await axeSerious(lead)).toEqual([]);
});

test('the keyboard stays in the dialog, Escape closes it and returns to the button', async () => {
  const dialog = lead.getByTestId('audit-trail');
  // Tab from the heading goes round the dialog's own controls, never out to the page behind.
  for (let i = 0; i < 6; i++) {
    await lead.keyboard.press('Tab');
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  await lead.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(lead.getByTestId('visit-panel')).toBeVisible();
  await expect(lead.getByRole('button', { name: 'Hvem har set oplysninger?' })).toBeFocused();
});

test('the CSV for the data-protection officer holds what the screen shows, and the export is recorded', async () => {
  await lead.keyboard.press('Enter');
  const dialog = lead.getByTestId('audit-trail');
  await expect(dialog.locator('tr[data-action="citizen.cpr_revealed"]').first()).toBeVisible({ timeout: 15_000 });
  const [download] = await Promise.all([
    lead.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Hent CSV til databeskyttelsesrådgiveren' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^skaermrum-hvem-har-set-.+\.csv$/);
  const bytes = readFileSync((await download.path()) as string);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows: string[][] = parse(bytes, { delimiter: ';', bom: true, relax_column_count: true, skip_empty_lines: true });
  const header = rows.findIndex((r) => r[0] === 'Tidspunkt');
  expect(rows[header]).toEqual(['Tidspunkt', 'Medarbejder', 'Rolle', 'Handling', 'Videorum', 'Rum-pc', 'Udfald']);
  const entries = rows.slice(header + 1);
  expect(entries.find((r) => r[3] === 'Så fuldt CPR-nummer')?.slice(1, 3)).toEqual(['Mette Skærbæk', 'Teamleder']);
  expect(entries[0]?.[3]).toBe('Eksporterede listen over hvem der har set oplysninger');
  expect(bytes.toString('utf8')).not.toMatch(/\d{6}-?\d{4}/);
  // Closed and opened again: the export is in the list.
  await dialog.getByRole('button', { name: 'Luk' }).click();
  await lead.getByRole('button', { name: 'Hvem har set oplysninger?' }).click();
  await expect(lead.getByTestId('audit-trail').locator('tr[data-action="audit.exported"]')).toHaveCount(1, { timeout: 15_000 });
  expect(await axeSerious(lead)).toEqual([]);
});
