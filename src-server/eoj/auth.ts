import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { EOJ_AUDIENCE, TokenClaims } from '../../src-shared/auth/claims.js';
import { primaryRole, rolesFromClaims, type RoleMapping } from '../../src-shared/auth/roles.js';
import { StaffRole } from '../../src-shared/domain/visit.js';
import type { Clock } from '../../src-shared/time/clock.js';

/** Who a verified staff access token belongs to, as the sandbox EOJ and signalling use it. */
export const StaffClaims = z.object({ sub: z.string().min(1), name: z.string(), team: z.string().min(1), role: StaffRole });
export type StaffClaims = z.infer<typeof StaffClaims>;

export class TokenRefused extends Error {}

export interface StaffTokenVerifier {
  /** The claims of a valid staff token; throws TokenRefused (with the reason in Danish) otherwise. */
  verify(token: string): Promise<StaffClaims>;
}

/** Who may call the EOJ: a staff member, or one of our own services with its system credentials. */
export type AccessIdentity = { kind: 'staff'; claims: StaffClaims } | { kind: 'system'; clientId: string };

export interface AccessTokenVerifier extends StaffTokenVerifier {
  /** A staff token, or a client-credentials token of a known system client. */
  verifyAccess(token: string): Promise<AccessIdentity>;
}

const Discovery = z.object({ issuer: z.string().url(), jwks_uri: z.string().url() });

/**
 * Access tokens from the IdP, checked against its JWKS (fetched from discovery, cached and
 * refreshed by jose when a new key id appears): signature, `iss`, `aud`, `exp`, `nbf`. Token times
 * are the IdP's, on the machine's clock (`clock` is that clock, injected; default in the sandbox).
 */
export function jwksVerifier(options: {
  issuer: string;
  roleMapping: RoleMapping;
  clock: Clock;
  audience?: string;
  /** Client ids whose client-credentials tokens the EOJ accepts as system access (the signalling service). */
  systemClients?: readonly string[];
}): AccessTokenVerifier {
  let keys: Promise<JWTVerifyGetKey> | null = null;
  const keySet = () =>
    (keys ??= fetch(new URL('.well-known/openid-configuration', options.issuer.endsWith('/') ? options.issuer : `${options.issuer}/`), {
      signal: AbortSignal.timeout(5_000),
    })
      .then(async (res) => Discovery.parse(await res.json()))
      .then((d) => createRemoteJWKSet(new URL(d.jwks_uri), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }))
      .catch((error: unknown) => {
        keys = null;
        throw new TokenRefused('Login-tjenesten (IdP) kan ikke nås, så adgangen kan ikke kontrolleres', { cause: error });
      }));
  async function payloadOf(token: string, requiredClaims: string[]): Promise<Record<string, unknown>> {
    const getKey = await keySet();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        issuer: options.issuer,
        audience: options.audience ?? EOJ_AUDIENCE,
        algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
        currentDate: options.clock.now(),
        requiredClaims,
      }));
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : '';
      throw new TokenRefused(
        code === 'ERR_JWT_EXPIRED'
          ? 'Adgangstokenet er udløbet'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? 'Adgangstokenet er ikke udstedt til Skærmrum (forkert udsteder, modtager eller tidspunkt)'
            : 'Adgangstokenet er ugyldigt (signaturen passer ikke)',
        { cause: error },
      );
    }
    return payload;
  }
  async function staffOf(payload: Record<string, unknown>): Promise<StaffClaims> {
    const claims = TokenClaims.safeParse(payload);
    if (!claims.success || !claims.data.team) throw new TokenRefused('Adgangstokenet mangler medarbejder eller team');
    const role = primaryRole(rolesFromClaims(payload, options.roleMapping));
    if (!role) throw new TokenRefused('Brugeren har ingen rolle i Skærmrum');
    return { sub: claims.data.sub, name: claims.data.name ?? claims.data.sub, team: claims.data.team, role };
  }
  return {
    verify: async (token) => staffOf(await payloadOf(token, ['exp', 'sub'])),
    async verifyAccess(token) {
      const payload = await payloadOf(token, ['exp']);
      const clientId = typeof payload.client_id === 'string' ? payload.client_id : null;
      // A client-credentials token names no user: it stands for the client itself.
      if (clientId && (options.systemClients ?? []).includes(clientId) && (payload.sub === undefined || payload.sub === clientId))
        return { kind: 'system', clientId };
      return { kind: 'staff', claims: await staffOf(payload) };
    },
  };
}
