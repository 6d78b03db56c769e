import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand';
import type { QueueVisit, Visit } from '../../src-shared/domain/visit';
import { markCallStep } from '../../src-shared/browser/callTiming';
import type { CallState } from '../call/callStore';
import type { DeviceCheckState } from '../devices/deviceCheckStore';

/**
 * Ringing, with the quick device check before every call. The check runs ahead (when a visit
 * becomes next, when the pointer or focus reaches a ring button, when the devices change, after
 * each call), so the click rings at once on its fresh result; without one, the click checks first.
 * The peer for the call is made ahead too, when the pointer or focus reaches a ring button.
 * Either way a result that needs a look stops the call before anyone is rung, and opens the check.
 */
const inCall = (s: CallState) => s.phase === 'ringing' || s.phase === 'connected';

export function useRing({ calls, checks, next }: { calls: StoreApi<CallState>; checks: StoreApi<DeviceCheckState>; next: QueueVisit | undefined }) {
  /** A call waiting for the staff member to look at the quick check's findings. */
  const [pendingCall, setPendingCall] = useState<Visit | null>(null);

  // The next visit changed (a call done, a new hour): check for it now, not at its click.
  const nextId = next?.id;
  useEffect(() => {
    if (nextId) checks.getState().prepare();
  }, [checks, nextId]);
  // After a call the devices were in use: check them again for the next one. (A call that is
  // over may pass "ended" on to "idle" within one change, so the test is "on before, not now".)
  useEffect(
    () =>
      calls.subscribe((s, before) => {
        if (inCall(before) && !inCall(s)) checks.getState().prepare({ again: true });
      }),
    [calls, checks],
  );

  async function ring(visit: Visit) {
    // One call at a time (the queue's buttons learn of a call only once it is set up).
    if (inCall(calls.getState())) return;
    const checkStore = checks.getState();
    let result = checkStore.readyForCall();
    if (result) markCallStep('check.ready');
    else {
      markCallStep('check.start');
      result = await checkStore.runQuick();
      markCallStep('check.done');
    }
    if (result && checks.getState().needsAttention(result)) {
      setPendingCall(visit);
      checks.getState().openPanel();
      return;
    }
    checks.getState().touch();
    calls.getState().ring(visit);
  }
  const closeCheck = () => {
    setPendingCall(null);
    checks.getState().closePanel();
  };
  return {
    ring,
    pendingCall,
    closeCheck,
    /** The staff member looked at the findings and rings anyway. */
    ringAnyway() {
      const visit = pendingCall;
      closeCheck();
      if (visit) {
        checks.getState().touch();
        calls.getState().ring(visit);
      }
    },
    /**
     * Pointer or focus on any ring button: the check runs, and the peer for the call is made (its
     * ICE gathered, its offer ready), while the hand is still on its way.
     */
    aheadOfRing(target: EventTarget) {
      if (!(target instanceof Element && target.closest('button.ring'))) return;
      checks.getState().prepare();
      calls.getState().warm();
    },
  };
}
