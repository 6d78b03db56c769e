import { z } from 'zod';
import { EndReason, type ServerMessage, type TurnCredentials } from '../../src-shared/signalling/protocol.js';
import { VERDICT_SECONDS } from '../../src-shared/workflow/verdict.js';

/** A verdict counts when it comes while the faces are up (and a little after, for a slow network). */
export const VERDICT_WINDOW_MS = (VERDICT_SECONDS + 30) * 1000;

/**
 * Calls between one staff member and one citizen device: ringing → connected → ended. Pure state
 * plus timers; the server turns `send` into WebSocket messages. A party whose connection drops
 * mid-call has a grace period to come back (same identity) before the call ends as lost.
 */
export type Party = 'staff' | 'citizen';
export type CallPhase = 'ringing' | 'connected' | 'ended';

export const Call = z.object({
  id: z.string(),
  visitId: z.string(),
  citizenId: z.string(),
  staffIdentity: z.string(),
  /** The caller's team: their connections get the citizen's verdict. */
  staffTeam: z.string(),
  staffConn: z.string(),
  /** Devices rung; once answered, the one that answered. */
  deviceConns: z.array(z.string()),
  deviceIdentity: z.string().nullable(),
  phase: z.enum(['ringing', 'connected', 'ended']),
  ringStartedMs: z.number(),
  connectedMs: z.number().nullable(),
  endedMs: z.number().nullable(),
  endReason: EndReason.nullable(),
  /** The citizen has given their verdict on it (one per call). */
  verdictGiven: z.boolean(),
});
/** A call as its home instance holds it (and as the shared state keeps a copy of it). */
export type Call = z.infer<typeof Call>;

export interface CallRegistryOptions {
  send: (connId: string, message: ServerMessage) => void;
  turnFor: (callId: string) => TurnCredentials;
  ringTimeoutMs?: number;
  lostGraceMs?: number;
  now: () => number;
  onEnded?: (call: Call) => void;
  /** Ask the citizen's verdict after an answered call (the municipality's choice). */
  survey?: boolean;
}

export type RingResult = { ok: true; call: Call } | { ok: false; reason: 'busy' | 'offline' | 'duplicate' };

