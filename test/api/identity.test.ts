import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { signInThroughIdp, startTestServices } from '../helpers/services';

/**
 * Signed in at the IdP (the sandbox's, found through the EOJ's SMART configuration), who the staff
 * member is comes from the token and the EOJ: the room from their PractitionerRole.
 */
describe('staff identity from the EOJ', () => {
  let eoj: TestSandbox;
  beforeAll(async () => {
    eoj = await startTestSandbox();
  });
  afterAll(() => eoj.cleanup());

  it('a sign-in at the IdP gives the name, role, team and room, and the day syncs', async () => {
    const services = await startTestServices({
      clock: eoj.clock,
      staffId: 'practitioner-2',
      env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_SYNC_INTERVAL_MS: '60000' },
    });
    try {
      expect(services.session.current()).toBeNull();
      const staff = await signInThroughIdp(services, 'louise');
      expect(staff).toEqual({ practitionerId: 'practitioner-2', name: 'Louise Dalgaard', teamId: 'team-skaermenhed-nord', role: 'staff', roomId: 'room-2' });
      await services.session.syncNow();
      expect(services.session.syncStatus()).toMatchObject({ state: 'online', error: null });
      expect(services.store.visitCount()).toBeGreaterThan(100);
    } finally {
      await services.cleanup();
    }
  });
});
