import * as oidc from 'openid-client';
import { z } from 'zod';
import { EOJ_AUDIENCE, SKAERMRUM_CLIENT_ID, TokenClaims } from '../../src-shared/auth/claims.js';
import { rolesFromClaims, type RoleMapping } from '../../src-shared/auth/roles.js';
import type { StaffRole } from '../../src-shared/domain/visit.js';
import type { Clock } from '../../src-shared/time/clock.js';

/**
 * OpenID Connect Authorization Code with PKCE (S256), `state` and `nonce`, through the maintained
 * openid-client (v6). One sign-in may be pending at a time; its checks live in memory only and
 * expire after ten minutes. Tokens never leave this module except the access token (for the EOJ
 * and signalling) and the refresh token (for the OS keychain, see refreshVault.ts).
 */
export interface OidcSettings {
  issuer: string;
  clientId?: string;
  scopes?: string;
  /** The resource (RFC 8707) the access token is for; the sandbox IdP's EOJ audience by default. */
  resource?: string | null;
  roleMapping: RoleMapping;
}

/** A sign-in or renewal that did not work; `final` when trying again cannot help (the grant is gone). */
export class SignInRefused extends Error {
  constructor(
    message: string,
    readonly final: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface SignedInTokens {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires (ms since the epoch, on the injected clock). */
  expiresAtMs: number;
  sub: string;
  name: string | null;
  team: string | null;
  roles: StaffRole[];
}

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  startedMs: number;
}

const PENDING_MS = 10 * 60_000;
const TokenError = z.object({ error: z.string() });

export interface OidcLogin {
  /** The IdP's authorization URL for a sign-in returning to `redirectUri`; `forceLogin` asks the IdP for the password again. */
  begin(redirectUri: string, options?: { forceLogin?: boolean; loginHint?: string }): Promise<string>;
  /** The redirect came back: checks state, PKCE and the ID token, and returns the tokens. */
  finish(callbackUrl: string): Promise<SignedInTokens>;
  refresh(refreshToken: string): Promise<SignedInTokens>;
  /** Revokes a refresh token at the IdP (best effort: sign-out never waits on a broken IdP). */
  revoke(refreshToken: string): Promise<void>;
}

export function createOidcLogin(settings: OidcSettings, clock: Clock): OidcLogin {
  let configuration: Promise<oidc.Configuration> | null = null;
  let pending: Pending | null = null;
  const resource = settings.resource === undefined ? EOJ_AUDIENCE : settings.resource;
  const scopes = settings.scopes ?? 'openid profile offline_access fhir';
  const issuerUrl = new URL(settings.issuer);
  // Loopback IdPs (the sandbox) speak plain HTTP; anything else must be HTTPS.
  const loopback = issuerUrl.hostname === '127.0.0.1' || issuerUrl.hostname === 'localhost' || issuerUrl.hostname === '[::1]';

  const config = () =>
    (configuration ??= oidc
      .discovery(issuerUrl, settings.clientId ?? SKAERMRUM_CLIENT_ID, undefined, oidc.None(), {
        ...(loopback ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((error: unknown) => {
        configuration = null;
        throw new SignInRefused('Kommunens login (IdP) kan ikke nås lige nu. Prøv igen om lidt.', false, { cause: error });
      }));

  const toTokens = (response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, previousRefresh: string | null): SignedInTokens => {
    const idClaims = response.claims();
    const accessClaims = decodePayload(response.access_token);
    // Claims from the ID token when present (it is verified), else from the access token.
    const claims: Record<string, unknown> = { ...accessClaims, ...(idClaims ?? {}) };
    const parsed = TokenClaims.safeParse(claims);
    if (!parsed.success) throw new SignInRefused('Login-svaret mangler medarbejderens id', true);
    return {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? previousRefresh,
      expiresAtMs: clock.nowMs() + (response.expiresIn() ?? 300) * 1000,
      sub: parsed.data.sub,
      name: parsed.data.name ?? null,
      team: parsed.data.team ?? null,
      roles: rolesFromClaims(claims, settings.roleMapping),
    };
  };

  const refused = (error: unknown, fallback: string) => {
    if (error instanceof SignInRefused) return error;
    const body = error instanceof oidc.ResponseBodyError ? TokenError.safeParse({ error: error.error }) : null;
    if (body?.success && body.data.error === 'invalid_grant') return new SignInRefused('Log ind er udløbet. Log ind igen.', true, { cause: error });
    return new SignInRefused(fallback, false, { cause: error });
  };

  return {
    async begin(redirectUri, options = {}) {
      const c = await config();
      const verifier = oidc.randomPKCECodeVerifier();
      pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, redirectUri, startedMs: clock.nowMs() };
      const parameters: Record<string, string> = {
        redirect_uri: redirectUri,
        scope: scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      };
      if (resource) parameters.resource = resource;
      if (options.forceLogin) parameters.prompt = 'login';
      if (options.loginHint) parameters.login_hint = options.loginHint;
      return oidc.buildAuthorizationUrl(c, parameters).href;
    },
    async finish(callbackUrl) {
      const current = pending;
      if (!current || clock.nowMs() - current.startedMs > PENDING_MS)
        throw new SignInRefused('Log ind er udløbet eller ikke startet her. Klik "Log ind" igen.', true);
      const url = new URL(callbackUrl);
      const idpError = url.searchParams.get('error');
      if (idpError) {
        pending = null;
        throw new SignInRefused(idpError === 'access_denied' ? 'Log ind blev afbrudt' : `Kommunens login afviste log ind (${idpError.slice(0, 60)})`, true);
      }
      try {
        const response = await oidc.authorizationCodeGrant(
          await config(),
          url,
          { pkceCodeVerifier: current.verifier, expectedState: current.state, expectedNonce: current.nonce, idTokenExpected: true },
          resource ? { resource } : undefined,
        );
        pending = null;
        return toTokens(response, null);
      } catch (error) {
        throw refused(error, 'Log ind kunne ikke gennemføres (svaret fra kommunens login passede ikke)');
      }
    },
    async refresh(refreshToken) {
      try {
        const response = await oidc.refreshTokenGrant(await config(), refreshToken, resource ? { resource } : undefined);
        return toTokens(response, refreshToken);
      } catch (error) {
        throw refused(error, 'Kommunens login kan ikke nås for at forny adgangen');
      }
    },
    async revoke(refreshToken) {
      try {
        await oidc.tokenRevocation(await config(), refreshToken, { token_type_hint: 'refresh_token' });
      } catch {
        // The token is gone from this machine either way.
      }
    },
  };
}

/** The payload of a JWT without verifying it: only for display claims next to a verified ID token. */
function decodePayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
