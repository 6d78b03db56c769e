import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { type RunningApp, type RunningBackEnd } from './browserMode';
import { startE2eProduct } from './product';
import { framesDecoded, ringAndAnswer, signInAndPair, videoWidth } from './callFlow';
import { systemClock } from '../../src-shared/time/clock';

// Media and device tests: the time of day plays no part, and coturn checks TURN credentials
// against the machine's own clock, so these run on the machine's clock.
const MEDIA_CLOCK = systemClock;
import { startCoturn, type Coturn } from './coturn';

test.describe.configure({ mode: 'serial' });

/** The product on the sandbox, with the sandbox issuing credentials for a real coturn. */
async function startProduct(coturn: Coturn, turnTtlSeconds: number) {
  const product = await startE2eProduct({
    name: 'relay',
    clock: MEDIA_CLOCK,
    clients: ['client'],
    backEnd: { SIGNAL_TURN_SECRET: coturn.secret, SIGNAL_TURN_URLS: coturn.url, SIGNAL_TURN_TTL_S: String(turnTtlSeconds) },
  });
  return { eoj: product.eoj, app: product.clients.client, stop: () => product.stop() };
}

async function relayCall(browser: Browser, product: { app: RunningApp; eoj: RunningBackEnd }) {
  const contexts: BrowserContext[] = [
    await browser.newContext({ permissions: ['camera', 'microphone'] }),
    await browser.newContext({ permissions: ['camera', 'microphone'] }),
  ];
  const [staff, citizen] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!staff || !citizen) throw new Error('no pages');
  // relay=1: iceTransportPolicy 'relay' on both sides, so media can only go through coturn.
  const { visitId } = await signInAndPair(staff, citizen, `${product.app.url}&relay=1`, `${product.eoj.citizenUrl}?relay=1`);
  await ringAndAnswer(staff, citizen, visitId);
  return { staff, citizen, close: () => Promise.all(contexts.map((c) => c.close())) };
}

test.describe('relay-only calls through a real coturn', () => {
  let coturn: Coturn;
  let product: Awaited<ReturnType<typeof startProduct>>;
  test.beforeAll(async () => {
    coturn = await startCoturn();
    product = await startProduct(coturn, 600);
  });
  test.afterAll(async () => {
    await product.stop();
    await coturn.stop();
  });

  test('media flows relay-only, and comes back by itself after coturn is stopped for 5 s', async ({ browser }) => {
    test.setTimeout(120_000);
    const { staff, citizen, close } = await relayCall(browser, product);
    await expect.poll(() => videoWidth(staff, '.remote-video'), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => videoWidth(citizen, 'video.remote'), { timeout: 20_000 }).toBeGreaterThan(0);

    await coturn.stop();
    // The relay is gone: the call sees its media stop and starts recovering by itself.
    await expect(staff.locator('.call-status')).toHaveText('Genopretter forbindelsen…', { timeout: 20_000 });
    await coturn.start();
    // Without anyone touching anything, frames arrive again on both sides.
    const before = { staff: await framesDecoded(staff, '.remote-video'), citizen: await framesDecoded(citizen, 'video.remote') };
    await expect.poll(async () => (await framesDecoded(staff, '.remote-video')) - before.staff, { timeout: 60_000, intervals: [1_000] }).toBeGreaterThan(30);
    await expect.poll(async () => (await framesDecoded(citizen, 'video.remote')) - before.citizen, { timeout: 30_000, intervals: [1_000] }).toBeGreaterThan(30);
    await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
    await close();
  });
});

test.describe('expired TURN credentials', () => {
  let coturn: Coturn;
  let product: Awaited<ReturnType<typeof startProduct>>;
  test.beforeAll(async () => {
    coturn = await startCoturn();
    product = await startProduct(coturn, -60);
  });
  test.afterAll(async () => {
    await product.stop();
    await coturn.stop();
  });

  test('give a clear error instead of a silent hang', async ({ browser }) => {
    const { staff, close } = await relayCall(browser, product);
    await expect(staff.getByRole('alert')).toContainText('TURN-serveren afviste adgangen', { timeout: 15_000 });
    await close();
  });
});
