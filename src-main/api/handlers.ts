import type { ApiHandlers } from './handlerTypes.js';
import type { Staff } from '../../src-shared/domain/visit.js';
import { careDay } from '../../src-shared/time/copenhagen.js';
import type { AppEvents } from '../services/events.js';
import type { VisitStore } from '../store/visitStore.js';

export interface HandlerDeps {
  store: VisitStore;
  session: Staff;
  events: AppEvents;
  now: () => Date;
}

/** The one implementation of the API contract, shared by the Electron and browser transports. */
export function createApiHandlers({ store, session, events, now }: HandlerDeps): ApiHandlers {
  return {
    session: {
      current: () => session,
    },
    rooms: {
      list: () => store.rooms(),
    },
    queue: {
      today: (q) => {
        const day = careDay(q.day ? new Date(q.day) : now());
        const range = { fromMs: day.start.getTime(), toMs: day.end.getTime() };
        if (q.scope === 'room') return store.dayQueue({ ...range, roomId: q.roomId as string });
        if (q.scope === 'mine') return store.dayQueue({ ...range, practitionerId: session.practitionerId });
        return store.dayQueue({ ...range, teamId: session.teamId });
      },
    },
    visit: {
      setStatus: ({ visitId, status }) => {
        const { visit, outboxEntry } = store.setVisitStatus({ visitId, status, actorId: session.practitionerId, atMs: now().getTime() });
        if (outboxEntry) {
          events.emit('queueChanged', { visitIds: [visitId], reason: 'local' });
          events.emit('outboxChanged', store.outbox.summary());
        }
        return visit;
      },
    },
    outbox: {
      summary: () => store.outbox.summary(),
    },
    devices: {
      forRoom: ({ roomId }) => store.roomDevices(roomId),
      saveForRoom: (devices) => {
        store.saveRoomDevices(devices, session.practitionerId, now().getTime());
        return devices;
      },
    },
    events: {
      onQueueChanged: (_input, signal) => events.stream('queueChanged', signal),
      onOutboxChanged: (_input, signal) => events.stream('outboxChanged', signal),
    },
  };
}
