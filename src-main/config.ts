import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { clockFromSetting, type Clock } from '../src-shared/time/clock.js';
import type { RetryPolicy } from '../src-shared/workflow/outcome.js';
import { defaultDataDir } from './platform/paths.js';
import { TEAM_LINKS, type TeamLinkKind } from './eoj/teamLink.js';
import { EOJ_AUDIENCE, SKAERMRUM_CLIENT_ID } from '../src-shared/auth/claims.js';
import { RoleClaimSetting, RoleMapSetting, roleMappingFromSettings, type RoleMapping } from '../src-shared/auth/roles.js';

/** Settings read from the environment (documented in README → Configuration). */
const Env = z.object({
  SKAERMRUM_DATA_DIR: z.string().min(1).optional(),
  SKAERMRUM_PROFILE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'bogstaver, tal, . _ -')
    .default('default'),
  SKAERMRUM_DEMO: z.enum(['0', '1']).default('1'),
  SKAERMRUM_STAFF_ID: z.string().min(1).max(128).default('practitioner-2'),
  SKAERMRUM_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** FHIR base URL of the EOJ (or gateway). Unset: demo data only, no sync. */
  SKAERMRUM_EOJ_URL: z.url().optional(),
  /** The EOJ is our sandbox (its demo data; the IdP is found like any other). */
  SKAERMRUM_EOJ_SANDBOX: z.enum(['0', '1']).default('0'),
  /** The municipality's OpenID provider. Unset: found through the EOJ's /.well-known/smart-configuration. */
  SKAERMRUM_OIDC_ISSUER: z.url().optional(),
  SKAERMRUM_OIDC_CLIENT_ID: z.string().min(1).max(200).default(SKAERMRUM_CLIENT_ID),
  SKAERMRUM_OIDC_SCOPES: z.string().min(6).max(500).default('openid profile offline_access fhir'),
  /** The resource (RFC 8707) access tokens are for; "none" when the IdP does not support resource indicators. */
  SKAERMRUM_OIDC_RESOURCE: z.string().min(1).max(500).default(EOJ_AUDIENCE),
  /** The claim carrying the user's roles, and their mapping: "team_lead=Name1,Name2;staff=Name3". */
  SKAERMRUM_ROLE_CLAIM: RoleClaimSetting.optional(),
  SKAERMRUM_ROLE_MAP: RoleMapSetting.optional(),
  /** Minutes without use before the screen locks (never during a call); 0: never. */
  SKAERMRUM_LOCK_AFTER_MIN: z.coerce.number().int().min(0).max(240).default(10),
  SKAERMRUM_TEAM_ID: z.string().min(1).max(128).optional(),
  /** How the EOJ links Appointments to the team (src-main/eoj/teamLink.ts). */
  SKAERMRUM_TEAM_LINK: z.enum(TEAM_LINKS).default('healthcare-service'),
  /** Encounters Skærmrum writes carry KL Gateway's care-encounter profile and KL's codes ("1"; README: EOJ profiles). */
  SKAERMRUM_KL_CODES: z.enum(['0', '1']).default('0'),
  /** The signalling service (ws/wss; `npm start` sets it to the one it starts). Unset: no calls. */
  SKAERMRUM_SIGNALLING_URL: z
    .string()
    .regex(/^wss?:\/\//)
    .optional(),
  SKAERMRUM_SYNC_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(10_000),
  /** Past this age (seconds since the last pull that worked) the queue and board say they may be out of date. */
  SKAERMRUM_STALE_AFTER_S: z.coerce.number().int().min(5).max(3_600).default(60),
  /** After a call that was not answered: how many more tries, and how far apart (seconds). */
  SKAERMRUM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  SKAERMRUM_RETRY_INTERVAL_S: z.coerce.number().int().min(1).max(3_600).default(300),
  /** Demo without an EOJ: the day's number of visits over the 3 video rooms. */
  SKAERMRUM_DEMO_VISITS: z.coerce.number().int().min(3).max(1200).default(120),
  /** Run as if it were this instant (ISO 8601 with zone); the clock then runs on as usual. Tests and demos. */
  SKAERMRUM_NOW: z.string().optional(),
  SKAERMRUM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  /** The room PC as the audit trail names it (AuditEvent.source); default: the machine's name and the profile. */
  SKAERMRUM_WORKSTATION: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,128}$/, 'bogstaver, tal, . _ / -')
    .optional(),
});

