import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src-server/sandbox';
import { SIGNALLING_REDIS_ACL } from '../../src-server/signalling/cluster/redis';
import type { Clock } from '../../src-shared/time/clock';
import { startSignallingProcess } from '../e2e/browserMode';
import { testClock } from './clock';
import { tempDir } from './store';

/**
 * Signalling scaled out as it is deployed: N instances (real processes of the built service), a
 * real Redis (Debian's redis-server, nothing persisted) and a real HAProxy in front, all on
 * loopback; the sandbox EOJ (with its IdP) in this process.
 */
export const CLUSTER_CLIENT_SECRET = 'cluster-signalling-client-secret';
/** The cluster's device-token secret (a benchmark mints tablets' tokens with it). */
export const DEVICE_SECRET_HEX = '07'.repeat(32);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function untilListening(port: number, what: string, timeoutMs = 10_000): Promise<void> {
  const start = performance.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (performance.now() - start > timeoutMs) throw new Error(`${what} lytter ikke på ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnDaemon(command: string, args: string[], log: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  return child;
}
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

export interface RedisProcess {
  /** The signalling service's address: its own ACL user and password, as production runs it. */
  url: string;
  /** The test's own look inside (CLIENT KILL, PUBSUB, reading keys): an administrator, never given to the service. */
  adminUrl: string;
  port: number;
  user: string;
  password: string;
  /** With TLS: the CA that signed the server's certificate (give it to Node as NODE_EXTRA_CA_CERTS). */
  caFile: string | null;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export const REDIS_SERVICE_USER = 'skaermrum';
const REDIS_ADMIN_USER = 'testadmin';

/** Command-line flags from a record: { port: '0' } → ['--port', '0']. */
const flags = (values: Record<string, string>) => Object.entries(values).flatMap(([name, value]) => [`--${name}`, value]);

/** A CA and a server certificate for 127.0.0.1 (ECDSA P-256, one day), made with openssl. */
function makeTlsFiles(dir: string): { ca: string; cert: string; key: string } {
  const f = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...newKey, '-days', '1', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-subj', '/CN=Skaermrum test CA');
  openssl('req', ...newKey, '-keyout', f('redis.key'), '-out', f('redis.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('redis.ext'), 'subjectAltName=IP:127.0.0.1\n');
  const sign = ['-in', f('redis.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-extfile', f('redis.ext')];
  openssl('x509', '-req', ...sign, '-days', '1', '-out', f('redis.crt'));
  return { ca: f('ca.crt'), cert: f('redis.crt'), key: f('redis.key') };
}

/**
 * redis-server on loopback without persistence (whatever must last may not depend on it), locked
 * down as production should run it: the default user off, the service's own user with a random
 * password and only what the service needs (SIGNALLING_REDIS_ACL), from an ACL file holding only
 * the passwords' SHA-256. `tls`: TLS only, with a certificate from a CA of its own.
 */
export async function startRedis(dir: string, options: { tls?: boolean } = {}): Promise<RedisProcess> {
  const port = await freePort();
  const log: string[] = [];
  const password = randomBytes(24).toString('base64url');
  const adminPassword = randomBytes(24).toString('base64url');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const aclFile = join(dir, 'users.acl');
  writeFileSync(
    aclFile,
    [
      'user default off resetpass -@all',
      `user ${REDIS_SERVICE_USER} on #${sha256(password)} ${SIGNALLING_REDIS_ACL}`,
      `user ${REDIS_ADMIN_USER} on #${sha256(adminPassword)} ~* &* +@all`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const tls = options.tls ? makeTlsFiles(dir) : null;
  const listen = tls
    ? flags({ port: '0', 'tls-port': String(port), 'tls-cert-file': tls.cert, 'tls-key-file': tls.key, 'tls-ca-cert-file': tls.ca, 'tls-auth-clients': 'no' })
    : flags({ port: String(port) });
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawnDaemon('redis-server', [...listen, ...flags({ bind: '127.0.0.1', save: '', appendonly: 'no', dir, aclfile: aclFile })], log);
    await untilListening(port, 'redis-server');
  };
  await start();
  const scheme = tls ? 'rediss' : 'redis';
  return {
    url: `${scheme}://${REDIS_SERVICE_USER}:${password}@127.0.0.1:${port}`,
    adminUrl: `${scheme}://${REDIS_ADMIN_USER}:${adminPassword}@127.0.0.1:${port}`,
    port,
    user: REDIS_SERVICE_USER,
    password,
    caFile: tls?.ca ?? null,
    start,
    async stop() {
      if (!child) return;
      const c = child;
      child = null;
      c.kill('SIGKILL');
      await exited(c);
    },
  };
}

export interface SignalInstance {
  id: string;
  port: number;
  pid: number;
  /** Not killed by the test. */
  alive: boolean;
  /** Connections this instance holds now (its health check). */
  connections(): Promise<number>;
  /** Signed-in tablets connected to this instance now. */
  devices(): Promise<number>;
  kill(): Promise<void>;
  /** Starts it again after a kill (same id and port; HAProxy takes it back after its health checks). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Everything it wrote to stdout and stderr, over every start. */
  output(): string;
}

export interface Cluster {
  eoj: Sandbox;
  /** The sandbox's data folder (its IdP's signing key is there). */
  dir: string;
  clock: Clock;
  redis: RedisProcess;
  instances: SignalInstance[];
  /** Through HAProxy: ws://127.0.0.1:port/signal, and the citizen app. */
  signallingUrl: string;
  citizenUrl: string;
  /** What a staff client needs to reach the EOJ and signalling through the load balancer. */
  clientEnv: Record<string, string>;
  /** The sandbox's fault injection (src-server/eoj/faults.ts): `{}` clears it. */
  faults(config: Record<string, unknown>): Promise<void>;
  /** Runs fn and says which instance took the one connection it made. */
  holderOf(fn: () => Promise<void>): Promise<SignalInstance>;
  stop(): Promise<void>;
}

