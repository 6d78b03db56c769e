import { z } from 'zod';
import { EndReason, MAX_PARTICIPANTS, type Participant, type ServerMessage, type TurnCredentials } from '../../src-shared/signalling/protocol.js';
import { VERDICT_SECONDS } from '../../src-shared/workflow/verdict.js';

/** A verdict counts when it comes while the faces are up (and a little after, for a slow network). */
export const VERDICT_WINDOW_MS = (VERDICT_SECONDS + 30) * 1000;

/**
 * Calls between one staff member and one citizen device: ringing → connected → ended. Pure state
 * plus timers; the server turns `send` into WebSocket messages. A party whose connection drops
 * mid-call has a grace period to come back (same identity) before the call ends as lost.
 *
 * Guests join a connected call: a relative knocks (waiting), staff admit (asking) or turn them
 * away, and the citizen's tablet asks the citizen, whose "no" or silence within CONSENT_MS keeps
 * them out (refused). Only then are they in, and every pair of participants gets its own media
 * connection (a mesh of at most MAX_PARTICIPANTS): the one who was in the call first offers, so
 * two sides never offer to each other at once.
 *
 * A colleague is rung by the caller instead (ringing): their "yes" lets them in at once, as the
 * caller chose them; the citizen sees them by name and role.
 */
export const CONSENT_MS = 20_000;
/** How long a colleague's client rings before it counts as no answer. */
export const COLLEAGUE_RING_MS = 30_000;
export type Party = 'staff' | 'citizen';
export type CallPhase = 'ringing' | 'connected' | 'ended';

export const Guest = z.object({
  /** Its participant id ("guest-…"). */
  id: z.string(),
  /** Who it is across reconnects: "guest:<link hash>", or a colleague's "staff:<practitioner>". */
  identity: z.string(),
  /** Its connection ('' for a colleague whose clients are still ringing). */
  conn: z.string(),
  kind: z.enum(['relative', 'colleague']),
  /** Who it is in the EOJ ("RelatedPerson/<id>", "Practitioner/<id>"). */
  person: z.string(),
  name: z.string(),
  relationship: z.string(),
  state: z.enum(['ringing', 'waiting', 'asking', 'in', 'left', 'refused']),
  joinedMs: z.number().nullable(),
  leftMs: z.number().nullable(),
});
export type Guest = z.infer<typeof Guest>;

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
  /** How the caller and the citizen are shown to guests. */
  staffName: z.string().default(''),
  citizenFirstName: z.string().default(''),
  guests: z.array(Guest).default([]),
});
/** A call as its home instance holds it (and as the shared state keeps a copy of it). */
export type Call = z.infer<typeof Call>;

export interface CallRegistryOptions {
  send: (connId: string, message: ServerMessage) => void;
  /** TURN credentials for one participant of one call (the user names both). */
  turnFor: (callId: string, participant?: string) => TurnCredentials;
  ringTimeoutMs?: number;
  lostGraceMs?: number;
  now: () => number;
  onEnded?: (call: Call) => void;
  /** Ask the citizen's verdict after an answered call (the municipality's choice). */
  survey?: boolean;
  /** How long the citizen has to say yes to a guest (default CONSENT_MS). */
  consentMs?: number;
  /** A guest's part is over (left, removed, turned away): its link may be used again elsewhere. */
  onGuestGone?: (guest: Guest) => void;
  /** A colleague's clients start ringing (true) or stop (false: answered, declined, timed out, call over). */
  ringColleague?: (call: Call, colleague: Guest, ringing: boolean) => void;
  /** How long a colleague's client rings (default COLLEAGUE_RING_MS). */
  colleagueRingMs?: number;
}

export type RingResult = { ok: true; call: Call } | { ok: false; reason: 'busy' | 'offline' | 'duplicate' };

