import { z } from 'zod';
import { mergePresence, Presence, PresenceReport } from '../../src-shared/team/presence.js';
import { instanceOf, keys, parseJson, type SharedState } from './cluster/shared.js';

/**
 * The team's presence as the signalling service sees it: each staff connection's last report (a
 * connection that said nothing yet counts as signed in), merged per staff member, per team, over
 * every instance. Kept in the shared state only: presence is live and ephemeral.
 */
const ConnectionReport = z.object({
  practitionerId: z.string(),
  name: z.string(),
  report: z.object({ ...PresenceReport.shape, atMs: z.number() }),
});
type ConnectionReport = z.infer<typeof ConnectionReport>;

export function createPresenceRegistry(
  shared: SharedState,
  now: () => number,
  aliveInstances: (ids: string[]) => Promise<Set<string>>,
  /** How long a lost instance's connections count as unknown before they are offline. */
  lostGraceMs: number,
) {
  /** This instance's staff connections (address → team and member), to re-announce after a Redis restart. */
  const local = new Map<string, { teamId: string } & ConnectionReport>();
  /** When this instance first saw another stop beating (its connections are unknown for the grace period). */
  const lostSince = new Map<string, number>();

  /** Each report of the team with its instance's state: alive, lost (within the grace) or gone. */
  async function reportsOf(teamId: string): Promise<{ address: string; report: ConnectionReport; lostSinceMs: number | null; gone: boolean }[]> {
    const all = await shared.hgetall(keys.presenceReports(teamId));
    const instances = [...new Set(Object.keys(all).map(instanceOf))];
    const alive = await aliveInstances(instances);
    for (const id of instances) {
      if (alive.has(id)) lostSince.delete(id);
      else if (!lostSince.has(id)) lostSince.set(id, now());
    }
    return Object.entries(all).flatMap(([address, raw]) => {
      const report = parseJson(ConnectionReport, raw);
      if (!report) return [];
      const since = alive.has(instanceOf(address)) ? null : (lostSince.get(instanceOf(address)) ?? now());
      return [{ address, report, lostSinceMs: since, gone: since !== null && now() - since >= lostGraceMs }];
    });
  }

  async function recompute(
    teamId: string,
    staff: { practitionerId: string; name: string },
    reports?: Awaited<ReturnType<typeof reportsOf>>,
  ): Promise<Presence> {
    const mine = (reports ?? (await reportsOf(teamId))).filter((r) => r.report.practitionerId === staff.practitionerId && !r.gone);
    const live = mine.filter((r) => r.lostSinceMs === null).map((r) => r.report.report);
    const lost = mine.flatMap((r) => (r.lostSinceMs === null ? [] : [r.lostSinceMs]));
    const lastRaw = (await shared.hgetall(keys.presenceLast(teamId)))[staff.practitionerId];
    const presence = mergePresence(staff, live, lastRaw ? parseJson(Presence, lastRaw) : null, now(), lost.length > 0 ? Math.min(...lost) : null);
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
    /**
     * The team's members whose presence changed because an instance stopped beating (unknown), or
     * its grace period ran out (offline; their reports are removed). Any instance may sweep a team.
     */
    async sweep(teamId: string): Promise<Presence[]> {
      const reports = await reportsOf(teamId);
      const affected = new Map(reports.filter((r) => r.lostSinceMs !== null).map((r) => [r.report.practitionerId, r.report]));
      if (affected.size === 0) return [];
      const last = await shared.hgetall(keys.presenceLast(teamId));
      const changed: Presence[] = [];
      for (const staff of affected.values()) {
        const before = last[staff.practitionerId] ? parseJson(Presence, last[staff.practitionerId] as string) : null;
        const presence = await recompute(teamId, staff, reports);
        if (!before || before.state !== presence.state || before.visitId !== presence.visitId) changed.push(presence);
      }
      const gone = reports.filter((r) => r.gone).map((r) => r.address);
      if (gone.length > 0) await shared.hdel(keys.presenceReports(teamId), gone);
      return changed;
    },
    /** The teams this instance has staff connections of (whose leads it tells about lost instances). */
    localTeams: (): string[] => [...new Set([...local.values()].map((c) => c.teamId))],
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
