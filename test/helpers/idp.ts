import { z } from 'zod';
import { createOidcLogin, type OidcLogin, type SignedInTokens } from '../../src-main/auth/oidc';
import { SANDBOX_ROLE_MAPPING } from '../../src-shared/auth/roles';
import { DEMO_PASSWORD } from '../../src-server/idp/users';
import { systemClock } from '../../src-shared/time/clock';

/**
 * Plays the user's browser at the IdP without a browser: follows the redirects with a cookie jar,
 * fills the sign-in form, and stops at the redirect back to `redirectUri`. The real IdP, real HTTP.
 */
export async function browseIdp(startUrl: string, redirectUri: string, credentials: { username: string; password?: string } | null): Promise<string> {
  const jar = new Map<string, string>();
  let url = startUrl;
  let init: { method: string; body?: string } = { method: 'GET' };
  let posted = false;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) jar.set(name.trim(), value.join('='));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url).href;
      if (next.startsWith(redirectUri)) return next;
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action || posted || !credentials)
      throw new Error(`IdP answered ${res.status} without a way on: ${/<p class="error"[^>]*>([^<]*)/.exec(html)?.[1] ?? html.slice(0, 300)}`);
    url = new URL(action.replace(/&#47;/g, '/'), url).href;
    init = { method: 'POST', body: new URLSearchParams({ username: credentials.username, password: credentials.password ?? DEMO_PASSWORD }).toString() };
    posted = true;
  }
  throw new Error('IdP: too many redirects');
}

export const sandboxLogin = (issuer: string): OidcLogin => createOidcLogin({ issuer, roleMapping: SANDBOX_ROLE_MAPPING }, systemClock);

/** A full code flow at the sandbox IdP for a demo user ("louise", "mette", "birk" …). */
export async function signInAtIdp(issuer: string, username: string, options: { login?: OidcLogin; password?: string } = {}): Promise<SignedInTokens> {
  const login = options.login ?? sandboxLogin(issuer);
  const redirectUri = 'http://127.0.0.1:9/callback';
  const start = await login.begin(redirectUri);
  const back = await browseIdp(start, redirectUri, { username, ...(options.password ? { password: options.password } : {}) });
  return login.finish(back);
}

/** Demo users' login names by practitioner id (the first name, see src-server/idp/users.ts). */
export const USERNAMES: Record<string, string> = {
  'practitioner-1': 'mette',
  'practitioner-2': 'louise',
  'practitioner-3': 'ahmad',
  'practitioner-4': 'sofie',
  'practitioner-5': 'jonas',
  'practitioner-6': 'fatima',
  'practitioner-7': 'karin',
  'practitioner-syd-1': 'birk',
  'practitioner-leder-1': 'lone',
};

const SmartConfiguration = z.object({ issuer: z.string() });
const tokenCache = new Map<string, Promise<string>>();

/** An access token from the IdP a sandbox EOJ names in its SMART configuration (cached per user). */
export function eojToken(eojUrl: string, username: string): Promise<string> {
  const key = `${eojUrl} ${username}`;
  let token = tokenCache.get(key);
  if (!token) {
    token = (async () => {
      const res = await fetch(`${eojUrl}/.well-known/smart-configuration`);
      const { issuer } = SmartConfiguration.parse(await res.json());
      return (await signInAtIdp(issuer, username)).accessToken;
    })();
    token.catch(() => tokenCache.delete(key));
    tokenCache.set(key, token);
  }
  return token;
}

/** A real token whose payload was changed after signing (another practitioner): the signature no longer fits. */
export function forge(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = { ...(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>), ...changes };
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}
