import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src-server/sandbox';
import { startSignallingService, type SignallingServiceOptions } from '../../src-server/signalling/service';
import { fileSmsOutbox } from '../../src-server/signalling/guests/sms';
import type { SignallingLogger } from '../../src-server/signalling/server';
import type { Conformance } from '../../src-server/eoj/conformance';
import type { DemoAsOf, DemoScope } from '../../src-server/eoj/demoSeed';
import type { Clock } from '../../src-shared/time/clock';
import { testClock } from './clock';
import { tempDir } from './store';
import { signInAtIdp, USERNAMES } from './idp';

// FHIR JSON in tests is inspected field by field; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FhirJson = any;

/** The signalling service's client secret at the test IdP, and the device-token secret (fixed, so restarts keep tablets paired). */
export const TEST_SIGNALLING_SECRET = 'test-signalling-client-secret';
export const TEST_DEVICE_SECRET = Buffer.alloc(32, 7);

export interface TestSandbox extends Sandbox {
  dir: string;
  /** The signalling service next to it (its own service, in this process), reading the sandbox over FHIR. */
  signallingUrl: string;
  /** The sandbox's SMS outbox (one JSON line per message): where relatives' invitations go. */
  smsOutbox: string;
  signalling: Awaited<ReturnType<typeof startSignallingService>>['signalling'];
  token: string;
  /** The clock the sandbox runs on (restarts keep it). */
  clock: Clock;
  fhir(path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; headers: Headers; body: FhirJson }>;
  faults(config: Record<string, unknown>): Promise<void>;
  restart(): Promise<TestSandbox>;
  cleanup(): Promise<void>;
}

/** A real sandbox EOJ on loopback with its IdP, signed in there as a demo staff member (a real code flow). */
export async function startTestSandbox(
  options: {
    logger?: SignallingLogger;
    signalling?: Pick<
      SignallingServiceOptions,
      'ringTimeoutMs' | 'lostGraceMs' | 'autoAnswerAfterS' | 'heartbeatMs' | 'satisfactionSurvey' | 'consentMs' | 'colleagueRingMs'
    >;
    /** The demo days as of the clock (default "now"). */
    demo?: DemoAsOf | null;
    /** Nord's today and tomorrow (default), or the four skærmenheder with the 13 weeks before and the two after. */
    demoScope?: DemoScope;
    /** The sandbox's clock (default: a test clock at the test instant). */
    clock?: Clock;
    conformance?: Conformance;
    dir?: string;
    port?: number;
    /** The IdP's port (a restart keeps it, so its issuer stays the same). */
    idpPort?: number;
    accessTokenTtlSeconds?: number;
    practitionerId?: string;
    removeDir?: () => void;
  } = {},
): Promise<TestSandbox> {
  const own = options.dir ? null : tempDir('skaermrum-eoj-');
  const dir = options.dir ?? (own as { dir: string }).dir;
  const removeDir = options.removeDir ?? own?.cleanup;
  const clock = options.clock ?? testClock();
  const sandbox = await startSandbox({
    dbFile: join(dir, 'eoj.db'),
    port: options.port ?? 0,
    ...(options.idpPort ? { idpPort: options.idpPort } : {}),
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    demo: options.demo === undefined ? 'now' : options.demo,
    ...(options.demoScope ? { demoScope: options.demoScope } : {}),
    clock,
    ...(options.conformance ? { conformance: options.conformance } : {}),
    allowFaultInjection: true,
    signallingClientSecret: TEST_SIGNALLING_SECRET,
  });
  const service = await startSignallingService({
    eojUrl: sandbox.baseUrl,
    issuer: sandbox.idp.issuer,
    clientSecret: TEST_SIGNALLING_SECRET,
    deviceSecret: TEST_DEVICE_SECRET,
    turn: { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: 'test-turn-secret', ttlSeconds: 600 },
    port: 0,
    clock,
    logger: options.logger ?? { warn: () => undefined },
    sms: fileSmsOutbox(join(dir, 'sms-outbox.jsonl'), () => clock.now()),
    guestPageUrl: 'http://127.0.0.1/citizen/?gaest',
    ...options.signalling,
  });
  const origin = sandbox.baseUrl.replace(/\/fhir$/, '');
  const username = USERNAMES[options.practitionerId ?? 'practitioner-2'] ?? 'louise';
  const signIn = () => signInAtIdp(sandbox.idp.issuer, username);
  // After a restart on the same port, fetch's pooled keep-alive socket to the old server is dead once.
  const { accessToken: token } = await signIn().catch(signIn);
  const self: TestSandbox = {
    ...sandbox,
    signallingUrl: service.url,
    smsOutbox: join(dir, 'sms-outbox.jsonl'),
    signalling: service.signalling,
    dir,
    token,
    clock,
    async fhir(path, init = {}) {
      const { json, ...rest } = init;
      const res = await fetch(path.startsWith('http') ? path : `${sandbox.baseUrl}${path}`, {
        ...rest,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
          ...(rest.headers as Record<string, string> | undefined),
        },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    },
    async faults(config) {
      const res = await fetch(`${origin}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) });
      if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
    },
    // Both servers: the EOJ (with its IdP) and the signalling service beside it.
    async close() {
      await service.close();
      await sandbox.close();
    },
    async restart() {
      await self.close();
      return startTestSandbox({
        dir,
        port: sandbox.port,
        idpPort: sandbox.idp.port,
        clock,
        ...(options.demo !== undefined ? { demo: options.demo } : {}),
        ...(options.demoScope ? { demoScope: options.demoScope } : {}),
        ...(options.conformance ? { conformance: options.conformance } : {}),
        ...(removeDir ? { removeDir } : {}),
        ...(options.practitionerId ? { practitionerId: options.practitionerId } : {}),
      });
    },
    async cleanup() {
      await service.close().catch(() => undefined);
      await sandbox.close().catch(() => undefined);
      removeDir?.();
    },
  };
  return self;
}