export function createCallRegistry(options: CallRegistryOptions) {
  const { now } = options;
  const ringTimeoutMs = options.ringTimeoutMs ?? 45_000;
  const lostGraceMs = options.lostGraceMs ?? 15_000;
  const calls = new Map<string, Call>();
  const timers = new Map<string, NodeJS.Timeout>();

  const active = (c: Call) => c.phase !== 'ended';
  const partyOf = (call: Call, connId: string): Party | null => (call.staffConn === connId ? 'staff' : call.deviceConns.includes(connId) ? 'citizen' : null);
  const others = (call: Call, party: Party) => (party === 'staff' ? call.deviceConns : [call.staffConn]);

  function setTimer(callId: string, ms: number, fn: () => void) {
    clearTimeout(timers.get(callId));
    const t = setTimeout(fn, ms);
    t.unref?.();
    timers.set(callId, t);
  }

  function end(call: Call, reason: EndReason, by: Party | 'server') {
    if (!active(call)) return;
    call.phase = 'ended';
    call.endedMs = now();
    call.endReason = reason;
    clearTimeout(timers.get(call.id));
    timers.delete(call.id);
    const survey = Boolean(options.survey) && call.connectedMs !== null;
    for (const conn of [call.staffConn, ...call.deviceConns])
      options.send(conn, { type: 'call.ended', callId: call.id, reason, by, ...(survey ? { survey } : {}) });
    options.onEnded?.(call);
  }

  return {
    get: (callId: string) => calls.get(callId),
    /** Staff rings a citizen's devices. */
    ring(input: {
      callId: string;
      visitId: string;
      citizenId: string;
      staffIdentity: string;
      staffTeam: string;
      staffConn: string;
      deviceConns: string[];
      caller: string;
      autoAnswerAfterS: number | null;
    }): RingResult {
      if (calls.has(input.callId)) return { ok: false, reason: 'duplicate' };
      const busy = [...calls.values()].some((c) => active(c) && (c.citizenId === input.citizenId || c.staffIdentity === input.staffIdentity));
      if (busy) return { ok: false, reason: 'busy' };
      if (input.deviceConns.length === 0) return { ok: false, reason: 'offline' };
      const call: Call = {
        id: input.callId,
        visitId: input.visitId,
        citizenId: input.citizenId,
        staffIdentity: input.staffIdentity,
        staffTeam: input.staffTeam,
        staffConn: input.staffConn,
        deviceConns: [...input.deviceConns],
        deviceIdentity: null,
        phase: 'ringing',
        ringStartedMs: now(),
        connectedMs: null,
        endedMs: null,
        endReason: null,
        verdictGiven: false,
      };
      calls.set(call.id, call);
      options.send(call.staffConn, { type: 'call.ringing', callId: call.id, turn: options.turnFor(call.id) });
      for (const d of call.deviceConns)
        options.send(d, { type: 'call.incoming', callId: call.id, caller: input.caller, autoAnswerAfterS: input.autoAnswerAfterS });
      setTimer(call.id, ringTimeoutMs, () => end(call, 'timeout', 'server'));
      return { ok: true, call };
    },
    answer(callId: string, deviceConn: string, deviceIdentity: string): boolean {
      const call = calls.get(callId);
      if (!call || call.phase !== 'ringing' || !call.deviceConns.includes(deviceConn)) return false;
      // Other devices of the same citizen stop ringing.
      for (const d of call.deviceConns) if (d !== deviceConn) options.send(d, { type: 'call.ended', callId, reason: 'hangup', by: 'citizen' });
      call.deviceConns = [deviceConn];
      call.deviceIdentity = deviceIdentity;
      call.phase = 'connected';
      call.connectedMs = now();
      clearTimeout(timers.get(callId));
      // The staff side initiates the WebRTC offer.
      options.send(call.staffConn, { type: 'call.connected', callId, turn: options.turnFor(callId), initiator: true });
      options.send(deviceConn, { type: 'call.connected', callId, turn: options.turnFor(callId), initiator: false });
      return true;
    },
    hangup(callId: string, connId: string): boolean {
      const call = calls.get(callId);
      const party = call && partyOf(call, connId);
      if (!call || !party) return false;
      end(call, 'hangup', party);
      return true;
    },
    /** Relays a WebRTC payload to the other party, only for parties of a connected call. */
    signal(callId: string, fromConn: string, data: Record<string, unknown>): boolean {
      const call = calls.get(callId);
      const party = call && partyOf(call, fromConn);
      if (!call || !party || call.phase !== 'connected') return false;
      for (const to of others(call, party)) options.send(to, { type: 'call.signal', callId, data });
      return true;
    },
    /**
     * A party re-establishes the peer (after ICE failure or its own reconnect). A reconnecting
     * party with the same identity is bound to its new connection.
     */
    restart(callId: string, fromConn: string, identity: string): boolean {
      const call = calls.get(callId);
      if (!call || call.phase !== 'connected') return false;
      let party = partyOf(call, fromConn);
      if (!party && identity === call.staffIdentity) {
        call.staffConn = fromConn;
        party = 'staff';
      } else if (!party && identity === call.deviceIdentity) {
        call.deviceConns = [fromConn];
        party = 'citizen';
      }
      if (!party) return false;
      clearTimeout(timers.get(callId));
      timers.delete(callId);
      for (const to of others(call, party)) options.send(to, { type: 'call.restart', callId });
      return true;
    },
    /**
     * The citizen's verdict, from the device that answered the call, once, while the faces are up.
     * Returns the call (for relaying it to the staff member), or null when it does not count.
     */
    verdict(callId: string, deviceIdentity: string): Call | null {
      const call = calls.get(callId);
      if (!call || call.phase !== 'ended' || call.connectedMs === null || call.deviceIdentity !== deviceIdentity || call.verdictGiven) return null;
      if (now() - (call.endedMs ?? 0) > VERDICT_WINDOW_MS) return null;
      call.verdictGiven = true;
      return call;
    },
    /**
     * Takes over a call from an instance that is gone (its copy from the shared state): it goes on
     * here. A ringing call keeps the rest of its ringing time.
     */
    adopt(copy: Call): Call {
      const call: Call = { ...copy, deviceConns: [...copy.deviceConns] };
      calls.set(call.id, call);
      if (call.phase === 'ringing') setTimer(call.id, Math.max(0, call.ringStartedMs + ringTimeoutMs - now()), () => end(call, 'timeout', 'server'));
      return call;
    },
    /** The calls this instance holds (their copies are kept fresh in the shared state). */
    all: () => [...calls.values()],
    /** A connection closed: ringing calls of a vanished caller end; connected calls wait a grace period. */
    connectionClosed(connId: string) {
      for (const call of calls.values()) {
        if (!active(call)) continue;
        const party = partyOf(call, connId);
        if (!party) continue;
        if (call.phase === 'ringing') {
          if (party === 'staff') end(call, 'lost', 'staff');
          else {
            call.deviceConns = call.deviceConns.filter((d) => d !== connId);
            if (call.deviceConns.length === 0) end(call, 'offline', 'citizen');
          }
        } else {
          setTimer(call.id, lostGraceMs, () => end(call, 'lost', party));
        }
      }
    },
    activeCount: () => [...calls.values()].filter(active).length,
    /** Ended calls are kept briefly for duplicate-id checks, then forgotten. */
    prune(olderThanMs: number) {
      for (const [id, c] of calls) if (c.phase === 'ended' && (c.endedMs ?? 0) < now() - olderThanMs) calls.delete(id);
    },
    stop() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
export type CallRegistry = ReturnType<typeof createCallRegistry>;
