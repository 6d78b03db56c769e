import { z } from 'zod';
import { Presence, PresenceReport } from '../team/presence.js';
import { Verdict } from '../workflow/verdict.js';

/**
 * The signalling protocol between staff clients, citizen devices and the signalling server: JSON
 * messages over one WebSocket each, validated with these schemas on both ends.
 */
export const SIGNAL_PATH = '/signal';
export const MAX_SIGNAL_MESSAGE_BYTES = 64 * 1024;
/** Largest padding of a network probe: well inside one message. */
export const NET_PROBE_MAX_PAD = 48 * 1024;

const Id = z.string().min(1).max(128);
const CallId = z.uuid();
/** A call's participant: "staff", "citizen", or a guest ("guest-" and a short id). */
export const ParticipantId = z.string().regex(/^(staff|citizen|guest-[A-Za-z0-9]{6,24})$/);
/** At most this many people in one call (a mesh: every pair its own connection). */
export const MAX_PARTICIPANTS = 4;
/** The one-time link's secret part, and the PIN sent with it. */
export const GuestLinkToken = z.string().regex(/^[A-Za-z0-9_-]{32,64}$/);
export const GuestPin = z.string().regex(/^\d{6}$/);

export const Participant = z.object({
  id: ParticipantId,
  kind: z.enum(['staff', 'citizen', 'relative', 'colleague']),
  /** As others see it: a relative by name and relationship, the citizen by first name. */
  name: z.string().max(200),
  role: z.string().max(100),
});
export type Participant = z.infer<typeof Participant>;

