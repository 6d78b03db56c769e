import { describe, expect, it } from 'vitest';
import { AuditAction, type AuditRecord } from '../../src-shared/domain/audit';
import { demoDay } from '../../src-shared/demo/demoDay';
import {
  AUDIT_ACTION_SYSTEM,
  AUDIT_EVENT_ID_SYSTEM,
  auditEventFor,
  auditEventIdOf,
  auditIfNoneExist,
  auditTrailFactsOf,
  WORKSTATION_SYSTEM,
  type AuditEvent as AuditEventType,
} from '../../src-shared/fhir/auditEvent';
import { AuditEvent, STAFF_ROLE_SYSTEM } from '../../src-shared/fhir/schemas';
import { TEST_DAY } from '../helpers/store';

/**
 * Every audit action as an R4 AuditEvent: only R4's elements (checked element by element against
 * the R4 definition, not only our loose schema), its required elements and codes, BALP's shape, and
 * no citizen's name or CPR number anywhere in the JSON.
 */
const visit = demoDay(TEST_DAY).visits[3];
if (!visit) throw new Error('no demo visit');
const citizen = demoDay(TEST_DAY).citizens.find((c) => c.id === visit.citizen.id);
if (!citizen) throw new Error('no demo citizen');

const record = (action: AuditAction, over: Partial<AuditRecord> = {}): AuditRecord => ({
  eventId: '6f1c2a4e-8d0b-4c3a-9e5f-1a2b3c4d5e6f',
  at: '2026-12-02T10:31:07.250Z',
  actorId: 'practitioner-1',
  actorRole: 'team_lead',
  roomId: 'room-2',
  action,
  subject: action === 'citizen.cpr_revealed' || action.startsWith('audit.') ? { type: 'Patient', id: citizen.id } : { type: 'Appointment', id: visit.id },
  patientId: citizen.id,
  ...over,
});

// R4 AuditEvent (hl7.org/fhir/R4/auditevent.html): the elements each part may have.
const REFERENCE = ['reference', 'type', 'identifier', 'display'];
const CODING = ['system', 'version', 'code', 'display', 'userSelected'];
const CODEABLE = ['coding', 'text'];
const ELEMENTS: Record<string, string[]> = {
  '': [
    'resourceType',
    'id',
    'meta',
    'implicitRules',
    'language',
    'text',
    'contained',
    'extension',
    'modifierExtension',
    'type',
    'subtype',
    'action',
    'period',
    'recorded',
    'outcome',
    'outcomeDesc',
    'purposeOfEvent',
    'agent',
    'source',
    'entity',
  ],
  type: CODING,
  subtype: CODING,
  purposeOfEvent: CODEABLE,
  'purposeOfEvent.coding': CODING,
  agent: [
    'id',
    'extension',
    'modifierExtension',
    'type',
    'role',
    'who',
    'altId',
    'name',
    'requestor',
    'location',
    'policy',
    'media',
    'network',
    'purposeOfUse',
  ],
  'agent.type': CODEABLE,
  'agent.type.coding': CODING,
  'agent.role': CODEABLE,
  'agent.role.coding': CODING,
  'agent.who': REFERENCE,
  'agent.who.identifier': ['use', 'type', 'system', 'value', 'period', 'assigner'],
  'agent.location': REFERENCE,
  'agent.network': ['address', 'type'],
  'agent.purposeOfUse': CODEABLE,
  'agent.purposeOfUse.coding': CODING,
  source: ['site', 'observer', 'type'],
  'source.observer': REFERENCE,
  'source.observer.identifier': ['use', 'type', 'system', 'value', 'period', 'assigner'],
  'source.type': CODING,
  entity: ['what', 'type', 'role', 'lifecycle', 'securityLabel', 'name', 'description', 'query', 'detail'],
  'entity.what': REFERENCE,
  'entity.what.identifier': ['use', 'type', 'system', 'value', 'period', 'assigner'],
  'entity.type': CODING,
  'entity.role': CODING,
};

/** Elements not in R4 (paths), walking objects and arrays. */
function notR4(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => notR4(v, path));
  if (!value || typeof value !== 'object') return [];
  const allowed = ELEMENTS[path];
  if (!allowed) return [`${path} (no definition)`];
  return Object.entries(value).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    if (!allowed.includes(k)) return [at];
    return ELEMENTS[at] ? notR4(v, at) : [];
  });
}

