import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientMessage, MAX_SIGNAL_MESSAGE_BYTES, SIGNAL_PATH, type ServerMessage } from '../../src-shared/signalling/protocol.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { TokenRefused, type StaffClaims, type StaffTokenVerifier } from '../eoj/auth.js';
import { createCallRegistry } from './calls.js';
import type { DeviceIdentity, DeviceRegistry } from './devices.js';
import { createPresenceRegistry } from './presence.js';
import { turnCredentials, type TurnConfig } from './turn.js';

/** Where the signalling server learns which citizen a visit is for, and whose team it is. */
export interface VisitDirectory {
  visit(visitId: string): { citizenId: string; teamId: string } | null;
  citizenInTeam(citizenId: string, teamId: string): boolean;
  /** Start of the citizen's next open visit with this team, if any. */
  nextVisitStart(citizenId: string, teamId: string, afterMs: number): string | null;
}

export interface SignallingLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface SignallingOptions {
  httpServer: Server;
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
}

type Identity = { kind: 'staff'; claims: StaffClaims } | { kind: 'device'; device: DeviceIdentity };

interface Connection {
  id: string;
  socket: WebSocket;
  identity: Identity | null;
  tokens: number;
  lastRefillMs: number;
  violations: number;
  alive: boolean;
}

const AUTH_TIMEOUT_MS = 10_000;
const MAX_VIOLATIONS = 20;

/**
 * The signalling relay (design §4): identities from signed tokens, a closed user group (staff ring
 * only their team's citizens; a device can only be rung by its team and can only answer), per-call
 * TURN credentials, ringing timeout, busy, hang-up from either side. Every refusal is logged with a
 * reason code only, never personal data.
 */
