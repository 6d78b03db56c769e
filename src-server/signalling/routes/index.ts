import type { ClientMessage } from '../../../src-shared/signalling/protocol.js';
import { callRoutes } from './calls.js';
import { colleagueRoutes } from './colleagues.js';
import type { Connection, Routes, Signed, SignallingContext, StaffSigned } from './context.js';
import { deviceRoutes } from './devices.js';
import { guestRoutes } from './guests.js';
import { sessionRoutes } from './session.js';
import { teamRoutes } from './team.js';

/**
 * The signalling service's messages, each routed to its module like the main process's API routes
 * its methods: who may send it (anyone, any signed-in connection, staff only) is checked here,
 * once, before its handler runs.
 */
export const ROUTES: Routes = { ...sessionRoutes, ...deviceRoutes, ...callRoutes, ...teamRoutes, ...guestRoutes, ...colleagueRoutes };

export function route(ctx: SignallingContext, conn: Connection, message: ClientMessage): Promise<void> | void {
  const r = ROUTES[message.type] as Routes[ClientMessage['type']];
  // The route's handler takes exactly its own message type; the table guarantees the pairing.
  const handle = r.handle as (ctx: SignallingContext, conn: Connection, message: ClientMessage) => Promise<void> | void;
  if (r.audience === 'anyone') return handle(ctx, conn, message);
  const id = conn.identity;
  if (!id) return ctx.refuse(conn, 'unauthenticated', 'log ind først', message.type);
  if (r.audience === 'staff' && id.kind !== 'staff') return ctx.refuse(conn, 'forbidden', 'kun personale', message.type);
  return handle(ctx, r.audience === 'staff' ? (conn as StaffSigned) : (conn as Signed), message);
}
