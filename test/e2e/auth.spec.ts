import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { AsyncEntry } from '@napi-rs/keyring';
import { SESSION_KEYCHAIN_SERVICE } from '../../src-main/auth/refreshVault';
import { testClock } from '../helpers/clock';
import { connectApi } from '../helpers/wsClient';
import { pinPageClock, type RunningApp } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { openSignedIn, signInOnIdpPage } from './callFlow';

/**
 * Sign-in at the sandbox's real OpenID provider in Chromium, through browser mode's callback; the
 * idle lock and "Skift bruger" on a shared video-room PC. The instant is stated: 10:00, a day shift.
 */
test.describe.configure({ mode: 'serial' });

const clock = testClock(new Date('2026-12-02T10:00:00+01:00'));
/** The room PC's refresh token as the OS keychain holds it. */
const keptRefreshToken = () => new AsyncEntry(SESSION_KEYCHAIN_SERVICE, product.profiles.room, { linux: { store: 'secret-service' } }).getPassword();
let product: E2eProduct<'room' | 'lead'>;
let room: RunningApp;
let leadApp: RunningApp;

test.beforeAll(async () => {
  product = await startE2eProduct({
    name: 'auth',
    clock,
    clients: ['room', 'lead'],
    client: { SKAERMRUM_SYNC_INTERVAL_MS: '60000', SKAERMRUM_LOCK_AFTER_MIN: '2' },
  });
  ({ room, lead: leadApp } = product.clients);
});
test.afterAll(async () => {
  await product.stop();
});

async function newPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 1400, height: 900 } })).newPage();
  await pinPageClock(page, clock);
  return page;
}
async function axe(page: Page) {
  const violations = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(violations.map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
const api = (app: RunningApp) => {
  const url = new URL(app.url);
  return connectApi(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`, url.origin);
};

let page: Page;
let citizenName: string;

test('sign in with the keyboard only, through the IdP’s page; the sign-in screens are axe clean', async ({ browser }) => {
  page = await newPage(browser);
  await page.goto(room.url);
  const signIn = page.getByRole('button', { name: 'Log ind', exact: true });
  await expect(signIn).toBeVisible();
  await axe(page);
  for (let i = 0; i < 10 && !(await signIn.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(signIn).toBeFocused();
  await page.keyboard.press('Enter');
  // The IdP's own page: the user name has focus.
  await expect(page.getByLabel('Brugernavn')).toBeFocused();
  await axe(page);
  await page.keyboard.type('louise');
  await page.keyboard.press('Tab');
  await page.keyboard.type('skaermrum');
  await page.keyboard.press('Enter');
  await expect(page.locator('table.queue')).toBeVisible();
  await expect(page.locator('.app-header')).toContainText('Louise Dalgaard');
  citizenName = ((await page.locator('table.queue tbody tr th').first().textContent()) ?? '').trim();
  expect(citizenName.length).toBeGreaterThan(3);
  // The refresh token is in the OS keychain under the room PC's profile.
  expect(await keptRefreshToken()).toEqual(expect.any(String));
});

test('a team lead sees "Teamtavle", a staff member does not, and the API refuses it to staff', async ({ browser }) => {
  await expect(page.getByRole('button', { name: 'Teamtavle' })).toHaveCount(0);
  const staffApi = api(room);
  try {
    await expect(staffApi.api.board.day({})).rejects.toThrow(/Din rolle giver ikke adgang/);
  } finally {
    await staffApi.close();
  }
  const lead = await newPage(browser);
  await openSignedIn(lead, leadApp.url, 'Mette Skærbæk');
  await lead.getByRole('button', { name: 'Teamtavle' }).click();
  await expect(lead.getByTestId('board')).toBeVisible();
  await lead.context().close();
});

test('after two idle minutes the screen locks: no names, no CPR in the page, the API refuses; unlocking goes by the IdP', async () => {
  await page.locator('table.queue tbody tr button.visit-open').first().click();
  await expect(page.getByTestId('cpr')).toHaveText(/^\d{6}-xxxx$/);
  await page.clock.fastForward('02:31');
  const lock = page.getByTestId('lock-screen');
  await expect(lock).toBeVisible();
  const text = await page.locator('body').innerText();
  expect(text).not.toContain(citizenName);
  expect(text).not.toContain('Louise Dalgaard');
  expect(text).not.toMatch(/\d{6}-?(\d{4}|xxxx)/);
  expect(await page.getByTestId('cpr').count()).toBe(0);
  expect(await page.locator('table.queue').count()).toBe(0);
  const roomApi = api(room);
  try {
    await expect(roomApi.api.queue.today({ scope: 'mine' })).rejects.toThrow(/Log ind/);
  } finally {
    await roomApi.close();
  }
  await axe(page);
  // The IdP's SSO session makes unlocking one click: no password form.
  await lock.getByRole('button', { name: 'Lås op' }).click();
  await expect(page.locator('table.queue')).toBeVisible();
  await expect(page.locator('table.queue')).toContainText(citizenName);
});

test('"Skift bruger" leaves nothing of the first user on screen or in the keychain; the next one types a password', async () => {
  await page.getByRole('button', { name: 'Skift bruger' }).click();
  await expect(page.getByRole('button', { name: 'Log ind', exact: true })).toBeVisible();
  const text = await page.locator('body').innerText();
  expect(text).not.toContain(citizenName);
  expect(text).not.toContain('Louise Dalgaard');
  expect(await keptRefreshToken()).toBeNull();
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();
  // Not the SSO session: the IdP asks for a password again.
  await expect(page.getByLabel('Brugernavn')).toBeVisible();
  await signInOnIdpPage(page, 'ahmad');
  await expect(page.locator('.app-header')).toContainText('Ahmad Rahimi');
  await expect(page.locator('table.queue')).toBeVisible();
});
