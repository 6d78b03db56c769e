import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { ClientMessage, ServerMessage } from '../../../src-shared/signalling/protocol.js';
import type { StaffClaims } from '../../eoj/auth.js';
import type { createCallRegistry } from '../calls.js';
import type { DeviceIdentity } from '../devices.js';
import type { Invitations } from '../guests/invitations.js';
import type { createPresenceRegistry } from '../presence.js';
import type { SignallingOptions } from '../server.js';

/**
 * What the message routes of the signalling service work with: one instance's connections, its
 * calls and presence, and the ways to reach a connection or a team on any instance. Built once by
 * attachSignalling (src-server/signalling/server.ts); the routes hold no state of their own.
 */
export type Identity = { kind: 'staff'; claims: StaffClaims } | { kind: 'device'; device: DeviceIdentity } | { kind: 'guest'; guest: GuestIdentity };

/** A guest is a participant of one visit's call and nothing else: no team, no presence, no ringing. */
export const GuestIdentity = z.object({
  /** Its participant id in the call. */
  id: z.string(),
  linkHash: z.string(),
  visitId: z.string(),
  teamId: z.string(),
  /** Who it is in the EOJ ("RelatedPerson/<id>"): the visit's Encounter names them. */
  person: z.string(),
  name: z.string(),
  relationship: z.string(),
  citizenFirstName: z.string(),
});
export type GuestIdentity = z.infer<typeof GuestIdentity>;

export interface Connection {
  /** Its address: this instance, then the socket's id. */
  id: string;
  socket: WebSocket;
  identity: Identity | null;
  tokens: number;
  lastRefillMs: number;
  violations: number;
  alive: boolean;
}

export type RefusalCode =
  'bad_message' | 'unauthenticated' | 'forbidden' | 'rate_limited' | 'not_found' | 'invalid_code' | 'unavailable' | 'expired' | 'in_use';
export type TeamAudience = { who: 'leads'; except: string | null } | { who: 'member'; sub: string } | { who: 'all'; except: string | null };
/** What a call's party asks of the call, wherever the call lives (also sent between instances, so checked). */
export const CallOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('answer') }),
  z.object({ op: z.literal('hangup') }),
  z.object({ op: z.literal('signal'), data: z.record(z.string(), z.unknown()), peer: z.string().optional() }),
  z.object({ op: z.literal('restart'), peer: z.string().optional() }),
  z.object({ op: z.literal('verdict'), verdict: z.enum(['good', 'okay', 'bad', 'none']) }),
  z.object({ op: z.literal('knock'), guest: GuestIdentity }),
  z.object({ op: z.literal('admit'), guest: z.string() }),
  z.object({ op: z.literal('turnAway'), guest: z.string() }),
  z.object({ op: z.literal('consent'), guest: z.string(), allow: z.boolean() }),
  z.object({ op: z.literal('remove'), participant: z.string() }),
  z.object({
    op: z.literal('ringColleague'),
    colleague: z.object({ id: z.string(), identity: z.string(), person: z.string(), name: z.string(), relationship: z.string() }),
  }),
  z.object({ op: z.literal('answerColleague'), accept: z.boolean(), role: z.string().max(100) }),
]);
export type CallOp = z.infer<typeof CallOp>;

export interface SignallingContext {
  options: SignallingOptions;
  instanceId: string;
  now(): number;
  calls: ReturnType<typeof createCallRegistry>;
  /** Logs that the shared state (Redis) could not be reached; the work goes on without it. */
  sharedUnavailable(error: unknown): void;
  /** Whether this instance hears the others now (a call made here could get its answer). */
  sharedHealthy(): boolean;
  presence: ReturnType<typeof createPresenceRegistry>;
  /** To a connection wherever it is. */
  send(address: string, message: ServerMessage): void;
  /** Refuses a message with a reason code (logged without personal data); repeated refusals close the socket. */
  refuse(conn: Connection | string, code: RefusalCode, reason: string, type?: string): void;
  /** To the team's staff connections on every instance. */
  toTeam(teamId: string, to: TeamAudience, message: ServerMessage): void;
  /** Revoked devices are disconnected on every instance. */
  revoked(citizenId: string, teamId: string, deviceIds: string[]): Promise<void>;
  /** A call's operation, here or at the call's home (taken over when the home is gone). */
  callOp(callId: string, from: string, identity: string, op: CallOp): Promise<void>;
  /** The citizen's tablets connected now, on any live instance. */
  devicesOf(citizenId: string, teamId: string): Promise<string[]>;
  /** A tablet's connection, known on every instance, and its next call's time sent to it. */
  deviceConnected(conn: Connection, device: DeviceIdentity): Promise<void>;
  /** The shared copy of a call (and its parties' busy marks). */
  saveCall(call: Parameters<ReturnType<typeof createCallRegistry>['adopt']>[0]): Promise<unknown>;
  /** Claims a key across instances for this long (false: someone else has it). */
  claim(key: string, value: string, ttlMs: number): Promise<boolean>;
  release(key: string, value: string): Promise<unknown>;
  /** Whether a connection (on any live instance) is still there. */
  connected(address: string): Promise<boolean>;
  /** The relatives' invitations, and the SMS they go out by. */
  invitations: Invitations;
  /** The call of a visit in progress now, if any (a guest's way in). */
  callOfVisit(visitId: string): Promise<string | null>;
  /** Guests who came before the call: they knock when it connects. */
  lobby: {
    enter(visitId: string, address: string, guest: GuestIdentity): Promise<void>;
    leave(visitId: string, address: string): Promise<void>;
  };
}

/** A signed-in party's name in a call: "staff:<practitioner>", "device:<device>" or "guest:<link hash>". */
export const partyName = (identity: Identity): string =>
  identity.kind === 'staff'
    ? `staff:${identity.claims.sub}`
    : identity.kind === 'device'
      ? `device:${identity.device.deviceId}`
      : `guest:${identity.guest.linkHash}`;

/** Who may send a message: anyone (before signing in), any signed-in connection, or staff only. */
export type Audience = 'anyone' | 'signed-in' | 'staff';

type Of<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;
/** The connection as the route sees it: signed in where the audience says so. */
export type Signed = Connection & { identity: Identity };
export type StaffSigned = Signed & { identity: { kind: 'staff'; claims: StaffClaims } };

export type Route<T extends ClientMessage['type']> =
  | { audience: 'anyone'; handle(ctx: SignallingContext, conn: Connection, message: Of<T>): Promise<void> | void }
  | { audience: 'signed-in'; handle(ctx: SignallingContext, conn: Signed, message: Of<T>): Promise<void> | void }
  | { audience: 'staff'; handle(ctx: SignallingContext, conn: StaffSigned, message: Of<T>): Promise<void> | void };

/** Every message type has exactly one route (checked by the compiler). */
export type Routes = { [T in ClientMessage['type']]: Route<T> };
export type SomeRoutes<K extends ClientMessage['type']> = { [T in K]: Route<T> };
