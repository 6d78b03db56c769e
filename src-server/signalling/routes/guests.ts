import { createHash } from 'node:crypto';
import type { ClientMessage } from '../../../src-shared/signalling/protocol.js';
import { CALL_TTL_MS } from './calls.js';
import { partyName, type Connection, type GuestIdentity, type SignallingContext, type SomeRoutes, type StaffSigned } from './context.js';

/**
 * Relatives in a call. Staff invite one the EOJ lists as allowed (an SMS with a one-time link and
 * PIN); the relative's page joins with them and waits in the lobby until the call is connected,
 * then knocks; staff admit or turn away, the citizen consents or not (src-server/signalling/calls.ts).
 * A guest's token is its link: one call, one device at a time, ended with the call. Refusals are
 * logged by reason code; no name, number, link or PIN is ever in a log line.
 */
const clockTime = (ms: number) => new Intl.DateTimeFormat('da-DK', { timeZone: 'Europe/Copenhagen', hour: '2-digit', minute: '2-digit' }).format(ms);

async function invite(ctx: SignallingContext, conn: StaffSigned, message: Extract<ClientMessage, { type: 'invite.create' }>): Promise<void> {
  const { sms } = ctx.options;
  const guestLinkBase = ctx.options.guestLinkBase?.();
  if (!sms || !guestLinkBase) return ctx.refuse(conn, 'unavailable', 'invitationer er ikke sat op (SMS)', message.type);
  const invitee = await ctx.options.directory.invitee(message.visitId, message.relativeId, new Date(ctx.now()));
  if (!invitee) return ctx.refuse(conn, 'not_found', 'besøget eller den pårørende findes ikke i EOJ', message.type);
  if (invitee.teamId !== conn.identity.claims.team) return ctx.refuse(conn, 'forbidden', 'besøget hører ikke til dit team', message.type);
  const { relative } = invitee;
  if (!relative.mayJoin) return ctx.refuse(conn, 'forbidden', 'borgeren har ikke givet samtykke til, at den pårørende deltager (EOJ)', message.type);
  if (!relative.mobile) return ctx.refuse(conn, 'not_found', 'den pårørende har intet mobilnummer i EOJ', message.type);
  if (ctx.now() > invitee.endMs) return ctx.refuse(conn, 'expired', 'besøget er slut', message.type);
  const { link, pin, invitation } = await ctx.invitations.create({
    visitId: message.visitId,
    citizenId: invitee.citizenId,
    teamId: invitee.teamId,
    relativeId: relative.id,
    name: relative.name,
    relationship: relative.relationship,
    citizenFirstName: invitee.citizenFirstName,
    startMs: invitee.startMs,
    endMs: invitee.endMs,
  });
  // The secret is in the fragment: browsers never send it to a server, so it is in no access log.
  const url = `${guestLinkBase}#${link}`;
  await sms.send({
    to: relative.mobile,
    text: `Skærmbesøg med ${invitee.citizenFirstName || 'din pårørende'} kl. ${clockTime(invitee.startMs)}. Åbn ${url} og skriv koden ${pin}. Linket virker fra kl. ${clockTime(invitation.validFromMs)}.`,
  });
  ctx.options.logger.warn({ event: 'signalling.invite_sent' }, 'invitation sent');
  ctx.send(conn.id, { type: 'invite.sent', visitId: message.visitId, relativeId: relative.id, validFrom: new Date(invitation.validFromMs).toISOString() });
}

async function join(ctx: SignallingContext, conn: Connection, message: Extract<ClientMessage, { type: 'guest.join' }>): Promise<void> {
  if (conn.identity) return ctx.refuse(conn, 'forbidden', 'allerede logget ind', message.type);
  const redeemed = await ctx.invitations.redeem(message.link, message.pin);
  if (!redeemed.ok) {
    const [code, reason] =
      redeemed.why === 'wrong_pin'
        ? (['invalid_code', 'Koden passer ikke. Prøv igen.'] as const)
        : redeemed.why === 'locked'
          ? (['forbidden', 'For mange forkerte koder. Bed medarbejderen om en ny invitation.'] as const)
          : redeemed.why === 'not_yet'
            ? (['expired', `Linket virker fra kl. ${clockTime(redeemed.validFromMs ?? 0)}.`] as const)
            : redeemed.why === 'expired'
              ? (['expired', 'Linket er udløbet. Bed medarbejderen om en ny invitation.'] as const)
              : (['invalid_code', 'Linket findes ikke. Tjek, at du har åbnet hele linket fra SMS’en.'] as const);
    return ctx.refuse(conn, code, reason, message.type);
  }
  const { invitation, linkHash } = redeemed;
  // One device at a time: a second device is refused while the first is still there.
  if (!(await ctx.invitations.claim(linkHash, conn.id, CALL_TTL_MS))) {
    const holder = await ctx.invitations.holder(linkHash);
    if (holder && holder !== conn.id && (await ctx.connected(holder)))
      return ctx.refuse(conn, 'in_use', 'Linket er allerede i brug på en anden enhed.', message.type);
    if (holder) await ctx.invitations.release(linkHash, holder);
    if (!(await ctx.invitations.claim(linkHash, conn.id, CALL_TTL_MS)))
      return ctx.refuse(conn, 'in_use', 'Linket er allerede i brug på en anden enhed.', message.type);
  }
  const guest: GuestIdentity = {
    id: `guest-${createHash('sha256').update(linkHash).digest('hex').slice(0, 12)}`,
    linkHash,
    visitId: invitation.visitId,
    teamId: invitation.teamId,
    person: `RelatedPerson/${invitation.relativeId}`,
    name: invitation.name,
    relationship: invitation.relationship,
    citizenFirstName: invitation.citizenFirstName,
  };
  conn.identity = { kind: 'guest', guest };
  ctx.send(conn.id, { type: 'auth.ok', role: 'guest', id: guest.id });
  const callId = await ctx.callOfVisit(invitation.visitId);
  if (callId) return ctx.callOp(callId, conn.id, partyName(conn.identity), { op: 'knock', guest });
  await ctx.lobby.enter(invitation.visitId, conn.id, guest);
  ctx.send(conn.id, { type: 'guest.state', state: 'waiting', guest: guest.id, citizenFirstName: guest.citizenFirstName, callId: null });
}

export const knockOf = (guest: GuestIdentity) => ({
  id: guest.id,
  identity: `guest:${guest.linkHash}`,
  kind: 'relative' as const,
  person: guest.person,
  name: guest.name,
  relationship: guest.relationship,
});

export const guestRoutes: SomeRoutes<'invite.create' | 'guest.join' | 'call.admit' | 'call.turnAway' | 'call.consent' | 'call.remove'> = {
  'invite.create': { audience: 'staff', handle: invite },
  'guest.join': { audience: 'anyone', handle: join },
  'call.admit': { audience: 'staff', handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'admit', guest: m.guest }) },
  'call.turnAway': { audience: 'staff', handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'turnAway', guest: m.guest }) },
  'call.consent': {
    audience: 'signed-in',
    handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'consent', guest: m.guest, allow: m.allow }),
  },
  'call.remove': {
    audience: 'signed-in',
    handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'remove', participant: m.participant }),
  },
};
