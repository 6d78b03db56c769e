import { createHash } from 'node:crypto';
import type { ClientMessage } from '../../../src-shared/signalling/protocol.js';
import type { Presence } from '../../../src-shared/team/presence.js';
import { partyName, type SignallingContext, type SomeRoutes, type StaffSigned } from './context.js';

/**
 * "Hent kollega": the caller asks which colleagues of their own team are free (signed in and not
 * in a call, by presence), rings one, and that colleague's clients ring until they answer. Only
 * staff send these; a colleague's answer counts only from the colleague rung
 * (src-server/signalling/calls.ts keeps who that is).
 */
const isFree = (p: Presence, self: string) => p.state === 'signed_in' && p.practitionerId !== self;

/** The colleague's participant id in a call: the same on every reconnect. */
export const colleagueParticipantId = (practitionerId: string) =>
  `guest-${createHash('sha256').update(`colleague:${practitionerId}`).digest('hex').slice(0, 12)}`;

const ROLE_LABEL = { staff: 'Medarbejder', team_lead: 'Teamleder', leader: 'Leder' } as const;

async function freeColleagues(ctx: SignallingContext, conn: StaffSigned): Promise<Presence[] | null> {
  const { team, sub } = conn.identity.claims;
  const members = await ctx.presence.team(team).catch((error: unknown) => {
    ctx.sharedUnavailable(error);
    return null;
  });
  return members?.filter((p) => isFree(p, sub)).sort((a, b) => a.name.localeCompare(b.name, 'da')) ?? null;
}

async function list(ctx: SignallingContext, conn: StaffSigned, message: Extract<ClientMessage, { type: 'call.colleagues' }>): Promise<void> {
  const free = await freeColleagues(ctx, conn);
  if (!free) return ctx.refuse(conn, 'unavailable', 'kollegernes status kan ikke ses lige nu; prøv igen', message.type);
  ctx.send(conn.id, { type: 'call.colleagues', callId: message.callId, colleagues: free.map((p) => ({ id: p.practitionerId, name: p.name })) });
}

async function ring(ctx: SignallingContext, conn: StaffSigned, message: Extract<ClientMessage, { type: 'call.colleague.ring' }>): Promise<void> {
  const colleague = (await freeColleagues(ctx, conn))?.find((p) => p.practitionerId === message.colleague);
  if (!colleague) return ctx.refuse(conn, 'not_found', 'kollegaen er ikke ledig lige nu', message.type);
  await ctx.callOp(message.callId, conn.id, partyName(conn.identity), {
    op: 'ringColleague',
    colleague: {
      id: colleagueParticipantId(colleague.practitionerId),
      identity: `staff:${colleague.practitionerId}`,
      person: `Practitioner/${colleague.practitionerId}`,
      name: colleague.name,
      // Presence knows only the name; their answer says their role.
      relationship: ROLE_LABEL.staff,
    },
  });
}

export const colleagueRoutes: SomeRoutes<'call.colleagues' | 'call.colleague.ring' | 'call.colleague.answer'> = {
  'call.colleagues': { audience: 'staff', handle: list },
  'call.colleague.ring': { audience: 'staff', handle: ring },
  'call.colleague.answer': {
    audience: 'staff',
    handle: (ctx, conn, m) =>
      ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'answerColleague', accept: m.accept, role: ROLE_LABEL[conn.identity.claims.role] }),
  },
};
