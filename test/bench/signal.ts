// Signalling figures on loopback: one instance holding 10,000 signed-in idle tablets, 200
// concurrent rings across three instances (Redis between them), and how long a call's media takes
// to come back after the instance holding the tablet is SIGKILLed (Chromium, fake devices).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { importJWK, SignJWT, type JWK } from 'jose';
import WebSocket from 'ws';
import { EOJ_AUDIENCE } from '../../src-shared/auth/claims';
import { SANDBOX_ROLE_NAMES } from '../../src-server/idp/users';
import type { FhirResource } from '../../src-shared/fhir/schemas';
import { CHROMIUM_ARGS } from '../../playwright.config';
import { startBrowserMode } from '../e2e/browserMode';
import { acceptDeviceCheck, signInAndPair } from '../e2e/callFlow';
import { DEVICE_SECRET_HEX, startCluster, type Cluster, type SignalInstance } from '../helpers/cluster';
import { median, within } from './stats';

const TEAM = 'team-skaermenhed-nord';

/** A paired tablet's token, as pairing would have issued it (the cluster's device secret). */
const deviceToken = (citizenId: string) =>
  new SignJWT({ citizen: citizenId, team: TEAM })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(randomUUID())
    .setIssuer('skaermrum-signalling')
    .setAudience('citizen-device')
    .setIssuedAt()
    .sign(Buffer.from(DEVICE_SECRET_HEX, 'hex'));

/** A staff member's access token signed with the sandbox IdP's own key (200 colleagues; the demo has 7). */
async function staffTokens(cluster: Cluster, n: number): Promise<string[]> {
  const jwk = JSON.parse(readFileSync(join(cluster.dir, 'eoj-idp-key.json'), 'utf8')) as JWK & { kid: string };
  const key = await importJWK(jwk, 'RS256');
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      new SignJWT({ name: `Bench ${i}`, team: TEAM, roles: [SANDBOX_ROLE_NAMES.staff], client_id: 'skaermrum' })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .setIssuer(cluster.eoj.idp.issuer)
        .setAudience(EOJ_AUDIENCE)
        .setSubject(`bench-staff-${i}`)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key),
    ),
  );
}

interface Socket {
  ws: WebSocket;
  next(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}
function open(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const waiting = new Map<string, (m: Record<string, unknown>) => void>();
    const seen = new Map<string, Record<string, unknown>>();
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as Record<string, unknown>;
      const type = String(m.type);
      const w = waiting.get(type);
      if (w) {
        waiting.delete(type);
        w(m);
      } else seen.set(type, m);
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        next: (type, timeoutMs = 10_000) => {
          const already = seen.get(type);
          if (already) {
            seen.delete(type);
            return Promise.resolve(already);
          }
          return within(timeoutMs, type, new Promise((r) => waiting.set(type, r)));
        },
      }),
    );
  });
}
async function signedIn(url: string, token: string): Promise<Socket> {
  const s = await open(url);
  s.ws.send(JSON.stringify({ type: 'auth', token }));
  await s.next('auth.ok');
  return s;
}
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const nearestRank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)] ?? NaN;

export async function benchIdleSockets(n = 10_000) {
  const cluster = await startCluster({ instances: 1, heartbeatMs: 2_000 });
  const instance = cluster.instances[0] as SignalInstance;
  const url = `ws://127.0.0.1:${instance.port}/signal`;
  const sockets: Socket[] = [];
  try {
    const baseline = rssMb(instance.pid);
    // 40 citizens' tablets, 250 at a time (each signs in, is announced in Redis and gets its schedule).
    for (let i = 0; i < n; i += 250) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(250, n - i) }, async (_, k) => signedIn(url, await deviceToken(`patient-bench-${(i + k) % 40}`))),
      );
      sockets.push(...batch);
    }
    // A few heartbeat rounds with every socket answering its pings.
    await new Promise((r) => setTimeout(r, 7_000));
    const connected = await instance.connections();
    if (connected < n) throw new Error(`only ${connected} of ${n} sockets connected`);
    const rss = rssMb(instance.pid);
    return {
      'signal.idle_sockets_10000_rss_mb': { value: rss, unit: 'MB', target: '< 300', met: rss < 300 },
      'signal.idle_sockets_baseline_rss_mb': { value: baseline, unit: 'MB' },
    };
  } finally {
    for (const s of sockets) s.ws.terminate();
    await cluster.stop();
  }
}

