import { randomBytes } from 'node:crypto';
import fastifyStatic from '@fastify/static';
import { securityHeaders } from '../src-shared/security/csp.js';
import { systemClock, type Clock } from '../src-shared/time/clock.js';
import { Conformance } from './eoj/conformance.js';
import { migrateSandboxData } from './eoj/dataMigrations.js';
import { createDemoSeeder, type DemoAsOf } from './eoj/demoSeed.js';
import { buildEojApp } from './eoj/app.js';
import { jwksVerifier } from './eoj/auth.js';
import { startIdp } from './idp/provider.js';
import { demoUsers } from './idp/users.js';
import { SANDBOX_ROLE_MAPPING } from '../src-shared/auth/roles.js';
import { createFaults } from './eoj/faults.js';
import { openRepository, type Repository } from './eoj/repository.js';
import { SIGNAL_PATH } from '../src-shared/signalling/protocol.js';
import type { FhirResource } from '../src-shared/fhir/schemas.js';
import { createDeviceRegistry } from './signalling/devices.js';
import { attachSignalling, type Signalling, type SignallingLogger, type VisitDirectory } from './signalling/server.js';
import type { TurnConfig } from './signalling/turn.js';

/** Which citizen and team a visit belongs to, read from the sandbox's Appointments. */
function appointmentDirectory(repository: Repository): VisitDirectory {
  const idOf = (refs: (string | undefined)[], type: string) => refs.find((r) => r?.startsWith(`${type}/`))?.split('/')[1];
  const parties = (resource: unknown) => {
    const a = resource as { resourceType: string; participant?: { actor?: { reference?: string } }[] };
    const refs = a.resourceType === 'Appointment' ? (a.participant ?? []).map((p) => p.actor?.reference) : [];
    return { citizenId: idOf(refs, 'Patient'), teamId: idOf(refs, 'HealthcareService') };
  };
  return {
    visit(visitId) {
      const stored = repository.get('Appointment', visitId);
      const { citizenId, teamId } = parties(stored?.resource);
      return citizenId && teamId ? { citizenId, teamId } : null;
    },
    nextVisitStart(citizenId, teamId, afterMs) {
      const starts = repository
        .all('Appointment')
        .filter((a) => {
          const r = a.resource as { status?: string; start?: string };
          const p = parties(a.resource);
          return (
            p.citizenId === citizenId && p.teamId === teamId && r.status === 'booked' && r.start !== undefined && Date.parse(r.start) + 15 * 60_000 > afterMs
          );
        })
        .map((a) => (a.resource as { start: string }).start)
        .sort();
      return starts[0] ?? null;
    },
    citizenInTeam(citizenId, teamId) {
      return repository.all('Appointment').some((a) => {
        const p = parties(a.resource);
        return p.citizenId === citizenId && p.teamId === teamId;
      });
    },
  };
}

export interface SandboxOptions {
  /** Built citizen app (dist/citizen) to serve under /citizen/; not served when absent. */
  citizenAppDir?: string;
  /** TURN servers and coturn's static auth secret, for per-call credentials. */
  turn?: TurnConfig;
  signalling?: { ringTimeoutMs?: number; lostGraceMs?: number; autoAnswerAfterS?: number | null; heartbeatMs?: number; satisfactionSurvey?: boolean };
  /** Where refusals and other warnings go (JSON lines on stderr by default). Never personal data. */
  logger?: SignallingLogger;
  /** SQLite file; the sandbox keeps its data across restarts. */
  dbFile: string;
  port: number;
  /** Secret for citizen device tokens and TURN (when not configured); random per start when not given. */
  secret?: Uint8Array;
  /** The embedded OpenID provider's port (0: any; give the same on restart to keep its issuer). */
  idpPort?: number;
  /** Lifetime of the IdP's access tokens (default 600 s). */
  accessTokenTtlSeconds?: number;
  /** The demo days to keep in the EOJ, as of the clock (default "now"); null: no demo data. */
  demo?: DemoAsOf | null;
  /** Where the sandbox and signalling read "now" (default: the machine's clock; the IdP dates tokens on the machine's clock). */
  clock?: Clock;
  /** Where conformant FHIR servers differ, how this one behaves (default: strict R4 references, cursor paging). */
  conformance?: Conformance;
  allowFaultInjection?: boolean;
  bodyLimitBytes?: number;
}

