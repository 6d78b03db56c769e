import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas';
import { careDay } from '../../src-shared/time/copenhagen';
import { createApiHandlers } from '../../src-main/api/handlers';
import { createCallerFactory, buildApiRouter } from '../../src-main/api/router';
import { sandboxLogin, signInAtIdp } from '../helpers/idp';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { signInThroughIdp, startTestServices } from '../helpers/services';

type Caller = Record<string, Record<string, (input: unknown) => Promise<unknown>>>;

/** Sign-in against the sandbox's real OpenID provider (oidc-provider) on loopback, through the real main-process services. */
describe('sign-in with OpenID Connect (code + PKCE) at the sandbox IdP', () => {
  let eoj: TestSandbox;
  beforeAll(async () => {
    // Access tokens live 6 s here, so renewal happens within the test.
    eoj = await startTestSandbox({ demo: 'start-of-day', accessTokenTtlSeconds: 6 });
  });
  afterAll(() => eoj.cleanup());

  const services = () =>
    startTestServices({
      clock: eoj.clock,
      env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_SANDBOX: '1', SKAERMRUM_SIGNALLING_URL: eoj.signallingUrl, SKAERMRUM_SYNC_INTERVAL_MS: '60000' },
    });

  it('the whole code flow: state, nonce and PKCE checked; the refresh token in the keychain, the access token in memory only', async () => {
    const s = await services();
    try {
      expect(s.session.auth()).toMatchObject({ method: 'idp', locked: false, reauth: false });
      const staff = await signInThroughIdp(s, 'mette');
      expect(staff).toMatchObject({ practitionerId: 'practitioner-1', name: 'Mette Skærbæk', role: 'team_lead', teamId: 'team-skaermenhed-nord' });
      const refresh = await s.refreshVault.read();
      expect(refresh).toEqual(expect.any(String));
      const ticket = s.session.callTicket();
      expect(ticket?.token.split('.')).toHaveLength(3);
      // Nothing of either token is in the database file's audit trail.
      for (const entry of s.store.audit.recent(200)) expect(JSON.stringify(entry)).not.toContain(ticket?.token.slice(-20) ?? 'x');
      // A callback that was not started here (a replayed or forged redirect) is refused.
      await expect(s.session.completeSignIn('http://127.0.0.1:9/auth/callback?code=abc&state=forged')).rejects.toThrow(/Log ind/);
      expect(s.store.audit.recent(200).map((e) => e.action)).toEqual(expect.arrayContaining(['session.signed_in', 'session.sign_in_refused']));
    } finally {
      await s.cleanup();
    }
  });

  it('a wrong password is refused on the IdP page, and nobody is signed in', async () => {
    await expect(signInAtIdp(eoj.idp.issuer, 'louise', { password: 'forkert' })).rejects.toThrow(/Forkert brugernavn eller adgangskode/);
  });

  it('renews the access token silently before it expires', async () => {
    const s = await services();
    try {
      await signInThroughIdp(s, 'louise');
      const first = s.session.callTicket()?.token;
      // 6 s tokens are renewed at 80 % of their life.
      await expect.poll(() => s.session.callTicket()?.token, { timeout: 10_000, interval: 200 }).not.toBe(first);
      await s.session.syncNow();
      expect(s.session.syncStatus()).toMatchObject({ state: 'online' });
    } finally {
      await s.cleanup();
    }
  });

  it('a refused renewal asks for sign-in again; three outcomes recorded meanwhile arrive exactly once after it', async () => {
    const s = await services();
    try {
      await signInThroughIdp(s, 'louise');
      await s.session.syncNow();
      // The IdP revokes the grant (an administrator, a password change): the next renewal is refused.
      await sandboxLogin(eoj.idp.issuer).revoke((await s.refreshVault.read()) as string);
      await expect.poll(() => s.session.auth().reauth, { timeout: 10_000, interval: 200 }).toBe(true);
      expect(s.session.auth().error).toMatch(/Log ind igen/);
      expect(await s.refreshVault.read()).toBeNull();

      // The staff member keeps working: three outcomes through the API, waiting in the outbox.
      const caller = createCallerFactory(
        buildApiRouter(
          createApiHandlers({ store: s.store, session: s.session, events: s.events, clock: s.clock, retryPolicy: { retries: 2, intervalSeconds: 300 } }),
          () => s.session.grantedRole(),
        ),
      )({}) as unknown as Caller;
      const day = careDay(s.clock.now());
      const open = s.store
        .dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime(), practitionerId: 'practitioner-2' })
        .filter((v) => v.status === 'planned')
        .slice(0, 3);
      expect(open).toHaveLength(3);
      for (const v of open) {
        await caller.visit?.recordOutcome?.({ visitId: v.id, outcome: 'completed', note: '', call: null, durationSeconds: 300 });
      }
      await s.session.syncNow();
      const waiting = s.store.outbox.list().filter((e) => e.state !== 'done' && open.some((v) => v.id === e.visitId));
      expect(waiting.length).toBeGreaterThanOrEqual(3);
      expect(waiting.every((e) => e.state === 'pending')).toBe(true);

      await signInThroughIdp(s, 'louise');
      await s.session.syncNow();
      // Read back with a fresh token of the team lead's (the sandbox helper's has expired by now).
      const lead = (await signInAtIdp(eoj.idp.issuer, 'mette')).accessToken;
      for (const e of waiting.filter((w) => w.intent.kind === 'visit.status')) {
        const found = await eoj.fhir(`/Encounter?identifier=${MUTATION_ID_SYSTEM}|${e.mutationId}`, { headers: { authorization: `Bearer ${lead}` } });
        expect(found.body.total).toBe(1);
      }
      expect(s.store.outbox.list().filter((e) => open.some((v) => v.id === e.visitId) && e.state !== 'done')).toEqual([]);
    } finally {
      await s.cleanup();
    }
  });

  it('"Skift bruger" wipes the tokens from memory and keychain and audit-logs it; the next sign-in asks for the password', async () => {
    const s = await services();
    try {
      await signInThroughIdp(s, 'louise');
      await s.session.signOut();
      expect(s.session.current()).toBeNull();
      expect(s.session.callTicket()).toBeNull();
      expect(await s.refreshVault.read()).toBeNull();
      s.session.useSignInRoute({ kind: 'navigate', redirectUri: 'http://127.0.0.1:9/auth/callback' });
      expect(new URL((await s.session.beginSignIn()) as string).searchParams.get('prompt')).toBe('login');
      expect(s.store.audit.recent(200).map((e) => e.action)).toContain('session.signed_out');
    } finally {
      await s.cleanup();
    }
  });

  it('the idle lock withholds every role until the same person passes the IdP again', async () => {
    const s = await services();
    try {
      await signInThroughIdp(s, 'louise');
      s.session.lock('idle');
      expect(s.session.grantedRole()).toBeNull();
      expect(s.session.callTicket()).toBeNull();
      await signInThroughIdp(s, 'louise');
      expect(s.session.grantedRole()).toBe('staff');
      // Someone else unlocking ends the first session and begins theirs.
      s.session.lock('idle');
      expect((await signInThroughIdp(s, 'ahmad')).practitionerId).toBe('practitioner-3');
      const actions = s.store.audit.recent(200).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['session.locked', 'session.unlocked', 'session.signed_out']));
    } finally {
      await s.cleanup();
    }
  });

  it('the sandbox IdP keeps its issuer, keys and refresh tokens across a restart', async () => {
    const login = sandboxLogin(eoj.idp.issuer);
    const before = await signInAtIdp(eoj.idp.issuer, 'louise', { login });
    const issuer = eoj.idp.issuer;
    eoj = await eoj.restart();
    expect(eoj.idp.issuer).toBe(issuer);
    const after = await login.refresh(before.refreshToken as string);
    expect(after.sub).toBe('practitioner-2');
    expect((await eoj.fhir('/Appointment?_count=1', { headers: { authorization: `Bearer ${after.accessToken}` } })).status).toBe(200);
  });
});
