import { expect, test, type Browser, type Page } from '@playwright/test';
import { formatClock } from '../../src-shared/time/copenhagen';
import { testClock } from '../helpers/clock';
import { demoAt, demoQueue } from '../helpers/demo';
import { pinPageClock, type RunningApp } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { openSignedIn } from './callFlow';

/**
 * The notice a minute before each call and each retry, in Chromium at the test instant: the
 * sandbox and the client run on the test clock; Playwright's clock moves the page on to one minute
 * before the call.
 */
test.describe.configure({ mode: 'serial' });

const RETRY_INTERVAL_S = 180;
const clock = testClock();
// The next call more than two minutes ahead, and whoever makes it (at 23:58 the night shift's 00:40).
function callAhead() {
  const next = demoQueue(clock).find((v) => v.status === 'planned' && Date.parse(v.start) > clock.nowMs() + 2 * 60_000);
  const me = demoAt(clock).staff.find((s) => s.practitionerId === next?.practitioner?.id);
  if (!next || !me) throw new Error('the demo queue has no call ahead');
  return { next, me };
}
const { next, me } = callAhead();

let product: E2eProduct<'client'>;
let app: RunningApp;

test.beforeAll(async () => {
  product = await startE2eProduct({
    name: 'upcoming',
    clock,
    clients: ['client'],
    // Seeded as it stands at the instant: what is past is done, what is ahead is planned.
    backEnd: { SANDBOX_DEMO_AS_OF: 'now' },
    // The page clock jumps ahead to the notices, which is idle time: no idle lock here (auth.spec tests it).
    client: { SKAERMRUM_RETRY_INTERVAL_S: String(RETRY_INTERVAL_S), SKAERMRUM_LOCK_AFTER_MIN: '0' },
  });
  app = product.clients.client;
});
test.afterAll(async () => {
  await product.stop();
});

async function signedInPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
  await pinPageClock(page, clock);
  await openSignedIn(page, app.url, me.name);
  await expect(page.locator(`tr[data-visit-id="${next.id}"]`)).toBeVisible();
  return page;
}

test('a minute before a call the staff member gets a notice with one-click ring', async ({ browser }) => {
  const page = await signedInPage(browser);
  const notice = page.getByTestId('upcoming').filter({ hasText: next.citizen.name });
  await expect(notice).toHaveCount(0);
  // On to 55 s before the call (the notice looks every 5 s).
  await page.clock.fastForward(Date.parse(next.start) - clock.nowMs() - 55_000);
  await expect(notice).toHaveText(new RegExp(`^Om 1 minut: ${next.citizen.name} – ${next.task.type} kl\\. ${formatClock(next.start)}`));
  await expect(page.getByRole('status').filter({ has: notice })).toHaveAttribute('aria-live', 'polite');
  // One click rings (the quick device check first: fake devices are no headset, accepted once).
  await notice.getByRole('button', { name: 'Ring op' }).click();
  const anyway = page.getByRole('button', { name: 'Ring op alligevel' });
  await expect(page.locator('[data-call-phase], .check-panel[data-verdict="warnings"], [data-testid="outcome-dialog"]').first()).toBeVisible({
    timeout: 15_000,
  });
  if (await anyway.isVisible()) await anyway.click();
  // No tablet is paired for the citizen: the call ends at once and asks for the outcome of this visit.
  const dialog = page.getByTestId('outcome-dialog');
  await expect(dialog).toContainText('Borgerens tablet er ikke forbundet');
  await expect(dialog).toContainText(next.citizen.name);
  await page.context().close();
});

test('at 1280×720 the notice leaves the pairing panel free: its buttons stay clickable', async ({ browser }) => {
  const page = await (await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 720 } })).newPage();
  await pinPageClock(page, clock);
  await openSignedIn(page, app.url, me.name);
  const row = page.locator(`tr[data-visit-id="${next.id}"]`);
  await row.getByRole('button', { name: `Par tablet for ${next.citizen.name}` }).click();
  await expect(page.getByTestId('pair-code')).toBeVisible();
  await page.clock.fastForward(Date.parse(next.start) - clock.nowMs() - 55_000);
  const notice = page.getByTestId('upcoming').filter({ hasText: next.citizen.name });
  await expect(notice).toBeVisible();
  const a = (await notice.boundingBox()) as { x: number; y: number; width: number; height: number };
  const b = (await page.locator('.call-panel').boundingBox()) as { x: number; y: number; width: number; height: number };
  expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  // Not covered: the click reaches "Luk" (before, the notice's "Åbn" took it).
  await page.getByRole('button', { name: 'Luk' }).click();
  await expect(page.getByTestId('pair-code')).toHaveCount(0);
  await page.context().close();
});

test('a minute before a retry the notice comes again, with the retry time', async ({ browser }) => {
  const page = await signedInPage(browser);
  // Not answered: the visit is to be called again in three minutes.
  await page
    .locator(`tr[data-visit-id="${next.id}"]`)
    .getByRole('button', { name: /^Registrér udfald for / })
    .click();
  const dialog = page.getByTestId('outcome-dialog');
  await dialog.getByRole('radio', { name: 'Ikke besvaret' }).check();
  await dialog.getByRole('button', { name: 'Gem udfald' }).click();
  const chip = page.locator(`tr[data-visit-id="${next.id}"] .chip-retry`);
  await expect(chip).toContainText('(2/3)');
  const retryAt = (/kl\. (\d\d:\d\d)/.exec((await chip.textContent()) ?? '') ?? [])[1];
  const notice = page.getByTestId('upcoming').filter({ hasText: `Nyt forsøg om 1 minut: ${next.citizen.name}` });
  await expect(notice).toHaveCount(0);
  await page.clock.fastForward((RETRY_INTERVAL_S - 58) * 1000);
  await expect(notice).toContainText(`kl. ${retryAt}`);
  await expect(notice.getByRole('button', { name: 'Ring op' })).toBeEnabled();
  await page.context().close();
});
