import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas';
import { testClock } from '../helpers/clock';
import { pinPageClock, readEoj, type RunningApp, type RunningBackEnd } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { framesDecoded, openSignedIn, ringAndAnswer, ringThroughCheck, signInAndPair } from './callFlow';

test.describe.configure({ mode: 'serial' });

let product: E2eProduct<'client'>;
let eoj: RunningBackEnd;
let app: RunningApp;
// The instant of this test (SKAERMRUM_TEST_NOW in the pinned runs). The sandbox is seeded as at the
// start of that care day, so Louise's visits are all still open (and late, the later the instant).
const clock = testClock();

test.beforeAll(async () => {
  product = await startE2eProduct({
    name: 'workflow',
    clock,
    clients: ['client'],
    client: { SKAERMRUM_SYNC_INTERVAL_MS: '500', SKAERMRUM_RETRY_INTERVAL_S: '120' },
  });
  eoj = product.eoj;
  app = product.clients.client;
});
test.afterAll(async () => {
  await product.stop();
});

const fhir = <T = { total: number; entry?: { resource: Record<string, unknown> }[] }>(path: string) => readEoj<T>(eoj.url, path);

/** No serious or critical axe violations in what is on screen now. */
async function expectAccessible(page: Page, what: string) {
  const violations = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A page in a context of its own (camera and microphone allowed), on the test's clock. */
async function pinnedPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
  await pinPageClock(page, clock);
  return page;
}

const citizenUrl = () => eoj.citizenUrl;

test('a full visit: visit panel, ring, talk, hang up, Gennemført → one Encounter (class, period, caller) and a fulfilled Appointment', async ({ browser }) => {
  const staff = await pinnedPage(browser);
  const citizen = await pinnedPage(browser);
  const { visitId, citizenName } = await signInAndPair(staff, citizen, app.url, citizenUrl());

  // The visit panel before the call.
  await staff.locator(`tr[data-visit-id="${visitId}"] button.visit-open`).click();
  const panel = staff.getByTestId('visit-panel');
  await expect(panel.getByRole('heading', { name: citizenName })).toBeVisible();
  await expect(panel).toContainText(/\d+ år/);
  await expect(panel.getByTestId('cpr')).toHaveText(/^\d{6}-xxxx$/);
  await expect(panel).toContainText('Nødkontakt');
  await expect(panel).toContainText(/\+45 \d\d/);
  await expect(panel).toContainText('Hjemmeplejen');
  await expectAccessible(staff, 'visit panel');
  // Full CPR only on an explicit click (audit-logged in the main process).
  await panel.getByRole('button', { name: 'Vis fuldt CPR' }).click();
  await expect(panel.getByTestId('cpr')).toHaveText(/^\d{6}-\d{4}$/);

  await ringAndAnswer(staff, citizen, visitId);
  await expectAccessible(staff, 'call');
  // Hung up once the citizen's video has reached the staff member (the call really took place).
  await expect.poll(() => framesDecoded(staff, '.remote-video')).toBeGreaterThan(10);
  await staff.getByRole('button', { name: 'Læg på' }).click();

  const dialog = staff.getByTestId('outcome-dialog');
  await expect(dialog).toContainText('Opkaldet er afsluttet');
  await expect(dialog.getByRole('radio', { name: 'Gennemført' })).toBeChecked();
  await expect(dialog.getByLabel('Varighed (min.)')).toHaveValue(/^\d+$/);
  await expectAccessible(staff, 'outcome');
  await dialog.getByLabel('Kort note').fill('Insulin taget, har det godt');
  await dialog.getByRole('button', { name: 'Gem udfald' }).click();
  await expect(staff.locator(`tr[data-visit-id="${visitId}"] .chip-completed`)).toBeVisible();
  await expect(staff.getByTestId('summary-done')).toContainText(/[1-9]\d* gennemført/);

  await expect.poll(async () => (await fhir<{ status: string }>(`/Appointment/${visitId}`)).status, { timeout: 20_000 }).toBe('fulfilled');
  const encounters = await fhir(`/Encounter?appointment=Appointment/${visitId}`);
  expect(encounters.total).toBe(1);
  const enc = encounters.entry?.[0]?.resource as {
    class: { code: string };
    period: { start: string; end: string };
    participant: { individual: { reference: string } }[];
    identifier: { system: string }[];
  };
  expect(enc.class.code).toBe('VR');
  expect(Date.parse(enc.period.end) - Date.parse(enc.period.start)).toBeGreaterThanOrEqual(1_000);
  expect(enc.participant[0]?.individual.reference).toBe('Practitioner/practitioner-2');
  expect(enc.identifier.some((i) => i.system === MUTATION_ID_SYSTEM)).toBe(true);
  await staff.context().close();
  await citizen.context().close();
});

