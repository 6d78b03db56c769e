import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loopbackSignInRoute } from '../../src-main/electron/loopbackSignIn';
import { browseIdp } from '../helpers/idp';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { startTestServices } from '../helpers/services';

/**
 * The desktop app's sign-in (RFC 8252 §7.3): the system browser is Electron's `shell.openExternal`,
 * here a mock that plays the user's browser at the real IdP and follows its redirect to the real
 * loopback listener.
 */
describe('Electron sign-in: system browser and a loopback redirect on a random port', () => {
  let eoj: TestSandbox;
  beforeAll(async () => {
    eoj = await startTestSandbox();
  });
  afterAll(() => eoj.cleanup());

  it('opens the IdP in the system browser with PKCE S256, state and nonce, and signs in from the loopback redirect', async () => {
    const services = await startTestServices({ clock: eoj.clock, env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_SYNC_INTERVAL_MS: '60000' } });
    try {
      const openExternal = vi.fn(async (url: string) => {
        const redirect = new URL(url).searchParams.get('redirect_uri') ?? '';
        const back = await browseIdp(url, redirect, { username: 'louise' });
        // The browser lands on the loopback listener, which answers with a page of its own.
        const page = await fetch(back);
        expect(await page.text()).toContain('Du er logget ind');
      });
      services.session.useSignInRoute(loopbackSignInRoute(openExternal));
      expect(await services.session.beginSignIn()).toBeNull();
      expect(openExternal).toHaveBeenCalledTimes(1);
      const opened = new URL(openExternal.mock.calls[0]?.[0] ?? '');
      expect(opened.origin).toBe(eoj.idp.issuer);
      expect(opened.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}\/callback$/);
      expect(opened.searchParams.get('code_challenge_method')).toBe('S256');
      expect(opened.searchParams.get('state')?.length).toBeGreaterThanOrEqual(32);
      expect(opened.searchParams.get('nonce')?.length).toBeGreaterThanOrEqual(32);
      expect(services.session.current()).toMatchObject({ practitionerId: 'practitioner-2', role: 'staff' });
      // The one-shot listener is gone.
      await expect(fetch(opened.searchParams.get('redirect_uri') ?? '')).rejects.toThrow();
    } finally {
      await services.cleanup();
    }
  });

  it('gives up when the browser never comes back', async () => {
    const route = loopbackSignInRoute(async () => undefined, 300);
    if (route.kind !== 'external') throw new Error('expected the system-browser route');
    await expect(route.run(async (redirect) => `http://127.0.0.1:9/?r=${redirect}`)).rejects.toThrow(/ikke gennemført/);
  });
});
