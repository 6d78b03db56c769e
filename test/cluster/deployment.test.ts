import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src-server/sandbox';
import { keys, REDIS_KEY_PREFIX } from '../../src-server/signalling/cluster/shared';
import { inviteKeys } from '../../src-server/signalling/guests/invitations';
import type { IdpUser } from '../../src-server/idp/users';
import { startSignallingProcess } from '../e2e/browserMode';
import { DEVICE_SECRET_HEX, startRedis, type RedisProcess } from '../helpers/cluster';
import { testClock } from '../helpers/clock';
import { signInAtIdp } from '../helpers/idp';
import { connectSignal } from '../helpers/signalClient';
import { tempDir } from '../helpers/store';

/**
 * The signalling service configured as a municipality runs it, as real processes of the built
 * service: Redis with the default user off and the service's own ACL user (plain and over TLS), a
 * start refused in Danish when Redis refuses it, the password never written anywhere, and the
 * municipality's role names read from a claim of its choosing in tokens from the real IdP.
 */
const CLIENT_SECRET = 'deployment-signalling-client-secret';

/** A municipality's groups claim: Louise is a lead here, Mette only staff (whatever `roles` says), Ahmad in no Skærmrum group. */
const GROUPS: Record<string, string[]> = {
  louise: ['skaermrum-leads', 'skaermrum-staff'],
  mette: ['skaermrum-staff'],
  ahmad: ['hjemmepleje-nord'],
};
const ROLE_ENV = { SIGNAL_ROLE_CLAIM: 'groups', SIGNAL_ROLE_MAP: 'team_lead=skaermrum-leads;staff=skaermrum-staff' };