export function createCallRegistry(options: CallRegistryOptions) {
  const { now } = options;
  const ringTimeoutMs = options.ringTimeoutMs ?? 45_000;
  const lostGraceMs = options.lostGraceMs ?? 15_000;
  const consentMs = options.consentMs ?? CONSENT_MS;
  const colleagueRingMs = options.colleagueRingMs ?? COLLEAGUE_RING_MS;
  const calls = new Map<string, Call>();
  const timers = new Map<string, NodeJS.Timeout>();

  const active = (c: Call) => c.phase !== 'ended';
  const partyOf = (call: Call, connId: string): Party | null => (call.staffConn === connId ? 'staff' : call.deviceConns.includes(connId) ? 'citizen' : null);
  /** The participant a connection is in a connected call ("staff", "citizen", or a guest in it). */
  const participantOf = (call: Call, connId: string): string | null =>
    partyOf(call, connId) ?? call.guests.find((g) => g.conn === connId && g.state === 'in')?.id ?? null;
  const connOf = (call: Call, participant: string): string | null =>
    participant === 'staff'
      ? call.staffConn
      : participant === 'citizen'
        ? (call.deviceConns[0] ?? null)
        : (call.guests.find((g) => g.id === participant && g.state === 'in')?.conn ?? null);
  /** Who is in, in the order they came (the earlier one of a pair offers). */
  const inCall = (call: Call): string[] => [
    'staff',
    'citizen',
    ...call.guests
      .filter((g) => g.state === 'in')
      .sort((a, b) => (a.joinedMs ?? 0) - (b.joinedMs ?? 0))
      .map((g) => g.id),
  ];
  const participants = (call: Call): Participant[] => [
    { id: 'staff', kind: 'staff', name: call.staffName, role: 'Medarbejder' },
    { id: 'citizen', kind: 'citizen', name: call.citizenFirstName, role: 'Borger' },
    ...call.guests.filter((g) => g.state === 'in').map((g) => ({ id: g.id, kind: g.kind, name: g.name, role: g.relationship })),
  ];
  const guestTimers = new Map<string, NodeJS.Timeout>();
  const guestTimer = (call: Call, guest: string, ms: number | null, fn?: () => void) => {
    const key = `${call.id}/${guest}`;
    clearTimeout(guestTimers.get(key));
    guestTimers.delete(key);
    if (ms === null || !fn) return;
    const t = setTimeout(fn, ms);
    t.unref?.();
    guestTimers.set(key, t);
  };
  const toEveryoneIn = (call: Call, message: ServerMessage) => {
    for (const p of inCall(call)) {
      const conn = connOf(call, p);
      if (conn) options.send(conn, message);
    }
  };
  const guestState = (call: Call, guest: Guest, state: Extract<ServerMessage, { type: 'guest.state' }>['state']) => {
    if (guest.conn) options.send(guest.conn, { type: 'guest.state', state, guest: guest.id, citizenFirstName: call.citizenFirstName, callId: call.id });
  };
  /** To the caller: where a guest stands now. */
  const tellStaff = (call: Call, guest: Guest) =>
    options.send(call.staffConn, {
      type: 'call.guest',
      callId: call.id,
      guest: guest.id,
      person: guest.person,
      kind: guest.kind,
      name: guest.name,
      relationship: guest.relationship,
      state: guest.state,
    });
  /** A guest is in: everyone learns who is in, and each pair with the newcomer starts its connection. */
  function connectGuest(call: Call, guest: Guest) {
    toEveryoneIn(call, { type: 'call.participants', callId: call.id, participants: participants(call) });
    for (const other of inCall(call)) {
      if (other === guest.id) continue;
      const otherConn = connOf(call, other);
      if (!otherConn) continue;
      options.send(otherConn, { type: 'call.peer', callId: call.id, peer: guest.id, initiator: true, turn: options.turnFor(call.id, other) });
      options.send(guest.conn, { type: 'call.peer', callId: call.id, peer: other, initiator: false, turn: options.turnFor(call.id, guest.id) });
    }
  }
  function guestLeaves(call: Call, guest: Guest, state: 'left' | 'refused') {
    const wasIn = guest.state === 'in';
    if (guest.state === 'ringing') options.ringColleague?.(call, guest, false);
    guestTimer(call, guest.id, null);
    guest.state = state;
    guest.leftMs = now();
    tellStaff(call, guest);
    guestState(call, guest, state === 'refused' ? 'turned-away' : 'ended');
    options.onGuestGone?.(guest);
    if (!wasIn) return;
    for (const other of inCall(call)) {
      const conn = connOf(call, other);
      if (conn) options.send(conn, { type: 'call.peer.left', callId: call.id, peer: guest.id });
    }
    toEveryoneIn(call, { type: 'call.participants', callId: call.id, participants: participants(call) });
  }
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
    for (const guest of call.guests) {
      guestTimer(call, guest.id, null);
      if (guest.state === 'left' || guest.state === 'refused') continue;
      if (guest.state === 'ringing') options.ringColleague?.(call, guest, false);
      if (guest.state !== 'in') guest.state = 'refused';
      else guest.state = 'left';
      guest.leftMs = call.endedMs;
      guestState(call, guest, 'ended');
      options.onGuestGone?.(guest);
    }
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
      citizenFirstName?: string;
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
        staffName: input.caller,
        citizenFirstName: input.citizenFirstName ?? '',
        guests: [],
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
    signal(callId: string, fromConn: string, data: Record<string, unknown>, peer?: string): boolean {
      const call = calls.get(callId);
      if (!call || call.phase !== 'connected') return false;
      if (peer !== undefined) {
        // Within the mesh: only between two participants who are in, to the one named.
        const from = participantOf(call, fromConn);
        const to = connOf(call, peer);
        if (!from || !to || from === peer) return false;
        options.send(to, { type: 'call.signal', callId, peer: from, data });
        return true;
      }
      const party = partyOf(call, fromConn);
      if (!party) return false;
      for (const to of others(call, party)) options.send(to, { type: 'call.signal', callId, data });
      return true;
    },
    /**
     * A party re-establishes the peer (after ICE failure or its own reconnect). A reconnecting
     * party with the same identity is bound to its new connection.
     */
    restart(callId: string, fromConn: string, identity: string, peer?: string): boolean {
      const call = calls.get(callId);
      if (!call || call.phase !== 'connected') return false;
      if (peer !== undefined) {
        const from = participantOf(call, fromConn);
        const to = connOf(call, peer);
        if (!from || !to || from === peer) return false;
        options.send(to, { type: 'call.restart', callId, peer: from });
        return true;
      }
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
     * A guest arrives (or comes back on a new connection) at a connected call: waiting for staff,
     * or straight back in when they were in already (every pair with them starts anew).
     */
    knock(
      callId: string,
      arriving: Pick<Guest, 'id' | 'identity' | 'conn' | 'kind' | 'person' | 'name' | 'relationship'>,
      citizenFirstName: string,
    ): 'ok' | 'not_connected' | 'refused' {
      const call = calls.get(callId);
      if (!call || call.phase !== 'connected') return 'not_connected';
      call.citizenFirstName ||= citizenFirstName;
      const known = call.guests.find((g) => g.identity === arriving.identity);
      if (known?.state === 'refused') return 'refused';
      if (known?.state === 'in') {
        guestTimer(call, known.id, null);
        known.conn = arriving.conn;
        guestState(call, known, 'in');
        for (const other of inCall(call)) {
          const conn = connOf(call, other);
          if (conn && other !== known.id) options.send(conn, { type: 'call.peer.left', callId, peer: known.id });
        }
        connectGuest(call, known);
        return 'ok';
      }
      const guest: Guest = known ?? { ...arriving, state: 'waiting', joinedMs: null, leftMs: null };
      guest.conn = arriving.conn;
      guest.state = 'waiting';
      if (!known) call.guests.push(guest);
      guestState(call, guest, 'waiting');
      tellStaff(call, guest);
      return 'ok';
    },
    /** Staff let a waiting guest in: the citizen is asked now. */
    admit(callId: string, fromConn: string, guestId: string): boolean | 'full' {
      const call = calls.get(callId);
      const guest = call?.guests.find((g) => g.id === guestId);
      if (!call || call.phase !== 'connected' || call.staffConn !== fromConn || guest?.state !== 'waiting') return false;
      if (inCall(call).length >= MAX_PARTICIPANTS) {
        guestState(call, guest, 'full');
        return 'full';
      }
      guest.state = 'asking';
      tellStaff(call, guest);
      guestState(call, guest, 'asking');
      for (const d of call.deviceConns)
        options.send(d, {
          type: 'call.consent.ask',
          callId,
          guest: guest.id,
          firstName: guest.name.split(/\s+/)[0] ?? guest.name,
          seconds: Math.max(1, Math.round(consentMs / 1000)),
        });
      guestTimer(call, guest.id, consentMs, () => guest.state === 'asking' && guestLeaves(call, guest, 'refused'));
      return true;
    },
    turnAway(callId: string, fromConn: string, guestId: string): boolean {
      const call = calls.get(callId);
      const guest = call?.guests.find((g) => g.id === guestId);
      if (!call || call.staffConn !== fromConn || (guest?.state !== 'waiting' && guest?.state !== 'asking')) return false;
      guestLeaves(call, guest, 'refused');
      return true;
    },
    /** The citizen's answer, from the tablet in the call, while asked. */
    consent(callId: string, fromConn: string, guestId: string, allow: boolean): boolean {
      const call = calls.get(callId);
      const guest = call?.guests.find((g) => g.id === guestId);
      if (!call || call.phase !== 'connected' || !call.deviceConns.includes(fromConn) || guest?.state !== 'asking') return false;
      if (!allow) {
        guestLeaves(call, guest, 'refused');
        return true;
      }
      if (inCall(call).length >= MAX_PARTICIPANTS) {
        guestState(call, guest, 'full');
        guestLeaves(call, guest, 'refused');
        return true;
      }
      guestTimer(call, guest.id, null);
      guest.state = 'in';
      guest.joinedMs = now();
      tellStaff(call, guest);
      guestState(call, guest, 'in');
      connectGuest(call, guest);
      return true;
    },
    /** Staff remove a guest; the citizen a relative; a guest leaves (removes itself). */
    remove(callId: string, fromConn: string, participant: string): boolean {
      const call = calls.get(callId);
      const guest = call?.guests.find((g) => g.id === participant && g.state !== 'left' && g.state !== 'refused');
      if (!call || !guest) return false;
      const by = call.staffConn === fromConn ? 'staff' : call.deviceConns.includes(fromConn) ? 'citizen' : guest.conn === fromConn ? 'self' : null;
      if (!by || (by === 'citizen' && guest.kind !== 'relative')) return false;
      guestLeaves(call, guest, 'left');
      return true;
    },
    /**
     * The caller rings a colleague of the team (the route checked they are free): their clients
     * ring until one answers, they decline, or COLLEAGUE_RING_MS pass.
     */
    ringColleague(callId: string, fromConn: string, colleague: Pick<Guest, 'id' | 'identity' | 'person' | 'name' | 'relationship'>): boolean {
      const call = calls.get(callId);
      if (!call || call.phase !== 'connected' || call.staffConn !== fromConn || colleague.identity === call.staffIdentity) return false;
      const known = call.guests.find((g) => g.identity === colleague.identity);
      if (known && (known.state === 'ringing' || known.state === 'in')) return false;
      if (inCall(call).length >= MAX_PARTICIPANTS) return false;
      const guest: Guest = known ?? { ...colleague, kind: 'colleague', conn: '', state: 'ringing', joinedMs: null, leftMs: null };
      guest.conn = '';
      guest.state = 'ringing';
      guest.leftMs = null;
      if (!known) call.guests.push(guest);
      tellStaff(call, guest);
      options.ringColleague?.(call, guest, true);
      guestTimer(call, guest.id, colleagueRingMs, () => guest.state === 'ringing' && guestLeaves(call, guest, 'refused'));
      return true;
    },
    /**
     * The colleague's answer from one of their clients: in at once (the caller chose them), or no.
     * A colleague who is in and comes back on a new connection is bound to it, every pair anew.
     */
    answerColleague(callId: string, fromConn: string, identity: string, accept: boolean, role?: string): boolean {
      const call = calls.get(callId);
      const guest = call?.guests.find((g) => g.identity === identity && g.kind === 'colleague' && (g.state === 'ringing' || g.state === 'in'));
      if (!call || call.phase !== 'connected' || !guest) return false;
      if (guest.state === 'in') {
        if (!accept) {
          guestLeaves(call, guest, 'left');
          return true;
        }
        guestTimer(call, guest.id, null);
        guest.conn = fromConn;
        guestState(call, guest, 'in');
        for (const other of inCall(call)) {
          const conn = connOf(call, other);
          if (conn && other !== guest.id) options.send(conn, { type: 'call.peer.left', callId, peer: guest.id });
        }
        connectGuest(call, guest);
        return true;
      }
      if (!accept) {
        guestLeaves(call, guest, 'refused');
        return true;
      }
      guest.conn = fromConn;
      if (inCall(call).length >= MAX_PARTICIPANTS) {
        guestState(call, guest, 'full');
        guestLeaves(call, guest, 'refused');
        return true;
      }
      options.ringColleague?.(call, guest, false);
      guestTimer(call, guest.id, null);
      guest.state = 'in';
      guest.joinedMs = now();
      if (role) guest.relationship = role;
      tellStaff(call, guest);
      guestState(call, guest, 'in');
      connectGuest(call, guest);
      return true;
    },
    /**
     * Takes over a call from an instance that is gone (its copy from the shared state): it goes on
     * here. A ringing call keeps the rest of its ringing time.
     */
    adopt(copy: Call): Call {
      const call: Call = { ...copy, deviceConns: [...copy.deviceConns], guests: copy.guests.map((g) => ({ ...g })) };
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
        // A guest's line dropped: one waiting is gone; one in has the grace period to come back.
        for (const guest of call.guests.filter((g) => g.conn === connId)) {
          if (guest.state === 'waiting' || guest.state === 'asking') guestLeaves(call, guest, 'left');
          else if (guest.state === 'in') guestTimer(call, guest.id, lostGraceMs, () => guest.conn === connId && guestLeaves(call, guest, 'left'));
        }
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
      for (const t of guestTimers.values()) clearTimeout(t);
      guestTimers.clear();
    },
  };
}
export type CallRegistry = ReturnType<typeof createCallRegistry>;
