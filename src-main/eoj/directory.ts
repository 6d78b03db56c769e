import { nameOf, type Named } from '../../src-shared/fhir/mapping.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import { Bundle, CareTeam, Location, Practitioner, PractitionerRole, STAFF_ROLE_SYSTEM } from '../../src-shared/fhir/schemas.js';
import type { TeamMember } from '../../src-shared/team/members.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';

/**
 * The skærmenhed's members for the team lead's board: the PractitionerRoles of the team's
 * HealthcareService (or of the staff of its CareTeam), with their Practitioner's name, their video
 * room and their hours (availableTime). Who leads the team is a coded role (STAFF_ROLE_SYSTEM
 * "team_lead"), never guessed from a role's free text.
 */
type Role = ReturnType<typeof PractitionerRole.parse>;

function hoursOf(role: Role): TeamMember['hours'] {
  const hhmm = (t: string | undefined, fallback: string) => (t ? t.slice(0, 5) : fallback);
  return (role.availableTime ?? []).flatMap((a) => {
    if (a.allDay) return [{ start: '00:00', end: '24:00' as const }];
    const end = a.availableEndTime && a.availableEndTime >= '23:59' ? '24:00' : hhmm(a.availableEndTime, '24:00');
    return [{ start: hhmm(a.availableStartTime, '00:00'), end }];
  });
}

const leads = (role: Role) => role.code?.some((c) => c.coding?.some((x) => x.system === STAFF_ROLE_SYSTEM && x.code === 'team_lead')) ?? false;

export async function readTeamMembers(client: FhirClient, teamId: string, now: Date): Promise<TeamMember[]> {
  const idOf = (reference: string | undefined, type: string) => {
    const ref = parseReference(reference, client.baseUrl);
    return ref?.kind === 'resource' && ref.type === type ? ref.id : null;
  };
  let roles = (await client.request('GET', `PractitionerRole?service=HealthcareService/${encodeURIComponent(teamId)}&_count=200`, Bundle)).body.entry ?? [];
  if (roles.length === 0) {
    // A team modelled as a CareTeam of its staff (SKAERMRUM_TEAM_LINK=members).
    const team = await client.request('GET', `CareTeam/${encodeURIComponent(teamId)}`, CareTeam);
    const ids = (team.body.participant ?? []).map((p) => idOf(p.member?.reference, 'Practitioner')).filter((id): id is string => id !== null);
    if (ids.length > 0)
      roles =
        (await client.request('GET', `PractitionerRole?practitioner=${ids.map((id) => `Practitioner/${encodeURIComponent(id)}`).join(',')}&_count=200`, Bundle))
          .body.entry ?? [];
  }
  const parsed = roles.map((e) => PractitionerRole.safeParse(e.resource)).flatMap((r) => (r.success ? [r.data] : []));
  const practitionerIds = [...new Set(parsed.map((r) => idOf(r.practitioner?.reference, 'Practitioner')).filter((id): id is string => id !== null))];
  const roomIds = [...new Set(parsed.flatMap((r) => (r.location ?? []).map((l) => idOf(l.reference, 'Location'))).filter((id): id is string => id !== null))];
  const names = new Map<string, string>();
  if (practitionerIds.length > 0) {
    for (const e of (await client.request('GET', `Practitioner?_id=${practitionerIds.map(encodeURIComponent).join(',')}&_count=200`, Bundle)).body.entry ??
      []) {
      const p = Practitioner.safeParse(e.resource);
      if (p.success && p.data.id) names.set(p.data.id, nameOf(p.data as Named, now));
    }
  }
  const rooms = new Map<string, string>();
  if (roomIds.length > 0) {
    for (const e of (await client.request('GET', `Location?_id=${roomIds.map(encodeURIComponent).join(',')}&_count=200`, Bundle)).body.entry ?? []) {
      const l = Location.safeParse(e.resource);
      if (l.success && l.data.id) rooms.set(l.data.id, l.data.name ?? l.data.id);
    }
  }
  // One member per person: a second role of the same person (another team's) does not double them.
  const members = new Map<string, TeamMember>();
  for (const role of parsed) {
    const id = idOf(role.practitioner?.reference, 'Practitioner');
    if (!id) continue;
    const roomId = (role.location ?? []).map((l) => idOf(l.reference, 'Location')).find((r) => r !== null) ?? null;
    const member: TeamMember = {
      practitionerId: id,
      name: names.get(id) || id,
      role: leads(role) ? 'team_lead' : 'staff',
      roomId,
      roomName: roomId ? (rooms.get(roomId) ?? roomId) : null,
      hours: hoursOf(role),
    };
    const held = members.get(id);
    if (!held || (member.role === 'team_lead' && held.role !== 'team_lead')) members.set(id, member);
  }
  return [...members.values()].sort((a, b) => a.name.localeCompare(b.name, 'da'));
}
