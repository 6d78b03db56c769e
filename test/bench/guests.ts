// A relative in the call, in Debian's Chromium with fake devices on loopback: the open link → in
// the lobby; the citizen's "Ja" → the relative's video playing for staff and citizen, against a
// two-party call set up in the same run; and the staff page's CPU with four people against two
// (the staff page in a browser of its own, its processes' CPU time read from /proc).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startBrowserMode, startSandboxProcess } from '../e2e/browserMode';
import { acceptDeviceCheck } from '../e2e/callFlow';
import { allowedRelative, bookVisit, lastSms, pairAndOpen } from '../e2e/guestFlow';
import { eojToken } from '../helpers/idp';
import { connectSignal } from '../helpers/signalClient';
import { systemClock } from '../../src-shared/time/clock';
import { median } from './stats';

// Media runs on the machine's clock (coturn would check TURN credentials against it).
const MEDIA_CLOCK = systemClock;

const playing = (page: Page, selector: string) =>
  page.waitForFunction((sel) => ((document.querySelector(sel) as HTMLVideoElement | null)?.videoWidth ?? 0) > 0, selector, { polling: 'raf', timeout: 30_000 });

/** CPU seconds (user + system) of a process and all its descendants, from /proc. */
function cpuSecondsOfTree(root: number): number {
  const stats = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // Fields after the command name (which may hold spaces) in parentheses.
        const rest = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
        return [{ pid: Number(pid), ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) }];
      } catch {
        return [];
      }
    });
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  const inTree = new Set<number>([root]);
  const queue = [root];
  while (queue.length > 0) for (const c of children.get(queue.shift() as number) ?? []) if (!inTree.has(c) && inTree.add(c)) queue.push(c);
  // Linux reports in clock ticks of 1/100 s (USER_HZ).
  return stats.filter((s) => inTree.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) / 100;
}

