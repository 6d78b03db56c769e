import type { z } from 'zod';
import { AuditAction, requestorIsWorkstation, type AuditOutcome, type AuditRecord } from '../domain/audit.js';
import type { StaffRole } from '../domain/visit.js';
import { AUDIT_ACTION_TEXT, ROLE_TEXT } from '../audit/trailTable.js';
import { parseReference } from './references.js';
import { STAFF_ROLE_SYSTEM, type AuditEvent as AuditEventSchema } from './schemas.js';

/**
 * An audit event as an R4 AuditEvent, after IHE Basic Audit Log Patterns (BALP): type and subtype
 * say what kind of interaction it was, the staff member is the requesting agent (their
 * Practitioner, role and video room), the room PC is the source, the citizen is an entity by
 * reference (Patient/<id>), never by name or CPR number. Built here and unit-tested here; read back
 * here too, for "Hvem har set oplysninger om denne borger?".
 */
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** Our event id: R4 AuditEvent has no identifier, so it is an entity's (BALP's transaction entity). */
export const AUDIT_EVENT_ID_SYSTEM = 'urn:skaermrum:audit-event-id';
/** The room PC (workstation) the event was recorded on. */
export const WORKSTATION_SYSTEM = 'urn:skaermrum:workstation';
/** Our own code of each action, beside the standard ones: what the client words in Danish. */
export const AUDIT_ACTION_SYSTEM = 'https://skaermrum.dk/fhir/CodeSystem/audit-action';

const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const BALP_ENTITY_TYPE = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType';
const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';

type Coding = { system: string; code: string; display: string };
const rest = (code: 'read' | 'create' | 'update' | 'search-type', display: string) => ({
  type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' },
  subtype: { system: RESTFUL_INTERACTION, code, display } as Coding,
});
const dicom = (code: string, display: string, sub?: [string, string]) => ({
  type: { system: DICOM, code, display },
  subtype: sub ? ({ system: DICOM, code: sub[0], display: sub[1] } as Coding) : null,
});
const LOGIN = ['110122', 'Login'] as [string, string];
const LOGOUT = ['110123', 'Logout'] as [string, string];
const AUTHENTICATION = (sub: [string, string]) => dicom('110114', 'User Authentication', sub);

interface ActionShape {
  type: Coding;
  subtype: Coding | null;
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  outcome: '0' | '4' | '8';
  /** Why it was done, where that is known: care of the citizen, or compliance (the audit trail). */
  purpose: 'TREAT' | 'HCOMPL' | null;
}

/** What each action is, in BALP's and DICOM's terms. */
export const AUDIT_ACTION_SHAPES: Record<AuditAction, ActionShape> = {
  'store.opened': { ...dicom('110100', 'Application Activity', ['110120', 'Application Start']), action: 'E', outcome: '0', purpose: null },
  'session.signed_in': { ...AUTHENTICATION(LOGIN), action: 'E', outcome: '0', purpose: null },
  'session.signed_out': { ...AUTHENTICATION(LOGOUT), action: 'E', outcome: '0', purpose: null },
  // The person got no further: a minor failure. A renewal refused ends the session: serious.
  'session.sign_in_refused': { ...AUTHENTICATION(LOGIN), action: 'E', outcome: '4', purpose: null },
  'session.refresh_refused': { ...AUTHENTICATION(LOGIN), action: 'E', outcome: '8', purpose: null },
  'session.locked': { ...AUTHENTICATION(LOGOUT), action: 'E', outcome: '0', purpose: null },
  'session.unlocked': { ...AUTHENTICATION(LOGIN), action: 'E', outcome: '0', purpose: null },
  'visit.status_changed': { ...rest('update', 'update'), action: 'U', outcome: '0', purpose: 'TREAT' },
  'room.devices_saved': { ...dicom('110100', 'Application Activity'), action: 'U', outcome: '0', purpose: null },
  'call.recorded': { ...rest('create', 'create'), action: 'C', outcome: '0', purpose: 'TREAT' },
  'visit.outcome_recorded': { ...rest('update', 'update'), action: 'U', outcome: '0', purpose: 'TREAT' },
  'visit.urgent': { ...rest('create', 'create'), action: 'C', outcome: '0', purpose: 'TREAT' },
  'citizen.cpr_revealed': { ...rest('read', 'read'), action: 'R', outcome: '0', purpose: 'TREAT' },
  'outbox.resolved': { ...rest('update', 'update'), action: 'U', outcome: '0', purpose: 'TREAT' },
  'visit.moved': { ...rest('update', 'update'), action: 'U', outcome: '0', purpose: 'TREAT' },
  'visit.relative_invited': { ...rest('create', 'create'), action: 'C', outcome: '0', purpose: 'TREAT' },
  'audit.viewed': { ...rest('search-type', 'search-type'), action: 'R', outcome: '0', purpose: 'HCOMPL' },
  'audit.exported': { ...dicom('110106', 'Export'), action: 'R', outcome: '0', purpose: 'HCOMPL' },
};

/** The conditional-create key of an event: its id, searched as an entity's identifier. */
export const auditIfNoneExist = (eventId: string) => `entity:identifier=${AUDIT_EVENT_ID_SYSTEM}|${eventId}`;

const PURPOSE_DISPLAY = { TREAT: 'treatment', HCOMPL: 'health compliance' } as const;

