import { z } from 'zod';
import { mergePresence, Presence, PresenceReport } from '../../src-shared/team/presence.js';
import { instanceOf, keys, parseJson, type SharedState } from './cluster/shared.js';

/**
 * The team's presence as the signalling service sees it: each staff connection's last report (a
 * connection that said nothing yet counts as signed in), merged per staff member, per team, over
 * every instance. Kept in the shared state only: presence is live and ephemeral (design §7).
 */
const ConnectionReport = z.object({
  practitionerId: z.string(),
  name: z.string(),
  report: z.object({ ...PresenceReport.shape, atMs: z.number() }),
});
type ConnectionReport = z.infer<typeof ConnectionReport>;

export function createPresenceRegistry(shared: SharedState, now: () => number, aliveInstances: (ids: string[]) => Promise<Set<string>>) {
  /** This instance's staff connections (address → team and member), to re-announce after a Redis restart. */
  const local = new Map<string, { teamId: string } & ConnectionReport>();

  async function recompute(teamId: string, staff: { practitionerId: string; name: string }): Promise<Presence> {
    const all = await shared.hgetall(keys.presenceReports(teamId));
    const alive = await aliveInstances([...new Set(Object.keys(all).map(instanceOf))]);
    const reports = Object.entries(all)
      .filter(([address]) => alive.has(instanceOf(address)))
      .map(([, raw]) => parseJson(ConnectionReport, raw))
      .filter((r): r is ConnectionReport => r?.practitionerId === staff.practitionerId)
      .map((r) => r.report);
    const lastRaw = (await shared.hgetall(keys.presenceLast(teamId)))[staff.practitionerId];
    const presence = mergePresence(staff, reports, lastRaw ? parseJson(Presence, lastRaw) : null, now());
    await shared.hset(keys.presenceLast(teamId), staff.practitionerId, JSON.stringify(presence));
    return presence;
  }
  const store = (address: string, entry: { teamId: string } & ConnectionReport) => {
    local.set(address, entry);
    const { teamId, ...report } = entry;
    return shared.hset(keys.presenceReports(teamId), address, JSON.stringify(report));
  };

  return {
    /** A staff connection signed in: present, in their room, until it says more. */
    async connect(address: string, staff: { practitionerId: string; name: string; teamId: string }): Promise<Presence> {
      await store(address, { ...staff, report: { state: 'signed_in', roomId: null, visitId: null, atMs: now() } });
      return recompute(staff.teamId, staff);
    },
    async report(address: string, report: PresenceReport): Promise<Presence | null> {
      const c = local.get(address);
      if (!c) return null;
      await store(address, { ...c, report: { ...report, atMs: now() } });
      return recompute(c.teamId, c);
    },
    /** The socket is gone (here or on an instance that died): offline once their last connection is. */
    async disconnect(address: string): Promise<{ teamId: string; presence: Presence } | null> {
      const c = local.get(address);
      if (!c) return null;
      local.delete(address);
      await shared.hdel(keys.presenceReports(c.teamId), [address]);
      return { teamId: c.teamId, presence: await recompute(c.teamId, c) };
    },
    /** The presence of every member of the team seen since the shared state began. */
    async team(teamId: string): Promise<Presence[]> {
      const all = await shared.hgetall(keys.presenceLast(teamId));
      return Object.values(all)
        .map((raw) => parseJson(Presence, raw))
        .filter((p): p is Presence => p !== null);
    },
    /** After a Redis restart: this instance's connections say again where they are. */
    async reannounce(): Promise<void> {
      for (const [address, entry] of local) await store(address, entry);
    },
  };
}
export type PresenceRegistry = ReturnType<typeof createPresenceRegistry>;
