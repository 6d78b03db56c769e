// UI figures in Chromium on the product's browser mode (demo day of 500 visits, encrypted store):
// the queue of 500 visits to first paint after switching to it, with a plain 500-row table drawn
// in the same page as the same-run baseline; and "Gem udfald" clicked → the outcome durable in
// the outbox (the dialog closes only when the main process has committed it, synchronous=FULL).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startBrowserMode } from '../e2e/browserMode';
import { openSignedIn } from '../e2e/callFlow';
import { demoDay } from '../../src-shared/demo/demoDay';
import { testClock } from '../helpers/clock';
import { median, within } from './stats';

// The instant is stated: which of the 500 visits are in the queue window depends on the time of
// day (noon: the whole care day). No page clock: its fake timers would skew what is measured; the
// page follows the main process's clock through its own alignment with it.
const clock = testClock(new Date('2026-12-02T12:00:00+01:00'));
// The team's whole day: the 500 day and evening visits the figure is named for, plus the night calls.
const TEAM_DAY_VISITS = demoDay(clock.now(), { visits: 500 }).visits.length;

type Evaluate = (expression: string) => Promise<unknown>;
interface CdpReply {
  id?: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * A page the queue figures are taken in: a target in a browser context of its own, which Playwright
 * does not attach to, driven over plain CDP. Playwright enables the Network domain on its pages,
 * and Chromium then copies every WebSocket frame into a DevTools event on the page's main thread:
 * for the team's day a frame of 570 kB, about 60 % more on the switch and nothing on the plain
 * table. A user's browser does none of that. 1280×720, Danish, Copenhagen: as Playwright's pages.
 */
async function unobservedPage(browser: Browser, url: string): Promise<{ evaluate: Evaluate; close(): Promise<void> }> {
  const cdp = await browser.newBrowserCDPSession();
  const { browserContextId } = await cdp.send('Target.createBrowserContext');
  const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', browserContextId });
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
  let lastId = 0;
  const replies = new Map<number, (reply: CdpReply) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const reply = JSON.parse(event.message) as CdpReply;
    if (event.sessionId !== sessionId || reply.id === undefined) return;
    replies.get(reply.id)?.(reply);
    replies.delete(reply.id);
  });
  const send = async (method: string, params: object = {}) => {
    const id = ++lastId;
    const reply = new Promise<CdpReply>((resolve) => replies.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    const { result, error } = await reply;
    if (error) throw new Error(`${method}: ${error.message}`);
    return result ?? {};
  };
  const evaluate: Evaluate = async (expression) => {
    const { result, exceptionDetails } = (await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
      result?: { value?: unknown };
      exceptionDetails?: { text: string };
    };
    if (exceptionDetails) throw new Error(exceptionDetails.text);
    return result?.value;
  };
  await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 720, deviceScaleFactor: 1, mobile: false });
  await send('Emulation.setLocaleOverride', { locale: 'da-DK' });
  await send('Emulation.setTimezoneOverride', { timezoneId: 'Europe/Copenhagen' });
  await send('Page.navigate', { url });
  // The demo without an EOJ is signed in as the configured staff member already. The list is there
  // when it has as many rows as its caption counts (a long one draws its first rows first).
  const listShown = `(() => {
    const rows = document.querySelectorAll('table.queue tbody tr').length;
    return rows > 0 && String(rows) === document.querySelector('table.queue caption')?.textContent?.match(/\\d+/)?.[0];
  })()`;
  await within(
    30_000,
    'the queue in the unobserved page',
    (async () => {
      while (!(await evaluate(listShown).catch(() => false))) await new Promise((resolve) => setTimeout(resolve, 100));
    })(),
  );
  return { evaluate, close: async () => void (await cdp.send('Target.disposeBrowserContext', { browserContextId })) };
}

// Page-side code is passed as plain JavaScript: the TypeScript loader would wrap named inner
// functions in a helper that does not exist in the page.
/**
 * Click a scope button; time until the list is first painted with the new visits (its caption
 * counts them and rows are drawn), and until all `rows` rows are in the page and painted. "Painted"
 * is a task queued from the next animation frame: it runs once that frame is on screen.
 */
function timedQueueSwitch(evaluate: Evaluate, buttonName: string, rows: number): Promise<{ first: number; all: number }> {
  return within(
    30_000,
    `"${buttonName}" → ${rows} rows`,
    evaluate(`new Promise((resolve) => {
    const button = [...document.querySelectorAll('nav.scope button')].find((b) => b.textContent === ${JSON.stringify(buttonName)});
    const t0 = performance.now();
    let first = null;
    button.click();
    const check = () => {
      const caption = document.querySelector('table.queue caption');
      if (first === null && caption && caption.textContent.includes(' ${rows} ') && document.querySelectorAll('table.queue tbody tr').length > 0) {
        first = -1;
        // We are in the animation frame that draws them: a task queued now runs after its paint.
        setTimeout(() => (first = performance.now() - t0), 0);
      }
      if (document.querySelectorAll('table.queue tbody tr').length === ${rows}) {
        setTimeout(() => {
          const all = performance.now() - t0;
          const done = () => (first > 0 ? resolve({ first, all }) : requestAnimationFrame(done));
          done();
        }, 0);
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`) as Promise<{ first: number; all: number }>,
  );
}

