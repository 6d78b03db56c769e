import { mergePresence, type Presence, type PresenceReport } from '../../src-shared/team/presence.js';

/**
 * The team's presence as the signalling service sees it: each staff connection's last report (a
 * connection that said nothing yet counts as signed in), merged per staff member, per team. Held in
 * memory only: presence is live and ephemeral (design §7).
 */
interface StaffConnection {
  practitionerId: string;
  name: string;
  teamId: string;
  report: PresenceReport & { atMs: number };
}

export function createPresenceRegistry(now: () => number) {
  const connections = new Map<string, StaffConnection>();
  const last = new Map<string, Presence>();
  const key = (teamId: string, practitionerId: string) => `${teamId}\u0000${practitionerId}`;

  function recompute(teamId: string, practitionerId: string, name: string): Presence {
    const reports = [...connections.values()].filter((c) => c.teamId === teamId && c.practitionerId === practitionerId).map((c) => c.report);
    const presence = mergePresence({ practitionerId, name }, reports, last.get(key(teamId, practitionerId)) ?? null, now());
    last.set(key(teamId, practitionerId), presence);
    return presence;
  }

  return {
    /** A staff connection signed in: present, in their room, until it says more. */
    connect(connId: string, staff: { practitionerId: string; name: string; teamId: string }): Presence {
      connections.set(connId, { ...staff, report: { state: 'signed_in', roomId: null, visitId: null, atMs: now() } });
      return recompute(staff.teamId, staff.practitionerId, staff.name);
    },
    report(connId: string, report: PresenceReport): Presence | null {
      const c = connections.get(connId);
      if (!c) return null;
      c.report = { ...report, atMs: now() };
      return recompute(c.teamId, c.practitionerId, c.name);
    },
    /** The socket is gone: the member is offline once their last connection is. */
    disconnect(connId: string): { teamId: string; presence: Presence } | null {
      const c = connections.get(connId);
      if (!c) return null;
      connections.delete(connId);
      return { teamId: c.teamId, presence: recompute(c.teamId, c.practitionerId, c.name) };
    },
    teamOf: (connId: string) => connections.get(connId)?.teamId ?? null,
    /** The presence of every member of the team seen since the service started. */
    team(teamId: string): Presence[] {
      return [...last.entries()].filter(([k]) => k.startsWith(`${teamId}\u0000`)).map(([, p]) => p);
    },
  };
}
export type PresenceRegistry = ReturnType<typeof createPresenceRegistry>;
