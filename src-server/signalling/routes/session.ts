import { TokenRefused } from '../../eoj/auth.js';
import { DeviceRegistryUnavailable, type DeviceIdentity } from '../devices.js';
import type { Connection, SignallingContext, SomeRoutes } from './context.js';

/**
 * Who a connection is: staff by their IdP token, a citizen's tablet by its device token, or a new
 * tablet by the pairing code staff gave it. A device token is checked locally first (cheap, and it
 * works while the IdP, the EOJ or Redis is away).
 */
async function authenticate(ctx: SignallingContext, conn: Connection, token: string): Promise<void> {
  let device: DeviceIdentity | null;
  try {
    device = await ctx.options.devices.verify(token);
  } catch (error) {
    if (!(error instanceof DeviceRegistryUnavailable)) throw error;
    // Not "unauthenticated": the tablet must keep its token and come back (1013: try again later).
    ctx.refuse(conn, 'unavailable', 'tjenesten starter; prøv igen om lidt', 'auth');
    conn.socket.close(1013, 'try again later');
    return;
  }
  if (device) conn.identity = { kind: 'device', device };
  else {
    let reason = 'ugyldigt, udløbet eller tilbagekaldt token';
    const staff = await ctx.options.staffTokens.verify(token).catch((error: unknown) => {
      if (error instanceof TokenRefused) reason = error.message;
      return null;
    });
    if (!staff) return ctx.refuse(conn, 'unauthenticated', reason, 'auth');
    conn.identity = { kind: 'staff', claims: staff };
  }
  const identity = conn.identity;
  ctx.send(conn.id, { type: 'auth.ok', role: identity.kind, id: identity.kind === 'staff' ? identity.claims.sub : identity.device.deviceId });
  if (identity.kind === 'device') return ctx.deviceConnected(conn, identity.device);
  const { sub, name, team, role } = identity.claims;
  const joined = await ctx.presence.connect(conn.id, { practitionerId: sub, name, teamId: team }).catch(ctx.sharedUnavailable);
  if (joined) ctx.toTeam(team, { who: 'leads', except: conn.id }, { type: 'presence.team', members: [joined] });
  // A lead who signs in gets the whole team as it stands (themselves included).
  if (role === 'team_lead') ctx.send(conn.id, { type: 'presence.team', members: await ctx.presence.team(team).catch(() => (joined ? [joined] : [])) });
}

export const sessionRoutes: SomeRoutes<'auth' | 'pair.redeem'> = {
  auth: { audience: 'anyone', handle: (ctx, conn, message) => authenticate(ctx, conn, message.token) },
  'pair.redeem': {
    audience: 'anyone',
    async handle(ctx, conn, message) {
      if (conn.identity) return ctx.refuse(conn, 'forbidden', 'allerede logget ind', message.type);
      const paired = await ctx.options.devices.redeem(message.code).catch((error: unknown) => {
        if (error instanceof DeviceRegistryUnavailable) return 'unavailable' as const;
        throw error;
      });
      if (paired === 'unavailable') return ctx.refuse(conn, 'unavailable', 'tabletten kunne ikke registreres lige nu; prøv igen', message.type);
      if (!paired) return ctx.refuse(conn, 'invalid_code', 'ukendt eller udløbet parringskode', message.type);
      conn.identity = { kind: 'device', device: paired.identity };
      ctx.send(conn.id, { type: 'pair.done', deviceToken: paired.deviceToken, citizenId: paired.identity.citizenId });
      await ctx.deviceConnected(conn, paired.identity);
    },
  },
};
