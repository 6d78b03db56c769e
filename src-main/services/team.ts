import type { QueueVisit } from '../../src-shared/domain/visit.js';
import type { TeamMember } from '../../src-shared/team/members.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { EojGateway } from '../eoj/gateway.js';

/**
 * The skærmenhed's members for the team lead's board, from the EOJ (src-main/eoj/directory.ts):
 * read when the board opens, kept for five minutes; without the EOJ, the staff the day's visits
 * name stand in (hours unknown).
 */
const KEEP_MS = 5 * 60_000;

export function createTeamDirectory(deps: { eoj: EojGateway | null; teamId: string; clock: Clock; demoMembers: () => TeamMember[] }) {
  let cached: { atMs: number; members: TeamMember[] } | null = null;

  /** Staff the visits name, when the EOJ cannot say who the team is (offline). */
  function fromVisits(visits: readonly QueueVisit[]): TeamMember[] {
    const seen = new Map<string, TeamMember>();
    for (const v of visits) {
      if (v.practitioner && !seen.has(v.practitioner.id))
        seen.set(v.practitioner.id, {
          practitionerId: v.practitioner.id,
          name: v.practitioner.name,
          role: 'staff',
          roomId: v.room?.id ?? null,
          roomName: v.room?.name ?? null,
          hours: [],
        });
    }
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name, 'da'));
  }

  return {
    async members(visits: readonly QueueVisit[]): Promise<TeamMember[]> {
      if (!deps.eoj) return deps.demoMembers();
      if (cached && deps.clock.nowMs() - cached.atMs < KEEP_MS) return cached.members;
      try {
        const members = await deps.eoj.teamMembers(deps.teamId, deps.clock.now());
        cached = { atMs: deps.clock.nowMs(), members };
        return members;
      } catch {
        return cached?.members ?? fromVisits(visits);
      }
    },
  };
}
export type TeamDirectory = ReturnType<typeof createTeamDirectory>;