export async function benchCrossInstanceRing(n = 200) {
  const cluster = await startCluster({ instances: 3 });
  const all: Socket[] = [];
  try {
    // n citizens of the team, each with a booked visit today and a tablet.
    const start = cluster.clock.now().toISOString();
    const resources = Array.from({ length: n }, (_, i) => [
      { resourceType: 'Patient', id: `bench-patient-${i}`, name: [{ text: `Bench ${i}` }] },
      {
        resourceType: 'Appointment',
        id: `bench-visit-${i}`,
        status: 'booked',
        start,
        end: new Date(Date.parse(start) + 15 * 60_000).toISOString(),
        participant: [
          { actor: { reference: `Patient/bench-patient-${i}` }, status: 'accepted' },
          { actor: { reference: `HealthcareService/${TEAM}` }, status: 'accepted' },
        ],
      },
    ]).flat() as unknown as FhirResource[];
    cluster.eoj.seed(resources);
    const url = (i: number) => `ws://127.0.0.1:${(cluster.instances[i % 3] as SignalInstance).port}/signal`;
    const tokens = await staffTokens(cluster, n);
    // Staff i on instance i mod 3, the tablet it rings on the next one: every ring crosses instances.
    const staff = await Promise.all(tokens.map((t, i) => signedIn(url(i), t)));
    const tablets = await Promise.all(Array.from({ length: n }, async (_, i) => signedIn(url(i + 1), await deviceToken(`bench-patient-${i}`))));
    all.push(...staff, ...tablets);

    async function round(): Promise<number[]> {
      const ids = staff.map(() => randomUUID());
      const t0 = staff.map(() => 0);
      const arrived = tablets.map((t) => t.next('call.incoming', 20_000).then(() => performance.now()));
      staff.forEach((s, i) => {
        t0[i] = performance.now();
        s.ws.send(JSON.stringify({ type: 'call.ring', callId: ids[i], visitId: `bench-visit-${i}` }));
      });
      const times = (await Promise.all(arrived)).map((t, i) => t - (t0[i] as number));
      staff.forEach((s, i) => s.ws.send(JSON.stringify({ type: 'call.hangup', callId: ids[i] })));
      await Promise.all(staff.map((s) => s.next('call.ended')));
      await Promise.all(tablets.map((t) => t.next('call.ended')));
      return times;
    }
    // The first round reads each visit from the EOJ (cold); the measured one is the day as it runs.
    const cold = await round();
    const warm = await round();
    return {
      'signal.cross_instance_ring_p50_ms': { value: median(warm), unit: 'ms' },
      'signal.cross_instance_ring_p99_ms': { value: nearestRank(warm, 0.99), unit: 'ms', target: '< 100', met: nearestRank(warm, 0.99) < 100 },
      'signal.cross_instance_ring_cold_p99_ms': { value: nearestRank(cold, 0.99), unit: 'ms' },
    };
  } finally {
    for (const s of all) s.ws.terminate();
    await cluster.stop();
  }
}

/** Remembers the stream the page's remote video shows now (a recovered call shows another). */
const rememberRemote = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    (window as unknown as { benchStream: unknown }).benchStream = (document.querySelector(sel) as HTMLVideoElement | null)?.srcObject ?? null;
  }, selector);
/** The remote video shows a new peer's stream and decodes frames from it. */
const newStreamPlaying = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const v = document.querySelector(sel) as HTMLVideoElement | null;
    const fresh = v?.srcObject && v.srcObject !== (window as unknown as { benchStream: unknown }).benchStream;
    return Boolean(fresh && v.videoWidth > 0 && !v.paused);
  }, selector);

export async function benchInstanceLoss(rounds = 5) {
  const cluster = await startCluster({ instances: 3 });
  const root = mkdtempSync(join(tmpdir(), 'skaermrum-bench-loss-'));
  const app = await startBrowserMode({ clock: cluster.clock, dataDir: join(root, 'client'), profile: `bench-loss-${randomUUID()}`, extra: cluster.clientEnv });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const staff = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
    const citizen = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage();
    const { visitId } = await signInAndPair(staff, citizen, app.url, `${cluster.citizenUrl}?autoanswer=0`);
    await acceptDeviceCheck(staff);
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await staff
        .locator(`tr[data-visit-id="${visitId}"]`)
        .getByRole('button', { name: /^Ring op til / })
        .click();
      await citizen.waitForFunction(() => ((document.querySelector('video.remote') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0, null, {
        timeout: 30_000,
      });
      await citizen.waitForTimeout(1_000);
      await rememberRemote(citizen, 'video.remote');
      let holder: SignalInstance | null = null;
      for (const s of cluster.instances) if (s.alive && (await s.devices()) > 0) holder = s;
      if (!holder) throw new Error('no instance holds the tablet');
      const t0 = performance.now();
      await holder.kill();
      // Media again: the tablet's remote video is a new peer's stream, decoding frames.
      for (;;) {
        if (await newStreamPlaying(citizen, 'video.remote')) break;
        if (performance.now() - t0 > 30_000) throw new Error('media did not come back within 30 s');
        await citizen.waitForTimeout(25);
      }
      times.push(performance.now() - t0);
      await holder.restart();
      await staff.getByRole('button', { name: 'Læg på' }).click();
      await staff.getByRole('button', { name: 'Annullér' }).click();
      await citizen.getByRole('heading', { name: /Du bliver ringet op|Opkaldet er slut|Hvordan var det/ }).waitFor();
      await citizen.waitForTimeout(1_500);
      const faces = citizen.getByRole('button', { name: 'Godt' });
      if (await faces.isVisible()) await faces.click();
      await citizen.waitForTimeout(500);
    }
    return {
      'signal.instance_loss_recovery_ms_median': { value: median(times), unit: 'ms', target: '< 3000', met: median(times) < 3000 },
    };
  } finally {
    await browser.close();
    await app.stop();
    await cluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
