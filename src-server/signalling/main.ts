// Entry point: one signalling instance (WebSocket relay, TURN credentials, the citizen app), configured on its own.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RoleClaimSetting, RoleMapSetting, roleMappingFromSettings } from '../../src-shared/auth/roles.js';
import { clockFromSetting } from '../../src-shared/time/clock.js';
import { describeRedisError, redactRedisUrl } from './cluster/redis.js';
import { startSignallingService } from './service.js';
import { fileSmsOutbox, httpSmsGateway } from './guests/sms.js';

const Env = z.object({
  SIGNAL_HOST: z.string().default('127.0.0.1'),
  SIGNAL_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** The EOJ's FHIR base URL (the sandbox's with `npm start`). */
  SIGNAL_EOJ_URL: z.url(),
  /** The IdP; unset: found in the EOJ's /.well-known/smart-configuration. */
  SIGNAL_IDP_ISSUER: z.url().optional(),
  /** The service's own client at the IdP (client credentials). */
  SIGNAL_CLIENT_ID: z.string().min(1).optional(),
  SIGNAL_CLIENT_SECRET: z.string().min(16),
  /**
   * redis://user:password@host:port (rediss:// for TLS) for several instances; unset: a single
   * instance, its live state in memory. Never logged as given: the password is redacted.
   */
  SIGNAL_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'skal begynde med redis:// eller rediss://')
    .optional(),
  /** The claim carrying staff roles, and the municipality's names for them (as the client's SKAERMRUM_ROLE_*). */
  SIGNAL_ROLE_CLAIM: RoleClaimSetting.optional(),
  SIGNAL_ROLE_MAP: RoleMapSetting.optional(),
  /** Signs citizen device tokens (64 hex digits, the same on every instance); unset: kept in SIGNAL_DATA_DIR. */
  SIGNAL_DEVICE_SECRET: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  SIGNAL_DATA_DIR: z
    .string()
    .min(1)
    .default(join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'skaermrum-sandbox')),
  SIGNAL_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  /** coturn started with --use-auth-secret --static-auth-secret=<this>. */
  SIGNAL_TURN_SECRET: z.string().min(8).optional(),
  SIGNAL_TURN_URLS: z.string().default('turn:127.0.0.1:3478?transport=udp'),
  SIGNAL_TURN_TTL_S: z.coerce.number().int().min(-86_400).max(86_400).default(600),
  SIGNAL_HEARTBEAT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  SIGNAL_LOST_GRACE_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  SKAERMRUM_NOW: z.string().optional(),
  /**
   * Relatives' invitations by SMS: a gateway that takes POST {to, text} with a bearer token; unset:
   * the sandbox's outbox, a file of one JSON line per message (SIGNAL_SMS_OUTBOX).
   */
  SIGNAL_SMS_GATEWAY_URL: z.url().optional(),
  SIGNAL_SMS_GATEWAY_TOKEN: z.string().min(8).optional(),
  SIGNAL_SMS_OUTBOX: z.string().min(1).optional(),
  /** The relative's page as the SMS links to it (behind a load balancer: its public address). */
  SIGNAL_GUEST_PAGE_URL: z.url().optional(),
  /** The municipality's choice: the tablet asks the citizen's verdict after each answered call ("off" turns it off). */
  SKAERMRUM_SATISFACTION_SURVEY: z.enum(['on', 'off']).default('on'),
});
const SmartConfiguration = z.object({ issuer: z.url() });