export interface Sandbox {
  baseUrl: string;
  /** ws://127.0.0.1:port/signal */
  signallingUrl: string;
  signalling: Signalling;
  port: number;
  secret: Uint8Array;
  /** The embedded OpenID provider (issuer URL and port). */
  idp: { issuer: string; port: number };
  /** Adds generated resources in one transaction (the report tests' and benchmark's quarters). */
  seed(resources: FhirResource[]): void;
  close(): Promise<void>;
}

/** The sandbox EOJ: a FHIR R4 subset server on loopback with the demo day. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const repository = openRepository(options.dbFile, clock);
  migrateSandboxData(repository);
  const seeder = options.demo === null ? null : createDemoSeeder(repository, clock, options.demo ?? 'now');
  seeder?.ensure();
  // A new care day brings the day after it (checked each minute; tomorrow is always already there).
  const seedTimer = seeder ? setInterval(() => seeder.ensure(), 60_000) : null;
  seedTimer?.unref();
  const secret = options.secret ?? randomBytes(32);
  let baseUrl = '';
  const idp = await startIdp({
    users: () => demoUsers(clock),
    keyFile: options.dbFile.replace(/\.db$/, '') + '-idp-key.json',
    storeFile: options.dbFile.replace(/\.db$/, '') + '-idp.db',
    clock: systemClock,
    port: options.idpPort ?? 0,
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
  });
  // Token times are the IdP's: checked on the machine's clock, whatever day the demo runs at.
  const tokens = jwksVerifier({ issuer: idp.issuer, roleMapping: SANDBOX_ROLE_MAPPING, clock: systemClock });
  const app = buildEojApp({
    repository,
    tokens,
    faults: createFaults(),
    baseUrl: () => baseUrl,
    smartConfiguration: () => ({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/auth`,
      token_endpoint: `${idp.issuer}/token`,
      revocation_endpoint: `${idp.issuer}/token/revocation`,
      jwks_uri: `${idp.issuer}/jwks`,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'profile', 'offline_access', 'fhir'],
      capabilities: ['launch-standalone', 'client-public', 'sso-openid-connect'],
    }),
    allowFaultInjection: options.allowFaultInjection ?? false,
    clock,
    conformance: options.conformance ?? Conformance.parse({}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  const devices = createDeviceRegistry({ dbFile: options.dbFile.replace(/\.db$/, '') + '-devices.db', secret, clock });
  const signalling = attachSignalling({
    httpServer: app.server,
    staffTokens: tokens,
    devices,
    directory: appointmentDirectory(repository),
    clock,
    turn: options.turn ?? { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: Buffer.from(secret).toString('hex'), ttlSeconds: 600 },
    logger: options.logger ?? {
      warn: (fields, message) => void process.stderr.write(`${JSON.stringify({ level: 'warn', time: clock.now().toISOString(), ...fields, message })}\n`),
    },
    ...options.signalling,
  });
  if (options.citizenAppDir) {
    const citizenDir = options.citizenAppDir;
    let headers: Record<string, string> = {};
    app.addHook('onSend', async (req, reply) => {
      if (req.url.startsWith('/citizen')) reply.headers(headers);
    });
    await app.register(fastifyStatic, { root: citizenDir, prefix: '/citizen/', index: ['index.html'] });
    app.get('/citizen', (_req, reply) => reply.redirect('/citizen/'));
    app.server.once('listening', () => {
      const address = app.server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      headers = { ...securityHeaders([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]), 'Cache-Control': 'no-cache' };
    });
  }
  await app.listen({ host: '127.0.0.1', port: options.port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('sandbox has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}/fhir`;
  return {
    baseUrl,
    signallingUrl: `ws://127.0.0.1:${address.port}${SIGNAL_PATH}`,
    seed: (resources) => void repository.createMany(resources),
    signalling,
    port: address.port,
    secret,
    idp: { issuer: idp.issuer, port: idp.port },
    async close() {
      await idp.close();
      if (seedTimer) clearInterval(seedTimer);
      signalling.close();
      app.server.closeAllConnections();
      await app.close();
      repository.close();
      devices.close();
    },
  };
}
