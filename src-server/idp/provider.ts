import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { z } from 'zod';
import { EOJ_AUDIENCE, FHIR_SCOPE, SKAERMRUM_CLIENT_ID } from '../../src-shared/auth/claims.js';
import { checkPassword, type IdpUser } from './users.js';
import { loginPage } from './loginPage.js';
import { sqliteAdapter } from './adapter.js';
import type { Clock } from '../../src-shared/time/clock.js';

/**
 * The sandbox's embedded OpenID provider (oidc-provider, OpenID Certified) on its own loopback
 * port: authorization code + PKCE for the public client "skaermrum" with loopback redirects on any
 * port (RFC 8252 §7.3), JWT access tokens for the EOJ and signalling carrying practitioner id, team
 * and the municipality's role names, refresh tokens, revocation. Tokens are dated by the library on
 * the machine's clock, as a real IdP dates them; the demo day's clock may run elsewhere.
 */
export interface IdpOptions {
  users: () => IdpUser[];
  /** Where the signing key is kept, so tokens stay valid across restarts (created when missing). */
  keyFile: string;
  /** SQLite file for sessions, grants and refresh tokens (they survive restarts). */
  storeFile: string;
  /** The machine's clock, as the library's own times are (stored expiries). */
  clock: Clock;
  port: number;
  accessTokenTtlSeconds?: number;
  /** Services that sign in as themselves (client credentials), e.g. the signalling service. */
  systemClients?: { clientId: string; secret: string }[];
  /** Claims the access tokens carry besides sub, name, team and roles, e.g. a municipality's `groups` (tests of role mapping). */
  extraClaims?: (user: IdpUser) => Record<string, unknown>;
  /** Called on every sign-in attempt (no secrets): the sandbox's audit. */
  onSignIn?: (event: { username: string; ok: boolean }) => void;
  /** Called on every request (the sandbox seeds its demo's other days while nobody is asking). */
  onRequest?: () => void;
}

export interface Idp {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

// RS256: what OpenID clients expect by default (ID tokens and access tokens alike).
const StoredKey = z.object({
  kty: z.literal('RSA'),
  n: z.string(),
  e: z.string(),
  d: z.string(),
  p: z.string(),
  q: z.string(),
  dp: z.string(),
  dq: z.string(),
  qi: z.string(),
  kid: z.string(),
});

async function signingKey(file: string): Promise<JWK> {
  if (existsSync(file)) {
    const parsed = StoredKey.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { ...parsed.data, alg: 'RS256', use: 'sig' };
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = { ...(await exportJWK(privateKey)), kid: `sandbox-${randomUUID()}` };
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return { ...jwk, alg: 'RS256', use: 'sig' };
}

const readForm = (req: IncomingMessage) =>
  new Promise<URLSearchParams>((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) reject(new Error('for stor formular'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });

export async function startIdp(options: IdpOptions): Promise<Idp> {
  const server: Server = createServer();
  if (options.onRequest) server.on('request', options.onRequest);
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  // The port of the last run when it is still free (the same issuer), else any.
  await listen(options.port).catch((error: unknown) => {
    if (options.port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return listen(0);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('IdP har ingen TCP-adresse');
  const issuer = `http://127.0.0.1:${address.port}`;
  const userById = (sub: string) => options.users().find((u) => u.sub === sub);
  const key = await signingKey(options.keyFile);
  const store = sqliteAdapter(options.storeFile, options.clock);
  const tokenClaims = (u: IdpUser) => ({ ...options.extraClaims?.(u), name: u.name, team: u.team, roles: u.roles });

  const configuration: Configuration = {
    adapter: store.factory,
    clients: [
      {
        client_id: SKAERMRUM_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // Electron's loopback listener and the browser mode's callback; any port (native client).
        redirect_uris: ['http://127.0.0.1/callback', 'http://127.0.0.1/auth/callback'],
      },
      ...(options.systemClients ?? []).map((c) => ({
        client_id: c.clientId,
        client_secret: c.secret,
        token_endpoint_auth_method: 'client_secret_basic' as const,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      })),
    ],
    jwks: { keys: [key] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name', 'team', 'roles'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const user = userById(sub);
      return user ? { accountId: sub, claims: () => ({ sub, ...tokenClaims(user) }) } : undefined;
    },
    extraTokenClaims: (_ctx, token) => {
      const user = 'accountId' in token && typeof token.accountId === 'string' ? userById(token.accountId) : undefined;
      return user ? tokenClaims(user) : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => EOJ_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: FHIR_SCOPE,
          audience: EOJ_AUDIENCE,
          accessTokenTTL: options.accessTokenTtlSeconds ?? 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 600,
      Session: 12 * 3600,
      Interaction: 600,
      Grant: 12 * 3600,
      RefreshToken: 12 * 3600,
      AuthorizationCode: 60,
      ClientCredentials: options.accessTokenTtlSeconds ?? 600,
      IdToken: 3600,
    },
    // Cookie signing reuses the persisted secret, so a restart keeps the SSO session.
    cookies: { keys: [String(key.d)] },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = loginPage({
        title: 'Log ind mislykkedes',
        error: `Log ind mislykkedes (${String(out.error)}: ${String(out.error_description ?? '')}). Luk vinduet og prøv igen fra Skærmrum.`,
      });
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, submit: boolean) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('forkert interaktion');
    if (details.prompt.name === 'consent') {
      // Skærmrum is the municipality's own (first-party) client: no consent screen, it gets
      // what it asks for. oidc-provider asks native clients every time; this answers for the user.
      const accountId = details.session?.accountId;
      const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : '';
      if (!accountId || clientId !== SKAERMRUM_CLIENT_ID) throw new Error('ukendt klient');
      const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
      const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      return;
    }
    if (!submit) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage({ action: `/interaction/${uid}` }));
      return;
    }
    const form = await readForm(req);
    const username = (form.get('username') ?? '').trim().toLowerCase();
    const user = options.users().find((u) => u.username === username);
    const ok = Boolean(user) && checkPassword(form.get('password') ?? '');
    options.onSignIn?.({ username, ok });
    if (!user || !ok) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(loginPage({ action: `/interaction/${uid}`, username, error: 'Forkert brugernavn eller adgangskode.' }));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match?.[1]) {
      void callback(req, res);
      return;
    }
    interaction(req, res, match[1], req.method === 'POST').catch(() => {
      if (!res.headersSent) {
        res
          .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
          .end(loginPage({ title: 'Log ind udløbet', error: 'Log ind er udløbet. Gå tilbage til Skærmrum og klik "Log ind" igen.' }));
      }
    });
  });

  return {
    issuer,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}
