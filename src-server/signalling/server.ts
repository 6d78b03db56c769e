import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { ClientMessage, MAX_SIGNAL_MESSAGE_BYTES, ServerMessage, SIGNAL_PATH } from '../../src-shared/signalling/protocol.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { StaffClaims, StaffTokenVerifier } from '../eoj/auth.js';
import { Call, COLLEAGUE_RING_MS, createCallRegistry } from './calls.js';
import { CALL_TTL_MS } from './routes/calls.js';
import { CallOp, GuestIdentity, type Connection, type RefusalCode, type SignallingContext } from './routes/context.js';
import { knockOf } from './routes/guests.js';
import { createInvitations } from './guests/invitations.js';
import type { SmsSender } from './guests/sms.js';
import { route } from './routes/index.js';
import { addressOf, CallClaim, instanceOf, keys, parseJson, type SharedState } from './cluster/shared.js';
import type { DeviceIdentity, DeviceRegistry } from './devices.js';
import type { VisitDirectory } from './directory.js';
import { createPresenceRegistry } from './presence.js';
import { turnCredentials, type TurnConfig } from './turn.js';

export interface SignallingLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface SignallingOptions {
  httpServer: Server;
  /** This instance's name in the shared state (unique per process). */
  instanceId: string;
  shared: SharedState;
  /** Staff access tokens from the IdP (JWKS); citizen devices have tokens of their own. */
  staffTokens: StaffTokenVerifier;
  devices: DeviceRegistry;
  directory: VisitDirectory;
  turn: TurnConfig;
  logger: SignallingLogger;
  clock: Clock;
  ringTimeoutMs?: number;
  lostGraceMs?: number;
  /** Seconds after which a kiosk device answers by itself; null: never. */
  autoAnswerAfterS?: number | null;
  heartbeatMs?: number;
  /** Messages per second a connection may send (token bucket, burst twice that). */
  ratePerSecond?: number;
  /** The tablet asks the citizen's verdict after each answered call (default on; a municipality may turn it off). */
  satisfactionSurvey?: boolean;
  /** How long the citizen has to say yes to a guest. */
  consentMs?: number;
  /** How long a colleague's client rings before it counts as no answer. */
  colleagueRingMs?: number;
  /** How relatives' invitations go out; without it staff cannot invite. */
  sms?: SmsSender;
  /** The relative's page, as the SMS links to it (the link's secret follows after "#"). */
  guestLinkBase?: () => string | null;
}

const AUTH_TIMEOUT_MS = 10_000;
/** A message no instance heard, to an instance that still beats, is sent again this often, this many times. */
const REDELIVER_MS = 200;
const REDELIVER_ATTEMPTS = 10;
const MAX_VIOLATIONS = 20;
/** An instance announces itself this often and counts as gone this long after its last word. */
const INSTANCE_BEAT_MS = 500;
const INSTANCE_TTL_MS = 2_000;
/** How long a party (or a member's presence) on a lost instance waits for them to come back. */
const DEFAULT_LOST_GRACE_MS = 15_000;
/** Every this many beats, the teams of this instance's staff are swept for members on lost instances. */
const PRESENCE_SWEEP_BEATS = 2;
/** Ended calls are kept for the verdict and duplicate-id checks. */
const ENDED_CALL_TTL_MS = 10 * 60_000;

/** Between instances (over the shared state's channels); checked like any other input. */
const Envelope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deliver'), to: z.array(z.string()).max(50), message: ServerMessage }),
  z.object({ kind: z.literal('op'), callId: z.string(), from: z.string(), identity: z.string(), op: CallOp }),
]);
type Envelope = z.infer<typeof Envelope>;
const Broadcast = z.discriminatedUnion('kind', [
  /** To the team's staff connections on every instance: leads only, one member's, or all but one. */
  z.object({
    kind: z.literal('team'),
    teamId: z.string(),
    to: z.discriminatedUnion('who', [
      z.object({ who: z.literal('leads'), except: z.string().nullable() }),
      z.object({ who: z.literal('member'), sub: z.string() }),
      z.object({ who: z.literal('all'), except: z.string().nullable() }),
    ]),
    message: ServerMessage,
  }),
  z.object({ kind: z.literal('revoked'), citizenId: z.string(), teamId: z.string(), deviceIds: z.array(z.string()) }),
  /** A party's socket closed on its instance: the call's home starts the grace period. */
  z.object({ kind: z.literal('closed'), address: z.string() }),
]);
type Broadcast = z.infer<typeof Broadcast>;
const CallRecord = z.object({ home: z.string(), call: Call });