describe('signalling as a municipality runs it', () => {
  const { dir, cleanup } = tempDir('skaermrum-deployment-');
  const clock = testClock();
  let eoj: Sandbox;
  let redis: RedisProcess;
  const running: { stop(): Promise<void> }[] = [];
  let instances = 0;

  beforeAll(async () => {
    eoj = await startSandbox({
      dbFile: join(dir, 'eoj.db'),
      port: 0,
      demo: null,
      clock,
      signallingClientSecret: CLIENT_SECRET,
      idpExtraClaims: (user: IdpUser) => ({ groups: GROUPS[user.username] ?? [] }),
    });
    mkdirSync(join(dir, 'redis'));
    redis = await startRedis(join(dir, 'redis'));
  });
  afterAll(async () => {
    for (const r of running) await r.stop();
    await redis?.stop();
    await eoj?.close();
    cleanup();
  });

  const envOf = (extra: Record<string, string>) => ({
    SIGNAL_EOJ_URL: eoj.baseUrl,
    SIGNAL_IDP_ISSUER: eoj.idp.issuer,
    SIGNAL_CLIENT_SECRET: CLIENT_SECRET,
    SIGNAL_DEVICE_SECRET: DEVICE_SECRET_HEX,
    SIGNAL_DATA_DIR: join(dir, `signal-${++instances}`),
    SIGNAL_PORT: '0',
    SKAERMRUM_NOW: clock.now().toISOString(),
    ...extra,
  });
  async function start(extra: Record<string, string>) {
    const instance = await startSignallingProcess(envOf(extra));
    running.push(instance);
    return instance;
  }
  /** The start's failure as the operator reads it (the process's whole output). */
  async function refusedStart(extra: Record<string, string>): Promise<string> {
    const error = await startSignallingProcess(envOf(extra)).then(
      (instance) => {
        running.push(instance);
        throw new Error('the instance started');
      },
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/exited with 1/);
    return error.message;
  }
  const healthOf = async (wsUrl: string) =>
    (await (await fetch(wsUrl.replace(/^ws:/, 'http:') + '/health')).json()) as { shared: boolean; revocationsRead: boolean };

  it('every key and channel the service uses starts with the prefix its Redis user is granted', () => {
    const names = [...Object.values(keys), ...Object.values(inviteKeys)].map((k) => (typeof k === 'string' ? k : (k as (...a: string[]) => string)('a', 'b')));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name.startsWith(REDIS_KEY_PREFIX)).toBe(true);
  });

  it("Redis refuses the default user, and the service's user may do only what the service needs", async () => {
    const once = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };
    const anonymous = new Redis({ host: '127.0.0.1', port: redis.port, ...once, enableReadyCheck: false });
    const service = new Redis(redis.url, once);
    const listener = new Redis(redis.url, once);
    for (const r of [anonymous, service, listener]) r.on('error', () => undefined);
    try {
      await anonymous.connect();
      await expect(anonymous.get('sk:x')).rejects.toThrow(/NOAUTH/);
      await expect(anonymous.auth('default', 'anything')).rejects.toThrow(/WRONGPASS/);
      await Promise.all([service.connect(), listener.connect()]);
      expect(await service.set('sk:acl-test', '1', 'PX', 10_000)).toBe('OK');
      expect(await service.eval("return redis.call('get', KEYS[1])", 1, 'sk:acl-test')).toBe('1');
      const refused: [string, () => Promise<unknown>][] = [
        ['a key of another prefix', () => service.set('other:x', '1')],
        ['another key from a script', () => service.eval("return redis.call('get', 'other:x')", 0)],
        ['KEYS', () => service.keys('*')],
        ['SCAN', () => service.scan(0)],
        ['FLUSHALL', () => service.flushall()],
        ['CONFIG', () => service.config('GET', '*')],
        ['ACL', () => service.acl('LIST')],
        ['CLIENT LIST', () => service.client('LIST')],
        ['SHUTDOWN', () => service.shutdown()],
        ['a channel of another prefix', () => service.publish('other', 'x')],
      ];
      for (const [what, run] of refused) await expect(run(), what).rejects.toThrow(/NOPERM|user executing the script can't access/);
      await expect(listener.subscribe('other')).rejects.toThrow(/NOPERM/);
      await listener.subscribe(keys.broadcast);
    } finally {
      for (const r of [anonymous, service, listener]) r.disconnect();
    }
  });

  it('an instance starts with that user, names Redis without the password, and never writes it', async () => {
    const instance = await start({ SIGNAL_REDIS_URL: redis.url });
    expect(instance.output()).toContain(`fælles tilstand i Redis på redis://skaermrum:***@127.0.0.1:${redis.port}`);
    await expect.poll(async () => (await healthOf(instance.url)).shared).toBe(true);
    expect(instance.output()).not.toContain(redis.password);
  });

  it('a wrong password, or none, stops the start with a Danish reason that does not contain it', async () => {
    const wrong = randomBytes(12).toString('hex');
    const output = await refusedStart({ SIGNAL_REDIS_URL: `redis://skaermrum:${wrong}@127.0.0.1:${redis.port}` });
    expect(output).toContain(
      `Signaleringen kunne ikke starte: Redis afviste brugeren "skaermrum" på redis://skaermrum:***@127.0.0.1:${redis.port}: forkert brugernavn eller adgangskode`,
    );
    expect(output).not.toContain(wrong);
    expect(await refusedStart({ SIGNAL_REDIS_URL: `redis://127.0.0.1:${redis.port}` })).toContain(
      `Signaleringen kunne ikke starte: Redis på redis://127.0.0.1:${redis.port} kræver login`,
    );
  });

  it('a Redis user without what the service needs stops the start, in Danish, naming the user', async () => {
    const admin = new Redis(redis.adminUrl);
    const password = randomBytes(12).toString('hex');
    try {
      await admin.acl('SETUSER', 'lesser', 'on', `>${password}`, '~sk:*', '&sk:*', '-@all', '+info', '+get', '+set');
    } finally {
      admin.disconnect();
    }
    const output = await refusedStart({ SIGNAL_REDIS_URL: `redis://lesser:${password}@127.0.0.1:${redis.port}` });
    expect(output).toContain(`Signaleringen kunne ikke starte: Redis-brugeren "lesser" på redis://lesser:***@127.0.0.1:${redis.port} mangler rettigheder`);
    expect(output).not.toContain(password);
  });

  it('rediss://: over TLS with the same user when the CA is trusted; refused in Danish when it is not', async () => {
    mkdirSync(join(dir, 'redis-tls'));
    const tls = await startRedis(join(dir, 'redis-tls'), { tls: true });
    try {
      expect(tls.url).toMatch(/^rediss:\/\//);
      const instance = await start({ SIGNAL_REDIS_URL: tls.url, NODE_EXTRA_CA_CERTS: tls.caFile ?? '' });
      expect(instance.output()).toContain(`fælles tilstand i Redis på rediss://skaermrum:***@127.0.0.1:${tls.port}`);
      await expect.poll(async () => (await healthOf(instance.url)).shared).toBe(true);
      const output = await refusedStart({ SIGNAL_REDIS_URL: tls.url });
      expect(output).toContain(
        `Signaleringen kunne ikke starte: TLS-forbindelsen til Redis på rediss://skaermrum:***@127.0.0.1:${tls.port} kunne ikke godkendes`,
      );
      for (const text of [instance.output(), output]) expect(text).not.toContain(tls.password);
      await instance.stop();
    } finally {
      await tls.stop();
    }
  });

  /** Signs in at the real IdP, authenticates, then probes: the probe's echo comes after all the sign-in sent. */
  async function signIn(url: string, username: string) {
    const client = await connectSignal(url);
    client.send({ type: 'auth', token: (await signInAtIdp(eoj.idp.issuer, username)).accessToken });
    client.send({ type: 'net.probe', id: 'after-auth', pad: '' });
    const first = await Promise.race([client.next('auth.ok').then(() => 'ok' as const), client.next('error')]);
    if (first === 'ok') await client.next('net.probe');
    client.close();
    return { first, seesTeam: client.received.some((m) => m.type === 'presence.team') };
  }

  it("SIGNAL_ROLE_CLAIM and SIGNAL_ROLE_MAP: the municipality's groups decide who is a lead, who is staff, and who is no one", async () => {
    const mapped = await start(ROLE_ENV);
    const sandboxNames = await start({});
    // Louise's `roles` make her staff, her groups a lead: she gets the team's presence.
    expect(await signIn(mapped.url, 'louise')).toEqual({ first: 'ok', seesTeam: true });
    expect(await signIn(sandboxNames.url, 'louise')).toEqual({ first: 'ok', seesTeam: false });
    // Mette's `roles` make her a lead, her groups staff.
    expect(await signIn(mapped.url, 'mette')).toEqual({ first: 'ok', seesTeam: false });
    expect(await signIn(sandboxNames.url, 'mette')).toEqual({ first: 'ok', seesTeam: true });
    // Ahmad's only group is not mapped: no role, refused with the reason, though his `roles` would do.
    const ahmad = await signIn(mapped.url, 'ahmad');
    expect(ahmad.first).toMatchObject({ type: 'error', code: 'unauthenticated', message: expect.stringMatching(/ingen rolle i Skærmrum/) });
    expect(await signIn(sandboxNames.url, 'ahmad')).toMatchObject({ first: 'ok' });
  });

  it('a role map or claim it cannot read stops the start, in Danish, naming the setting', async () => {
    expect(await refusedStart({ ...ROLE_ENV, SIGNAL_ROLE_MAP: 'chef=skaermrum-leads' })).toContain(
      'Signaleringen kunne ikke starte: Ugyldig konfiguration: SIGNAL_ROLE_MAP: Ugyldig rollemapping "chef=skaermrum-leads"',
    );
    expect(await refusedStart({ ...ROLE_ENV, SIGNAL_ROLE_CLAIM: '' })).toMatch(/ugyldig konfiguration:[\s\S]*må ikke være tom[\s\S]*SIGNAL_ROLE_CLAIM/);
  });
});