async function main(): Promise<void> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) throw new Error(`ugyldig konfiguration: ${z.prettifyError(parsed.error)}`);
  const env = parsed.data;
  const roleMapping = roleMappingFromSettings({ claim: env.SIGNAL_ROLE_CLAIM, map: env.SIGNAL_ROLE_MAP, mapSetting: 'SIGNAL_ROLE_MAP' });
  let secretHex = env.SIGNAL_DEVICE_SECRET;
  if (!secretHex) {
    // One instance on one machine keeps its secret in its data folder, so paired tablets survive restarts.
    mkdirSync(env.SIGNAL_DATA_DIR, { recursive: true, mode: 0o700 });
    const file = join(env.SIGNAL_DATA_DIR, 'token-secret');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    secretHex = readFileSync(file, 'utf8').trim();
  }
  const issuer =
    env.SIGNAL_IDP_ISSUER ??
    SmartConfiguration.parse(
      await (
        await fetch(new URL('.well-known/smart-configuration', `${env.SIGNAL_EOJ_URL.replace(/\/$/, '')}/`), { signal: AbortSignal.timeout(5_000) })
      ).json(),
    ).issuer;
  const clock = clockFromSetting('SKAERMRUM_NOW', env.SKAERMRUM_NOW);
  if (env.SIGNAL_SMS_GATEWAY_URL && !env.SIGNAL_SMS_GATEWAY_TOKEN) throw new Error('SIGNAL_SMS_GATEWAY_URL kræver SIGNAL_SMS_GATEWAY_TOKEN');
  const smsOutbox = env.SIGNAL_SMS_OUTBOX ?? join(env.SIGNAL_DATA_DIR, 'sms-outbox.jsonl');
  const sms =
    env.SIGNAL_SMS_GATEWAY_URL && env.SIGNAL_SMS_GATEWAY_TOKEN
      ? httpSmsGateway({ url: env.SIGNAL_SMS_GATEWAY_URL, token: env.SIGNAL_SMS_GATEWAY_TOKEN })
      : fileSmsOutbox(smsOutbox, () => clock.now());
  const service = await startSignallingService({
    sms,
    ...(env.SIGNAL_GUEST_PAGE_URL ? { guestPageUrl: env.SIGNAL_GUEST_PAGE_URL } : {}),
    eojUrl: env.SIGNAL_EOJ_URL,
    issuer,
    clientSecret: env.SIGNAL_CLIENT_SECRET,
    ...(env.SIGNAL_CLIENT_ID ? { clientId: env.SIGNAL_CLIENT_ID } : {}),
    roleMapping,
    deviceSecret: Buffer.from(secretHex, 'hex'),
    redisUrl: env.SIGNAL_REDIS_URL ?? null,
    // coturn's secret; without one (no coturn), a random one: credentials that no relay accepts.
    turn: { urls: env.SIGNAL_TURN_URLS.split(','), secret: env.SIGNAL_TURN_SECRET ?? randomBytes(24).toString('hex'), ttlSeconds: env.SIGNAL_TURN_TTL_S },
    // dist/main/src-server/signalling/main.js → dist/citizen
    citizenAppDir: fileURLToPath(new URL('../../../citizen', import.meta.url)),
    host: env.SIGNAL_HOST,
    port: env.SIGNAL_PORT,
    ...(env.SIGNAL_INSTANCE_ID ? { instanceId: env.SIGNAL_INSTANCE_ID } : {}),
    clock,
    satisfactionSurvey: env.SKAERMRUM_SATISFACTION_SURVEY === 'on',
    ...(env.SIGNAL_HEARTBEAT_MS ? { heartbeatMs: env.SIGNAL_HEARTBEAT_MS } : {}),
    ...(env.SIGNAL_LOST_GRACE_MS ? { lostGraceMs: env.SIGNAL_LOST_GRACE_MS } : {}),
  }).catch((error: unknown) => {
    // A Redis ACL without a command, key or channel the service uses shows here, at start: in Danish, naming the user.
    const redisUrl = env.SIGNAL_REDIS_URL;
    throw redisUrl && error instanceof Error && /^NOPERM/.test(error.message) ? new Error(describeRedisError(error, redisUrl), { cause: error }) : error;
  });
  // Said before the "running" line: whoever waits for that line has this one too.
  if (!env.SIGNAL_SMS_GATEWAY_URL) process.stdout.write(`SMS til pårørende (sandkasse): ${smsOutbox}\n`);
  process.stdout.write(
    `Signalering kører på ${service.url} (instans ${service.instanceId}${env.SIGNAL_REDIS_URL ? `, fælles tilstand i Redis på ${redactRedisUrl(env.SIGNAL_REDIS_URL)}` : ''})\n`,
  );
  process.stdout.write(`Borger-app: ${service.citizenUrl}\n`);
  const stop = () => void service.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Signaleringen kunne ikke starte: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