/**
 * The signalling relay, one of N equal instances: identities from signed tokens, a
 * closed user group (staff ring only their team's citizens; a device can only be rung by its team
 * and can only answer), per-call TURN credentials, ringing timeout, busy, hang-up from either side.
 * A call lives on the instance its caller rang from (its home); parties on other instances reach it
 * through the shared state, and when the home dies, the instance that hears from a party next takes
 * the call over. Every refusal is logged with a reason code only, never personal data.
 */
export function attachSignalling(options: SignallingOptions) {
  const { shared, instanceId } = options;
  const connections = new Map<string, Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_MESSAGE_BYTES });
  const rate = options.ratePerSecond ?? 50;
  const now = () => options.clock.nowMs();
  const isLocal = (address: string) => instanceOf(address) === instanceId;
  const warnShared = (error: unknown) =>
    options.logger.warn({ event: 'signalling.shared_state', error: error instanceof Error ? error.message : String(error) }, 'shared state unavailable');

  const sendLocal = (address: string, message: ServerMessage) => {
    const conn = connections.get(address);
    if (conn && conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(message));
  };
  const toInstance = (instance: string, envelope: Envelope): Promise<number> => shared.publish(keys.instanceChannel(instance), JSON.stringify(envelope));
  const broadcast = (message: Broadcast) => shared.publish(keys.broadcast, JSON.stringify(message)).catch(warnShared);

  /**
   * To a connection wherever it is; a connection on an instance that is gone counts as closed.
   * Nobody hearing a message does not by itself mean gone: right after Redis returns, an instance
   * that beats again may not have re-subscribed yet. Such a message is sent again shortly (a few
   * times); only an instance without a beat makes its connections count as closed.
   */
  function send(address: string, message: ServerMessage, attempt = 0): void {
    if (isLocal(address)) return sendLocal(address, message);
    const instance = instanceOf(address);
    toInstance(instance, { kind: 'deliver', to: [address], message })
      .then(async (listeners) => {
        if (listeners > 0) {
          closedRemote.delete(address);
          return;
        }
        if (attempt < REDELIVER_ATTEMPTS && (await aliveInstances([instance])).has(instance)) {
          setTimeout(() => send(address, message, attempt + 1), REDELIVER_MS).unref();
          return;
        }
        remoteGone(address);
      })
      .catch(warnShared);
  }

  /** A party on an instance that is gone: its call's grace period starts (once per outage, not at every message). */
  const closedRemote = new Set<string>();
  function remoteGone(address: string) {
    if (closedRemote.has(address)) return;
    closedRemote.add(address);
    calls.connectionClosed(address);
  }

  const aliveInstances = async (ids: string[]): Promise<Set<string>> => {
    const others = ids.filter((id) => id !== instanceId);
    const beats = await shared.mget(others.map(keys.instance));
    return new Set([instanceId, ...others.filter((_, i) => beats[i] !== null)]);
  };
  const presence = createPresenceRegistry(shared, now, aliveInstances, options.lostGraceMs ?? DEFAULT_LOST_GRACE_MS);
  const toTeam = (teamId: string, to: Extract<Broadcast, { kind: 'team' }>['to'], message: ServerMessage) =>
    void broadcast({ kind: 'team', teamId, to, message });

  /** The shared copy of a call this instance is home to (and the busy marks of its parties). */
  const saveCall = (call: Call) => {
    const ttlMs = call.phase === 'ended' ? ENDED_CALL_TTL_MS : CALL_TTL_MS;
    const record = JSON.stringify({ home: instanceId, call } satisfies z.infer<typeof CallRecord>);
    const busy = [keys.busy(`citizen:${call.citizenId}`), keys.busy(call.staffIdentity), keys.visitCall(call.visitId)];
    return Promise.all([
      shared.set(keys.call(call.id), record, { ttlMs }),
      ...busy.map((k) => (call.phase === 'ended' ? shared.deleteIf(k, call.id) : shared.set(k, call.id, { ttlMs: CALL_TTL_MS }))),
    ]).catch(warnShared);
  };
  const invitations = createInvitations(shared, now);
  const calls = createCallRegistry({
    send,
    // Per participant and call in a call with guests: credentials a guest got are for that call alone.
    turnFor: (callId, participant) => turnCredentials(options.turn, participant ? `${callId}:${participant}` : callId, now()),
    now,
    survey: options.satisfactionSurvey ?? true,
    ...(options.consentMs ? { consentMs: options.consentMs } : {}),
    // A relative's link may be used again (from another device) once their part is over.
    onGuestGone: (guest) => guest.kind === 'relative' && void invitations.release(guest.identity.replace(/^guest:/, ''), guest.conn).catch(warnShared),
    // A colleague's clients ring (on whichever instance they are), and stop when it is settled.
    ringColleague: (call, colleague, ringing) =>
      toTeam(
        call.staffTeam,
        { who: 'member', sub: colleague.identity.replace(/^staff:/, '') },
        ringing
          ? {
              type: 'call.colleague.incoming',
              callId: call.id,
              visitId: call.visitId,
              caller: call.staffName,
              citizenFirstName: call.citizenFirstName,
              seconds: Math.round((options.colleagueRingMs ?? COLLEAGUE_RING_MS) / 1000),
            }
          : { type: 'call.colleague.over', callId: call.id },
      ),
    ...(options.colleagueRingMs ? { colleagueRingMs: options.colleagueRingMs } : {}),
    onEnded: (call) => {
      void saveCall(call);
      // The relatives' links end with a call they could have been in.
      if (call.connectedMs !== null) void invitations.endForVisit(call.visitId).catch(warnShared);
    },
    ...(options.ringTimeoutMs ? { ringTimeoutMs: options.ringTimeoutMs } : {}),
    lostGraceMs: options.lostGraceMs ?? DEFAULT_LOST_GRACE_MS,
  });

  function refuse(conn: Connection | string, code: RefusalCode, reason: string, type?: string) {
    const local = typeof conn === 'string' ? connections.get(conn) : conn;
    const address = typeof conn === 'string' ? conn : conn.id;
    options.logger.warn(
      { event: 'signalling.refused', code, reason, type: type ?? null, role: local ? (local.identity?.kind ?? 'anonymous') : 'remote' },
      'signalling refused',
    );
    send(address, { type: 'error', code, message: reason, ...(type ? { refused: type.slice(0, 64) } : {}) });
    if (local && ++local.violations > MAX_VIOLATIONS) local.socket.close(1008, 'too many refused messages');
  }

  const sendSchedule = async (address: string, device: DeviceIdentity) =>
    send(address, { type: 'device.schedule', nextCallAt: await options.directory.nextVisitStart(device.citizenId, device.teamId, now()).catch(() => null) });

  const announceDevice = (conn: Connection, device: DeviceIdentity) =>
    shared.hset(keys.deviceConnections(device.teamId, device.citizenId), conn.id, device.deviceId).catch(warnShared);
  /** The citizen's tablets connected now, on any live instance. */
  async function devicesOf(citizenId: string, teamId: string): Promise<string[]> {
    const key = keys.deviceConnections(teamId, citizenId);
    const addresses = Object.keys(await shared.hgetall(key));
    const alive = await aliveInstances([...new Set(addresses.map(instanceOf))]);
    // Only this instance's own stale entries are removed: another instance may just have missed a beat (Redis restarting).
    const stale = addresses.filter((a) => isLocal(a) && !connections.has(a));
    if (stale.length > 0) void shared.hdel(key, stale).catch(warnShared);
    const reachable = addresses.filter((a) => alive.has(instanceOf(a)) && !stale.includes(a));
    // Listed by an instance that beats: reachable again until a delivery to it fails anew (a ring
    // to a tablet once counted as closed would otherwise ring silently until its timeout).
    for (const a of reachable) closedRemote.delete(a);
    return reachable;
  }

  /** A call's operation, here if the call lives here; else at its home, or taken over when the home is gone. */
  async function callOp(callId: string, from: string, identity: string, op: CallOp, attempt = 0): Promise<void> {
    if (!calls.get(callId)) {
      const raw = await shared.get(keys.call(callId));
      const record = raw ? parseJson(CallRecord, raw) : null;
      // The tablet may answer before the caller's instance has stored the call (that instance paused
      // between telling the tablet and storing it): the claim already names the home that holds it.
      const home = record?.home ?? (raw ? parseJson(CallClaim, raw)?.home : undefined);
      const notFound = () => refuse(from, 'not_found', 'intet sådant opkald', `call.${op.op}`);
      if (!home) return notFound();
      if (home !== instanceId) {
        const listeners = await toInstance(home, { kind: 'op', callId, from, identity, op });
        if (listeners > 0) return;
        // A home that still beats is not gone: right after Redis returns it may not hear yet. Taking
        // its call over now would leave two homes of one call; ask again shortly instead.
        if (attempt < REDELIVER_ATTEMPTS && (await aliveInstances([home])).has(home)) {
          setTimeout(() => void callOp(callId, from, identity, op, attempt + 1).catch(warnShared), REDELIVER_MS).unref();
          return;
        }
        // Its home is gone before it stored the call: there is nothing to take over.
        if (!record) return notFound();
        const next = JSON.stringify({ home: instanceId, call: record.call } satisfies z.infer<typeof CallRecord>);
        // Only one instance takes over; another that lost the race sends the op to the winner.
        if (!(await shared.swap(keys.call(callId), raw as string, next, CALL_TTL_MS))) return callOp(callId, from, identity, op, attempt);
      }
      if (!record) return notFound();
      calls.adopt(record.call);
    }
    applyOp(callId, from, identity, op);
  }

  function applyOp(callId: string, from: string, identity: string, op: CallOp): void {
    const type = `call.${op.op}`;
    switch (op.op) {
      case 'answer': {
        if (!identity.startsWith('device:') || !calls.answer(callId, from, identity)) return refuse(from, 'forbidden', 'intet opkald at besvare', type);
        // Guests who came early knock now.
        const visitId = calls.get(callId)?.visitId;
        if (visitId) void knockFromLobby(callId, visitId).catch(warnShared);
        break;
      }
      case 'hangup':
        if (!calls.hangup(callId, from)) return refuse(from, 'not_found', 'intet sådant opkald', type);
        return;
      case 'signal':
        if (!calls.signal(callId, from, op.data, op.peer)) return refuse(from, 'forbidden', 'ikke part i opkaldet', type);
        return;
      case 'restart':
        if (!calls.restart(callId, from, identity, op.peer)) return refuse(from, 'forbidden', 'ikke part i opkaldet', type);
        break;
      case 'knock': {
        const knocked = calls.knock(callId, { ...knockOf(op.guest), conn: from }, op.guest.citizenFirstName);
        if (knocked === 'refused') return refuse(from, 'forbidden', 'du blev ikke lukket ind i dette opkald', 'guest.join');
        if (knocked === 'not_connected') {
          // Between the lookup and now the call ended or is still ringing: wait in the lobby.
          const visitId = calls.get(callId)?.visitId;
          if (visitId) void lobbyEnter(visitId, from, op.guest);
        }
        break;
      }
      case 'admit': {
        const admitted = calls.admit(callId, from, op.guest);
        if (!admitted) return refuse(from, 'forbidden', 'ingen gæst venter', 'call.admit');
        break;
      }
      case 'turnAway':
        if (!calls.turnAway(callId, from, op.guest)) return refuse(from, 'forbidden', 'ingen gæst venter', 'call.turnAway');
        break;
      case 'consent':
        if (!identity.startsWith('device:') || !calls.consent(callId, from, op.guest, op.allow))
          return refuse(from, 'forbidden', 'intet spørgsmål at svare på', 'call.consent');
        break;
      case 'remove':
        if (!calls.remove(callId, from, op.participant)) return refuse(from, 'forbidden', 'kan ikke fjerne den deltager', 'call.remove');
        break;
      case 'ringColleague':
        if (!identity.startsWith('staff:') || !calls.ringColleague(callId, from, op.colleague))
          return refuse(from, 'forbidden', 'kollegaen kan ikke hentes ind i opkaldet nu', 'call.colleague.ring');
        break;
      case 'answerColleague':
        if (!identity.startsWith('staff:') || !calls.answerColleague(callId, from, identity, op.accept, op.role))
          return refuse(from, 'not_found', 'opkaldet venter ikke længere på dig', 'call.colleague.answer');
        break;
      case 'verdict': {
        const call = identity.startsWith('device:') ? calls.verdict(callId, identity) : null;
        if (!call) return refuse(from, 'forbidden', 'intet afsluttet opkald at svare på', type);
        // To the staff member's connections now (the one that called may have reconnected since).
        toTeam(
          call.staffTeam,
          { who: 'member', sub: call.staffIdentity.replace(/^staff:/, '') },
          {
            type: 'call.verdict',
            callId: call.id,
            visitId: call.visitId,
            verdict: op.verdict,
          },
        );
        break;
      }
    }
    const call = calls.get(callId);
    if (call) void saveCall(call);
  }

  async function lobbyEnter(visitId: string, address: string, guest: GuestIdentity): Promise<void> {
    await shared.hset(keys.lobby(visitId), address, JSON.stringify(guest));
  }
  async function connected(address: string): Promise<boolean> {
    if (isLocal(address)) return connections.has(address);
    return (await aliveInstances([instanceOf(address)])).has(instanceOf(address));
  }
  async function knockFromLobby(callId: string, visitId: string): Promise<void> {
    const waiting = await shared.hgetall(keys.lobby(visitId));
    for (const [address, raw] of Object.entries(waiting)) {
      await shared.hdel(keys.lobby(visitId), [address]);
      const guest = parseJson(GuestIdentity, raw);
      if (!guest || !(await connected(address))) continue;
      calls.knock(callId, { ...knockOf(guest), conn: address }, guest.citizenFirstName);
    }
  }

  const ctx: SignallingContext = {
    options,
    instanceId,
    now,
    calls,
    presence,
    sharedUnavailable: warnShared,
    sharedHealthy: () => shared.healthy(),
    send,
    refuse,
    toTeam,
    async revoked(citizenId, teamId, deviceIds) {
      await broadcast({ kind: 'revoked', citizenId, teamId, deviceIds });
    },
    callOp,
    devicesOf,
    async deviceConnected(conn, device) {
      await announceDevice(conn, device);
      await sendSchedule(conn.id, device);
    },
    saveCall,
    claim: (key, value, ttlMs) => shared.set(key, value, { ttlMs, nx: true }),
    release: (key, value) => shared.deleteIf(key, value),
    connected,
    invitations,
    callOfVisit: (visitId) => shared.get(keys.visitCall(visitId)),
    lobby: {
      enter: (visitId, address, guest) => lobbyEnter(visitId, address, guest),
      leave: (visitId, address) => shared.hdel(keys.lobby(visitId), [address]),
    },
  };

  // What other instances send this one, and what every instance hears.
  const onEnvelope = (raw: string) => {
    const envelope = parseJson(Envelope, raw);
    if (!envelope) return options.logger.warn({ event: 'signalling.bad_envelope' }, 'bad message between instances');
    if (envelope.kind === 'deliver') for (const to of envelope.to) sendLocal(to, envelope.message);
    else void callOp(envelope.callId, envelope.from, envelope.identity, envelope.op).catch(warnShared);
  };
  const staffHere = (teamId: string) =>
    [...connections.values()].filter((c) => c.identity?.kind === 'staff' && c.identity.claims.team === teamId) as (Connection & {
      identity: { kind: 'staff'; claims: StaffClaims };
    })[];
  const onBroadcast = (raw: string) => {
    const message = parseJson(Broadcast, raw);
    if (!message) return options.logger.warn({ event: 'signalling.bad_envelope' }, 'bad message between instances');
    if (message.kind === 'team') {
      const { to } = message;
      for (const c of staffHere(message.teamId)) {
        const wanted =
          to.who === 'leads'
            ? c.identity.claims.role === 'team_lead' && c.id !== to.except
            : to.who === 'member'
              ? c.identity.claims.sub === to.sub
              : c.id !== to.except;
        if (wanted) sendLocal(c.id, message.message);
      }
    } else if (message.kind === 'revoked') {
      options.devices.markRevoked(message.deviceIds);
      for (const c of connections.values())
        if (c.identity?.kind === 'device' && c.identity.device.citizenId === message.citizenId && c.identity.device.teamId === message.teamId)
          c.socket.close(4001, 'revoked');
    } else calls.connectionClosed(message.address);
  };

  /**
   * After Redis came back (perhaps empty): this instance says again what it holds. A command that
   * fails (Redis not quite ready) makes it start over a little later, until it has gone through:
   * a tablet not re-announced could not be rung until it reconnected by itself.
   */
  async function reannounce(): Promise<void> {
    await shared.set(keys.instance(instanceId), String(now()), { ttlMs: INSTANCE_TTL_MS });
    for (const c of connections.values())
      if (c.identity?.kind === 'device')
        await shared.hset(keys.deviceConnections(c.identity.device.teamId, c.identity.device.citizenId), c.id, c.identity.device.deviceId);
    await presence.reannounce();
    for (const call of calls.all()) await saveCall(call);
  }
  let reannounceTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const reannounceUntilDone = (attempt: number): void =>
    void reannounce().catch((error: unknown) => {
      warnShared(error);
      if (closed) return;
      clearTimeout(reannounceTimer);
      reannounceTimer = setTimeout(() => reannounceUntilDone(attempt + 1), Math.min(2_000, 200 * 2 ** attempt));
      reannounceTimer.unref();
    });
  shared.onReconnect(() => reannounceUntilDone(0));

  wss.on('connection', (socket: WebSocket) => {
    const conn: Connection = {
      id: addressOf(instanceId, randomUUID()),
      socket,
      identity: null,
      tokens: rate * 2,
      lastRefillMs: performance.now(),
      violations: 0,
      alive: true,
    };
    connections.set(conn.id, conn);
    const authTimer = setTimeout(() => {
      if (!conn.identity) socket.close(4000, 'authenticate first');
    }, AUTH_TIMEOUT_MS);
    socket.on('pong', () => (conn.alive = true));
    let chain = Promise.resolve();
    socket.on('message', (raw, isBinary) => {
      // The token bucket measures elapsed time, not the time of day.
      const t = performance.now();
      conn.tokens = Math.min(rate * 2, conn.tokens + ((t - conn.lastRefillMs) / 1000) * rate);
      conn.lastRefillMs = t;
      if (conn.tokens < 1) return refuse(conn, 'rate_limited', 'for mange beskeder');
      conn.tokens -= 1;
      if (isBinary) return refuse(conn, 'bad_message', 'kun JSON-tekst');
      let json: unknown;
      try {
        json = JSON.parse(raw.toString());
      } catch {
        return refuse(conn, 'bad_message', 'ikke gyldig JSON');
      }
      const parsed = ClientMessage.safeParse(json);
      if (!parsed.success)
        return refuse(
          conn,
          'bad_message',
          'ukendt eller ugyldig besked',
          typeof (json as { type?: unknown })?.type === 'string' ? String((json as { type: string }).type).slice(0, 40) : undefined,
        );
      // One message at a time per connection, in order. A failure (the EOJ or Redis away) is a refusal, not a crash.
      chain = chain.then(() => route(ctx, conn, parsed.data)).catch(() => refuse(conn, 'unavailable', 'beskeden kunne ikke behandles lige nu; prøv igen'));
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      connections.delete(conn.id);
      const identity = conn.identity;
      if (!identity) return;
      calls.connectionClosed(conn.id);
      void broadcast({ kind: 'closed', address: conn.id });
      if (identity.kind === 'device') void shared.hdel(keys.deviceConnections(identity.device.teamId, identity.device.citizenId), [conn.id]).catch(warnShared);
      else if (identity.kind === 'guest') {
        // The link is free for the same person's next device (or this one again).
        void shared.hdel(keys.lobby(identity.guest.visitId), [conn.id]).catch(warnShared);
        void invitations.release(identity.guest.linkHash, conn.id).catch(warnShared);
      } else
        void presence
          .disconnect(conn.id)
          .then((gone) => gone && toTeam(gone.teamId, { who: 'leads', except: null }, { type: 'presence.team', members: [gone.presence] }))
          .catch(warnShared);
    });
    socket.on('error', () => socket.terminate());
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== SIGNAL_PATH) return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.httpServer.on('upgrade', onUpgrade);

  // This instance's heartbeat in the shared state; the parties of its calls on instances that stopped beating are gone.
  let beats = 0;
  const beat = setInterval(() => {
    void (async () => {
      // Only an instance that hears its channel beats: others ring and hand calls to the ones that beat.
      if (!shared.healthy()) return;
      await shared.set(keys.instance(instanceId), String(now()), { ttlMs: INSTANCE_TTL_MS });
      // A member whose instance died shows as unknown to the lead within seconds, offline after the grace.
      if (++beats % PRESENCE_SWEEP_BEATS === 0)
        for (const teamId of presence.localTeams()) {
          const changed = await presence.sweep(teamId);
          if (changed.length > 0) toTeam(teamId, { who: 'leads', except: null }, { type: 'presence.team', members: changed });
        }
      const active = calls.all().filter((c) => c.phase !== 'ended');
      const remote = active.flatMap((c) => [c.staffConn, ...c.deviceConns]).filter((a) => !isLocal(a) && !closedRemote.has(a));
      if (remote.length === 0) return;
      const alive = await aliveInstances([...new Set(remote.map(instanceOf))]);
      for (const address of remote) if (!alive.has(instanceOf(address))) remoteGone(address);
    })().catch(() => undefined);
  }, INSTANCE_BEAT_MS);
  beat.unref();

  // Heartbeats: half-open sockets (a tablet that lost its network) are found and closed.
  const heartbeat = setInterval(() => {
    for (const conn of connections.values()) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
    calls.prune(10 * 60_000);
    const active = calls.all().filter((c) => c.phase !== 'ended');
    const parties = new Set(active.flatMap((c) => [c.staffConn, ...c.deviceConns]));
    for (const address of closedRemote) if (!parties.has(address)) closedRemote.delete(address);
    for (const call of active) void saveCall(call);
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  const ready = Promise.all([
    shared.subscribe(keys.instanceChannel(instanceId), onEnvelope),
    shared.subscribe(keys.broadcast, onBroadcast),
    shared.set(keys.instance(instanceId), String(now()), { ttlMs: INSTANCE_TTL_MS }),
  ]);

  return {
    instanceId,
    calls,
    ready,
    connectionCount: () => connections.size,
    /** Signed-in connections by kind (counts only; for the health check). */
    identified: () => {
      const all = [...connections.values()];
      return { staff: all.filter((c) => c.identity?.kind === 'staff').length, devices: all.filter((c) => c.identity?.kind === 'device').length };
    },
    close() {
      closed = true;
      clearTimeout(reannounceTimer);
      clearInterval(heartbeat);
      clearInterval(beat);
      calls.stop();
      options.httpServer.off('upgrade', onUpgrade);
      for (const c of connections.values()) c.socket.terminate();
      wss.close();
    },
  };
}
export type Signalling = ReturnType<typeof attachSignalling>;
