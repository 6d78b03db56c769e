import type { QueueVisit } from '../../src-shared/domain/visit.js';
import { displayName } from '../../src-shared/fhir/mapping.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import { Bundle, CareTeam, Location, Practitioner, PractitionerRole } from '../../src-shared/fhir/schemas.js';
import type { TeamMember } from '../../src-shared/team/members.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';

/**
 * The skærmenhed's members for the team lead's board, from the EOJ: the PractitionerRoles of the
 * team's HealthcareService (or of the staff of its CareTeam), with their Practitioner's name,
 * their video room and their hours (availableTime). Read when the board opens, kept for five
 * minutes; without the EOJ, the staff the day's visits name stand in (hours unknown).
 */
const KEEP_MS = 5 * 60_000;

type Role = ReturnType<typeof PractitionerRole.parse>;

function hoursOf(role: Role): TeamMember['hours'] {
  const hhmm = (t: string | undefined, fallback: string) => (t ? t.slice(0, 5) : fallback);
  return (role.availableTime ?? []).flatMap((a) => {
    if (a.allDay) return [{ start: '00:00', end: '24:00' as const }];
    const end = a.availableEndTime && a.availableEndTime >= '23:59' ? '24:00' : hhmm(a.availableEndTime, '24:00');
    return [{ start: hhmm(a.availableStartTime, '00:00'), end }];
  });
}

export function createTeamDirectory(deps: { client: FhirClient | null; teamId: string; clock: Clock; demoMembers: () => TeamMember[] }) {
  let cached: { atMs: number; members: TeamMember[] } | null = null;

  async function readMembers(client: FhirClient): Promise<TeamMember[]> {
    const idOf = (reference: string | undefined, type: string) => {
      const ref = parseReference(reference, client.baseUrl);
      return ref?.kind === 'resource' && ref.type === type ? ref.id : null;
    };
    let roles =
      (await client.request('GET', `PractitionerRole?service=HealthcareService/${encodeURIComponent(deps.teamId)}&_count=200`, Bundle)).body.entry ?? [];
    if (roles.length === 0) {
      // A team modelled as a CareTeam of its staff (SKAERMRUM_TEAM_LINK=members).
      const team = await client.request('GET', `CareTeam/${encodeURIComponent(deps.teamId)}`, CareTeam);
      const ids = (team.body.participant ?? []).map((p) => idOf(p.member?.reference, 'Practitioner')).filter((id): id is string => id !== null);
      if (ids.length > 0)
        roles =
          (await client.request('GET', `PractitionerRole?practitioner=${ids.map((id) => `Practitioner/${id}`).join(',')}&_count=200`, Bundle)).body.entry ?? [];
    }
    const parsed = roles.map((e) => PractitionerRole.safeParse(e.resource)).flatMap((r) => (r.success ? [r.data] : []));
    const practitionerIds = [...new Set(parsed.map((r) => idOf(r.practitioner?.reference, 'Practitioner')).filter((id): id is string => id !== null))];
    const roomIds = [...new Set(parsed.flatMap((r) => (r.location ?? []).map((l) => idOf(l.reference, 'Location'))).filter((id): id is string => id !== null))];
    const names = new Map<string, string>();
    if (practitionerIds.length > 0) {
      for (const e of (await client.request('GET', `Practitioner?_id=${practitionerIds.join(',')}&_count=200`, Bundle)).body.entry ?? []) {
        const p = Practitioner.safeParse(e.resource);
        if (p.success && p.data.id) names.set(p.data.id, displayName(p.data.name));
      }
    }
    const rooms = new Map<string, string>();
    if (roomIds.length > 0) {
      for (const e of (await client.request('GET', `Location?_id=${roomIds.join(',')}&_count=200`, Bundle)).body.entry ?? []) {
        const l = Location.safeParse(e.resource);
        if (l.success && l.data.id) rooms.set(l.data.id, l.data.name ?? l.data.id);
      }
    }
    return parsed
      .flatMap((role) => {
        const id = idOf(role.practitioner?.reference, 'Practitioner');
        if (!id) return [];
        const roomId = (role.location ?? []).map((l) => idOf(l.reference, 'Location')).find((r) => r !== null) ?? null;
        const lead = role.code?.some((c) => /leder|lead/i.test(c.text ?? '') || c.coding?.some((x) => x.code === 'team_lead')) ?? false;
        return [
          {
            practitionerId: id,
            name: names.get(id) || id,
            role: lead ? ('team_lead' as const) : ('staff' as const),
            roomId,
            roomName: roomId ? (rooms.get(roomId) ?? roomId) : null,
            hours: hoursOf(role),
          },
        ];
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'da'));
  }

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
      if (!deps.client) return deps.demoMembers();
      if (cached && deps.clock.nowMs() - cached.atMs < KEEP_MS) return cached.members;
      try {
        const members = await readMembers(deps.client);
        cached = { atMs: deps.clock.nowMs(), members };
        return members;
      } catch {
        return cached?.members ?? fromVisits(visits);
      }
    },
  };
}
export type TeamDirectory = ReturnType<typeof createTeamDirectory>;
