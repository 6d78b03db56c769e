import { useEffect, useRef } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { Staff } from '../../src-shared/domain/visit';
import type { CallState } from '../call/callStore';
import type { QueueState } from '../queue/queueStore';
import { useNow } from '../queue/useNow';
import { IDLE_AFTER_MS, type TeamState } from '../team/teamStore';
import { rendererClock } from '../time/clock';

/** In a call: our own, or the colleague's we are helping in (the visit it is for). */
const callOf = (s: CallState) => ({
  inCall: s.phase === 'ringing' || s.phase === 'connected',
  visitId: s.visit?.id ?? s.helping?.visitId ?? null,
  online: s.signallingOnline,
});

/**
 * What the team sees of us (signed in, idle, in a call) and the idle lock of a shared room PC:
 * both follow the last keyboard or pointer use; a call is never locked, nor shown as idle.
 */
export function useActivity({
  session,
  store,
  team,
  calls,
  lockAfterMinutes,
}: {
  session: Staff | null;
  store: StoreApi<QueueState>;
  team: StoreApi<TeamState>;
  calls: StoreApi<CallState>;
  lockAfterMinutes: number;
}): void {
  useEffect(() => (session ? team.getState().start(session) : undefined), [team, session]);
  const lastInput = useRef(rendererClock.nowMs());
  useEffect(() => {
    const touch = () => (lastInput.current = rendererClock.nowMs());
    window.addEventListener('keydown', touch);
    window.addEventListener('pointerdown', touch);
    return () => {
      window.removeEventListener('keydown', touch);
      window.removeEventListener('pointerdown', touch);
    };
  }, []);
  const tick = useNow(30_000);
  const inCall = useStore(calls, (s) => callOf(s).inCall);
  const callVisitId = useStore(calls, (s) => callOf(s).visitId);
  const online = useStore(calls, (s) => callOf(s).online);
  useEffect(() => {
    if (!session || !online) return;
    const idle = !inCall && tick.getTime() - lastInput.current >= IDLE_AFTER_MS;
    team.getState().report({ state: inCall ? 'in_call' : idle ? 'idle' : 'signed_in', roomId: session.roomId, visitId: inCall ? callVisitId : null });
  }, [team, session, inCall, callVisitId, online, tick]);
  const lockAfterMs = lockAfterMinutes * 60_000;
  useEffect(() => {
    if (!session || lockAfterMs === 0 || inCall) return;
    if (tick.getTime() - lastInput.current >= lockAfterMs) void store.getState().lock();
  }, [store, session, lockAfterMs, inCall, tick]);
}