/** The baseline: 500 plain rows with the same columns, drawn into the same page. */
function timedPlainTable(evaluate: Evaluate): Promise<number> {
  return evaluate(`new Promise((resolve) => {
    const t0 = performance.now();
    const host = document.createElement('div');
    let rows = '';
    for (let i = 0; i < 500; i++) rows += '<tr><td>07:' + String(i % 60).padStart(2, '0') + '–07:40</td><th>Borger ' + i + '</th><td>Insulin – guide injektion</td><td>Videorum 1</td><td>Planlagt</td><td><button>Ring op</button></td></tr>';
    host.innerHTML = '<table><tbody>' + rows + '</tbody></table>';
    document.body.appendChild(host);
    requestAnimationFrame(() => setTimeout(() => {
      resolve(performance.now() - t0);
      host.remove();
    }, 0));
  })`) as Promise<number>;
}

export async function benchUi(count = 10) {
  const root = mkdtempSync(join(tmpdir(), 'skaermrum-bench-ui-'));
  const app = await startBrowserMode({
    clock,
    dataDir: join(root, 'client'),
    profile: `bench-ui-${randomUUID()}`,
    extra: { SKAERMRUM_DEMO_VISITS: '500' },
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const unobserved = await unobservedPage(browser, app.url);
    const roomRows = (await unobserved.evaluate(`document.querySelectorAll('table.queue tbody tr').length`)) as number;
    const render: number[] = [];
    const renderAll: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < count; i++) {
      await timedQueueSwitch(unobserved.evaluate, 'Mit rum', roomRows);
      const { first, all } = await timedQueueSwitch(unobserved.evaluate, 'Hele teamet', TEAM_DAY_VISITS);
      render.push(first);
      renderAll.push(all);
      baseline.push(await timedPlainTable(unobserved.evaluate));
    }
    await unobserved.close();

    const page = await (await browser.newContext({ locale: 'da-DK', timezoneId: 'Europe/Copenhagen' })).newPage();
    // The demo without an EOJ is signed in as the configured staff member already.
    await openSignedIn(page, app.url);

    // Outcomes: visits whose status changes (so each save writes an outbox row).
    // Twice as many saves as renders: a save is short and shares the machine with the main process.
    const saves = count * 2;
    const outcome: number[] = [];
    for (let i = 0; i < saves; i++) {
      const row = page
        .locator('tbody tr')
        .filter({ has: page.locator('.chip-planned, .chip-not_answered') })
        .first();
      await row.getByRole('button', { name: /^Registrér udfald for / }).click();
      await page.getByRole('radio', { name: 'Gennemført' }).check();
      outcome.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const dialog = document.querySelector('[data-testid="outcome-dialog"]') as HTMLElement;
              const save = [...dialog.querySelectorAll('button')].find((b) => b.textContent === 'Gem udfald') as HTMLButtonElement;
              const t0 = performance.now();
              const observer = new MutationObserver(() => {
                if (!document.body.contains(dialog)) {
                  observer.disconnect();
                  resolve(performance.now() - t0);
                }
              });
              observer.observe(document.body, { childList: true, subtree: true });
              save.click();
            }),
        ),
      );
    }
    // The outbox line follows the main process's change event, which may come after the last
    // dialog closed: wait for it to count every save.
    const status = page.locator('.outbox-status');
    await status
      .filter({ hasText: `${saves} ændringer venter` })
      .waitFor({ timeout: 10_000 })
      .catch(async () => {
        throw new Error(`expected ${saves} outcomes in the outbox, the app says: ${await status.textContent()}`);
      });
    const renderMs = median(render);
    const outcomeMs = median(outcome);
    return {
      'ui.queue_render_500_ms': { value: renderMs, unit: 'ms', target: '< 150', met: renderMs < 150 },
      'ui.queue_render_500_all_rows_ms': { value: median(renderAll), unit: 'ms' },
      'ui.baseline_plain_table_500_ms': { value: median(baseline), unit: 'ms' },
      'ui.queue_render_all_rows_overhead_ratio': {
        value: median(renderAll) / median(baseline),
        unit: 'x',
        target: '< 2',
        met: median(renderAll) / median(baseline) < 2,
      },
      'ui.outcome_to_outbox_ms': { value: outcomeMs, unit: 'ms', target: '< 20', met: outcomeMs < 20 },
    };
  } finally {
    await browser.close();
    await app.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
