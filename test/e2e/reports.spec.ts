import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import type { FhirResource } from '../../src-shared/fhir/schemas';
import { systemClock } from '../../src-shared/time/clock';
import { eojToken } from '../helpers/idp';
import { connectApi } from '../helpers/wsClient';
import { readEoj, type RunningApp, type RunningBackEnd } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { ringAndAnswer, signInAndPair, signInOnIdpPage } from './callFlow';

// The citizen's verdict after a call ends up in the leader's report. Media and TURN run on the
// machine's clock (as the call tests do); the report covers the week of that instant.
const CLOCK = systemClock;
test.describe.configure({ mode: 'serial' });

let product: E2eProduct<'staff' | 'leader'>;
let eoj: RunningBackEnd;
let staffApp: RunningApp;
let leaderApp: RunningApp;

test.beforeAll(async () => {
  product = await startE2eProduct({ name: 'reports', clock: CLOCK, clients: ['staff', 'leader'], client: { SKAERMRUM_SYNC_INTERVAL_MS: '1000' } });
  eoj = product.eoj;
  ({ staff: staffApp, leader: leaderApp } = product.clients);
});
test.afterAll(async () => {
  await product.stop();
});

const axeSerious = async (page: Page) =>
  (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);

test('after a call the tablet shows three faces; one tap reaches the EOJ as a QuestionnaireResponse on the Encounter', async ({ browser }) => {
  const staffContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const citizenContext = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1280, height: 800 } });
  const staff = await staffContext.newPage();
  const citizen = await citizenContext.newPage();
  const { visitId } = await signInAndPair(staff, citizen, staffApp.url, eoj.citizenUrl);
  // A staff member has no Ledelsesinformation: no button, and the API refuses it.
  await expect(staff.getByRole('button', { name: 'Ledelsesinformation' })).toHaveCount(0);
  const url = new URL(staffApp.url);
  const { api, close } = connectApi(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`, url.origin);
  await expect(api.reports.get({ query: { period: { kind: 'week', from: '2026-12-02' }, filters: {} } })).rejects.toThrow(/rolle giver ikke adgang/);
  await close();

  await ringAndAnswer(staff, citizen, visitId);
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
  await staff.getByRole('button', { name: 'Læg på' }).click();

  await expect(citizen.getByRole('heading', { name: 'Hvordan var det?' })).toBeVisible();
  for (const face of ['Godt', 'Okay', 'Dårligt']) await expect(citizen.getByRole('button', { name: face })).toBeVisible();
  const box = await citizen.getByRole('button', { name: 'Godt' }).boundingBox();
  expect(box?.height ?? 0).toBeGreaterThan(200); // very large, for old hands and eyes
  expect(await axeSerious(citizen)).toEqual([]);
  await citizen.getByRole('button', { name: 'Godt' }).click();
  await expect(citizen.getByRole('heading', { name: 'Tak for dit svar.' })).toBeVisible();

  const dialog = staff.getByTestId('outcome-dialog');
  await expect(dialog.getByRole('radio', { name: 'Gennemført' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Gem udfald' }).click();

  type Bundle = {
    entry?: { resource: { id: string; status: string; encounter?: { reference: string }; item?: { answer?: { valueCoding?: { code: string } }[] }[] } }[];
  };
  await expect
    .poll(
      async () =>
        (await readEoj<Bundle>(eoj.url, '/QuestionnaireResponse?questionnaire=https://skaermrum.dk/fhir/Questionnaire/screen-visit-satisfaction')).entry
          ?.length ?? 0,
      { timeout: 30_000 },
    )
    .toBe(1);
  const response = (await readEoj<Bundle>(eoj.url, '/QuestionnaireResponse')).entry?.[0]?.resource;
  expect(response?.status).toBe('completed');
  expect(response?.item?.[0]?.answer?.[0]?.valueCoding?.code).toBe('good');
  const encounters = await readEoj<Bundle>(eoj.url, `/Encounter?appointment=Appointment/${visitId}`);
  expect(response?.encounter?.reference).toBe(`Encounter/${encounters.entry?.[0]?.resource.id}`);
  await staffContext.close();
  await citizenContext.close();
});

test("the leader's report: charts with their tables, filters change the figures, the verdict is counted, CSV downloads, axe clean", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  const page = await context.newPage();
  // Any console error on this view fails the test: a CSP refusal of Plot's inline styles was one,
  // and an unhandled refusal of the care staff's problem lists (a leader has none) another.
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(leaderApp.url);
  await page.getByRole('button', { name: 'Log ind', exact: true }).click();
  await signInOnIdpPage(page, 'lone');
  // A leader's only view is the report; it starts on all teams, and opens her own team from there.
  await expect(page.getByRole('heading', { name: 'Ledelsesinformation' })).toBeVisible();
  await expect(page.locator('table.queue')).toHaveCount(0);
  await page
    .locator('.team-card[data-team-id="team-skaermenhed-nord"]')
    .getByRole('button', { name: /Åbn rapporten for/ })
    .click({ timeout: 30_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Data fra EOJ' })).toBeVisible({ timeout: 30_000 });

  const planned = page.locator('[data-figure="planned"] .tile-value');
  const before = Number((await planned.textContent())?.replace(/\D/g, ''));
  expect(before).toBeGreaterThan(0);
  // Each chart is an SVG image with a name, beside its table.
  await expect(page.locator('.report-chart svg[role="img"]').first()).toBeVisible();
  expect(await page.locator('.report-chart svg[role="img"]').count()).toBeGreaterThanOrEqual(3);
  const satisfaction = page.locator('table[data-table="satisfaction"]');
  await expect(satisfaction.getByRole('row', { name: /Godt/ })).toContainText('1');
  await expect(page.locator('[data-figure="goodShare"] .tile-value')).toHaveText('100,0 %');
  expect(await axeSerious(page)).toEqual([]);

  // A filter: one staff member's visits are fewer than the team's.
  const staffFilter = page.getByLabel('Medarbejder');
  const firstStaff = await staffFilter.locator('option').nth(1).getAttribute('value');
  await staffFilter.selectOption(firstStaff ?? '');
  await expect.poll(async () => Number((await planned.textContent())?.replace(/\D/g, ''))).toBeLessThan(before);
  await staffFilter.selectOption('*');
  await expect.poll(async () => Number((await planned.textContent())?.replace(/\D/g, ''))).toBe(before);

  // The CSV equals the screen: the planned figure read back with a CSV parser.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Hent CSV' }).click()]);
  const rows: string[][] = parse(readFileSync((await download.path()) as string), {
    delimiter: ';',
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  expect(Number(rows.find((r) => r[0] === 'Planlagte skærmbesøg')?.[1])).toBe(before);

  // Danish conventions in the export: the time of the data in Copenhagen time.
  expect(rows.find((r) => r[0] === 'Data hentet fra EOJ')?.[1]).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}\.\d{2}$/);
  // The legends keep Plot's layout from our stylesheet: swatches side by side.
  await expect(page.locator('.report-chart .plot-swatches-wrap').first()).toHaveCSS('display', 'flex');
  expect(consoleErrors).toEqual([]);

  // Laid out for the smallest screen and printable: nothing overflows sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.report-filters')).toBeHidden();
  await context.close();
});

/**
 * Three more skærmenheder in the EOJ, with visits in a stated week (3–9 March 2025, far from the
 * demo's days): what each card must show is counted here from the visits written.
 */
const WEEK = { monday: '2025-03-03', anyDay: '2025-03-05' };
const EXTRA_TEAMS = [
  { name: 'Skærmenhed Havnen', visits: ['fulfilled', 'fulfilled', 'fulfilled', 'noshow'] },
  { name: 'Skærmenhed Skoven', visits: ['fulfilled', 'fulfilled'] },
  { name: 'Skærmenhed Bakken', visits: ['booked'] },
] as const;

/** Creates a resource in the EOJ (which chooses its id) and returns its id. */
async function createInEoj(resource: FhirResource): Promise<string> {
  const token = await eojToken(eoj.url, 'mette');
  const res = await fetch(`${eoj.url}/${resource.resourceType}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  expect(res.status, resource.resourceType).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

test("the leader's overview: every team side by side, one opened by keyboard and back, exported, axe clean", async ({ browser }) => {
  const ids = new Map<string, string>();
  for (const team of EXTRA_TEAMS) {
    const teamId = await createInEoj({ resourceType: 'HealthcareService', active: true, name: team.name });
    ids.set(team.name, teamId);
    for (const [i, status] of team.visits.entries()) {
      const patient = await createInEoj({ resourceType: 'Patient', name: [{ text: `Borger ${i + 1}` }] });
      await createInEoj({
        resourceType: 'Appointment',
        status,
        start: `2025-03-0${4 + i}T09:00:00+01:00`,
        end: `2025-03-0${4 + i}T09:15:00+01:00`,
        participant: [
          { actor: { reference: `Patient/${patient}`, display: `Borger ${i + 1}` }, status: 'accepted' },
          { actor: { reference: `HealthcareService/${teamId}`, display: team.name }, status: 'accepted' },
        ],
      });
    }
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  // The leader may still be signed in on this PC from the test before: then she is asked to pick herself.
  await page.goto(leaderApp.url);
  await page.locator('.sign-in, .reports').first().waitFor();
  const logIn = page.getByRole('button', { name: 'Log ind', exact: true });
  const me = page.getByRole('button', { name: /Lone/ });
  if (await logIn.isVisible()) {
    await logIn.click();
    await signInOnIdpPage(page, 'lone');
  } else if (await me.isVisible()) await me.click();
  await expect(page.getByRole('heading', { name: 'Alle teams' })).toBeVisible({ timeout: 30_000 });

  // The stated week, through the period picker.
  const day = page.getByLabel('Dato i perioden');
  await day.fill(WEEK.anyDay);
  await day.blur();
  await expect(page.getByRole('status').filter({ hasText: '03-03-2025 – 09-03-2025' })).toBeVisible({ timeout: 30_000 });

  // Every team the EOJ lists has a card: the demo's own team and the three written here.
  const card = (name: string) => page.locator(`.team-card[data-team-id="${ids.get(name) ?? name}"]`);
  await expect(card('team-skaermenhed-nord')).toBeVisible();
  for (const team of EXTRA_TEAMS) {
    const figure = (name: string) => card(team.name).locator(`[data-figure="${name}"] dd`);
    await expect(figure('planned')).toHaveText(String(team.visits.length));
    await expect(figure('done')).toHaveText(String(team.visits.filter((v) => v === 'fulfilled').length));
    await expect(figure('notAnswered')).toHaveText(String(team.visits.filter((v) => v === 'noshow').length));
    await expect(card(team.name).locator('.report-chart svg[role="img"]')).toHaveAttribute('aria-label', `Gennemførte besøg pr. uge, 12 uger: ${team.name}`);
  }
  // Side by side on the smallest screen: the first four cards on one row, nothing scrolls sideways.
  const tops = await page.locator('.team-card').evaluateAll((cards) => cards.slice(0, 4).map((c) => Math.round(c.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  expect(await axeSerious(page)).toEqual([]);

  // The overview as CSV: a row per team, the figures of its card.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Hent CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('skaermrum-teams-2025-03-03-2025-03-09.csv');
  const rows: string[][] = parse(readFileSync((await download.path()) as string), {
    delimiter: ';',
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  expect(rows.find((r) => r[0] === 'Skærmenhed Havnen')?.slice(1, 4)).toEqual(['4', '3', '1']);

  // One team's report, opened by keyboard, for the same week; and back to all teams.
  const open = card('Skærmenhed Havnen').getByRole('button', { name: 'Åbn rapporten for Skærmenhed Havnen' });
  await open.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-figure="planned"] .tile-value')).toHaveText('4', { timeout: 30_000 });
  await expect(page.locator('[data-figure="done"] .tile-value')).toHaveText('3');
  await expect(page.getByRole('combobox', { name: /^Team/ })).toHaveValue(ids.get('Skærmenhed Havnen') ?? '');
  expect(await axeSerious(page)).toEqual([]);
  await page.getByRole('button', { name: 'Tilbage til alle teams' }).click();
  await expect(card('Skærmenhed Skoven').locator('[data-figure="done"] dd')).toHaveText('2');
  expect(consoleErrors).toEqual([]);
  await context.close();
});
