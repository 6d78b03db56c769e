import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Staff } from '../../src-shared/domain/visit';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { startTestServices } from '../helpers/services';

/**
 * With a real EOJ and a token from the municipal IdP, who the staff member is comes from the EOJ:
 * the name on their Practitioner, the room and the skærmenhed of their PractitionerRole.
 */
describe('staff identity from the EOJ', () => {
  let eoj: TestSandbox;
  beforeAll(async () => {
    eoj = await startTestSandbox();
  });
  afterAll(() => eoj.cleanup());

  it('a real token gives the name, room and team from Practitioner and PractitionerRole, and the day syncs', async () => {
    const services = await startTestServices({
      clock: eoj.clock,
      staffId: 'practitioner-2',
      env: { SKAERMRUM_EOJ_URL: eoj.baseUrl, SKAERMRUM_EOJ_TOKEN: eoj.token, SKAERMRUM_STAFF_ID: 'practitioner-2', SKAERMRUM_SYNC_INTERVAL_MS: '60000' },
    });
    try {
      // The identity is read from the EOJ in the background after start.
      const abort = new AbortController();
      let staff: Staff | null = services.session.current();
      if (!staff) for await (const s of services.events.stream('sessionChanged', abort.signal)) if ((staff = s)) break;
      abort.abort();
      expect(staff).toEqual({ practitionerId: 'practitioner-2', name: 'Louise Dalgaard', teamId: 'team-skaermenhed-nord', role: 'staff', roomId: 'room-2' });
      await services.session.syncNow();
      expect(services.session.syncStatus()).toMatchObject({ state: 'online', error: null });
      expect(services.store.visitCount()).toBeGreaterThan(100);
    } finally {
      await services.cleanup();
    }
  });
});
