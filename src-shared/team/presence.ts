import { z } from 'zod';

/**
 * Presence of staff: live and ephemeral, held by the signalling service for the
 * team's own members and lead only. A staff member may be signed in on several connections (two
 * screens, a reconnect overlapping the old socket); their presence is the strongest of them.
 */
/**
 * `unknown`: the signalling instance that held the member's connection stopped beating; they may
 * still be in a call, or gone. It lasts the grace period, then becomes `offline`.
 */
export const PresenceState = z.enum(['in_call', 'signed_in', 'idle', 'unknown', 'offline']);
export type PresenceState = z.infer<typeof PresenceState>;

/** What a staff client reports about itself on its signalling connection. */
export const PresenceReport = z
  .object({
    state: z.enum(['in_call', 'signed_in', 'idle']),
    roomId: z.string().min(1).max(128).nullable(),
    /** The visit being called, while in a call. */
    visitId: z.string().min(1).max(128).nullable(),
  })
  .strict();
export type PresenceReport = z.infer<typeof PresenceReport>;

export const Presence = z.object({
  practitionerId: z.string().min(1).max(128),
  name: z.string().max(200),
  state: PresenceState,
  roomId: z.string().max(128).nullable(),
  visitId: z.string().max(128).nullable(),
  /** Since when this state holds. */
  since: z.iso.datetime({ offset: true }),
});
export type Presence = z.infer<typeof Presence>;

const RANK: Record<PresenceState, number> = { in_call: 4, signed_in: 3, idle: 2, unknown: 1, offline: 0 };

/**
 * One staff member's presence from their connections' reports (none: offline; only reports from
 * a lost instance: unknown, since it was lost). `previous` keeps `since` when the state did not change.
 */
export function mergePresence(
  staff: { practitionerId: string; name: string },
  reports: readonly (PresenceReport & { atMs: number })[],
  previous: Presence | null,
  nowMs: number,
  lostSinceMs: number | null = null,
): Presence {
  const strongest = reports.slice().sort((a, b) => RANK[b.state] - RANK[a.state] || b.atMs - a.atMs)[0];
  const state: PresenceState = strongest?.state ?? (lostSinceMs !== null ? 'unknown' : 'offline');
  const roomId = strongest?.roomId ?? previous?.roomId ?? null;
  const visitId = state === 'in_call' ? (strongest?.visitId ?? null) : null;
  const unchanged = previous && previous.state === state && previous.visitId === visitId;
  const sinceMs = strongest ? Math.max(strongest.atMs, 0) : state === 'unknown' && lostSinceMs !== null ? lostSinceMs : nowMs;
  return {
    practitionerId: staff.practitionerId,
    name: staff.name,
    state,
    roomId,
    visitId,
    since: unchanged ? previous.since : new Date(sinceMs).toISOString(),
  };
}
