import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { createLogger } from '../../src-main/log';
import { createAppEvents, type AppEvents } from '../../src-main/events';
import { createSyncEngine } from '../../src-main/sync/engine';
import { Appointment } from '../../src-shared/fhir/schemas';
import { openSyncFixture, TEAM, type SyncFixture } from '../helpers/syncFixture';

/**
 * When the engine runs its rounds. A change written while a round is going must go out in that
 * round's wake, not wait a whole pull interval: a team lead's move made as a pull finished used to
 * sit in the outbox for the interval (the round's end replaced the change's short timer by the
 * interval's), so the moved-to colleague saw it a minute late.
 */
describe('the sync engine’s rounds (sandbox EOJ, real encrypted store)', () => {
  let fixture: SyncFixture;
  beforeEach(async () => {
    fixture = await openSyncFixture();
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('a change made at the very end of a round goes out before the engine rests until the next interval', async () => {
    const { store, client, clock } = fixture;
    const inner = createAppEvents();
    const moved: { visit: QueueVisit | null } = { visit: null };
    let roundsDone: () => void = () => undefined;
    const firstSyncDone = new Promise<void>((resolve) => (roundsDone = resolve));
    let engine: ReturnType<typeof createSyncEngine> | null = null;
    // The change lands from inside the round: right as its pull reports the day (the last thing a
    // round does), as a lead's confirm landing in the same moment would.
    const events: AppEvents = {
      ...inner,
      emit(event, payload) {
        inner.emit(event, payload);
        // Published once a sync (all its rounds) is over and the next one is scheduled.
        if (event === 'syncStatus') roundsDone();
        if (event !== 'queueChanged' || moved.visit) return;
        const visit = fixture.today().find((v) => v.status === 'planned' && v.practitioner?.id === 'practitioner-2');
        if (!visit) throw new Error('the demo day has no planned visit of Louise’s');
        moved.visit = visit;
        store.moveVisits([
          { visitId: visit.id, to: { ...visit, practitioner: { id: 'practitioner-5', name: 'Jonas Kvist' } }, actorId: 'practitioner-1', atMs: clock.nowMs() },
        ]);
        engine?.trigger();
      },
    };
    engine = createSyncEngine({ eoj: eojGatewayOver(client), store, teamId: TEAM, events, logger: createLogger('silent'), clock, intervalMs: 60_000 });
    engine.start();
    await firstSyncDone;
    expect(moved.visit).not.toBeNull();
    expect(store.outbox.summary()).toMatchObject({ pending: 0, inflight: 0, conflict: 0, dead: 0 });
    const { body } = await client.request('GET', `Appointment/${moved.visit?.id ?? ''}`, Appointment);
    expect(body.participant.map((p) => p.actor?.reference)).toContain('Practitioner/practitioner-5');
    await engine.stop();
  });
});
