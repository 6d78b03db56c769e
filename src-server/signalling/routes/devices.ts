import type { SomeRoutes, StaffSigned, SignallingContext } from './context.js';

/** Pairing a citizen's tablet and revoking it: staff of the citizen's own team only. */
async function ofOwnTeam(ctx: SignallingContext, conn: StaffSigned, citizenId: string, type: string): Promise<boolean> {
  if (await ctx.options.directory.citizenInTeam(citizenId, conn.identity.claims.team)) return true;
  ctx.refuse(conn, 'forbidden', 'borgeren hører ikke til dit team', type);
  return false;
}

export const deviceRoutes: SomeRoutes<'pair.create' | 'device.revoke'> = {
  'pair.create': {
    audience: 'staff',
    async handle(ctx, conn, message) {
      if (!(await ofOwnTeam(ctx, conn, message.citizenId, message.type))) return;
      const { code, expiresAt } = await ctx.options.devices.createCode(message.citizenId, conn.identity.claims.team);
      ctx.send(conn.id, { type: 'pair.code', citizenId: message.citizenId, code, expiresAt });
    },
  },
  'device.revoke': {
    audience: 'staff',
    async handle(ctx, conn, message) {
      if (!(await ofOwnTeam(ctx, conn, message.citizenId, message.type))) return;
      const deviceIds = await ctx.options.devices.revokeCitizen(message.citizenId, conn.identity.claims.team);
      // Revoked devices are disconnected at once, on every instance.
      await ctx.revoked(message.citizenId, conn.identity.claims.team, deviceIds);
      ctx.send(conn.id, { type: 'device.revoked', citizenId: message.citizenId, devices: deviceIds.length });
    },
  },
};
