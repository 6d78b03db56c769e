import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Opens the staff client and signs in (default: Louise Dalgaard, room 2) unless the session
 * already is: against an EOJ through the IdP's page (the login name is the first name), in the
 * demo without one from the list.
 */
export async function openSignedIn(staff: Page, appUrl: string, name = 'Louise Dalgaard'): Promise<void> {
  await staff.goto(appUrl);
  await staff.locator('.sign-in, table.queue').first().waitFor();
  const idp = staff.getByRole('button', { name: 'Log ind', exact: true });
  if (await idp.isVisible()) {
    await idp.click();
    await signInOnIdpPage(staff, loginName(name));
  } else {
    const me = staff.getByRole('button', { name: new RegExp(name) });
    if (await me.isVisible()) await me.click();
  }
  await expect(staff.locator('table.queue')).toBeVisible();
}

/** "Louise Dalgaard" → "louise" (src-server/idp/users.ts). */
export const loginName = (name: string) => (name.split(' ')[0] ?? name).toLowerCase().replace(/æ/g, 'ae').replace(/ø/g, 'oe').replace(/å/g, 'aa');

/** On the IdP's sign-in page (unless its SSO session lets the browser straight back), with the keyboard. */
export async function signInOnIdpPage(page: Page, username: string, password = 'skaermrum'): Promise<void> {
  const user = page.getByLabel('Brugernavn');
  await expect(user.or(page.locator('table.queue'))).toBeVisible();
  if (!(await user.isVisible())) return;
  await user.fill(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

/** Staff signs in, pairs the citizen's tablet with the code shown, the tablet waits. Returns the visit. */
export async function signInAndPair(staff: Page, citizen: Page, appUrl: string, citizenUrl: string): Promise<{ visitId: string; citizenName: string }> {
  // The main process keeps its session: sign in only if nobody is signed in yet.
  await openSignedIn(staff, appUrl);
  const row = staff
    .locator('tbody tr')
    .filter({ has: staff.getByRole('button', { name: /^Ring op til / }) })
    .first();
  await expect(row).toBeVisible();
  const visitId = (await row.getAttribute('data-visit-id')) as string;
  const citizenName = (await row.locator('th').textContent()) as string;
  await pairFromRow(staff, citizen, row, citizenUrl);
  return { visitId, citizenName };
}

/** "Par tablet" on a visit's row: the code shown is typed on the tablet, which then waits. */
export async function pairFromRow(staff: Page, citizen: Page, row: Locator, citizenUrl: string): Promise<void> {
  await row.getByRole('button', { name: /^Par tablet for / }).click();
  const code = (await staff.getByTestId('pair-code').textContent()) as string;
  await staff.getByRole('button', { name: 'Luk' }).click();
  await citizen.goto(citizenUrl);
  await citizen.getByLabel('Kode').fill(code);
  await citizen.getByRole('button', { name: 'Forbind' }).click();
  await expect(citizen.getByRole('heading', { name: /Du bliver ringet op/ })).toBeVisible();
}

/**
 * Clicks "Ring op". The quick device check runs first; Chromium's fake devices are not a headset,
 * so the first call of a session shows that warning, which staff accept once ("Ring op alligevel").
 */
export async function ringThroughCheck(staff: Page, visitId: string): Promise<void> {
  await staff
    .locator(`tr[data-visit-id="${visitId}"]`)
    .getByRole('button', { name: /^Ring op til / })
    .click();
  const anyway = staff.getByRole('button', { name: 'Ring op alligevel' });
  // The call panel, the check's warnings, or (a call that ended at once) the outcome form.
  await expect(staff.locator('[data-call-phase], .check-panel[data-verdict="warnings"], [data-testid="outcome-dialog"]').first()).toBeVisible({
    timeout: 15_000,
  });
  if (await anyway.isVisible()) {
    await expect(staff.locator('[data-finding="headset.none"]')).toBeVisible();
    await anyway.click();
  }
}

/** The start-of-shift full device check, its warnings accepted (fake devices are no headset). */
export async function acceptDeviceCheck(staff: Page): Promise<void> {
  await staff.getByTestId('check-summary').click();
  const panel = staff.locator('.check-panel');
  await expect(panel).not.toHaveAttribute('data-verdict', 'running', { timeout: 15_000 });
  const accept = panel.getByRole('button', { name: 'Godkend advarslerne og luk' });
  if (await accept.isVisible()) await accept.click();
  else await panel.getByRole('button', { name: 'Luk', exact: true }).click();
  await expect(panel).toHaveCount(0);
}

export async function ringAndAnswer(staff: Page, citizen: Page, visitId: string): Promise<void> {
  await ringThroughCheck(staff, visitId);
  await expect(staff.locator('[data-call-phase="ringing"]')).toBeVisible();
  await citizen.getByRole('button', { name: 'Tag telefonen' }).click();
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
}

export const videoWidth = (page: Page, selector: string) =>
  page.evaluate((sel) => (document.querySelector(sel) as HTMLVideoElement | null)?.videoWidth ?? 0, selector);

/** Decoded frames of a remote video so far: grows while media flows. */
export const framesDecoded = (page: Page, selector: string) =>
  page.evaluate((sel) => (document.querySelector(sel) as HTMLVideoElement | null)?.getVideoPlaybackQuality().totalVideoFrames ?? 0, selector);

/** Loudest RMS of the remote audio over a moment, through a WebAudio analyser. */
export async function remoteAudioEnergy(page: Page, selector: string, windowMs = 2_000): Promise<number> {
  return page.evaluate(
    async ([sel, ms]) => {
      const video = document.querySelector(sel as string) as HTMLVideoElement;
      const ctx = new AudioContext();
      const source = ctx.createMediaStreamSource(video.srcObject as MediaStream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      source.connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      let max = 0;
      for (let i = 0; i < (ms as number) / 50; i++) {
        await new Promise((r) => setTimeout(r, 50));
        analyser.getFloatTimeDomainData(buf);
        max = Math.max(max, Math.sqrt(buf.reduce((s, x) => s + x * x, 0) / buf.length));
      }
      await ctx.close();
      return max;
    },
    [selector, windowMs] as const,
  );
}