/** R4's required elements, cardinalities and required value sets of AuditEvent. */
function r4Rules(e: AuditEventType): string[] {
  const broken: string[] = [];
  if (!e.type.system || !e.type.code) broken.push('type');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(e.recorded)) broken.push('recorded is an instant');
  if (e.action !== undefined && !['C', 'R', 'U', 'D', 'E'].includes(e.action)) broken.push('action');
  if (e.outcome !== undefined && !['0', '4', '8', '12'].includes(e.outcome)) broken.push('outcome');
  if (e.agent.length < 1) broken.push('agent 1..*');
  for (const a of e.agent) if (typeof a.requestor !== 'boolean') broken.push('agent.requestor 1..1');
  if (!e.source.observer) broken.push('source.observer 1..1');
  for (const ref of [...e.agent.map((a) => a.who), ...e.agent.map((a) => a.location), e.source.observer, ...(e.entity ?? []).map((x) => x.what)]) {
    if (ref?.reference !== undefined && !/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(ref.reference)) broken.push(`reference ${ref.reference}`);
  }
  // R4 reference targets.
  const people = ['PractitionerRole', 'Practitioner', 'Organization', 'Device', 'Patient', 'RelatedPerson'];
  for (const a of e.agent) if (a.who?.reference && !people.includes(a.who.reference.split('/')[0] ?? '')) broken.push('agent.who target');
  for (const a of e.agent) if (a.location?.reference && !a.location.reference.startsWith('Location/')) broken.push('agent.location target');
  for (const x of e.entity ?? []) if ((x as { name?: string; query?: string }).name && (x as { query?: string }).query) broken.push('sev-1');
  return broken;
}

