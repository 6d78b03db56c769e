// Entry point: the sandbox EOJ on loopback (the embedded default EOJ for `npm start` and tests).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { clockFromSetting } from '../src-shared/time/clock.js';
import { conformanceFromSetting } from './eoj/conformance.js';
import { startSandbox } from './sandbox.js';

const Env = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** The embedded OpenID provider's port (its issuer is http://127.0.0.1:<port>). */
  SANDBOX_IDP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Lifetime of the IdP's access tokens in seconds. */
  SANDBOX_ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(2).max(86_400).default(600),
  SANDBOX_DATA_DIR: z
    .string()
    .min(1)
    .default(join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'skaermrum-sandbox')),
  /** The signalling service's client secret at the embedded IdP (its system access to the EOJ). */
  SANDBOX_SIGNALLING_CLIENT_SECRET: z.string().min(16).optional(),
  SANDBOX_FAULTS: z.enum(['0', '1']).default('0'),
  /** now: visits already past are seeded as done; start-of-day: every visit is still open (tests). */
  SANDBOX_DEMO_AS_OF: z.enum(['now', 'start-of-day']).default('now'),
  /** small: Skærmenheden Nord's today and tomorrow; full: four skærmenheder with the 13 weeks before and the two after (`npm start` asks for it). */
  SANDBOX_DEMO_SCOPE: z.enum(['small', 'full']).default('small'),
  /** Behave like servers that differ (src-server/eoj/conformance.ts), e.g. "no-include,offset-paging". */
  SANDBOX_CONFORMANCE: z.string().optional(),
  /** Run as if it were this instant (ISO 8601 with zone), as the client's setting of the same name. */
  SKAERMRUM_NOW: z.string().optional(),
});

async function main(): Promise<void> {
  const env = Env.parse(process.env);
  mkdirSync(env.SANDBOX_DATA_DIR, { recursive: true, mode: 0o700 });
  // The IdP keeps its port (so its issuer) across restarts, as a real IdP keeps its address.
  const idpPortFile = join(env.SANDBOX_DATA_DIR, 'idp-port');
  const idpPort = env.SANDBOX_IDP_PORT || (existsSync(idpPortFile) ? Number(readFileSync(idpPortFile, 'utf8')) || 0 : 0);
  const sandbox = await startSandbox({
    dbFile: join(env.SANDBOX_DATA_DIR, 'sandbox-eoj.db'),
    port: env.SANDBOX_PORT,
    idpPort,
    accessTokenTtlSeconds: env.SANDBOX_ACCESS_TOKEN_TTL_S,
    allowFaultInjection: env.SANDBOX_FAULTS === '1',
    ...(env.SANDBOX_SIGNALLING_CLIENT_SECRET ? { signallingClientSecret: env.SANDBOX_SIGNALLING_CLIENT_SECRET } : {}),
    demo: env.SANDBOX_DEMO_AS_OF,
    demoScope: env.SANDBOX_DEMO_SCOPE,
    conformance: conformanceFromSetting(env.SANDBOX_CONFORMANCE),
    clock: clockFromSetting('SKAERMRUM_NOW', env.SKAERMRUM_NOW),
  });
  writeFileSync(idpPortFile, String(sandbox.idp.port));
  process.stdout.write(`Sandkasse-EOJ kører på ${sandbox.baseUrl}\n`);
  process.stdout.write(`Log ind (OpenID Connect): ${sandbox.idp.issuer} · demo-brugere: fornavnet (fx louise), adgangskode skaermrum\n`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Sandkasse-EOJ kunne ikke starte: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