export async function benchGuests(rounds = 5) {
  const root = mkdtempSync(join(tmpdir(), 'skaermrum-bench-guests-'));
  const eoj = await startSandboxProcess({ dataDir: join(root, 'eoj'), clock: MEDIA_CLOCK });
  const app = await startBrowserMode({
    clock: MEDIA_CLOCK,
    dataDir: join(root, 'client'),
    profile: `bench-${randomUUID()}`,
    extra: { ...eoj.clientEnv, SKAERMRUM_SYNC_INTERVAL_MS: '1000' },
  });
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  // The staff page alone in its own browser: its process tree is the staff page's CPU.
  const staffServer = await chromium.launchServer({ executablePath, args: CHROMIUM_ARGS });
  const staffBrowser = await chromium.connect(staffServer.wsEndpoint());
  const others = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const outbox = join(root, 'eoj', 'sms-outbox.jsonl');
  const open = async (browser: Browser, viewport: { width: number; height: number }) =>
    (await browser.newContext({ permissions: ['camera', 'microphone'], viewport })).newPage();
  try {
    const who = await allowedRelative(eoj.url);
    const visitId = await bookVisit(eoj.url, who.citizenId, MEDIA_CLOCK);
    const staff = await open(staffBrowser, { width: 1280, height: 720 });
    const citizen = await open(others, { width: 1024, height: 768 });
    await pairAndOpen(staff, citizen, app.url, `${eoj.citizenUrl}?autoanswer=0`, visitId);
    await acceptDeviceCheck(staff);
    // A staff connection of the harness's own sends the extra invitations (the panel shows one per relative).
    const inviter = await connectSignal(eoj.signallingUrl);
    inviter.send({ type: 'auth', token: await eojToken(eoj.url, 'louise') });
    await inviter.next('auth.ok');
    const invite = async () => {
      inviter.send({ type: 'invite.create', visitId, relativeId: who.relativeId });
      await inviter.next('invite.sent');
      return lastSms(outbox, who.phone);
    };
    const ring = async () => {
      await staff
        .locator(`tr[data-visit-id="${visitId}"]`)
        .getByRole('button', { name: /^Ring op til / })
        .click();
      await Promise.all([playing(staff, '.remote-video'), playing(citizen, 'video.remote')]);
    };
    const hangUp = async () => {
      await staff.getByRole('button', { name: 'Læg på' }).click();
      await staff.getByRole('button', { name: 'Annullér' }).click();
      await citizen.getByRole('heading', { name: /Du bliver ringet op|Opkaldet er slut|Hvordan var det/ }).waitFor();
      const face = citizen.getByRole('button', { name: 'Godt' });
      if (await face.isVisible()) await face.click();
      await citizen.getByRole('heading', { name: /Du bliver ringet op/ }).waitFor({ timeout: 15_000 });
    };
    /** A relative opens the link, types the PIN (at once) and is in the lobby; then ready, waiting. */
    const relativeJoins = async (sms: { url: string; pin: string }, measure?: number[], steps?: { page: number[]; pin: number[] }) => {
      const relative = await open(others, { width: 360, height: 640 });
      const t0 = performance.now();
      await relative.goto(sms.url);
      const pinField = relative.getByLabel('Skriv koden fra SMS’en');
      await pinField.waitFor();
      // Where the time goes: the page up with its PIN field, then the PIN → the check on screen.
      const t1 = performance.now();
      steps?.page.push(t1 - t0);
      await pinField.fill(sms.pin);
      await relative.getByRole('button', { name: 'Fortsæt' }).click();
      await relative.getByRole('heading', { name: 'Kan vi se og høre dig?' }).waitFor();
      measure?.push(performance.now() - t0);
      steps?.pin.push(performance.now() - t1);
      await relative.getByRole('button', { name: 'Jeg er klar' }).click({ timeout: 20_000 });
      await relative.getByRole('heading', { name: 'Vent – medarbejderen lukker dig ind' }).waitFor();
      return relative;
    };
    const letIn = async (nth: number) => {
      await staff.getByTestId('call-guests').locator('li[data-state="waiting"]').getByRole('button', { name: 'Luk ind' }).first().click();
      await citizen.getByRole('alertdialog').getByRole('button', { name: 'Ja' }).waitFor();
      const t0 = performance.now();
      await citizen.getByRole('alertdialog').getByRole('button', { name: 'Ja' }).click();
      // On both screens the citizen's (or staff's) picture is the first tile, the guests follow.
      await Promise.all([playing(staff, `.guest-tile:nth-of-type(${nth + 1}) video`), playing(citizen, `.tile[data-peer]:nth-of-type(${nth + 1}) video`)]);
      return performance.now() - t0;
    };

    const p2p: number[] = [];
    const join3: number[] = [];
    const lobby: number[] = [];
    const lobbySteps = { page: [] as number[], pin: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      // Two parties: the click on "Ring op" → both videos playing (the tablet answers at once).
      const t0 = performance.now();
      await ring();
      p2p.push(performance.now() - t0);
      const relative = await relativeJoins(await invite(), lobby, lobbySteps);
      join3.push(await letIn(1));
      await relative.context().close();
      await hangUp();
    }

    // CPU of the staff page: 8 s with two people, then 8 s with four (two relatives let in).
    const window = async () => {
      const before = cpuSecondsOfTree(staffServer.process().pid as number);
      await staff.waitForTimeout(8_000);
      return cpuSecondsOfTree(staffServer.process().pid as number) - before;
    };
    await ring();
    const two = await window();
    const guests = [await relativeJoins(await invite())];
    await letIn(1);
    guests.push(await relativeJoins(await invite()));
    await letIn(2);
    const four = await window();
    for (const g of guests) await g.context().close();
    await hangUp();
    inviter.close();

    const joinMedian = median(join3);
    const p2pMedian = median(p2p);
    return {
      'call.three_party_join_ms_median': { value: joinMedian, unit: 'ms' },
      'call.two_party_setup_same_run_ms_median': { value: p2pMedian, unit: 'ms' },
      'call.three_party_join_ratio': { value: joinMedian / p2pMedian, unit: 'x', target: '< 1.5', met: joinMedian / p2pMedian < 1.5 },
      'call.guest_link_to_lobby_ms_median': { value: median(lobby), unit: 'ms', target: '< 1500', met: median(lobby) < 1500 },
      'call.guest_lobby_step.page_ms_median': { value: median(lobbySteps.page), unit: 'ms' },
      'call.guest_lobby_step.pin_to_check_ms_median': { value: median(lobbySteps.pin), unit: 'ms' },
      'call.mesh4_cpu_seconds': { value: four, unit: 's' },
      'call.mesh2_cpu_seconds': { value: two, unit: 's' },
      'call.mesh4_cpu_ratio': { value: four / two, unit: 'x', target: '< 2.5', met: four / two < 2.5 },
    };
  } finally {
    await others.close();
    await staffBrowser.close();
    await staffServer.close();
    await app.stop();
    await eoj.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