test('a visit not answered is retried twice and then escalated: a Task for the home-care group in the EOJ', async ({ browser }) => {
  const staff = await pinnedPage(browser);
  await openSignedIn(staff, app.url);
  await expect(staff.getByRole('button', { name: /^Ring op til / }).first()).toBeEnabled();
  // A citizen without a paired tablet: the call ends at once as "not connected".
  const row = staff
    .locator('tbody tr')
    .filter({ has: staff.locator('.chip-planned') })
    .nth(3);
  const visitId = (await row.getAttribute('data-visit-id')) as string;
  for (const attempt of [1, 2, 3]) {
    await ringThroughCheck(staff, visitId);
    const dialog = staff.getByTestId('outcome-dialog');
    await expect(dialog).toContainText('Borgerens tablet er ikke forbundet');
    await expect(dialog.getByRole('radio', { name: 'Ikke besvaret' })).toBeChecked();
    await expect(dialog.locator('.outcome-policy')).toContainText(
      attempt < 3 ? `Forsøg ${attempt} af 3` : 'Sidste forsøg: der bestilles et fysisk besøg hos Hjemmeplejen',
    );
    await dialog.getByRole('button', { name: 'Gem udfald' }).click();
    if (attempt < 3) await expect(staff.locator(`tr[data-visit-id="${visitId}"] .chip-retry`)).toContainText(`(${attempt + 1}/3)`);
  }
  await expect(staff.locator(`tr[data-visit-id="${visitId}"] .chip-escalated`)).toHaveText('Eskaleret til fysisk besøg');
  await expect(staff.locator(`tr[data-visit-id="${visitId}"] .chip-not_answered`)).toBeVisible();

  await expect
    .poll(
      async () =>
        (await fhir(`/Task?_count=200`)).entry?.filter((e) => (e.resource.focus as { reference: string }).reference === `Appointment/${visitId}`).length ?? 0,
      { timeout: 20_000 },
    )
    .toBe(1);
  const task = (await fhir(`/Task?_count=200`)).entry
    ?.map((e) => e.resource)
    .find((t) => (t.focus as { reference: string }).reference === `Appointment/${visitId}`) as {
    priority: string;
    owner: { reference: string };
    status: string;
  };
  expect(task).toMatchObject({ priority: 'routine', status: 'requested' });
  expect(task.owner.reference).toMatch(/^CareTeam\/careteam-hjemmepleje-/);
  await expect.poll(async () => (await fhir<{ status: string }>(`/Appointment/${visitId}`)).status, { timeout: 20_000 }).toBe('noshow');
  await staff.context().close();
});

test('Akut during a call shows address and emergency contact, keeps the call, and orders an urgent physical visit', async ({ browser }) => {
  const staff = await pinnedPage(browser);
  const citizen = await pinnedPage(browser);
  const { visitId } = await signInAndPair(staff, citizen, app.url, citizenUrl());
  await ringAndAnswer(staff, citizen, visitId);
  await staff.getByRole('button', { name: 'Akut' }).click();
  const info = staff.getByTestId('urgent-info');
  await expect(info).toContainText(/Akut registreret kl\. \d\d:\d\d/);
  await expect(info).toContainText('Adresse');
  await expect(info).toContainText(/\+45 \d\d/);
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
  await expect
    .poll(
      async () =>
        (await fhir(`/Task?_count=200`)).entry?.find((e) => (e.resource.focus as { reference: string }).reference === `Appointment/${visitId}`)?.resource
          .priority,
      { timeout: 20_000 },
    )
    .toBe('stat');
  await staff.getByRole('button', { name: 'Læg på' }).click();
  const dialog = staff.getByTestId('outcome-dialog');
  await expect(dialog.getByRole('radio', { name: 'Akut' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Gem udfald' }).click();
  await expect(staff.locator(`tr[data-visit-id="${visitId}"] .chip-escalated`)).toHaveText('Akut – eskaleret');
  await expect.poll(async () => (await fhir<{ status: string }>(`/Appointment/${visitId}`)).status, { timeout: 20_000 }).toBe('fulfilled');
  // One Task only: the outcome afterwards does not order a second visit.
  expect((await fhir(`/Task?_count=200`)).entry?.filter((e) => (e.resource.focus as { reference: string }).reference === `Appointment/${visitId}`).length).toBe(
    1,
  );
  await staff.context().close();
  await citizen.context().close();
});
