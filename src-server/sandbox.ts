import { systemClock, type Clock } from '../src-shared/time/clock.js';
import { Conformance } from './eoj/conformance.js';
import { migrateSandboxData } from './eoj/dataMigrations.js';
import { createDemoSeeder, type DemoAsOf, type DemoScope } from './eoj/demoSeed.js';
import { buildEojApp } from './eoj/app.js';
import { jwksVerifier } from './eoj/auth.js';
import { startIdp, type IdpOptions } from './idp/provider.js';
import { demoUsers } from './idp/users.js';
import { SANDBOX_ROLE_MAPPING } from '../src-shared/auth/roles.js';
import { SIGNALLING_CLIENT_ID } from '../src-shared/auth/claims.js';
import { createFaults } from './eoj/faults.js';
import { openRepository } from './eoj/repository.js';
import { dateRange, searchDateOf } from './eoj/search.js';
import type { FhirResource } from '../src-shared/fhir/schemas.js';

export interface SandboxOptions {
  /** The signalling service's client secret at the embedded IdP (client credentials); no such client when absent. */
  signallingClientSecret?: string;
  /** SQLite file; the sandbox keeps its data across restarts. */
  dbFile: string;
  port: number;
  /** The embedded OpenID provider's port (0: any; give the same on restart to keep its issuer). */
  idpPort?: number;
  /** Lifetime of the IdP's access tokens (default 600 s). */
  accessTokenTtlSeconds?: number;
  /** The demo days to keep in the EOJ, as of the clock (default "now"); null: no demo data. */
  demo?: DemoAsOf | null;
  /** Nord's today and tomorrow (default), or the four skærmenheder with the 13 weeks before and the two after (`npm start`). */
  demoScope?: DemoScope;
  /** Where the sandbox and signalling read "now" (default: the machine's clock; the IdP dates tokens on the machine's clock). */
  clock?: Clock;
  /** Where conformant FHIR servers differ, how this one behaves (default: strict R4 references, cursor paging). */
  conformance?: Conformance;
  allowFaultInjection?: boolean;
  bodyLimitBytes?: number;
  /** Claims the IdP's access tokens carry besides its own (a municipality's `groups`, for tests of role mapping). */
  idpExtraClaims?: IdpOptions['extraClaims'];
}

export interface Sandbox {
  baseUrl: string;
  port: number;
  /** The embedded OpenID provider (issuer URL and port). */
  idp: { issuer: string; port: number };
  /** Adds generated resources in one transaction (the report tests' and benchmark's quarters). */
  seed(resources: FhirResource[]): void;
  close(): Promise<void>;
}

/** The sandbox EOJ: a FHIR R4 subset server on loopback with the demo day. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const repository = openRepository(options.dbFile, clock, { dateOf: searchDateOf });
  migrateSandboxData(repository);
  const seeder =
    options.demo === null ? null : createDemoSeeder(repository, clock, options.demo ?? 'now', options.conformance?.staffAs, options.demoScope ?? 'small');
  seeder?.ensure();
  // The full demo's days other than today and tomorrow come after the server is up, while nobody
  // is asking (sign-ins and the staff's pulls first); a search that reads them waits for them.
  let requests = 0;
  let requestsSeen = 0;
  const quiet = () => {
    const none = requests === requestsSeen;
    requestsSeen = requests;
    return none;
  };
  const fillHistory = () =>
    void seeder?.fillHistory({ quiet }).catch((error: unknown) => {
      process.stderr.write(`Sandkasse-EOJ: demoens historik kunne ikke lægges ind: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  // A new care day brings the day after it (checked each minute; tomorrow is always already there).
  const seedTimer = seeder
    ? setInterval(() => {
        seeder.ensure();
        fillHistory();
      }, 60_000)
    : null;
  seedTimer?.unref();
  let baseUrl = '';
  const idp = await startIdp({
    users: () => demoUsers(clock),
    onRequest: () => void requests++,
    keyFile: options.dbFile.replace(/\.db$/, '') + '-idp-key.json',
    storeFile: options.dbFile.replace(/\.db$/, '') + '-idp.db',
    clock: systemClock,
    port: options.idpPort ?? 0,
    ...(options.signallingClientSecret ? { systemClients: [{ clientId: SIGNALLING_CLIENT_ID, secret: options.signallingClientSecret }] } : {}),
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    ...(options.idpExtraClaims ? { extraClaims: options.idpExtraClaims } : {}),
  });
  // Token times are the IdP's: checked on the machine's clock, whatever day the demo runs at.
  const tokens = jwksVerifier({ issuer: idp.issuer, roleMapping: SANDBOX_ROLE_MAPPING, clock: systemClock, systemClients: [SIGNALLING_CLIENT_ID] });
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
    ...(seeder ? { searchable: (type, params) => seeder.ready(type, dateRange(type, params)) } : {}),
    conformance: options.conformance ?? Conformance.parse({}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  app.addHook('onRequest', async () => void requests++);
  await app.listen({ host: '127.0.0.1', port: options.port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('sandbox has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}/fhir`;
  fillHistory();
  return {
    baseUrl,
    seed: (resources) => void repository.createMany(resources),
    port: address.port,
    idp: { issuer: idp.issuer, port: idp.port },
    async close() {
      seeder?.stop();
      await idp.close();
      if (seedTimer) clearInterval(seedTimer);
      app.server.closeAllConnections();
      await app.close();
      repository.close();
    },
  };
}
