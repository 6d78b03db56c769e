import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { testClock } from '../helpers/clock';
import { boardRow, dropOnRow } from './boardDrag';
import { pinPageClock } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { openSignedIn, signInAndPair } from './callFlow';

/**
 * The team lead's board in Chromium: three staff clients (the lead and two staff
 * members, each their own browser mode and profile, as on their own PCs) against the sandbox EOJ
 * and signalling. The instant is stated: 10:00, in the day shift, so Louise has a morning to move.
 */
test.describe.configure({ mode: 'serial' });

const clock = testClock(new Date('2026-12-02T10:00:00+01:00'));
let product: E2eProduct<'lead' | 'louise' | 'jonas'>;

test.beforeAll(async () => {
  // A slow periodic pull: what arrives quickly comes by the team's hint, not by polling.
  product = await startE2eProduct({ name: 'board', clock, clients: ['lead', 'louise', 'jonas'], client: { SKAERMRUM_SYNC_INTERVAL_MS: '60000' } });
});
test.afterAll(async () => {
  await product.stop();
});

async function page(browser: Browser, who: 'lead' | 'louise' | 'jonas', name: string): Promise<Page> {
  const p = await (await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1600, height: 1000 } })).newPage();
  await pinPageClock(p, clock);
  await openSignedIn(p, product.clients[who].url, name);
  return p;
}
const mine = async (p: Page) => {
  await p.getByRole('button', { name: 'Mine besøg' }).click();
  await expect(p.getByRole('button', { name: 'Mine besøg' })).toHaveAttribute('aria-pressed', 'true');
  await expect(p.locator('table.queue')).toHaveAttribute('data-scope', 'mine');
};

let lead: Page;
let louise: Page;
let jonas: Page;

