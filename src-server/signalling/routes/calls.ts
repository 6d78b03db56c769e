import type { ClientMessage } from '../../../src-shared/signalling/protocol.js';
import type { z } from 'zod';
import { keys, type CallClaim } from '../cluster/shared.js';
import { partyName, type SignallingContext, type SomeRoutes, type StaffSigned } from './context.js';

/** A call's shared copy and its parties' busy marks live this long without a word from its home. */
export const CALL_TTL_MS = 60_000;

/**
 * Staff ring a visit's citizen (the closed user group: only their own team's), then either party
 * answers, signals, restarts or hangs up through the call, wherever it lives.
 */
async function ring(ctx: SignallingContext, conn: StaffSigned, message: Extract<ClientMessage, { type: 'call.ring' }>): Promise<void> {
  const { claims } = conn.identity;
  const visit = await ctx.options.directory.visit(message.visitId);
  if (!visit || visit.teamId !== claims.team) return ctx.refuse(conn, 'forbidden', 'besøget hører ikke til dit team', message.type);
  // Right after Redis returns, an instance that cannot hear its channel yet would not get the answer.
  if (!ctx.sharedHealthy()) return ctx.refuse(conn, 'unavailable', 'signalserveren er ved at komme på igen; prøv igen om lidt', message.type);
  const staffIdentity = `staff:${claims.sub}`;
  const ended = (reason: 'busy' | 'offline') => ctx.send(conn.id, { type: 'call.ended', callId: message.callId, reason, by: 'server' });
  // The call id, then both parties, are claimed across instances before anything rings.
  const placeholder = JSON.stringify({ home: ctx.instanceId, claimedMs: ctx.now() } satisfies z.infer<typeof CallClaim>);
  if (ctx.calls.get(message.callId) || !(await ctx.claim(keys.call(message.callId), placeholder, CALL_TTL_MS)))
    return ctx.refuse(conn, 'bad_message', 'opkalds-id er brugt', message.type);
  const marks = [keys.busy(`citizen:${visit.citizenId}`), keys.busy(staffIdentity)];
  const release = () => Promise.all(marks.map((k) => ctx.release(k, message.callId)));
  // Whatever fails from here on (the shared state going away mid-ring) gives the marks back: left
  // behind, they would make this citizen and caller "busy" for a minute.
  let result: ReturnType<SignallingContext['calls']['ring']> | 'busy';
  try {
    const claimed = await Promise.all(marks.map((k) => ctx.claim(k, message.callId, CALL_TTL_MS)));
    result = claimed.includes(false)
      ? 'busy'
      : ctx.calls.ring({
          callId: message.callId,
          visitId: message.visitId,
          citizenId: visit.citizenId,
          staffIdentity,
          staffTeam: claims.team,
          staffConn: conn.id,
          deviceConns: await ctx.devicesOf(visit.citizenId, visit.teamId),
          caller: claims.name,
          citizenFirstName: visit.citizenFirstName,
          autoAnswerAfterS: ctx.options.autoAnswerAfterS ?? null,
        });
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  if (result === 'busy') {
    await release();
    return ended('busy');
  }
  if (!result.ok) {
    await release();
    if (result.reason === 'duplicate') return ctx.refuse(conn, 'bad_message', 'opkalds-id er brugt', message.type);
    return ended(result.reason);
  }
  await ctx.saveCall(result.call);
}

export const callRoutes: SomeRoutes<'call.ring' | 'call.answer' | 'call.verdict' | 'call.hangup' | 'call.signal' | 'call.restart'> = {
  'call.ring': { audience: 'staff', handle: ring },
  'call.answer': { audience: 'signed-in', handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'answer' }) },
  'call.verdict': {
    audience: 'signed-in',
    handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'verdict', verdict: m.verdict }),
  },
  'call.hangup': { audience: 'signed-in', handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'hangup' }) },
  'call.signal': {
    audience: 'signed-in',
    handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'signal', data: m.data, ...(m.peer ? { peer: m.peer } : {}) }),
  },
  'call.restart': {
    audience: 'signed-in',
    handle: (ctx, conn, m) => ctx.callOp(m.callId, conn.id, partyName(conn.identity), { op: 'restart', ...(m.peer ? { peer: m.peer } : {}) }),
  },
};
