import { expect, test, type Browser, type Page } from '@playwright/test';
import { testClock } from '../helpers/clock';
import { pinPageClock, type RunningApp, type RunningBackEnd } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { openSignedIn, ringThroughCheck, signInAndPair } from './callFlow';

/**
 * The staff screen laid out for the video rooms it is used in (1280×720 up to 1920×1080 and more):
 * the queue, the visit panel, the call and the outcome form never overlap each other, no text
 * overflows its box, and no word is broken in the middle ("Kompressionsstrømper"). Layout
 * assertions, not pixels; a screenshot of each is kept in test-results for a person to look at.
 */
test.describe.configure({ mode: 'serial' });

const clock = testClock(new Date('2026-12-02T10:00:00+01:00'));
let product: E2eProduct<'client' | 'lead'>;
let eoj: RunningBackEnd;
let app: RunningApp;

test.beforeAll(async () => {
  product = await startE2eProduct({ name: 'layout', clock, clients: ['client', 'lead'] });
  eoj = product.eoj;
  app = product.clients.client;
});
test.afterAll(async () => {
  await product.stop();
});

interface LayoutReport {
  overlaps: string[];
  overflowing: string[];
  brokenWords: string[];
  outside: string[];
}

/** Measures what is on screen: which regions overlap, which boxes overflow, which words wrap inside. */
function measure(page: Page, regions: string[], contained: string[]): Promise<LayoutReport> {
  return page.evaluate(
    ([regionSelectors, containedSelectors]) => {
      const visible = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
      };
      const boxes = (regionSelectors as string[]).flatMap((sel) =>
        [...document.querySelectorAll(sel)].filter(visible).map((el) => ({ sel, r: el.getBoundingClientRect() })),
      );
      const overlaps: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.r;
          const b = boxes[j]!.r;
          if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
            overlaps.push(`${boxes[i]!.sel} × ${boxes[j]!.sel}`);
        }
      const textSelectors = 'td, th, button, .chip, .late, .marker, dd, dt, h2, h3, label, .task-type, .task-description, .call-status';
      const overflowing = [...document.querySelectorAll(textSelectors)]
        .filter(visible)
        .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'hidden')
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.textContent?.slice(0, 40)}`);
      // A word whose characters land on two lines was broken in the middle.
      const brokenWords: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || !visible(parent) || parent.closest('[aria-hidden="true"], .board, option, select')) continue;
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/\S{4,}/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) brokenWords.push(m[0]);
        }
      }
      // Fully on screen; a selector ending in " ↔" only across (the queue scrolls down, never sideways).
      const outside = (containedSelectors as string[]).flatMap((entry) => {
        const across = entry.endsWith(' ↔');
        const sel = across ? entry.slice(0, -2) : entry;
        return [...document.querySelectorAll(sel)].filter(visible).flatMap((el) => {
          const r = el.getBoundingClientRect();
          const x = r.left < -1 || r.right > innerWidth + 1;
          const y = r.top < -1 || r.bottom > innerHeight + 1;
          return x || (!across && y) ? [entry] : [];
        });
      });
      return { overlaps, overflowing, brokenWords: [...new Set(brokenWords)], outside };
    },
    [regions, contained] as const,
  );
}

const REGIONS = ['.queue-wrap', '.visit-panel', '.call-stage'];
const clean = { overlaps: [], overflowing: [], brokenWords: [], outside: [] };

async function staffPage(browser: Browser, width: number, height: number): Promise<Page> {
  const page = await (await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width, height } })).newPage();
  await pinPageClock(page, clock);
  return page;
}

for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  test(`at ${width}×${height}: queue, visit panel, call and outcome form, nothing overlapping, overflowing or broken mid-word`, async ({ browser }) => {
    const staff = await staffPage(browser, width, height);
    const citizen = await staffPage(browser, 1024, 768);
    const { visitId } = await signInAndPair(staff, citizen, app.url, eoj.citizenUrl);
    const shot = (what: string) => staff.screenshot({ path: test.info().outputPath(`${what}-${width}x${height}.png`) });

    // The queue alone, with a long task name in view.
    await staff.getByRole('button', { name: 'Hele teamet' }).click();
    const long = staff.locator('tbody tr').filter({ hasText: 'Kompressionsstrømper' }).first();
    await long.scrollIntoViewIfNeeded();
    await shot('queue');
    expect(await measure(staff, REGIONS, ['table.queue ↔'])).toEqual(clean);

    // With a visit panel open beside it.
    await long.locator('button.visit-open').click();
    await expect(staff.getByTestId('visit-panel')).toBeVisible();
    await shot('visit-panel');
    expect(await measure(staff, REGIONS, ['table.queue ↔', '.visit-panel ↔'])).toEqual(clean);
    // The queue keeps this width through the call: its columns follow its width, so a change would
    // lay out every row again just as the call starts.
    const queueWidth = () => staff.locator('.queue-wrap').evaluate((e) => e.getBoundingClientRect().width);
    const besidePanel = await queueWidth();

    // In a call: the stage above the queue, the visit's facts beside both.
    await staff.getByRole('button', { name: 'Mit rum' }).click();
    await ringThroughCheck(staff, visitId);
    await expect(staff.locator('[data-call-phase="ringing"]')).toBeVisible();
    await citizen.getByRole('button', { name: 'Tag telefonen' }).click();
    await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
    await shot('call');
    const inCall = await measure(staff, REGIONS, ['.call-stage .call-controls']);
    expect(inCall).toEqual(clean);
    expect(await queueWidth()).toBe(besidePanel);
    const stage = (await staff.locator('.call-stage').boundingBox()) as { width: number };
    const panel = (await staff.getByTestId('visit-panel').boundingBox()) as { width: number };
    expect(stage.width).toBeGreaterThan(panel.width);

    // The outcome form after the call, fully on screen.
    await staff.getByRole('button', { name: 'Læg på' }).click();
    await expect(staff.getByTestId('outcome-dialog')).toBeVisible();
    await shot('outcome');
    expect(await measure(staff, [], ['[data-testid="outcome-dialog"]'])).toEqual(clean);
    await staff.getByTestId('outcome-dialog').getByRole('button', { name: 'Annullér' }).click();
    await expect(staff.locator('.workspace.has-panel')).toBeVisible();
    expect(await queueWidth()).toBe(besidePanel);
    await staff.context().close();
    await citizen.context().close();
  });
}

/** The tablets citizens answer on: landscape and portrait, small and large. */
const TABLETS = [
  [1024, 768],
  [768, 1024],
  [1280, 800],
  [800, 1280],
] as const;

/** What of the tablet's screen is not fully in view: a control, the heading or a message, or the page itself taller than the screen. */
function offScreen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('button, input, h1, [role="status"], [role="alert"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1)
        out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" at ${Math.round(r.top)}–${Math.round(r.bottom)}`);
    }
    const height = document.documentElement.scrollHeight;
    if (height > innerHeight + 1) out.push(`the page is ${height} px high`);
    return out;
  });
}