test('the board is for team leads: staff have no Teamtavle', async ({ browser }) => {
  louise = await page(browser, 'louise', 'Louise Dalgaard');
  jonas = await page(browser, 'jonas', 'Jonas Kvist');
  await expect(louise.getByRole('button', { name: 'Teamtavle' })).toHaveCount(0);
  lead = await page(browser, 'lead', 'Mette Skærbæk');
  await lead.getByRole('button', { name: 'Teamtavle' }).click();
  await expect(lead.getByTestId('board')).toBeVisible();
  await expect(boardRow(lead, 'practitioner-2')).toContainText('Louise Dalgaard');
  await expect(boardRow(lead, 'unassigned')).toContainText('Ikke fordelt');
  const violations = (await new AxeBuilder({ page: lead }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(violations.map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('a drag move: the confirm panel lists the consequences; the visit leaves Louise\u2019s queue and appears in Jonas\u2019s, with a notice to both', async () => {
  await mine(louise);
  await mine(jonas);
  const block = boardRow(lead, 'practitioner-2').locator('.board-block[aria-disabled="false"]').first();
  const visitId = (await block.getAttribute('data-visit-id')) as string;
  await expect(louise.locator(`tr[data-visit-id="${visitId}"]`)).toBeVisible();
  // The page's time stands still from the drop to the click: this is "Flyt" clicked at once after
  // the drop, inside dnd-kit's 50 ms click guard. Such a click used to be lost, the dialog staying open.
  await dropOnRow(lead, block, boardRow(lead, 'practitioner-5'), clock);
  const confirm = lead.getByTestId('confirm-move');
  await expect(confirm).toContainText('Jonas Kvist');
  // Jonas works evenings: a morning visit is outside his hours (shown, the lead decides).
  await expect(confirm.locator('[data-consequence="outside_hours"]')).toHaveText('Uden for medarbejderens arbejdstid.');
  const flyt = (await confirm.getByRole('button', { name: 'Flyt' }).boundingBox()) as { x: number; y: number; width: number; height: number };
  await lead.mouse.click(flyt.x + flyt.width / 2, flyt.y + flyt.height / 2);
  await lead.clock.resume();
  await expect(confirm).toHaveCount(0);
  await expect(boardRow(lead, 'practitioner-5').locator(`[data-visit-id="${visitId}"]`)).toBeVisible();
  await expect(jonas.locator(`tr[data-visit-id="${visitId}"]`)).toBeVisible({ timeout: 10_000 });
  await expect(louise.locator(`tr[data-visit-id="${visitId}"]`)).toHaveCount(0, { timeout: 10_000 });
  await expect(jonas.getByTestId('moved-notice')).toContainText('er flyttet til dig');
  await expect(louise.getByTestId('moved-notice')).toContainText('er flyttet til Jonas Kvist');
  // Undo puts it back.
  await lead.getByRole('button', { name: 'Fortryd sidste flytning' }).click();
  await expect(louise.locator(`tr[data-visit-id="${visitId}"]`)).toBeVisible({ timeout: 10_000 });
});

test('readable at a glance: zoom by buttons and keys, "Nu", and each visit\u2019s details on hover and focus', async () => {
  const scroller = lead.getByTestId('board-scroller');
  // 1600 px wide: two hours at once is the widest zoom that keeps a 10-minute visit's time and initials readable.
  await expect(scroller).toHaveAttribute('data-zoom', 'h2');
  await expect(lead.getByRole('button', { name: '2 timer' })).toHaveAttribute('aria-pressed', 'true');
  await lead.getByRole('button', { name: '4 timer' }).click();
  const block = boardRow(lead, 'practitioner-2').locator('.board-block').first();
  await block.scrollIntoViewIfNeeded();
  const label = (await block.getAttribute('aria-label')) as string;
  const name = /^\d\d:\d\d (.+?) – /.exec(label)?.[1] as string;
  // Hover: the full details beside the block, as a tooltip.
  await block.hover();
  const peek = lead.getByTestId('board-peek');
  await expect(peek).toHaveAttribute('role', 'tooltip');
  await expect(peek).toContainText(name);
  await expect(peek).toContainText('Forsøg');
  await expect(peek).toContainText('Opgave');
  await lead.mouse.move(5, 5);
  await expect(peek).toHaveCount(0);
  // Focus shows it too, Escape closes it; + and − zoom where the board has the focus.
  await block.focus();
  await expect(peek).toContainText(name);
  await lead.keyboard.press('Escape');
  await expect(peek).toHaveCount(0);
  await lead.keyboard.press('+');
  await expect(scroller).toHaveAttribute('data-zoom', 'h2');
  await lead.keyboard.press('-');
  await lead.keyboard.press('-');
  await expect(scroller).toHaveAttribute('data-zoom', 'h8');
  await lead.getByRole('button', { name: 'Hele døgnet' }).click();
  await expect(scroller).toHaveAttribute('data-zoom', 'day');
  // Back to two hours and away from now; "Nu" brings the now line back into view.
  await lead.getByRole('button', { name: '2 timer' }).click();
  await scroller.evaluate((el) => (el.scrollLeft = 0));
  const nowLine = lead.locator('.board-now');
  const inView = async () => {
    const line = (await nowLine.boundingBox()) as { x: number };
    const box = (await scroller.boundingBox()) as { x: number; width: number };
    return line.x > box.x + 200 && line.x < box.x + box.width;
  };
  await expect.poll(inView).toBe(false);
  await lead.getByRole('button', { name: 'Nu', exact: true }).click();
  await expect.poll(inView).toBe(true);
});

test('a keyboard-only move at the two-hour zoom: pick up with Space, a row down and half an hour on with the arrows, drop, Enter', async () => {
  await expect(lead.getByTestId('board-scroller')).toHaveAttribute('data-zoom', 'h2');
  const block = boardRow(lead, 'practitioner-2').locator('.board-block[aria-disabled="false"]').nth(1);
  const visitId = (await block.getAttribute('data-visit-id')) as string;
  const before = (await block.getAttribute('aria-label')) as string;
  // The row below Louise's, whoever it is.
  const rowIds = await lead.locator('[data-board-row]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.boardRow));
  const below = rowIds[rowIds.indexOf('practitioner-2') + 1] as string;
  const belowName = (await boardRow(lead, below).locator('.board-row-name').textContent()) as string;
  await block.focus();
  await lead.keyboard.press('Space');
  // Each step is announced to screen readers; the next key follows the announcement, as a user's would.
  const live = lead.locator('[id^="DndLiveRegion"]');
  await expect(live).toContainText('er over Louise Dalgaard');
  await lead.keyboard.press('ArrowDown');
  await expect(live).toContainText(`er over ${belowName}`);
  // Each step shows where the visit would land; past the middle of the window the day scrolls instead.
  const overlay = lead.locator('.board-block-overlay');
  const plus = (minutes: number) => {
    const [h, m] = /^(\d\d):(\d\d)/.exec(before)?.slice(1).map(Number) as [number, number];
    const at = h * 60 + m + minutes;
    return `${String(Math.floor(at / 60)).padStart(2, '0')}:${String(at % 60).padStart(2, '0')}`;
  };
  await lead.keyboard.press('ArrowRight');
  await expect(overlay).toContainText(plus(15));
  await lead.keyboard.press('ArrowRight');
  await expect(overlay).toContainText(plus(30));
  await lead.keyboard.press('Space');
  const confirm = lead.getByTestId('confirm-move');
  await expect(confirm).toContainText(belowName);
  await expect(confirm.getByRole('button', { name: 'Flyt' })).toBeFocused();
  await lead.keyboard.press('Enter');
  const moved = boardRow(lead, below).locator(`[data-visit-id="${visitId}"]`);
  await expect(moved).toBeVisible();
  // Half an hour later than before (two quarter-hour steps).
  const time = (label: string) => /^(\d\d):(\d\d)/.exec(label)?.slice(1).map(Number) as [number, number];
  const [h0, m0] = time(before);
  const [h1, m1] = time((await moved.getAttribute('aria-label')) as string);
  expect(h1 * 60 + m1 - (h0 * 60 + m0)).toBe(30);
  await expect(louise.locator(`tr[data-visit-id="${visitId}"]`)).toHaveCount(0, { timeout: 10_000 });
  // The move was announced to screen readers.
  await expect(lead.locator('[role="status"]').filter({ hasText: '1 besøg er flyttet.' })).toBeVisible();
});

test('presence: Louise in a call shows on the board as such', async ({ browser }) => {
  const citizen = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
  await pinPageClock(citizen, clock);
  const { visitId, citizenName } = await signInAndPair(louise, citizen, product.clients.louise.url, product.eoj.citizenUrl);
  await louise
    .locator(`tr[data-visit-id="${visitId}"]`)
    .getByRole('button', { name: /^Ring op til / })
    .click();
  const anyway = louise.getByRole('button', { name: 'Ring op alligevel' });
  await expect(louise.locator('[data-call-phase], .check-panel[data-verdict="warnings"]').first()).toBeVisible({ timeout: 15_000 });
  if (await anyway.isVisible()) await anyway.click();
  await expect(louise.locator('[data-call-phase="ringing"]')).toBeVisible();
  const presence = boardRow(lead, 'practitioner-2').getByTestId('presence');
  await expect(presence).toHaveText(`I samtale med ${citizenName}`, { timeout: 10_000 });
  await louise.getByRole('button', { name: 'Læg på' }).click();
  await expect(presence).toHaveText('Logget ind', { timeout: 10_000 });
  await louise.getByTestId('outcome-dialog').getByRole('button', { name: 'Annullér' }).click();
  await citizen.context().close();
});

test('a bulk move: the rest of Louise\u2019s day to nobody, in one go; what is left in her queue is what was already due', async () => {
  const startOf = (label: string | null) => {
    const [h, m] = (/^(\d\d):(\d\d)/.exec(label ?? '')?.slice(1) ?? ['0', '0']).map(Number) as [number, number];
    return h * 60 + m;
  };
  const labels = await boardRow(lead, 'practitioner-2')
    .locator('.board-block[aria-disabled="false"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
  // 10:00 is now: visits not over by then are "the rest of the day".
  const rest = labels.filter((l) => startOf(l) >= 10 * 60 - 15);
  expect(rest.length).toBeGreaterThan(0);
  await boardRow(lead, 'practitioner-2').getByRole('button', { name: 'Flyt resten af Louise Dalgaards dag' }).click();
  const dialog = lead.getByTestId('bulk-move');
  await dialog.getByLabel('Til').selectOption({ label: 'Ikke fordelt' });
  await dialog.getByRole('button', { name: 'Vis konsekvenser' }).click();
  const confirm = lead.getByTestId('confirm-move');
  await expect(confirm.getByRole('heading')).toHaveText(/^Flyt \d+ besøg på én gang\?$/);
  const count = Number(/\d+/.exec((await confirm.getByRole('heading').textContent()) ?? '')?.[0]);
  expect(count).toBeGreaterThanOrEqual(rest.length - 1);
  await confirm.getByRole('button', { name: 'Flyt' }).click();
  await expect(lead.locator('[role="status"]').filter({ hasText: `${count} besøg er flyttet.` })).toBeVisible();
  const left = await boardRow(lead, 'practitioner-2')
    .locator('.board-block[aria-disabled="false"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
  expect(left.every((l) => startOf(l) < 10 * 60)).toBe(true);
  await expect(boardRow(lead, 'unassigned').locator('.board-block')).toHaveCount(count);
  // Louise's own queue follows without a reload: only what was due before 10:00 is still hers.
  await mine(louise);
  await expect.poll(async () => await louise.locator('tbody tr:has(.chip-planned)').count(), { timeout: 10_000 }).toBe(left.length);
});

test('the list view: the same day grouped by staff member, sortable, with the same moves', async () => {
  await lead.getByRole('button', { name: 'Liste' }).click();
  const list = lead.getByTestId('board-list');
  await expect(list.locator('tbody[data-board-list-row="practitioner-2"] th[scope="rowgroup"]')).toContainText('Louise Dalgaard');
  const violations = (await new AxeBuilder({ page: lead }).include('[data-testid="board"]').analyze()).violations;
  expect(violations.map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  // Sorted by citizen within each staff member, both ways.
  const citizen = list.getByRole('columnheader', { name: /Borger/ });
  await citizen.getByRole('button').click();
  await expect(citizen).toHaveAttribute('aria-sort', 'ascending');
  const names = () => list.locator('tbody[data-board-list-row="practitioner-3"] tr[data-visit-id] td:nth-child(2)').allTextContents();
  const ascending = await names();
  expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, 'da')));
  await citizen.getByRole('button').click();
  await expect(citizen).toHaveAttribute('aria-sort', 'descending');
  expect(await names()).toEqual([...ascending].reverse());
  // A move from the list: Ahmad's visit to Jonas at 19:30, confirmed with its consequences.
  await mine(jonas);
  const row = list
    .locator('tbody[data-board-list-row="practitioner-3"] tr[data-visit-id]')
    .filter({ has: lead.getByRole('button', { name: /^Flyt / }) })
    .first();
  const visitId = (await row.getAttribute('data-visit-id')) as string;
  await row.getByRole('button', { name: /^Flyt / }).click();
  const dialog = lead.getByTestId('move-visit');
  await expect(dialog.getByLabel('Til')).toBeFocused();
  await dialog.getByLabel('Til').selectOption({ label: 'Jonas Kvist' });
  await dialog.getByLabel('Tidspunkt').fill('19:30');
  await dialog.getByRole('button', { name: 'Vis konsekvenser' }).click();
  const confirm = lead.getByTestId('confirm-move');
  await expect(confirm).toContainText('kl. 19:30, Jonas Kvist');
  await lead.keyboard.press('Enter');
  await expect(confirm).toHaveCount(0);
  await expect(list.locator(`tbody[data-board-list-row="practitioner-5"] tr[data-visit-id="${visitId}"]`)).toContainText('19:30');
  await expect(jonas.locator(`tr[data-visit-id="${visitId}"]`)).toBeVisible({ timeout: 10_000 });
});