describe('an audit event as an R4 AuditEvent', () => {
  it.each(AuditAction.options)('%s: only R4 elements, R4 rules, and our schema reads it', (action) => {
    const event = auditEventFor(record(action), 'ROS-VIDEORUM1');
    expect(notR4(event)).toEqual([]);
    expect(r4Rules(event)).toEqual([]);
    expect(AuditEvent.safeParse(event).success).toBe(true);
  });

  it.each(AuditAction.options)('%s: no name and no CPR number of the citizen anywhere', (action) => {
    const json = JSON.stringify(auditEventFor(record(action), 'ROS-VIDEORUM1'));
    expect(json).not.toContain(citizen.name);
    for (const part of citizen.name.split(' ')) expect(json).not.toContain(part);
    expect(json).not.toContain(citizen.cpr);
    expect(json).not.toContain(citizen.cpr.slice(0, 6));
    expect(json).not.toMatch(/\d{6}-?\d{4}/);
  });

  it('BALP: REST read of the citizen by the team lead, from the room PC, for treatment', () => {
    const event = auditEventFor(record('citizen.cpr_revealed'), 'ROS-VIDEORUM1');
    expect(event).toMatchObject({
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      action: 'R',
      recorded: '2026-12-02T10:31:07.250Z',
      outcome: '0',
      source: { site: 'Skærmrum', observer: { identifier: { system: WORKSTATION_SYSTEM, value: 'ROS-VIDEORUM1' } } },
    });
    expect(event.subtype).toEqual([
      { system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' },
      { system: AUDIT_ACTION_SYSTEM, code: 'citizen.cpr_revealed', display: 'Så fuldt CPR-nummer' },
    ]);
    const [person, pc] = event.agent;
    expect(person).toMatchObject({
      who: { reference: 'Practitioner/practitioner-1' },
      requestor: true,
      role: [{ coding: [{ system: STAFF_ROLE_SYSTEM, code: 'team_lead', display: 'Teamleder' }] }],
      location: { reference: 'Location/room-2' },
      purposeOfUse: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] }],
    });
    expect(pc).toMatchObject({ requestor: false, network: { address: 'ROS-VIDEORUM1', type: '1' } });
    // The citizen by reference only (BALP's patient entity); the event's id as the transaction entity.
    expect(event.entity).toEqual([
      expect.objectContaining({ what: { identifier: { system: AUDIT_EVENT_ID_SYSTEM, value: '6f1c2a4e-8d0b-4c3a-9e5f-1a2b3c4d5e6f' } } }),
      expect.objectContaining({ what: { reference: `Patient/${citizen.id}` }, role: expect.objectContaining({ code: '1' }) }),
    ]);
    expect(auditEventIdOf(event)).toBe('6f1c2a4e-8d0b-4c3a-9e5f-1a2b3c4d5e6f');
    expect(auditIfNoneExist('6f1c2a4e-8d0b-4c3a-9e5f-1a2b3c4d5e6f')).toBe(`entity:identifier=${AUDIT_EVENT_ID_SYSTEM}|6f1c2a4e-8d0b-4c3a-9e5f-1a2b3c4d5e6f`);
  });

  it('a move names the visit (Appointment) and its citizen; an update, authored by the lead', () => {
    const event = auditEventFor(record('visit.moved'), 'pc');
    expect(event).toMatchObject({ action: 'U', subtype: [{ code: 'update' }, { code: 'visit.moved' }] });
    expect(event.entity?.map((e) => e.what?.reference)).toEqual([undefined, `Patient/${citizen.id}`, `Appointment/${visit.id}`]);
    expect(event.agent[0]?.type?.coding?.[0]?.code).toBe('AUT');
  });

  it('outcomes 0, 4 and 8: a refused sign-in fails, a refused renewal ends the session', () => {
    expect(auditEventFor(record('session.signed_in', { subject: null, patientId: null }), 'pc').outcome).toBe('0');
    expect(auditEventFor(record('session.sign_in_refused', { subject: null, patientId: null }), 'pc').outcome).toBe('4');
    expect(auditEventFor(record('session.refresh_refused', { subject: null, patientId: null }), 'pc').outcome).toBe('8');
    expect(auditEventFor(record('session.signed_in', { subject: null, patientId: null }), 'pc').type).toMatchObject({
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: '110114',
    });
  });

  it('the room PC asks for its own events: the start, and a refused sign-in (named by id, not by a reference)', () => {
    const opened = auditEventFor(record('store.opened', { actorId: 'system', actorRole: null, roomId: null, subject: null, patientId: null }), 'pc');
    expect(opened.agent).toHaveLength(1);
    expect(opened.agent[0]).toMatchObject({ requestor: true, who: { identifier: { value: 'pc' } } });
    const refused = auditEventFor(record('session.sign_in_refused', { actorId: 'practitioner-9', subject: null, patientId: null }), 'pc');
    expect(refused.agent.map((a) => [a.who?.reference ?? null, a.requestor, a.altId ?? null])).toEqual([[null, true, 'practitioner-9']]);
    expect(JSON.stringify(refused)).not.toContain('Practitioner/practitioner-9');
  });

  it('reads back what it wrote: who, role, action, room, room PC, outcome', () => {
    const event = { ...auditEventFor(record('visit.outcome_recorded'), 'ROS-VIDEORUM1'), id: 'ae-1' };
    expect(auditTrailFactsOf(event, 'https://eoj.example/fhir')).toEqual({
      id: 'ae-1',
      at: '2026-12-02T10:31:07.250Z',
      practitionerId: 'practitioner-1',
      role: 'team_lead',
      action: 'visit.outcome_recorded',
      actionText: null,
      workstation: 'ROS-VIDEORUM1',
      roomId: 'room-2',
      outcome: 'success',
    });
  });

  it("another system's AuditEvent reads too: its own words for the action, absolute references", () => {
    const theirs = AuditEvent.parse({
      resourceType: 'AuditEvent',
      id: 'x1',
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'vread', display: 'vread' }],
      recorded: '2026-12-02T08:00:00+01:00',
      outcome: '8',
      agent: [{ who: { reference: 'https://eoj.example/fhir/Practitioner/p9' }, requestor: true }],
      source: { observer: { display: 'EOJ' } },
      entity: [{ what: { reference: 'Patient/c1' } }],
    });
    expect(auditTrailFactsOf({ ...theirs, id: 'x1' }, 'https://eoj.example/fhir')).toMatchObject({
      practitionerId: 'p9',
      role: null,
      action: null,
      actionText: 'vread',
      workstation: 'EOJ',
      outcome: 'serious_failure',
    });
  });
});