async function fitsEveryTablet(page: Page, screen: string): Promise<void> {
  for (const [width, height] of TABLETS) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: test.info().outputPath(`tablet-${screen}-${width}x${height}.png`) });
    expect(await offScreen(page), `${screen} at ${width}×${height}`).toEqual([]);
  }
}

/** Each block of a visit of `minutes` and what of its labels is shown and fits inside it. */
function blockLabels(page: Page, minutes: number) {
  return page.locator(`.board-block[data-minutes="${minutes}"]`).evaluateAll((blocks) =>
    blocks.map((block) => {
      const inner = block.getBoundingClientRect();
      const shown = (sel: string) => {
        const el = block.querySelector(sel);
        if (!el || getComputedStyle(el).display === 'none') return 'hidden';
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.left >= inner.left && r.right <= inner.right - 1 ? 'fits' : 'clipped';
      };
      return {
        id: (block as HTMLElement).dataset.visitId,
        time: shown('.board-block-time'),
        initials: shown('.board-block-initials'),
        name: shown('.board-block-name'),
      };
    }),
  );
}

for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
  [2560, 1440],
] as const) {
  test(`at ${width}×${height}: the board's default zoom shows every 10-minute visit's start time and citizen, names held while scrolling`, async ({
    browser,
  }) => {
    const lead = await staffPage(browser, width, height);
    await openSignedIn(lead, product.clients.lead.url, 'Mette Skærbæk');
    await lead.getByRole('button', { name: 'Teamtavle' }).click();
    const scroller = lead.getByTestId('board-scroller');
    await expect(lead.locator('.board-block').first()).toBeAttached();
    await lead.screenshot({ path: test.info().outputPath(`board-${width}x${height}.png`) });
    const tens = await blockLabels(lead, 10);
    expect(tens.length).toBeGreaterThan(10);
    // The start time and at least the initials, whole, on every one: readable without hovering.
    expect(tens.filter((b) => b.time !== 'fits' || (b.initials !== 'fits' && b.name !== 'fits'))).toEqual([]);
    // The window opens on now (10:00): the now line is on screen, right of the names.
    const now = (await lead.locator('.board-now').boundingBox()) as { x: number };
    const names = (await lead.locator('.board-axis-label').boundingBox()) as { x: number; width: number };
    expect(now.x).toBeGreaterThan(names.x + names.width);
    expect(now.x).toBeLessThan(width);
    // Scrolled sideways, the names stay where they were.
    const name = lead.locator('[data-board-row="practitioner-2"] .board-row-name');
    const before = (await name.boundingBox()) as { x: number };
    await scroller.evaluate((el) => el.scrollBy({ left: 400 }));
    await expect.poll(async () => ((await name.boundingBox()) as { x: number }).x).toBe(before.x);
    // The whole day at once: the day in the width of the screen, the labels give way but never spill.
    await lead.getByRole('button', { name: 'Hele døgnet' }).click();
    await expect(scroller).toHaveAttribute('data-zoom', 'day');
    expect(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    expect((await blockLabels(lead, 10)).filter((b) => [b.time, b.initials, b.name].includes('clipped'))).toEqual([]);
    expect(await measure(lead, ['.board-toolbar', '.board-zoom', '.board-scroller'], ['.board-toolbar ↔', '.board-zoom ↔'])).toEqual(clean);
    await lead.context().close();
  });
}

test('the citizen\u2019s tablet at 1024×768, 768×1024, 1280×800 and 800×1280: every screen shows all its controls, nothing to scroll', async ({ browser }) => {
  const staff = await staffPage(browser, 1280, 720);
  const citizen = await staffPage(browser, 1024, 768);
  await citizen.goto(eoj.citizenUrl);
  await expect(citizen.getByRole('heading', { name: 'Forbind din skærm' })).toBeVisible();
  await fitsEveryTablet(citizen, 'pair');
  const { visitId } = await signInAndPair(staff, citizen, app.url, eoj.citizenUrl);
  await fitsEveryTablet(citizen, 'waiting');
  await staff.getByRole('button', { name: 'Mit rum' }).click();
  await ringThroughCheck(staff, visitId);
  await expect(citizen.getByRole('button', { name: 'Tag telefonen' })).toBeVisible();
  await fitsEveryTablet(citizen, 'incoming');
  await citizen.getByRole('button', { name: 'Tag telefonen' }).click();
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
  await fitsEveryTablet(citizen, 'call');
  await staff.getByRole('button', { name: 'Læg på' }).click();
  // The three faces: the question, all three, and the countdown, on one screen in every orientation.
  await expect(citizen.getByRole('heading', { name: 'Hvordan var det?' })).toBeVisible();
  await fitsEveryTablet(citizen, 'verdict');
  await expect(citizen.getByRole('button', { name: /Dårligt/ })).toBeVisible();
  await staff.context().close();
  await citizen.context().close();
});
