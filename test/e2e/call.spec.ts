import { expect, test } from '@playwright/test';
import { acceptDeviceCheck, remoteAudioEnergy, ringAndAnswer, signInAndPair, videoWidth } from './callFlow';
import { connectApi } from '../helpers/wsClient';
import { systemClock } from '../../src-shared/time/clock';

// Media and device tests: the time of day plays no part, and coturn checks TURN credentials
// against the machine's own clock, so these run on the machine's clock.
const MEDIA_CLOCK = systemClock;
import { type RunningApp, type RunningBackEnd } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';

test.describe.configure({ mode: 'serial' });

let product: E2eProduct<'client'>;
let eoj: RunningBackEnd;
let app: RunningApp;

test.beforeAll(async () => {
  product = await startE2eProduct({ name: 'call', clock: MEDIA_CLOCK, clients: ['client'], client: { SKAERMRUM_SYNC_INTERVAL_MS: '1000' } });
  eoj = product.eoj;
  app = product.clients.client;
});
test.afterAll(async () => {
  await product.stop();
});

test("staff rings a citizen's paired tablet: both see and hear each other, mute is heard, hang-up ends both", async ({ browser }) => {
  const staffContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const citizenContext = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const staff = await staffContext.newPage();
  const citizen = await citizenContext.newPage();

  const { visitId } = await signInAndPair(staff, citizen, app.url, eoj.citizenUrl);
  await ringAndAnswer(staff, citizen, visitId);

  // Video both ways.
  await expect.poll(() => videoWidth(staff, '.remote-video'), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => videoWidth(citizen, 'video.remote'), { timeout: 15_000 }).toBeGreaterThan(0);
  // The citizen sees themselves too, once the caller's picture is up.
  await expect.poll(() => videoWidth(citizen, 'video.self'), { timeout: 5_000 }).toBeGreaterThan(0);
  // Sound both ways, and silence at the citizen when staff mutes.
  expect(await remoteAudioEnergy(staff, '.remote-video')).toBeGreaterThan(0.01);
  expect(await remoteAudioEnergy(citizen, 'video.remote')).toBeGreaterThan(0.01);
  await staff.getByRole('button', { name: 'Slå mikrofon fra' }).click();
  await expect.poll(() => remoteAudioEnergy(citizen, 'video.remote')).toBeLessThan(0.001);
  await staff.getByRole('button', { name: 'Slå mikrofon til' }).click();

  // Switch microphone mid-call (replaceTrack): the citizen keeps hearing, the call goes on.
  const mic = staff.getByLabel('Mikrofon');
  const other = await mic
    .locator('option')
    .evaluateAll((options) => (options as HTMLOptionElement[]).map((o) => ({ value: o.value, label: o.label })).find((o) => o.label === 'Fake Audio Input 1'));
  expect(other).toBeDefined();
  await mic.selectOption(other?.value ?? '');
  await expect(mic).toHaveValue(other?.value ?? '');
  expect(await staff.evaluate(() => ((document.querySelector('.self-video') as HTMLVideoElement).srcObject as MediaStream).getAudioTracks()[0]?.label)).toBe(
    'Fake Audio Input 1',
  );
  expect(await remoteAudioEnergy(citizen, 'video.remote')).toBeGreaterThan(0.01);
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();

  // Hang up from the citizen's big red button: both sides end.
  await citizen.getByRole('button', { name: 'Læg på' }).click();
  // The staff side goes straight to the outcome form, which says how the call ended.
  await expect(staff.getByTestId('outcome-dialog')).toContainText('Opkaldet er afsluttet');
  await expect(staff.locator('[data-call-phase]')).toHaveCount(0);
  // The tablet asks the citizen's verdict on the call (the municipality has it on by default).
  await expect(citizen.getByRole('heading', { name: 'Hvordan var det?' })).toBeVisible();
  await staffContext.close();
  await citizenContext.close();

  // The main process recorded the call for the visit: rang, answered, ended.
  const url = new URL(app.url);
  const { api, close } = connectApi(`ws://${url.host}/rpc?token=${url.searchParams.get('token')}`, url.origin);
  const [recorded] = await api.calls.forVisit({ visitId });
  await close();
  expect(recorded).toMatchObject({ visitId, endReason: 'hangup' });
  expect(Date.parse(recorded?.connectedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(recorded?.rangAt ?? ''));
  expect(Date.parse(recorded?.endedAt ?? '')).toBeGreaterThan(Date.parse(recorded?.connectedAt ?? ''));
});

test('the peer made while the pointer rests on "Ring op" carries the call', async ({ browser }) => {
  const contexts = [await browser.newContext({ permissions: ['camera', 'microphone'] }), await browser.newContext({ permissions: ['camera', 'microphone'] })];
  const [staff, citizen] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!staff || !citizen) throw new Error('no pages');
  const { visitId } = await signInAndPair(staff, citizen, app.url, eoj.citizenUrl);
  await acceptDeviceCheck(staff);
  const marks = () => staff.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name));

  // The pointer reaches the button: the peer for the call is made before anyone is rung.
  const ring = staff.locator(`tr[data-visit-id="${visitId}"]`).getByRole('button', { name: /^Ring op til / });
  await ring.hover();
  await expect.poll(marks).toContain('skaermrum.call:peer.prepared');
  await expect(citizen.getByRole('button', { name: 'Tag telefonen' })).toHaveCount(0);
  await staff.evaluate(() => performance.clearMarks());

  // The click rings with it: no second peer, and the call has video both ways.
  const called = (await staff.locator(`tr[data-visit-id="${visitId}"] button.visit-open`).textContent()) ?? '';
  await ring.click();
  await expect(staff.locator('[data-call-phase="ringing"]')).toBeVisible();
  // Another visit's "Ring op" while this call is being set up (the queue's buttons wait only once
  // it is set up) starts no second call.
  await staff.locator('tr[data-visit-id]').filter({ hasNotText: called }).locator('button.ring').first().click({ force: true });
  await expect(staff.locator('#call-heading')).toHaveText(called);
  await citizen.getByRole('button', { name: 'Tag telefonen' }).click();
  await expect.poll(() => videoWidth(staff, '.remote-video'), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => videoWidth(citizen, 'video.remote'), { timeout: 15_000 }).toBeGreaterThan(0);
  const steps = await marks();
  expect(steps).toContain('skaermrum.call:peer.start');
  expect(steps).not.toContain('skaermrum.call:peer.prepared');
  // In the call the queue's ring buttons wait; after it they ring again.
  await expect(ring).toBeDisabled();
  await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
  await expect(staff.locator('#call-heading')).toHaveText(called);
  await staff.getByRole('button', { name: 'Læg på' }).click();
  await expect(staff.getByTestId('outcome-dialog')).toBeVisible();
  await expect(ring).toBeEnabled();
  await Promise.all(contexts.map((c) => c.close()));
});