export function attachSignalling(options: SignallingOptions) {
  const connections = new Map<string, Connection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_MESSAGE_BYTES });
  const rate = options.ratePerSecond ?? 50;

  const send = (connId: string, message: ServerMessage) => {
    const conn = connections.get(connId);
    if (conn && conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify(message));
  };
  const presence = createPresenceRegistry(() => options.clock.nowMs());
  const staffOfTeam = (teamId: string) =>
    [...connections.values()].filter((c) => c.identity?.kind === 'staff' && c.identity.claims.team === teamId) as (Connection & {
      identity: { kind: 'staff'; claims: StaffClaims };
    })[];
  /** Presence goes to the team's leads only (closed user group: never to another team). */
  const toLeads = (teamId: string, members: ReturnType<typeof presence.team>, exceptConnId?: string) => {
    for (const c of staffOfTeam(teamId)) if (c.identity.claims.role === 'team_lead' && c.id !== exceptConnId) send(c.id, { type: 'presence.team', members });
  };
  const calls = createCallRegistry({
    send,
    turnFor: (callId) => turnCredentials(options.turn, callId, options.clock.nowMs()),
    now: () => options.clock.nowMs(),
    survey: options.satisfactionSurvey ?? true,
    ...(options.ringTimeoutMs ? { ringTimeoutMs: options.ringTimeoutMs } : {}),
    ...(options.lostGraceMs ? { lostGraceMs: options.lostGraceMs } : {}),
  });

  const refuse = (
    conn: Connection,
    code: 'bad_message' | 'unauthenticated' | 'forbidden' | 'rate_limited' | 'not_found' | 'invalid_code',
    reason: string,
    type?: string,
  ) => {
    options.logger.warn({ event: 'signalling.refused', code, reason, type: type ?? null, role: conn.identity?.kind ?? 'anonymous' }, 'signalling refused');
    send(conn.id, { type: 'error', code, message: reason });
    if (++conn.violations > MAX_VIOLATIONS) conn.socket.close(1008, 'too many refused messages');
  };

  const sendSchedule = (connId: string, device: DeviceIdentity) =>
    send(connId, { type: 'device.schedule', nextCallAt: options.directory.nextVisitStart(device.citizenId, device.teamId, options.clock.nowMs()) });

  const devicesOf = (citizenId: string, teamId: string) =>
    [...connections.values()]
      .filter((c) => c.identity?.kind === 'device' && c.identity.device.citizenId === citizenId && c.identity.device.teamId === teamId)
      .map((c) => c.id);

  async function handle(conn: Connection, message: ClientMessage): Promise<void> {
    const id = conn.identity;
    if (message.type === 'auth') {
      // A device token is checked locally first (cheap, and works while the IdP is away).
      const device = await options.devices.verify(message.token);
      if (device) conn.identity = { kind: 'device', device };
      else {
        let reason = 'ugyldigt, udløbet eller tilbagekaldt token';
        const staff = await options.staffTokens.verify(message.token).catch((error: unknown) => {
          if (error instanceof TokenRefused) reason = error.message;
          return null;
        });
        if (!staff) return refuse(conn, 'unauthenticated', reason, message.type);
        conn.identity = { kind: 'staff', claims: staff };
      }
      const identity = conn.identity;
      send(conn.id, { type: 'auth.ok', role: identity.kind, id: identity.kind === 'staff' ? identity.claims.sub : identity.device.deviceId });
      if (identity.kind === 'device') sendSchedule(conn.id, identity.device);
      if (identity.kind === 'staff') {
        const { sub, name, team, role } = identity.claims;
        toLeads(team, [presence.connect(conn.id, { practitionerId: sub, name, teamId: team })], conn.id);
        // A lead who signs in gets the whole team as it stands (themselves included).
        if (role === 'team_lead') send(conn.id, { type: 'presence.team', members: presence.team(team) });
      }
      return;
    }
    if (message.type === 'pair.redeem') {
      if (id) return refuse(conn, 'forbidden', 'allerede logget ind', message.type);
      const paired = await options.devices.redeem(message.code);
      if (!paired) return refuse(conn, 'invalid_code', 'ukendt eller udløbet parringskode', message.type);
      conn.identity = { kind: 'device', device: paired.identity };
      send(conn.id, { type: 'pair.done', deviceToken: paired.deviceToken, citizenId: paired.identity.citizenId });
      sendSchedule(conn.id, paired.identity);
      return;
    }
    if (!id) return refuse(conn, 'unauthenticated', 'log ind først', message.type);

    switch (message.type) {
      case 'pair.create':
      case 'device.revoke': {
        if (id.kind !== 'staff') return refuse(conn, 'forbidden', 'kun personale', message.type);
        if (!options.directory.citizenInTeam(message.citizenId, id.claims.team))
          return refuse(conn, 'forbidden', 'borgeren hører ikke til dit team', message.type);
        if (message.type === 'pair.create') {
          const { code, expiresAt } = options.devices.createCode(message.citizenId, id.claims.team);
          send(conn.id, { type: 'pair.code', citizenId: message.citizenId, code, expiresAt });
        } else {
          const devices = options.devices.revokeCitizen(message.citizenId, id.claims.team);
          // Revoked devices are disconnected at once.
          for (const c of connections.values()) {
            if (c.identity?.kind === 'device' && c.identity.device.citizenId === message.citizenId && c.identity.device.teamId === id.claims.team)
              c.socket.close(4001, 'revoked');
          }
          send(conn.id, { type: 'device.revoked', citizenId: message.citizenId, devices });
        }
        return;
      }
      case 'call.ring': {
        if (id.kind !== 'staff') return refuse(conn, 'forbidden', 'kun personale kan ringe op', message.type);
        const visit = options.directory.visit(message.visitId);
        if (!visit || visit.teamId !== id.claims.team) return refuse(conn, 'forbidden', 'besøget hører ikke til dit team', message.type);
        const result = calls.ring({
          callId: message.callId,
          visitId: message.visitId,
          citizenId: visit.citizenId,
          staffIdentity: `staff:${id.claims.sub}`,
          staffConn: conn.id,
          deviceConns: devicesOf(visit.citizenId, visit.teamId),
          caller: id.claims.name,
          autoAnswerAfterS: options.autoAnswerAfterS ?? null,
        });
        if (!result.ok) {
          if (result.reason === 'duplicate') return refuse(conn, 'bad_message', 'opkalds-id er brugt', message.type);
          send(conn.id, { type: 'call.ended', callId: message.callId, reason: result.reason, by: 'server' });
        }
        return;
      }
      case 'call.answer':
        if (id.kind !== 'device' || !calls.answer(message.callId, conn.id, `device:${id.device.deviceId}`))
          return refuse(conn, 'forbidden', 'intet opkald at besvare', message.type);
        return;
      case 'call.verdict': {
        const call = id.kind === 'device' ? calls.verdict(message.callId, `device:${id.device.deviceId}`) : null;
        if (!call) return refuse(conn, 'forbidden', 'intet afsluttet opkald at svare på', message.type);
        // To the staff member's connections now (the one that called may have reconnected since).
        for (const c of connections.values())
          if (c.identity?.kind === 'staff' && `staff:${c.identity.claims.sub}` === call.staffIdentity)
            send(c.id, { type: 'call.verdict', callId: call.id, visitId: call.visitId, verdict: message.verdict });
        return;
      }
      case 'call.hangup':
        if (!calls.hangup(message.callId, conn.id)) return refuse(conn, 'not_found', 'intet sådant opkald', message.type);
        return;
      case 'call.signal':
        if (!calls.signal(message.callId, conn.id, message.data)) return refuse(conn, 'forbidden', 'ikke part i opkaldet', message.type);
        return;
      case 'net.probe':
        // Echo: the client measures the round trip (empty pad) and throughput (pad both ways).
        send(conn.id, { type: 'net.probe', id: message.id, bytes: message.pad.length, pad: message.pad });
        return;
      case 'turn.request':
        if (id.kind !== 'staff') return refuse(conn, 'forbidden', 'kun personale', message.type);
        send(conn.id, { type: 'turn.credentials', turn: turnCredentials(options.turn, `netcheck-${randomUUID()}`, options.clock.nowMs()) });
        return;
      case 'presence.update': {
        if (id.kind !== 'staff') return refuse(conn, 'forbidden', 'kun personale', message.type);
        const updated = presence.report(conn.id, message.presence);
        if (updated) toLeads(id.claims.team, [updated]);
        return;
      }
      case 'team.changed':
        // Relayed to the team's other staff clients only; they pull from the EOJ themselves.
        if (id.kind !== 'staff') return refuse(conn, 'forbidden', 'kun personale', message.type);
        for (const c of staffOfTeam(id.claims.team)) if (c.id !== conn.id) send(c.id, { type: 'team.changed', visitIds: message.visitIds });
        return;
      case 'call.restart': {
        const identity = id.kind === 'staff' ? `staff:${id.claims.sub}` : `device:${id.device.deviceId}`;
        if (!calls.restart(message.callId, conn.id, identity)) return refuse(conn, 'forbidden', 'ikke part i opkaldet', message.type);
        return;
      }
    }
  }

  wss.on('connection', (socket: WebSocket) => {
    const conn: Connection = { id: randomUUID(), socket, identity: null, tokens: rate * 2, lastRefillMs: performance.now(), violations: 0, alive: true };
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
      // One message at a time per connection, in order.
      chain = chain.then(() => handle(conn, parsed.data)).catch(() => refuse(conn, 'bad_message', 'beskeden kunne ikke behandles'));
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      connections.delete(conn.id);
      calls.connectionClosed(conn.id);
      const gone = presence.disconnect(conn.id);
      if (gone) toLeads(gone.teamId, [gone.presence]);
    });
    socket.on('error', () => socket.terminate());
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== SIGNAL_PATH) return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.httpServer.on('upgrade', onUpgrade);

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
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  return {
    calls,
    connectionCount: () => connections.size,
    close() {
      clearInterval(heartbeat);
      calls.stop();
      options.httpServer.off('upgrade', onUpgrade);
      for (const c of connections.values()) c.socket.terminate();
      wss.close();
    },
  };
}
export type Signalling = ReturnType<typeof attachSignalling>;
