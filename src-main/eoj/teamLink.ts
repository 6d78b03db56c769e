import { parseReference } from '../../src-shared/fhir/references.js';
import { Bundle, CareTeam, PractitionerRole } from '../../src-shared/fhir/schemas.js';
import { EojError, type FhirClient } from '../../src-shared/fhir/client.js';

/**
 * How the EOJ links Appointments to the skærmenhed (SKAERMRUM_TEAM_LINK):
 * - healthcare-service (default): the team is a HealthcareService participant of its
 *   Appointments (R4 allows Patient, Practitioner, PractitionerRole, RelatedPerson, Device,
 *   HealthcareService and Location there, no CareTeam): `Appointment?actor=HealthcareService/<team>`.
 * - members: the EOJ has no such participant; the team is a CareTeam listing its staff, whose
 *   PractitionerRoles name their video rooms, and its visits are those of its staff and rooms:
 *   `Appointment?actor=Practitioner/a,Practitioner/b,PractitionerRole/ra,Location/r1,…`.
 */
export const TEAM_LINKS = ['healthcare-service', 'members'] as const;
export type TeamLinkKind = (typeof TEAM_LINKS)[number];

export interface TeamLink {
  kind: TeamLinkKind;
  /** Search parameters selecting the team's Appointments; members are read again when `refresh`. */
  searchParams(refresh: boolean): Promise<[string, string][]>;
}

export function createTeamLink(client: FhirClient, kind: TeamLinkKind, teamId: string): TeamLink {
  let members: string[] | null = null;
  async function readMembers(): Promise<string[]> {
    const team = await client.request('GET', `CareTeam/${encodeURIComponent(teamId)}`, CareTeam);
    const practitioners = (team.body.participant ?? [])
      .map((p) => parseReference(p.member?.reference, client.baseUrl))
      .flatMap((r) => (r?.kind === 'resource' && r.type === 'Practitioner' ? [r.id] : []));
    if (practitioners.length === 0)
      throw new EojError('http', `CareTeam/${teamId} har ingen medarbejdere`, 422, {
        serverText: `CareTeam/${teamId} har ingen medarbejdere`,
        transient: false,
      });
    const rooms = new Set<string>();
    const roleIds = new Set<string>();
    const roles = await client.request(
      'GET',
      `PractitionerRole?practitioner=${practitioners.map((id) => `Practitioner/${encodeURIComponent(id)}`).join(',')}&_count=200`,
      Bundle,
    );
    for (const entry of roles.body.entry ?? []) {
      const role = PractitionerRole.safeParse(entry.resource);
      if (!role.success) continue;
      // An EOJ that books staff through their roles names the role, not the person.
      if (role.data.id) roleIds.add(role.data.id);
      for (const location of role.data.location ?? []) {
        const ref = parseReference(location.reference, client.baseUrl);
        if (ref?.kind === 'resource' && ref.type === 'Location') rooms.add(ref.id);
      }
    }
    return [
      ...practitioners.map((id) => `Practitioner/${id}`),
      ...[...roleIds].map((id) => `PractitionerRole/${id}`),
      ...[...rooms].map((id) => `Location/${id}`),
    ];
  }
  return {
    kind,
    async searchParams(refresh) {
      if (kind === 'healthcare-service') return [['actor', `HealthcareService/${teamId}`]];
      if (!members || refresh) members = await readMembers();
      return [['actor', members.join(',')]];
    },
  };
}
