import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EOJ_AUDIENCE } from '../../src-shared/auth/claims';
import { forge, signInAtIdp } from '../helpers/idp';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { connectSignal } from '../helpers/signalClient';

/**
 * The sandbox EOJ and signalling check staff access tokens against the IdP's JWKS: signature,
 * issuer, audience, expiry, not-before. Tokens signed with the IdP's own key (read from the
 * sandbox's data, as only a test can) but with one claim wrong are refused like forged ones.
 */
describe('access tokens are verified by the EOJ and by signalling', () => {
  let eoj: TestSandbox;
  let sign: (claims: Record<string, unknown>, times?: { exp?: number; nbf?: number }) => Promise<string>;
  beforeAll(async () => {
    eoj = await startTestSandbox();
    const jwk = JSON.parse(readFileSync(join(eoj.dir, 'eoj-idp-key.json'), 'utf8')) as JWK & { kid: string };
    const key = await importJWK(jwk, 'RS256');
    const nowS = Math.floor(Date.now() / 1000);
    sign = (claims, times = {}) =>
      new SignJWT({ team: 'team-skaermenhed-nord', roles: ['Skaermrum.Medarbejder'], name: 'Louise Dalgaard', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' })
        .setSubject('practitioner-2')
        .setIssuer(String(claims.iss ?? eoj.idp.issuer))
        .setAudience(String(claims.aud ?? EOJ_AUDIENCE))
        .setIssuedAt(nowS - 10)
        .setNotBefore(times.nbf ?? nowS - 10)
        .setExpirationTime(times.exp ?? nowS + 300)
        .sign(key);
  });
  afterAll(() => eoj.cleanup());

  const eojAnswer = async (token: string) => {
    const res = await eoj.fhir('/Appointment?_count=1', { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, text: res.status === 401 ? (res.body.issue?.[0]?.diagnostics as string) : '' };
  };
  const signallingAnswer = async (token: string) => {
    const c = await connectSignal(eoj.signallingUrl);
    c.send({ type: 'auth', token });
    const answer = await Promise.race([c.next('auth.ok').then(() => 'ok'), c.next('error').then((e) => `refused: ${e.message}`)]);
    c.close();
    return answer;
  };

  it('accepts a token from the IdP, and one signed the same way (the control for the cases below)', async () => {
    expect((await eojAnswer((await signInAtIdp(eoj.idp.issuer, 'louise')).accessToken)).status).toBe(200);
    const signed = await sign({});
    expect((await eojAnswer(signed)).status).toBe(200);
    expect(await signallingAnswer(signed)).toBe('ok');
  });

  const cases: [string, () => Promise<string>, RegExp][] = [
    ['a forged signature', async () => forge((await signInAtIdp(eoj.idp.issuer, 'louise')).accessToken, { sub: 'practitioner-1' }), /signaturen passer ikke/],
    ['the wrong audience', () => sign({ aud: 'urn:another:api' }), /ikke udstedt til Skærmrum/],
    ['the wrong issuer', () => sign({ iss: 'https://idp.example.org' }), /ikke udstedt til Skærmrum/],
    ['an expired token', () => sign({}, { exp: Math.floor(Date.now() / 1000) - 60 }), /udløbet/],
    ['a token not valid yet', () => sign({}, { nbf: Math.floor(Date.now() / 1000) + 600 }), /ikke udstedt til Skærmrum/],
    ['no Skærmrum role', () => sign({ roles: ['Andet.System'] }), /ingen rolle/],
  ];
  for (const [what, token, reason] of cases) {
    it(`refuses ${what}, with the reason in Danish`, async () => {
      const t = await token();
      const answer = await eojAnswer(t);
      expect(answer.status).toBe(401);
      expect(answer.text).toMatch(reason);
      expect(await signallingAnswer(t)).toMatch(reason);
    });
  }
});
