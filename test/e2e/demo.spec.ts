import { expect, test } from '@playwright/test';
import { demoDay, NORD } from '../../src-shared/demo/demoDay';
import { careDay, nextCareDay } from '../../src-shared/time/copenhagen';
import { testClock } from '../helpers/clock';
import { signInOnIdpPage } from './callFlow';
import { startE2eProduct, type E2eProduct } from './product';

// The demo `npm start` runs (SANDBOX_DEMO_SCOPE=full): four skærmenheder, each with 13 weeks of
// history, at the test's stated instant. The staff's queue is the demo day as ever; the leader's
// report reads the weeks before it.
const clock = testClock();
test.describe.configure({ mode: 'serial' });

let product: E2eProduct<'staff' | 'leader'>;

test.beforeAll(async () => {
  product = await startE2eProduct({ name: 'demo', clock, clients: ['staff', 'leader'], backEnd: { SANDBOX_DEMO_SCOPE: 'full' } });
});
test.afterAll(async () => {
  await product.stop();
});

test("the staff's queue is today's demo day of their own team, with the weeks before and the other teams in the EOJ", async ({ page }) => {
  await page.goto(product.clients.staff.url);
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();
  await signInOnIdpPage(page, 'louise');
  await page.getByRole('button', { name: 'Hele teamet' }).click();
  // Every visit of the queue is one of Nord's demo days (today's, or tomorrow's night calls): none of the history or of another team.
  const ids = new Set([careDay(clock.now()), nextCareDay(clock.now())].flatMap((d) => demoDay(d.start, { team: NORD }).visits.map((v) => v.id)));
  const rows = page.locator('table.queue tbody tr[data-visit-id]');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  const shown = await rows.evaluateAll((list) => list.map((r) => r.getAttribute('data-visit-id') ?? ''));
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.filter((id) => !ids.has(id))).toEqual([]);
});

test("the leader's report of Nord has 12 weeks of history: every week's visits, new and ended citizens", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(product.clients.leader.url);
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();
  await signInOnIdpPage(page, 'lone');
  await expect(page.getByRole('heading', { name: 'Ledelsesinformation' })).toBeVisible();
  // A leader may start on every team side by side: Nord's report is opened from its card.
  const nord = page.locator(`.team-card[data-team-id="${NORD.teamId}"]`).getByRole('button', { name: /Åbn rapporten for/ });
  const report = page.locator('table[data-table="trend"]');
  await expect(nord.or(report)).toBeVisible({ timeout: 60_000 });
  if (await nord.isVisible()) await nord.click();
  await expect(page.getByRole('status').filter({ hasText: 'Data fra EOJ' })).toBeVisible({ timeout: 60_000 });

  const numbers = (table: string, column: number) =>
    page
      .locator(`table[data-table="${table}"] tbody tr`)
      .evaluateAll((rows, c) => rows.map((r) => Number((r.children[c]?.textContent ?? '').replace(/\D/g, '') || '0')), column);
  // Planned visits (the first figure) in each of the 12 weeks.
  const planned = await numbers('trend', 1);
  expect(planned).toHaveLength(12);
  expect(planned.every((n) => n > 0)).toBe(true);
  // The flow of citizens: some began and some ended within the 12 weeks.
  const began = await numbers('flow', 2);
  const ended = await numbers('flow', 3);
  expect(began.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(ended.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(Number((await page.locator('[data-figure="done"] .tile-value').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
  expect(consoleErrors).toEqual([]);
  await context.close();
});
