import type { FhirResource } from '../../src-shared/fhir/schemas.js';
import type { Repository } from './repository.js';

/**
 * The sandbox keeps its data across restarts, so a change to the shape of its data comes with a
 * migration of what is stored, each a version number and run once, in one transaction.
 *
 * 1 → 2: the team link becomes valid R4. Appointments named their skærmenhed as a CareTeam
 * participant, which R4 does not allow; the team becomes a HealthcareService participant (a
 * HealthcareService of the same id and name is created), and the staff's PractitionerRoles name it.
 * The CareTeam itself stays (it lists the team's staff). Changed resources get a new version, as
 * any write does, so clients pull them again.
 */
export const SANDBOX_DATA_VERSION = 2;

type Appointment = Extract<FhirResource, { resourceType: 'Appointment' }>;
type PractitionerRole = Extract<FhirResource, { resourceType: 'PractitionerRole' }>;
type CareTeam = Extract<FhirResource, { resourceType: 'CareTeam' }>;

function teamLinkAsHealthcareService(repository: Repository): void {
  const teams = new Set<string>();
  for (const stored of repository.all('Appointment')) {
    const appointment = stored.resource as Appointment;
    if (!appointment.participant.some((p) => p.actor?.reference?.startsWith('CareTeam/'))) continue;
    const participant = appointment.participant.map((p) => {
      const ref = p.actor?.reference;
      if (!ref?.startsWith('CareTeam/')) return p;
      const id = ref.slice('CareTeam/'.length);
      teams.add(id);
      return { ...p, actor: { ...p.actor, reference: `HealthcareService/${id}` } };
    });
    for (const id of teams) {
      if (repository.get('HealthcareService', id)) continue;
      const careTeam = repository.get('CareTeam', id)?.resource as CareTeam | undefined;
      repository.create('HealthcareService', { resourceType: 'HealthcareService', id, active: true, ...(careTeam?.name ? { name: careTeam.name } : {}) }, id);
    }
    repository.update('Appointment', stored.id, { ...appointment, participant });
  }
  for (const id of teams) {
    const members = ((repository.get('CareTeam', id)?.resource as CareTeam | undefined)?.participant ?? []).map((p) => p.member?.reference);
    for (const stored of repository.all('PractitionerRole')) {
      const role = stored.resource as PractitionerRole;
      if (!members.includes(role.practitioner?.reference) || role.healthcareService?.some((h) => h.reference === `HealthcareService/${id}`)) continue;
      repository.update('PractitionerRole', stored.id, {
        ...role,
        healthcareService: [...(role.healthcareService ?? []), { reference: `HealthcareService/${id}` }],
      });
    }
  }
}

const MIGRATIONS: Record<number, (repository: Repository) => void> = { 2: teamLinkAsHealthcareService };

/** Brings stored data up to SANDBOX_DATA_VERSION; returns the versions applied. */
export function migrateSandboxData(repository: Repository): number[] {
  const from = repository.dataVersion();
  // A new, empty store is seeded in the current shape.
  if (from < 0 || from >= SANDBOX_DATA_VERSION) {
    if (from < 0) repository.setDataVersion(SANDBOX_DATA_VERSION);
    return [];
  }
  const applied: number[] = [];
  for (let version = Math.max(from, 1) + 1; version <= SANDBOX_DATA_VERSION; version++) {
    repository.transaction(() => {
      MIGRATIONS[version]?.(repository);
      repository.setDataVersion(version);
    });
    applied.push(version);
  }
  return applied;
}