export const TurnCredentials = z.object({
  urls: z.array(z.string().max(256)).max(8),
  username: z.string().max(256),
  credential: z.string().max(256),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type TurnCredentials = z.infer<typeof TurnCredentials>;

/** What a client may send. The first message must be `auth` (or, for a new device, `pair.redeem`). */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), token: z.string().min(10).max(4096) }).strict(),
  // Staff: a one-time code for pairing a citizen's tablet; and revoking its devices.
  z.object({ type: z.literal('pair.create'), citizenId: Id }).strict(),
  z.object({ type: z.literal('device.revoke'), citizenId: Id }).strict(),
  // A new citizen device redeems the code for its device token.
  z.object({ type: z.literal('pair.redeem'), code: z.string().min(4).max(16) }).strict(),
  // Calls.
  z.object({ type: z.literal('call.ring'), callId: CallId, visitId: Id }).strict(),
  z.object({ type: z.literal('call.answer'), callId: CallId }).strict(),
  z.object({ type: z.literal('call.hangup'), callId: CallId }).strict(),
  /**
   * simple-peer's offer/answer/candidate payloads, relayed as they are: to the other party of a
   * two-person call, or (with `peer`) to that participant of a call with guests.
   */
  z.object({ type: z.literal('call.signal'), callId: CallId, peer: ParticipantId.optional(), data: z.record(z.string(), z.unknown()) }).strict(),
  /** Re-establish the peer under the same call (simple-peer has no ICE restart); `peer` as above. */
  z.object({ type: z.literal('call.restart'), callId: CallId, peer: ParticipantId.optional() }).strict(),
  // Guests. Staff invite a relative the EOJ lists as allowed (a one-time link and PIN by SMS); the
  // relative's page joins with them and waits; staff admit or turn away; the citizen's tablet
  // asks the citizen, who says yes or no. Staff may remove anyone; the citizen a relative; a
  // guest may leave.
  z.object({ type: z.literal('invite.create'), visitId: Id, relativeId: Id }).strict(),
  z.object({ type: z.literal('guest.join'), link: GuestLinkToken, pin: GuestPin }).strict(),
  z.object({ type: z.literal('call.admit'), callId: CallId, guest: ParticipantId }).strict(),
  z.object({ type: z.literal('call.turnAway'), callId: CallId, guest: ParticipantId }).strict(),
  z.object({ type: z.literal('call.consent'), callId: CallId, guest: ParticipantId, allow: z.boolean() }).strict(),
  z.object({ type: z.literal('call.remove'), callId: CallId, participant: ParticipantId }).strict(),
  // A colleague. The caller asks which colleagues of the team are free (from presence) and rings
  // one; the colleague's client rings and they take part (or not). A colleague in the call leaves
  // with call.remove, naming themselves.
  z.object({ type: z.literal('call.colleagues'), callId: CallId }).strict(),
  z.object({ type: z.literal('call.colleague.ring'), callId: CallId, colleague: Id }).strict(),
  z.object({ type: z.literal('call.colleague.answer'), callId: CallId, accept: z.boolean() }).strict(),
  /** The citizen's tablet, after a call it answered: the face tapped, or `none` when the faces timed out. */
  z.object({ type: z.literal('call.verdict'), callId: CallId, verdict: Verdict }).strict(),
  // The device check's network test: an echo for round trip and throughput (the padding is
  // counted and dropped, never stored), and fresh TURN credentials to try gathering a relay.
  z.object({ type: z.literal('net.probe'), id: z.string().min(1).max(64), pad: z.string().max(NET_PROBE_MAX_PAD) }).strict(),
  z.object({ type: z.literal('turn.request') }).strict(),
  // The team's day (staff only): presence of this client, and a hint that the team's data changed
  // in the EOJ (relayed to the team's other clients, which pull at once).
  z.object({ type: z.literal('presence.update'), presence: PresenceReport }).strict(),
  z.object({ type: z.literal('team.changed'), visitIds: z.array(Id).max(500) }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const EndReason = z.enum(['hangup', 'timeout', 'busy', 'offline', 'lost', 'refused']);
export type EndReason = z.infer<typeof EndReason>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth.ok'), role: z.enum(['staff', 'device', 'guest']), id: Id }),
  z.object({ type: z.literal('pair.code'), citizenId: Id, code: z.string(), expiresAt: z.iso.datetime({ offset: true }) }),
  /** For the citizen's waiting screen: when the next call is planned. */
  z.object({ type: z.literal('device.schedule'), nextCallAt: z.iso.datetime({ offset: true }).nullable() }),
  z.object({ type: z.literal('pair.done'), deviceToken: z.string(), citizenId: Id }),
  z.object({ type: z.literal('device.revoked'), citizenId: Id, devices: z.number().int().nonnegative() }),
  z.object({ type: z.literal('call.ringing'), callId: CallId, turn: TurnCredentials }),
  z.object({ type: z.literal('call.incoming'), callId: CallId, caller: z.string().max(200), autoAnswerAfterS: z.number().int().min(0).max(120).nullable() }),
  z.object({ type: z.literal('call.connected'), callId: CallId, turn: TurnCredentials, initiator: z.boolean() }),
  z.object({ type: z.literal('call.signal'), callId: CallId, peer: ParticipantId.optional(), data: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('call.restart'), callId: CallId, peer: ParticipantId.optional() }),
  /** To staff: the invitation went out by SMS (never the link, PIN or number). */
  z.object({ type: z.literal('invite.sent'), visitId: Id, relativeId: Id, validFrom: z.iso.datetime({ offset: true }) }),
  /** To a guest: who they are in the call, and what happens now. */
  z.object({
    type: z.literal('guest.state'),
    state: z.enum(['waiting', 'asking', 'in', 'turned-away', 'ended', 'full']),
    guest: ParticipantId,
    /** The citizen's first name: all a guest is told before being let in. */
    citizenFirstName: z.string().max(100),
    callId: CallId.nullable(),
  }),
  /** To staff: where a guest stands (waiting to be let in, being asked about, in, turned away, gone). */
  z.object({
    type: z.literal('call.guest'),
    callId: CallId,
    guest: ParticipantId,
    /** Who it is in the EOJ, for the visit's Encounter ("RelatedPerson/<id>"). */
    person: z.string().max(200),
    kind: z.enum(['relative', 'colleague']),
    name: z.string().max(200),
    /** A relative's relationship to the citizen; a colleague's role. */
    relationship: z.string().max(100),
    /** A colleague is rung first (`ringing`); `refused` is then their "no" or no answer. */
    state: z.enum(['ringing', 'waiting', 'asking', 'in', 'left', 'refused']),
  }),
  /** To the caller: the team's colleagues who are free now (signed in, not in a call). */
  z.object({
    type: z.literal('call.colleagues'),
    callId: CallId,
    colleagues: z.array(z.object({ id: Id, name: z.string().max(200) })).max(500),
  }),
  /** To a colleague's clients: the caller asks them into a call (until answered, declined or `seconds` pass). */
  z.object({
    type: z.literal('call.colleague.incoming'),
    callId: CallId,
    visitId: Id,
    caller: z.string().max(200),
    citizenFirstName: z.string().max(100),
    seconds: z.number().int().positive(),
  }),
  /** To a colleague's clients: that ringing is over (answered on another screen, declined, timed out, the call ended). */
  z.object({ type: z.literal('call.colleague.over'), callId: CallId }),
  /** To the citizen's tablet: may this guest take part? (No answer in time counts as no.) */
  z.object({ type: z.literal('call.consent.ask'), callId: CallId, guest: ParticipantId, firstName: z.string().max(100), seconds: z.number().int().positive() }),
  /** Who is in the call now: to everyone in it. */
  z.object({ type: z.literal('call.participants'), callId: CallId, participants: z.array(Participant).max(MAX_PARTICIPANTS) }),
  /** Start (or stop) the media connection with one participant; the `initiator` side offers. */
  z.object({ type: z.literal('call.peer'), callId: CallId, peer: ParticipantId, initiator: z.boolean(), turn: TurnCredentials }),
  z.object({ type: z.literal('call.peer.left'), callId: CallId, peer: ParticipantId }),
  z.object({
    type: z.literal('call.ended'),
    callId: CallId,
    reason: EndReason,
    by: z.enum(['staff', 'citizen', 'server']),
    /** The tablet asks the citizen's verdict now (a call that was answered, where the municipality has it on). */
    survey: z.boolean().optional(),
  }),
  /** To the staff member who made the call: the citizen's verdict on it, for the visit's record. */
  z.object({ type: z.literal('call.verdict'), callId: CallId, visitId: Id, verdict: Verdict }),
  z.object({ type: z.literal('net.probe'), id: z.string().max(64), bytes: z.number().int().nonnegative(), pad: z.string().max(NET_PROBE_MAX_PAD) }),
  z.object({ type: z.literal('turn.credentials'), turn: TurnCredentials }),
  /** To the team lead: the team's presence (the whole team on connect, then each change). */
  z.object({ type: z.literal('presence.team'), members: z.array(Presence).max(500) }),
  /** To the team's staff: a colleague's change landed in the EOJ; pull now. */
  z.object({ type: z.literal('team.changed'), visitIds: z.array(Id).max(500) }),
  z.object({
    type: z.literal('error'),
    code: z.enum(['bad_message', 'unauthenticated', 'forbidden', 'rate_limited', 'not_found', 'invalid_code', 'unavailable', 'expired', 'in_use']),
    message: z.string(),
    /** The type of the message refused, when there was one: a refused ring ends the ringing. */
    refused: z.string().max(64).optional(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
