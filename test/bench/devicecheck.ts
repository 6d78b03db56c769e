// Device check figures in Chromium with fake devices, on the product's browser mode with the
// sandbox and a real coturn: the full check (click → verdict shown), the quick check before a call
// when nothing changed, and, as the baseline measured in the same run, plainly opening camera and
// microphone (getUserMedia) in the same page.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startBrowserMode, startSandboxProcess } from '../e2e/browserMode';
import { acceptDeviceCheck, openSignedIn } from '../e2e/callFlow';
import { startCoturn } from '../e2e/coturn';
import { systemClock } from '../../src-shared/time/clock';

// Media and device tests: the time of day plays no part, and coturn checks TURN credentials
// against the machine's own clock, so these run on the machine's clock.
const MEDIA_CLOCK = systemClock;
import { median } from './stats';

/** Click "Tjek igen" and time until the panel shows a verdict again, measured inside the page. */
function timedFullCheck(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const panel = document.querySelector('.check-panel') as HTMLElement;
        const again = [...panel.querySelectorAll('button')].find((b) => b.textContent === 'Tjek igen') as HTMLButtonElement;
        let sawRunning = false;
        const observer = new MutationObserver(() => {
          const verdict = panel.getAttribute('data-verdict');
          if (verdict === 'running') sawRunning = true;
          else if (sawRunning) {
            observer.disconnect();
            resolve(performance.now() - t0);
          }
        });
        observer.observe(panel, { attributes: true, attributeFilter: ['data-verdict'] });
        const t0 = performance.now();
        again.click();
      }),
  );
}

export async function benchDeviceCheck(count = 10) {
  const coturn = await startCoturn();
  const root = mkdtempSync(join(tmpdir(), 'skaermrum-bench-check-'));
  const eoj = await startSandboxProcess({
    dataDir: join(root, 'eoj'),
    clock: MEDIA_CLOCK,
    extra: { SIGNAL_TURN_SECRET: coturn.secret, SIGNAL_TURN_URLS: coturn.url },
  });
  const app = await startBrowserMode({
    clock: MEDIA_CLOCK,
    dataDir: join(root, 'client'),
    profile: `bench-check-${randomUUID()}`,
    extra: { ...eoj.clientEnv },
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'], locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
    const page = await context.newPage();
    // Signed in at the sandbox's IdP, as staff do (Louise Dalgaard, room 2).
    await openSignedIn(page, app.url);
    await page
      .getByRole('button', { name: /^Ring op til / })
      .first()
      .waitFor();
    await page.waitForFunction(() => !(document.querySelector('button.ring') as HTMLButtonElement | null)?.disabled);
    await acceptDeviceCheck(page);

    // Full: the panel open, "Tjek igen" N times.
    await page.getByTestId('check-summary').click();
    await page.locator('.check-panel:not([data-verdict="running"])').waitFor();
    const full: number[] = [];
    for (let i = 0; i < count; i++) full.push(await timedFullCheck(page));
    await page.getByRole('button', { name: 'Godkend advarslerne og luk' }).click();

    // Quick: ring (nothing changed since the check). The checker's own figure, and what the staff
    // member sees: click → the call panel.
    const quick: number[] = [];
    const clickToCall: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await page
        .getByRole('button', { name: /^Ring op til / })
        .first()
        .click();
      // The call panel, or (the tablet is not paired here, so the call ends at once) the outcome form.
      await page.locator('[data-call-phase], [data-testid="outcome-dialog"]').first().waitFor();
      clickToCall.push(performance.now() - t0);
      const summary = page.getByTestId('check-summary');
      if ((await summary.getAttribute('data-mode')) !== 'quick') throw new Error('expected a quick check before the call');
      if ((await summary.getAttribute('data-retested')) !== '') throw new Error(`quick check re-measured: ${await summary.getAttribute('data-retested')}`);
      quick.push(Number(await summary.getAttribute('data-duration-ms')));
      const hangUp = page.getByRole('button', { name: 'Læg på' });
      if (await hangUp.isVisible()) await hangUp.click();
      await page.getByRole('button', { name: 'Annullér' }).click();
      await page.locator('[data-call-phase], [data-testid="outcome-dialog"]').first().waitFor({ state: 'detached' });
    }

    // Baseline: open camera + microphone and get the first frame, nothing else.
    const baseline: number[] = [];
    for (let i = 0; i < count; i++) {
      baseline.push(
        await page.evaluate(async () => {
          const t0 = performance.now();
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
          const video = document.createElement('video');
          video.muted = true;
          video.srcObject = stream;
          await video.play();
          const ms = performance.now() - t0;
          stream.getTracks().forEach((t) => t.stop());
          return ms;
        }),
      );
    }
    await context.close();
    const fullMs = median(full);
    const quickMs = median(quick);
    return {
      'devicecheck.full_ms_median': { value: fullMs, unit: 'ms', target: '< 3000', met: fullMs < 3000 },
      'devicecheck.quick_ms_median': { value: quickMs, unit: 'ms', target: '< 300', met: quickMs < 300 },
      'devicecheck.ring_click_to_call_panel_ms_median': { value: median(clickToCall), unit: 'ms' },
      'devicecheck.baseline_open_devices_ms_median': { value: median(baseline), unit: 'ms' },
    };
  } finally {
    await browser.close();
    await app.stop();
    await eoj.stop();
    await coturn.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