export async function startCluster(options: { instances?: number; clock?: Clock; heartbeatMs?: number } = {}): Promise<Cluster> {
  const { dir, cleanup } = tempDir('skaermrum-cluster-');
  const clock = options.clock ?? testClock();
  // Every visit of the day still open, whatever the hour (as the other browser tests' sandbox).
  const eoj = await startSandbox({
    dbFile: join(dir, 'eoj.db'),
    port: 0,
    demo: 'start-of-day',
    clock,
    signallingClientSecret: CLUSTER_CLIENT_SECRET,
    allowFaultInjection: true,
  });
  const redisDir = join(dir, 'redis');
  mkdirSync(redisDir);
  const redis = await startRedis(redisDir);
  const instances: SignalInstance[] = [];
  for (let i = 1; i <= (options.instances ?? 3); i++) {
    const port = await freePort();
    const env = {
      SIGNAL_EOJ_URL: eoj.baseUrl,
      SIGNAL_IDP_ISSUER: eoj.idp.issuer,
      SIGNAL_CLIENT_SECRET: CLUSTER_CLIENT_SECRET,
      SIGNAL_DEVICE_SECRET: DEVICE_SECRET_HEX,
      SIGNAL_REDIS_URL: redis.url,
      SIGNAL_INSTANCE_ID: `signal-${i}`,
      SIGNAL_PORT: String(port),
      SIGNAL_DATA_DIR: join(dir, `signal-${i}`),
      SIGNAL_HEARTBEAT_MS: String(options.heartbeatMs ?? 2_000),
      SKAERMRUM_NOW: clock.now().toISOString(),
    };
    let running = await startSignallingProcess(env);
    const earlier: string[] = [];
    const health = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/signal/health`, { signal: AbortSignal.timeout(2_000) })).json()) as {
        connections: number;
        devices: number;
      };
    const self: SignalInstance = {
      id: `signal-${i}`,
      port,
      pid: running.pid,
      alive: true,
      connections: async () => (await health()).connections,
      devices: async () => (await health()).devices,
      async kill() {
        self.alive = false;
        process.kill(running.pid, 'SIGKILL');
        await running.stop();
      },
      async restart() {
        earlier.push(running.output());
        running = await startSignallingProcess(env);
        self.pid = running.pid;
        self.alive = true;
      },
      stop: () => running.stop(),
      output: () => [...earlier, running.output()].join(''),
    };
    instances.push(self);
  }
  const lbPort = await freePort();
  const config = [
    'global',
    // Within the machine's open-files limit (HAProxy refuses to start above it).
    '  maxconn 9000',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 1h',
    '  timeout server 1h',
    // WebSockets: after the upgrade the connection is a tunnel, kept open for the day.
    '  timeout tunnel 1h',
    '  option redispatch',
    '  retries 3',
    'frontend signalling',
    `  bind 127.0.0.1:${lbPort}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    '  option httpchk GET /signal/health',
    '  default-server inter 250 fall 2 rise 2',
    ...instances.map((s) => `  server ${s.id} 127.0.0.1:${s.port} check`),
    '',
  ].join('\n');
  const configFile = join(dir, 'haproxy.cfg');
  writeFileSync(configFile, config);
  const haproxyLog: string[] = [];
  const haproxy = spawnDaemon('haproxy', ['-db', '-f', configFile], haproxyLog);
  await untilListening(lbPort, 'haproxy');
  // Every instance passes its health check before the test begins.
  for (const s of instances) {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${s.port}/signal/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (i > 100) throw new Error(`${s.id} er ikke klar`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // HAProxy counts them up after its own checks: until it sends requests to every one of them.
  const served = new Set<string>();
  for (let i = 0; served.size < instances.length; i++) {
    if (i > 400) throw new Error(`HAProxy sender kun til ${[...served].join(', ')}`);
    const health = await fetch(`http://127.0.0.1:${lbPort}/signal/health`, { signal: AbortSignal.timeout(2_000) })
      .then(async (r) => ((await r.json()) as { instance?: string }).instance)
      .catch(() => undefined);
    if (health) served.add(health);
    else await new Promise((r) => setTimeout(r, 25));
  }
  const signallingUrl = `ws://127.0.0.1:${lbPort}/signal`;
  return {
    eoj,
    dir,
    clock,
    redis,
    instances,
    signallingUrl,
    citizenUrl: `http://127.0.0.1:${lbPort}/citizen/`,
    clientEnv: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SIGNALLING_URL: signallingUrl },
    async faults(config) {
      const res = await fetch(`${new URL(eoj.baseUrl).origin}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(config),
      });
      if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
    },
    async holderOf(fn) {
      const count = (s: SignalInstance) => s.connections().catch(() => -1);
      const before = await Promise.all(instances.map(count));
      await fn();
      const after = await Promise.all(instances.map(count));
      const i = after.findIndex((n, k) => n >= 0 && n > (before[k] ?? 0));
      if (i < 0) throw new Error('ingen instans fik forbindelsen');
      return instances[i] as SignalInstance;
    },
    async stop() {
      haproxy.kill('SIGTERM');
      await exited(haproxy);
      for (const s of instances) await s.stop().catch(() => undefined);
      await redis.stop();
      await eoj.close();
      cleanup();
    },
  };
}
