import type { FhirResource } from '../../src-shared/fhir/schemas.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import type { AccessIdentity } from './auth.js';
import type { Repository } from './repository.js';

/**
 * Who may write and read AuditEvents in the sandbox EOJ, as an EOJ keeps an audit trail:
 * - a staff member creates their own events (the requesting agent is their Practitioner), or their
 *   room PC's (no person requests it: the client's start, a refused sign-in);
 * - only a team lead or leader reads them, and only about citizens of their own team (the closed
 *   user group: the citizen has a visit of the team); a search must name the citizen;
 * - nobody changes one, and our own services' system access reads none.
 */
export type AuditAccess = { ok: true } | { ok: false; reason: string };

type AuditEvent = Extract<FhirResource, { resourceType: 'AuditEvent' }>;
const refuse = (reason: string): AuditAccess => ({ ok: false, reason });
const OK: AuditAccess = { ok: true };

export function createAuditAccess(repository: Repository, baseUrl: () => string) {
  // Which teams each citizen has visits with, rebuilt when anything was written since.
  let teamsOf = new Map<string, Set<string>>();
  let builtAt = -1;
  const refOf = (reference: string | undefined) => {
    const ref = parseReference(reference, baseUrl());
    return ref?.kind === 'resource' ? ref : null;
  };
  function citizensTeams(): Map<string, Set<string>> {
    if (builtAt === repository.writeCount()) return teamsOf;
    const roleTeams = new Map<string, string[]>();
    for (const role of repository.all('PractitionerRole')) {
      if (role.resource.resourceType !== 'PractitionerRole') continue;
      roleTeams.set(
        role.id,
        (role.resource.healthcareService ?? []).flatMap((h) => {
          const ref = refOf(h.reference);
          return ref?.type === 'HealthcareService' ? [ref.id] : [];
        }),
      );
    }
    const next = new Map<string, Set<string>>();
    for (const stored of repository.all('Appointment')) {
      if (stored.resource.resourceType !== 'Appointment') continue;
      const refs = stored.resource.participant.map((p) => refOf(p.actor?.reference)).filter((r) => r !== null);
      // The team: a HealthcareService participant, or the skærmenhed of a booked PractitionerRole.
      const teams = refs.flatMap((r) => (r.type === 'HealthcareService' ? [r.id] : r.type === 'PractitionerRole' ? (roleTeams.get(r.id) ?? []) : []));
      for (const patient of refs.filter((r) => r.type === 'Patient')) {
        const set = next.get(patient.id) ?? next.set(patient.id, new Set()).get(patient.id);
        for (const team of teams) set?.add(team);
      }
    }
    teamsOf = next;
    builtAt = repository.writeCount();
    return teamsOf;
  }
  const inTeam = (patientId: string, teamId: string) => citizensTeams().get(patientId)?.has(teamId) ?? false;
  const patientsOf = (event: AuditEvent) =>
    [...(event.entity ?? []).map((e) => refOf(e.what?.reference)), ...event.agent.map((a) => refOf(a.who?.reference))]
      .filter((r) => r?.type === 'Patient')
      .map((r) => r?.id as string);

  function reader(identity: AccessIdentity): AuditAccess & { teamId?: string } {
    if (identity.kind === 'system') return refuse('Systemadgangen må ikke læse hændelsesloggen');
    if (identity.claims.role !== 'team_lead' && identity.claims.role !== 'leader') return refuse('Kun teamledere og ledere må se hændelsesloggen');
    return { ok: true, teamId: identity.claims.team };
  }

  return {
    mayCreate(identity: AccessIdentity, event: AuditEvent): AuditAccess {
      if (identity.kind === 'system') return refuse('Systemadgangen må ikke skrive i hændelsesloggen');
      const requestors = event.agent.filter((a) => a.requestor);
      const people = requestors.map((a) => refOf(a.who?.reference)).filter((r) => r?.type === 'Practitioner' || r?.type === 'PractitionerRole');
      if (people.some((p) => p?.type !== 'Practitioner' || p.id !== identity.claims.sub)) return refuse('Du kan kun registrere dine egne hændelser');
      return OK;
    },
    maySearch(identity: AccessIdentity, params: URLSearchParams): AuditAccess {
      const who = reader(identity);
      if (!who.ok) return who;
      const named = [...params.getAll('entity'), ...params.getAll('patient')].flatMap((v) => v.split(','));
      const patients = named.map((v) => refOf(v.includes('/') ? v : `Patient/${v}`));
      if (patients.length === 0 || patients.some((p) => p?.type !== 'Patient')) return refuse('Søg efter én borger ad gangen (entity=Patient/…)');
      if (patients.some((p) => !inTeam(p?.id as string, who.teamId as string))) return refuse('Borgeren hører ikke til dit team');
      return OK;
    },
    mayRead(identity: AccessIdentity, event: AuditEvent): AuditAccess {
      const who = reader(identity);
      if (!who.ok) return who;
      const patients = patientsOf(event);
      if (patients.length === 0 || patients.some((p) => !inTeam(p, who.teamId as string))) return refuse('Hændelsen handler ikke om en borger i dit team');
      return OK;
    },
  };
}
export type AuditAccessRules = ReturnType<typeof createAuditAccess>;
