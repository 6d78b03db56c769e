import { randomUUID } from 'node:crypto';
import { turnCredentials } from '../turn.js';
import type { SomeRoutes } from './context.js';

/** The team's presence and change hints (staff only), and the network check's echo and TURN credentials. */
export const teamRoutes: SomeRoutes<'presence.update' | 'team.changed' | 'net.probe' | 'turn.request'> = {
  'presence.update': {
    audience: 'staff',
    async handle(ctx, conn, message) {
      const updated = await ctx.presence.report(conn.id, message.presence);
      if (updated) ctx.toTeam(conn.identity.claims.team, { who: 'leads', except: null }, { type: 'presence.team', members: [updated] });
    },
  },
  'team.changed': {
    audience: 'staff',
    // Relayed to the team's other staff clients only; they pull from the EOJ themselves.
    handle: (ctx, conn, message) =>
      ctx.toTeam(conn.identity.claims.team, { who: 'all', except: conn.id }, { type: 'team.changed', visitIds: message.visitIds }),
  },
  'net.probe': {
    audience: 'signed-in',
    // Echo: the client measures the round trip (empty pad) and throughput (pad both ways).
    handle: (ctx, conn, message) => ctx.send(conn.id, { type: 'net.probe', id: message.id, bytes: message.pad.length, pad: message.pad }),
  },
  'turn.request': {
    audience: 'staff',
    handle: (ctx, conn) => ctx.send(conn.id, { type: 'turn.credentials', turn: turnCredentials(ctx.options.turn, `netcheck-${randomUUID()}`, ctx.now()) }),
  },
};