export function auditEventFor(record: AuditRecord, workstation: string): AuditEvent {
  const shape = AUDIT_ACTION_SHAPES[record.action];
  const byWorkstation = requestorIsWorkstation(record);
  const purposeOfUse = shape.purpose ? [{ coding: [{ system: ACT_REASON, code: shape.purpose, display: PURPOSE_DISPLAY[shape.purpose] }] }] : undefined;
  const person = byWorkstation
    ? []
    : [
        {
          ...(shape.action === 'R' || shape.action === 'C' || shape.action === 'U'
            ? {
                type: {
                  coding: [
                    shape.action === 'R'
                      ? { system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' }
                      : { system: PARTICIPATION_TYPE, code: 'AUT', display: 'author (originator)' },
                  ],
                },
              }
            : {}),
          who: { reference: `Practitioner/${record.actorId}` },
          ...(record.actorRole
            ? {
                role: [
                  {
                    coding: [{ system: STAFF_ROLE_SYSTEM, code: record.actorRole, display: ROLE_TEXT[record.actorRole].da }],
                    text: ROLE_TEXT[record.actorRole].da,
                  },
                ],
              }
            : {}),
          requestor: true,
          ...(record.roomId ? { location: { reference: `Location/${record.roomId}` } } : {}),
          ...(purposeOfUse ? { purposeOfUse } : {}),
        },
      ];
  const pc = { identifier: { system: WORKSTATION_SYSTEM, value: workstation }, display: workstation };
  const subject = record.subject && record.subject.type !== 'Patient' ? record.subject : null;
  return {
    resourceType: 'AuditEvent',
    type: shape.type,
    subtype: [...(shape.subtype ? [shape.subtype] : []), { system: AUDIT_ACTION_SYSTEM, code: record.action, display: AUDIT_ACTION_TEXT[record.action].da }],
    action: shape.action,
    recorded: record.at,
    outcome: shape.outcome,
    agent: [
      ...person,
      {
        type: { coding: [{ system: DICOM, code: '110153', display: 'Source Role ID' }] },
        who: pc,
        // A refused sign-in names whom it was tried as, as an id, never by a reference that may not resolve.
        ...(record.action === 'session.sign_in_refused' && record.actorId !== 'unknown' ? { altId: record.actorId } : {}),
        requestor: byWorkstation,
        network: { address: workstation, type: '1' as const },
        ...(byWorkstation && purposeOfUse ? { purposeOfUse } : {}),
      },
    ],
    source: { site: 'Skærmrum', observer: pc, type: [{ system: SOURCE_TYPE, code: '1', display: 'User Device' }] },
    entity: [
      {
        what: { identifier: { system: AUDIT_EVENT_ID_SYSTEM, value: record.eventId } },
        type: { system: BALP_ENTITY_TYPE, code: 'XrequestId', display: 'transport specific unique identifier where http X-Request-Id is used' },
      },
      ...(record.patientId
        ? [
            {
              what: { reference: `Patient/${record.patientId}` },
              type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
              role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
            },
          ]
        : []),
      ...(subject
        ? [
            {
              what: { reference: `${subject.type}/${subject.id}` },
              type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
              role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
            },
          ]
        : []),
    ],
  };
}

/** Our event id on an AuditEvent (null: not one of ours). */
export function auditEventIdOf(event: AuditEvent): string | null {
  return event.entity?.find((e) => e.what?.identifier?.system === AUDIT_EVENT_ID_SYSTEM)?.what?.identifier?.value ?? null;
}

const OUTCOMES: Record<string, AuditOutcome> = { '0': 'success', '4': 'minor_failure', '8': 'serious_failure', '12': 'major_failure' };

/** An AuditEvent read back, as the audit trail shows it: ids and codes, the names are looked up after. */
export interface AuditTrailFacts {
  id: string;
  at: string;
  practitionerId: string | null;
  role: StaffRole | null;
  action: AuditAction | null;
  actionText: string | null;
  workstation: string | null;
  roomId: string | null;
  outcome: AuditOutcome;
}

export function auditTrailFactsOf(event: AuditEvent & { id: string }, baseUrl?: string): AuditTrailFacts {
  const practitioner = (reference: string | undefined) => {
    const ref = parseReference(reference, baseUrl);
    return ref?.kind === 'resource' && ref.type === 'Practitioner' ? ref.id : null;
  };
  // The requesting person first; another system's event may name them without saying so.
  const person = event.agent.find((a) => a.requestor && practitioner(a.who?.reference)) ?? event.agent.find((a) => practitioner(a.who?.reference));
  const roleCode = person?.role?.flatMap((r) => r.coding ?? []).find((c) => c.system === STAFF_ROLE_SYSTEM)?.code;
  const ours = event.subtype?.find((c) => c.system === AUDIT_ACTION_SYSTEM)?.code;
  const action = AuditAction.safeParse(ours);
  const location = parseReference((person ?? event.agent.find((a) => a.location))?.location?.reference, baseUrl);
  const observer = event.source.observer;
  const other = event.subtype?.find((c) => c.system !== AUDIT_ACTION_SYSTEM);
  return {
    id: event.id,
    at: event.recorded,
    practitionerId: practitioner(person?.who?.reference),
    role: roleCode === 'staff' || roleCode === 'team_lead' || roleCode === 'leader' ? roleCode : null,
    action: action.success ? action.data : null,
    actionText: action.success ? null : (other?.display ?? other?.code ?? event.type.display ?? event.type.code ?? null),
    workstation: observer.identifier?.value ?? observer.display ?? event.agent.find((a) => a.network?.address)?.network?.address ?? null,
    roomId: location?.kind === 'resource' && location.type === 'Location' ? location.id : null,
    outcome: OUTCOMES[event.outcome ?? '0'] ?? 'success',
  };
}
