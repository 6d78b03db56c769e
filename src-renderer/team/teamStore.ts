import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient, VisitMoved } from '../../src-shared/api/contract';
import type { Staff } from '../../src-shared/domain/visit';
import type { Presence, PresenceReport } from '../../src-shared/team/presence';
import type { SignallingClient } from '../signalling/signallingClient';
import { rendererClock } from '../time/clock';

/**
 * The team's day as this client takes part in it, over the shared signalling
 * connection: it reports its own presence (signed in, in a call, idle), tells the team when its
 * changes landed in the EOJ (team.changed) and pulls at once when a colleague's did, holds the
 * team's presence for the team lead's board, and keeps the notices of visits moved to or from the
 * signed-in staff member.
 */
export interface MovedNotice extends VisitMoved {
  /** Whether it came to the signed-in staff member (or went from them). */
  toMe: boolean;
  key: string;
}

export interface TeamState {
  /** Presence of the team's members (team leads receive it). */
  presence: Record<string, Presence>;
  notices: MovedNotice[];
  /** Whether the signalling connection (presence, the team's change hints) is up; null: none configured. */
  signallingUp: boolean | null;
  /** Reports this client's presence; repeated reports of the same are not sent. */
  report(report: PresenceReport): void;
  dismissNotice(key: string): void;
  start(session: Staff): () => void;
}

/** No input for this long and not in a call: idle. */
export const IDLE_AFTER_MS = 5 * 60_000;

export function createTeamStore(api: ApiClient, signalling: SignallingClient): StoreApi<TeamState> {
  let last: PresenceReport | null = null;
  return createStore<TeamState>()((set, get) => ({
    presence: {},
    notices: [],
    signallingUp: null,
    report(report) {
      if (last && last.state === report.state && last.roomId === report.roomId && last.visitId === report.visitId) return;
      last = report;
      signalling.send({ type: 'presence.update', presence: report });
    },
    dismissNotice(key) {
      set({ notices: get().notices.filter((n) => n.key !== key) });
    },
    start(session) {
      const stops = [
        signalling.onMessage((m) => {
          if (m.type === 'presence.team') {
            const presence = { ...get().presence };
            for (const p of m.members) presence[p.practitionerId] = p;
            set({ presence });
          } else if (m.type === 'team.changed') {
            // A colleague's change is in the EOJ: read it now instead of at the next round.
            void api.sync.now({}).catch(() => undefined);
          }
        }),
        // The presence is told again on every (re)connect: the server forgets a closed socket's.
        signalling.onState((state) => {
          set({ signallingUp: state === 'open' });
          if (state === 'open' && last) {
            const again = last;
            last = null;
            get().report(again);
          }
        }),
        api.events.onPushed({}, { onData: ({ visitIds }) => void signalling.send({ type: 'team.changed', visitIds }) }),
        api.events.onQueueChanged(
          {},
          {
            onData: (change) => {
              const mine = (change.moved ?? []).filter((m) => m.from?.id === session.practitionerId || m.to?.id === session.practitionerId);
              if (mine.length === 0) return;
              const at = rendererClock.nowMs();
              set({
                notices: [...get().notices, ...mine.map((m) => ({ ...m, toMe: m.to?.id === session.practitionerId, key: `${m.visitId}@${at}` }))].slice(-5),
              });
            },
          },
        ),
      ];
      if (signalling.available()) set({ signallingUp: signalling.online() });
      return () => stops.forEach((s) => s());
    },
  }));
}
