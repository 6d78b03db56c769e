import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { type RunningApp, type RunningBackEnd } from './browserMode';
import { startE2eProduct, type E2eProduct } from './product';
import { systemClock } from '../../src-shared/time/clock';

// Media and device tests: the time of day plays no part, and coturn checks TURN credentials
// against the machine's own clock, so these run on the machine's clock.
const MEDIA_CLOCK = systemClock;
import { framesDecoded, remoteAudioEnergy, ringAndAnswer, signInAndPair, videoWidth } from './callFlow';

// Shaping loopback is only ever done inside the test's own network namespace (npm test as root
// makes one and sets SKAERMRUM_NETNS); never on a machine's real loopback.
test.skip(process.env.SKAERMRUM_NETNS !== '1', 'needs the loopback-only namespace that `npm test` creates as root');
test.describe.configure({ mode: 'serial' });

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
function shape(rateKbit: number, lossPct: number) {
  sh('ip', ['link', 'set', 'lo', 'mtu', '1500']);
  try {
    sh('tc', ['qdisc', 'del', 'dev', 'lo', 'root']);
  } catch {
    // none yet
  }
  sh('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', `${rateKbit}kbit`, 'burst', '32kbit', 'latency', '400ms']);
  try {
    sh('nft', ['delete', 'table', 'inet', 'skaermrum_loss']);
  } catch {
    // none yet
  }
  if (lossPct > 0) {
    sh('nft', ['add', 'table', 'inet', 'skaermrum_loss']);
    sh('nft', ['add', 'chain', 'inet', 'skaermrum_loss', 'out', '{ type filter hook output priority 0 ; }']);
    sh('nft', ['add', 'rule', 'inet', 'skaermrum_loss', 'out', 'meta', 'l4proto', 'udp', 'numgen', 'random', 'mod', '100', '<', String(lossPct), 'drop']);
  }
}
function unshape() {
  for (const [cmd, args] of [
    ['tc', ['qdisc', 'del', 'dev', 'lo', 'root']],
    ['nft', ['delete', 'table', 'inet', 'skaermrum_loss']],
  ] as const) {
    try {
      sh(cmd, [...args]);
    } catch {
      // already gone
    }
  }
  sh('ip', ['link', 'set', 'lo', 'mtu', '65536']);
}

let product: E2eProduct<'client'>;
let eoj: RunningBackEnd;
let app: RunningApp;
test.beforeAll(async () => {
  product = await startE2eProduct({ name: 'degraded', clock: MEDIA_CLOCK, clients: ['client'] });
  eoj = product.eoj;
  app = product.clients.client;
});
test.afterAll(async () => {
  unshape();
  await product.stop();
});

test('at 600 kbit and 5 % UDP loss the call stays up; at 100 kbit it falls back to audio only and keeps audio', async ({ browser }) => {
  test.setTimeout(300_000);
  const contexts = [await browser.newContext({ permissions: ['camera', 'microphone'] }), await browser.newContext({ permissions: ['camera', 'microphone'] })];
  const [staff, citizen] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!staff || !citizen) throw new Error('no pages');
  const { visitId } = await signInAndPair(staff, citizen, app.url, eoj.citizenUrl);
  await ringAndAnswer(staff, citizen, visitId);
  await expect.poll(() => videoWidth(staff, '.remote-video'), { timeout: 20_000 }).toBeGreaterThan(0);

  try {
    shape(600, 5);
    // Video keeps coming over the squeezed line (it adapts down rather than stopping).
    const frames = await framesDecoded(staff, '.remote-video');
    await expect.poll(() => framesDecoded(staff, '.remote-video'), { timeout: 20_000 }).toBeGreaterThan(frames + 30);
    await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
    expect(await remoteAudioEnergy(citizen, 'video.remote')).toBeGreaterThan(0.01);

    shape(100, 0);
    await expect(staff.getByTestId('audio-only')).toBeVisible({ timeout: 45_000 });
    await expect(staff.locator('[data-call-phase="connected"]')).toBeVisible();
    // Audio keeps coming both ways (muted audio measures < 0.001; a squeezed line is quieter in
    // places, so the window is longer here).
    expect(await remoteAudioEnergy(citizen, 'video.remote', 5_000)).toBeGreaterThan(0.002);
    expect(await remoteAudioEnergy(staff, '.remote-video', 5_000)).toBeGreaterThan(0.002);
  } finally {
    unshape();
  }
  // With the line restored, video comes back by itself at the next retry (at most 2 minutes).
  await expect(staff.getByTestId('audio-only')).toHaveCount(0, { timeout: 150_000 });
  await Promise.all(contexts.map((c) => c.close()));
});
