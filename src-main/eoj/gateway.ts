import type { OutboxEntry } from '../../src-shared/domain/outbox.js';
import type { TeamMember } from '../../src-shared/team/members.js';
import type { InstantRange } from '../../src-shared/time/copenhagen.js';
import { createFhirClient, type FhirClient } from '../../src-shared/fhir/client.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { missingEssentials, readCapabilities, type EojCapabilities } from './capabilities.js';
import { readTeamMembers } from './directory.js';
import { citizenCpr, smartIssuer, staffIdentity, type StaffIdentity } from './identity.js';
import { pullReportResources, readTeams, type RawReportResources } from './reports.js';
import { createTeamLink, type TeamLink, type TeamLinkKind } from './teamLink.js';
import { readTeamState, type TeamStateResult } from './teamState.js';
import { visitPages, type VisitPage, type VisitPagesRequest } from './visitPages.js';
import { writeIntent, type WriteContext } from './writes.js';
import type { AuditRecord } from '../../src-shared/domain/audit.js';
import { readAuditTrail, sendAuditEvents, type AuditSendResult, type AuditTrailRead } from './auditEvents.js';

/**
 * The main process's one way to the EOJ: it alone speaks FHIR (lint-enforced) and hands the rest of
 * the main process domain types (visits, workflows, team members, identities). Failures are
 * EojError (with `transient`) or EojConflict, from src-main/eoj/errors.ts.
 */
export interface EojGateway {
  readonly baseUrl: string;
  /** What the EOJ declares it can do, read once and kept (forget() reads it again). */
  capabilities(): Promise<EojCapabilities>;
  /** Searches the pull cannot do without that the EOJ does not declare (named in the sync error). */
  missingEssentials(): Promise<string[]>;
  forgetCapabilities(): void;
  visitPages(request: Omit<VisitPagesRequest, 'teamLink' | 'capabilities'>): AsyncGenerator<VisitPage>;
  teamState(request: Parameters<typeof readTeamState>[1]): Promise<TeamStateResult>;
  write(entry: OutboxEntry, context: Omit<WriteContext, 'klCodes'>): Promise<string | null>;
  /** The IdP the EOJ names in its SMART configuration (null: it names none). */
  smartIssuer(): Promise<string | null>;
  /** `now`: names and identifiers whose period has ended are history, not current. */
  staffIdentity(practitionerId: string, now: Date): Promise<StaffIdentity>;
  /** The citizen's current CPR number (never an old one), null when the EOJ has none. */
  citizenCpr(citizenId: string, now: Date): Promise<string | null>;
  teamMembers(teamId: string, now: Date): Promise<TeamMember[]>;
  /** Every skærmenhed (null) or one of them, for the reports' team choice. */
  teams(only: string | null): Promise<{ id: string; name: string }[]>;
  reportResources(teamId: string, window: { appointments: InstantRange; resources: InstantRange }): Promise<{ resources: RawReportResources; pages: number }>;
  /** Audit events as AuditEvents, each exactly once; what became of each (`seq` is the caller's). */
  sendAudit(records: readonly (AuditRecord & { seq: number })[], workstation: string): Promise<AuditSendResult[]>;
  /** A citizen's audit trail in the EOJ, newest first; `next` continues where a page ended. */
  auditTrail(request: { patientId: string; next: string | null; count: number; now: Date }): Promise<AuditTrailRead>;
}

export interface EojGatewayOptions {
  /** How the EOJ links Appointments to the team (default: a HealthcareService participant). */
  teamLink?: TeamLinkKind;
  /** Encounters carry KL Gateway's care-encounter profile and codes (SKAERMRUM_KL_CODES, off by default). */
  klCodes?: boolean;
}

/** A gateway over a FHIR client (tests pass one with their own timeouts). */
export function eojGatewayOver(client: FhirClient, options: EojGatewayOptions = {}): EojGateway {
  const kind = options.teamLink ?? 'healthcare-service';
  let capabilities: Promise<EojCapabilities> | null = null;
  const links = new Map<string, TeamLink>();
  const linkOf = (teamId: string): TeamLink => {
    let link = links.get(teamId);
    if (!link) links.set(teamId, (link = createTeamLink(client, kind, teamId)));
    return link;
  };
  const capabilitiesNow = () =>
    (capabilities ??= readCapabilities(client).catch((error: unknown) => {
      capabilities = null;
      throw error;
    }));
  return {
    baseUrl: client.baseUrl,
    capabilities: capabilitiesNow,
    missingEssentials: async () => missingEssentials(await capabilitiesNow()),
    forgetCapabilities: () => {
      capabilities = null;
    },
    async *visitPages(request) {
      yield* visitPages(client, { ...request, teamLink: linkOf(request.teamId), capabilities: await capabilitiesNow() });
    },
    teamState: (request) => readTeamState(client, request),
    write: (entry, context) => writeIntent(client, entry, { ...context, klCodes: options.klCodes ?? false }),
    smartIssuer: () => smartIssuer(client.baseUrl),
    staffIdentity: (practitionerId, now) => staffIdentity(client, practitionerId, now),
    citizenCpr: (citizenId, now) => citizenCpr(client, citizenId, now),
    teamMembers: (teamId, now) => readTeamMembers(client, teamId, now),
    teams: (only) => readTeams(client, only),
    // A report reads the team's members afresh (a fresh link), as it covers weeks.
    reportResources: (teamId, window) => pullReportResources({ client, teams: [createTeamLink(client, kind, teamId)], window }),
    sendAudit: async (records, workstation) => sendAuditEvents(client, await capabilitiesNow(), records, workstation),
    auditTrail: async (request) => readAuditTrail(client, await capabilitiesNow(), request),
  };
}

export function createEojGateway(options: EojGatewayOptions & { baseUrl: string; token: () => string | null; clock: Clock }): EojGateway {
  return eojGatewayOver(createFhirClient({ baseUrl: options.baseUrl, token: options.token, clock: options.clock }), options);
}