export interface MainConfig {
  dataDir: string;
  databaseFile: string;
  /** Keychain account holding this profile's store key. */
  profile: string;
  /** The room PC, as the audit events sent to the EOJ name it. */
  workstation: string;
  /** Seed today's demo visits (only when no EOJ is configured). */
  demo: boolean;
  staffId: string;
  browserPort: number;
  signallingUrl: string | null;
  eoj: { url: string; sandbox: boolean; teamId: string | null; teamLink: TeamLinkKind; klCodes: boolean; syncIntervalMs: number } | null;
  /** Sign-in at the municipality's IdP (used when an EOJ is configured). */
  oidc: { issuer: string | null; clientId: string; scopes: string; resource: string | null; roleMapping: RoleMapping };
  lockAfterMinutes: number;
  /** Seconds after which the screen says its data may be out of date. */
  staleAfterSeconds: number;
  logLevel: z.infer<typeof Env>['SKAERMRUM_LOG_LEVEL'];
  retryPolicy: RetryPolicy;
  demoVisits: number;
  /** Where every service reads "now": the machine's clock, or one started at SKAERMRUM_NOW. */
  clock: Clock;
}

/** The machine's name (no personal data: a room PC's is the municipality's), with the profile where it is not the default. */
function workstationName(profile: string): string {
  const machine =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 63) || 'ukendt-pc';
  return profile === 'default' ? machine : `${machine}/${profile}`;
}

export function configFromEnv(env: NodeJS.ProcessEnv, overrides: Partial<MainConfig> = {}): MainConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new Error(`Ugyldig konfiguration: ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  const dataDir = overrides.dataDir ?? e.SKAERMRUM_DATA_DIR ?? defaultDataDir();
  return {
    dataDir,
    databaseFile: join(dataDir, 'visits.db'),
    profile: e.SKAERMRUM_PROFILE,
    workstation: e.SKAERMRUM_WORKSTATION ?? workstationName(e.SKAERMRUM_PROFILE),
    demo: e.SKAERMRUM_DEMO === '1',
    staffId: e.SKAERMRUM_STAFF_ID,
    browserPort: e.SKAERMRUM_PORT,
    signallingUrl: e.SKAERMRUM_SIGNALLING_URL ?? null,
    eoj: e.SKAERMRUM_EOJ_URL
      ? {
          url: e.SKAERMRUM_EOJ_URL,
          sandbox: e.SKAERMRUM_EOJ_SANDBOX === '1',
          teamId: e.SKAERMRUM_TEAM_ID ?? null,
          teamLink: e.SKAERMRUM_TEAM_LINK,
          klCodes: e.SKAERMRUM_KL_CODES === '1',
          syncIntervalMs: e.SKAERMRUM_SYNC_INTERVAL_MS,
        }
      : null,
    oidc: {
      issuer: e.SKAERMRUM_OIDC_ISSUER ?? null,
      clientId: e.SKAERMRUM_OIDC_CLIENT_ID,
      scopes: e.SKAERMRUM_OIDC_SCOPES,
      resource: e.SKAERMRUM_OIDC_RESOURCE === 'none' ? null : e.SKAERMRUM_OIDC_RESOURCE,
      roleMapping: roleMappingFromSettings({ claim: e.SKAERMRUM_ROLE_CLAIM, map: e.SKAERMRUM_ROLE_MAP, mapSetting: 'SKAERMRUM_ROLE_MAP' }),
    },
    lockAfterMinutes: e.SKAERMRUM_LOCK_AFTER_MIN,
    staleAfterSeconds: e.SKAERMRUM_STALE_AFTER_S,
    logLevel: e.SKAERMRUM_LOG_LEVEL,
    retryPolicy: { retries: e.SKAERMRUM_RETRIES, intervalSeconds: e.SKAERMRUM_RETRY_INTERVAL_S },
    demoVisits: e.SKAERMRUM_DEMO_VISITS,
    clock: clockFromSetting('SKAERMRUM_NOW', e.SKAERMRUM_NOW),
    ...overrides,
  };
}
