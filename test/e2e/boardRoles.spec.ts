import { expect, test, type Browser, type Page } from '@playwright/test';
import { testClock } from '../helpers/clock';
import { boardRow, dropOnRow } from './boardDrag';
import { pinPageClock, readEoj } from './browserMode';
import { openSignedIn } from './callFlow';
import { startE2eProduct, type E2eProduct } from './product';

/**
 * The team lead's board against an EOJ that books staff through their PractitionerRoles (the
 * sandbox's practitioner-role mode: the role names the person, the team and the room). The
 * instant is stated: 10:00, in the day shift.
 */
test.describe.configure({ mode: 'serial' });

const clock = testClock(new Date('2026-12-02T10:00:00+01:00'));
let product: E2eProduct<'lead' | 'jonas'>;
let lead: Page;
let jonas: Page;

test.beforeAll(async ({ browser }) => {
  product = await startE2eProduct({
    name: 'board-roles',
    clock,
    clients: ['lead', 'jonas'],
    backEnd: { SANDBOX_CONFORMANCE: 'practitioner-role' },
    client: { SKAERMRUM_SYNC_INTERVAL_MS: '60000' },
  });
  lead = await page(browser, 'lead', 'Mette Skærbæk');
  jonas = await page(browser, 'jonas', 'Jonas Kvist');
});
test.afterAll(async () => {
  await product.stop();
});

async function page(browser: Browser, who: 'lead' | 'jonas', name: string): Promise<Page> {
  const p = await (await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1600, height: 1000 } })).newPage();
  await pinPageClock(p, clock);
  await openSignedIn(p, product.clients[who].url, name);
  return p;
}
type Appointment = { participant: { actor?: { reference?: string } }[] };

test('a visit booked through a role is in that person\u2019s own queue, with the room of their role', async () => {
  await jonas.getByRole('button', { name: 'Mine besøg' }).click();
  // The team's list stays on screen until Jonas's own has arrived.
  await expect(jonas.locator('table.queue')).toHaveAttribute('data-scope', 'mine');
  const rows = jonas.locator('table.queue tbody tr[data-visit-id]');
  await expect(rows.first()).toBeVisible();
  // Jonas's visits name his role, not his room: the room shown is his role's.
  const visitId = (await rows.first().getAttribute('data-visit-id')) as string;
  const booked = await readEoj<Appointment>(product.eoj.url, `/Appointment/${visitId}`);
  expect(booked.participant.map((p) => p.actor?.reference)).toContain('PractitionerRole/role-practitioner-5');
  expect(booked.participant.some((p) => p.actor?.reference?.startsWith('Location/'))).toBe(false);
  await expect(rows.first()).toContainText('Videorum 2');
});

test('a move on the board writes the target\u2019s PractitionerRole back, and the visit reaches their queue', async () => {
  await lead.getByRole('button', { name: 'Teamtavle' }).click();
  // Every staff member's row has their visits: none of the role-booked ones is left unassigned.
  await expect(boardRow(lead, 'practitioner-2').locator('.board-block').first()).toBeVisible();
  await expect(boardRow(lead, 'unassigned').locator('.board-block')).toHaveCount(0);
  const block = boardRow(lead, 'practitioner-2').locator('.board-block[aria-disabled="false"]').first();
  const visitId = (await block.getAttribute('data-visit-id')) as string;
  await dropOnRow(lead, block, boardRow(lead, 'practitioner-5'), clock);
  const confirm = lead.getByTestId('confirm-move');
  await expect(confirm).toContainText('Jonas Kvist');
  await confirm.getByRole('button', { name: 'Flyt' }).click();
  await lead.clock.resume();
  await expect(confirm).toHaveCount(0);
  await expect(jonas.locator(`tr[data-visit-id="${visitId}"]`)).toBeVisible({ timeout: 10_000 });
  const moved = await readEoj<Appointment>(product.eoj.url, `/Appointment/${visitId}`);
  const refs = moved.participant.map((p) => p.actor?.reference);
  expect(refs).toContain('PractitionerRole/role-practitioner-5');
  expect(refs.some((r) => r?.startsWith('Practitioner/'))).toBe(false);
});
