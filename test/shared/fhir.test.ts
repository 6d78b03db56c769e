import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { capabilitiesOf, missingEssentials, UNDECLARED } from '../../src-main/eoj/capabilities';
import { EojError, outcomeText, retryAfterMs } from '../../src-shared/fhir/client';
import { appointmentToVisit, danishAddress, shorten } from '../../src-shared/fhir/mapping';
import { describeIssue, fieldPath, firstProblem } from '../../src-shared/fhir/problems';
import { parseReference } from '../../src-shared/fhir/references';
import { Appointment, CapabilityStatement } from '../../src-shared/fhir/schemas';
import { appointmentWithStatus, encounterFor, escalationTaskFor, ifNoneExist, OUTCOME_EXTENSION } from '../../src-shared/fhir/write';

const BASE = 'https://eoj.kommune.dk/fhir';

describe('references as servers send them', () => {
  it.each([
    ['Patient/123', { kind: 'resource', type: 'Patient', id: '123', version: null }],
    ['Patient/123/_history/7', { kind: 'resource', type: 'Patient', id: '123', version: '7' }],
    [`${BASE}/Practitioner/p-1`, { kind: 'resource', type: 'Practitioner', id: 'p-1', version: null }],
    [`${BASE}/Location/r1/_history/a1b2`, { kind: 'resource', type: 'Location', id: 'r1', version: 'a1b2' }],
    ['#pt', { kind: 'contained', id: 'pt' }],
    ['https://other.example/fhir/Patient/9', { kind: 'external', url: 'https://other.example/fhir/Patient/9' }],
    ['urn:uuid:3f6c2f0e-1c1a-4f52-9a10-111111111111', { kind: 'external', url: 'urn:uuid:3f6c2f0e-1c1a-4f52-9a10-111111111111' }],
  ])('%s', (reference, parsed) => {
    expect(parseReference(reference, BASE)).toEqual(parsed);
  });
  it('refuses what is no reference', () => {
    for (const bad of [undefined, '', '#', 'Patient', 'patient/1', 'Patient/has space']) expect(parseReference(bad, BASE)).toBeNull();
  });
});

describe('mapping an Appointment to a visit', () => {
  const appointment = (over: Record<string, unknown>) =>
    Appointment.parse({
      resourceType: 'Appointment',
      id: 'a1',
      status: 'booked',
      start: '2026-12-02T09:00:00Z',
      end: '2026-12-02T09:10:00Z',
      participant: [{ actor: { reference: 'Patient/p1', display: 'Inger M.' }, status: 'accepted' }],
      ...over,
    });
  const none = () => undefined;
  /** Names and identifiers are current as of this instant. */
  const NOW = new Date('2026-12-02T12:00:00+01:00');

  it('takes the team from its HealthcareService participant, or the team it was searched for', () => {
    const withTeam = appointment({
      participant: [
        { actor: { reference: 'Patient/p1' }, status: 'accepted' },
        { actor: { reference: 'HealthcareService/t1' }, status: 'accepted' },
      ],
    });
    expect(appointmentToVisit(withTeam, { lookup: none, teamId: 'other', now: NOW })).toMatchObject({ kind: 'visit', visit: { teamId: 't1' } });
    expect(appointmentToVisit(appointment({}), { lookup: none, teamId: 'searched', now: NOW })).toMatchObject({
      kind: 'visit',
      visit: { teamId: 'searched', citizen: { name: 'Inger M.' } },
    });
  });

  it('says what is wrong instead of dropping the visit silently', () => {
    expect(
      appointmentToVisit(appointment({ participant: [{ actor: { reference: 'HealthcareService/t1' }, status: 'accepted' }] }), { lookup: none, now: NOW }),
    ).toEqual({
      kind: 'problem',
      problem: { field: 'participant', kind: 'no_citizen', detail: 'har ingen borger (Patient) som deltager' },
    });
    expect(appointmentToVisit(appointment({ participant: [{ actor: { reference: '#gone' }, status: 'accepted' }] }), { lookup: none, now: NOW })).toMatchObject(
      {
        kind: 'problem',
        problem: { field: 'participant[0].actor', kind: 'unresolved_reference' },
      },
    );
    expect(appointmentToVisit(appointment({ start: undefined }), { lookup: none, now: NOW })).toMatchObject({ kind: 'problem', problem: { field: 'start' } });
    expect(appointmentToVisit(appointment({ status: 'entered-in-error' }), { lookup: none, now: NOW })).toEqual({ kind: 'skip' });
  });

  it('shortens long texts for display and writes addresses the Danish way', () => {
    expect(shorten('abcdef', 10)).toBe('abcdef');
    expect(shorten('abcdefghijkl', 6)).toBe('abcde…');
    expect(danishAddress({ line: ['Mågevej 58'], postalCode: '4000', city: 'Roskilde' })).toBe('Mågevej 58, 4000 Roskilde');
    expect(danishAddress({ line: ['Mågevej 58', '2. tv.'], city: 'Roskilde' })).toBe('Mågevej 58 2. tv., Roskilde');
    expect(danishAddress({ text: 'Kløvervej 3, 4600 Køge', line: ['x'] })).toBe('Kløvervej 3, 4600 Køge');
    const long = appointmentToVisit(appointment({ description: 'd'.repeat(1_200), comment: 'c'.repeat(5_000) }), { lookup: none, now: NOW });
    expect(long.kind === 'visit' && [long.visit.task.description.length, long.visit.notes.length]).toEqual([1_000, 4_000]);
  });
});

describe('problems of one resource, in Danish', () => {
  it('names the field as a FHIR path and says what is wrong, without the value', () => {
    expect(fieldPath(['participant', 0, 'actor'])).toBe('participant[0].actor');
    const bad = Appointment.safeParse({ resourceType: 'Appointment', status: 'done', participant: [{ status: 'accepted' }] });
    expect(bad.success).toBe(false);
    if (!bad.success)
      expect(firstProblem(bad.error)).toEqual({
        field: 'status',
        kind: 'invalid_value',
        detail: expect.stringMatching(/^har en værdi FHIR R4 ikke kender \(tilladt: proposed, /),
      });
    const missing = z.object({ start: z.string() }).safeParse({});
    if (!missing.success) expect(describeIssue(missing.error.issues[0] as z.core.$ZodIssue)).toEqual({ field: 'start', kind: 'missing', detail: 'mangler' });
    const format = z.object({ start: z.iso.datetime({ offset: true }) }).safeParse({ start: 'i morgen' });
    if (!format.success) expect(firstProblem(format.error)).toMatchObject({ kind: 'invalid_format', detail: 'er ikke et gyldigt tidspunkt med tidszone' });
    const empty = z.object({ participant: z.array(z.string()).min(1) }).safeParse({ participant: [] });
    if (!empty.success) expect(firstProblem(empty.error)).toMatchObject({ field: 'participant', kind: 'missing', detail: 'er tom' });
  });
});

describe('errors as the EOJ words them', () => {
  it('prefers details.text, then diagnostics; temporary answers are retried, refusals are not', () => {
    expect(outcomeText({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'x', details: { text: 'Låst' }, diagnostics: 'lock' }] })).toBe(
      'Låst',
    );
    expect(outcomeText({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'x', diagnostics: 'lock' }] })).toBe('lock');
    expect(outcomeText({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] })).toBeNull();
    const of = (status: number) => new EojError('http', 'x', status);
    expect([400, 401, 403, 404, 408, 409, 412, 422, 429, 500, 503].map((s) => [s, of(s).transient])).toEqual([
      [400, false],
      [401, true],
      [403, false],
      [404, false],
      [408, true],
      [409, true],
      [412, false],
      [422, false],
      [429, true],
      [500, true],
      [503, true],
    ]);
    expect(new EojError('http', 'x', 412, { transient: true }).toSyncError().code).toBe('busy');
    expect([of(429), of(401), of(404), of(422), of(503), new EojError('network', 'x'), new EojError('timeout', 'x')].map((e) => e.toSyncError().code)).toEqual([
      'rate_limited',
      'unauthorized',
      'not_found',
      'refused',
      'busy',
      'unreachable',
      'timeout',
    ]);
  });
  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe('capabilities', () => {
  const statement = (searchParam: string[], searchInclude?: string[]) =>
    CapabilityStatement.parse({
      resourceType: 'CapabilityStatement',
      rest: [
        {
          mode: 'server',
          resource: [{ type: 'Appointment', searchParam: searchParam.map((name) => ({ name })), ...(searchInclude ? { searchInclude } : {}) }],
        },
      ],
    });
  it('uses only what is declared, and names the essentials that are missing', () => {
    expect(capabilitiesOf(statement(['date', 'actor', '_lastUpdated', '_sort'], ['Appointment:patient']))).toMatchObject({
      include: { patient: true, actor: false },
      sortByLastUpdated: true,
      lastUpdated: true,
    });
    expect(capabilitiesOf(statement(['date', 'actor'], ['*']))).toMatchObject({
      include: { patient: true, actor: true },
      sortByLastUpdated: false,
      lastUpdated: false,
    });
    expect(missingEssentials(capabilitiesOf(statement(['actor'])))).toEqual(['Appointment?date']);
    expect(missingEssentials(capabilitiesOf(statement([])))).toEqual(['Appointment?date', 'Appointment?actor']);
    expect(missingEssentials(UNDECLARED)).toEqual([]);
  });
});

describe('what Skærmrum writes (src-shared/fhir/write.ts)', () => {
  const appointment = Appointment.parse({
    resourceType: 'Appointment',
    id: 'a1',
    status: 'booked',
    participant: [
      { actor: { reference: `${BASE}/Patient/p1` }, status: 'accepted' },
      { actor: { reference: 'Location/r2/_history/4' }, status: 'accepted' },
      { actor: { reference: 'HealthcareService/t1' }, status: 'accepted' },
    ],
  });
  const intent = {
    kind: 'visit.status' as const,
    status: 'completed' as const,
    at: '2026-12-02T09:20:00Z',
    actorId: 'practitioner-5',
    reason: null,
    encounter: { start: '2026-12-02T09:10:30Z', end: '2026-12-02T09:17:40Z', outcome: 'completed' as const, note: 'Godt' },
  };
  it('an Encounter for the call: the real caller, relative references, the length in minutes, idempotent on the mutation', () => {
    const e = encounterFor('m-1', 'a1', intent, appointment, BASE);
    expect(e).toMatchObject({
      status: 'finished',
      class: { code: 'VR' },
      subject: { reference: 'Patient/p1' },
      location: [{ location: { reference: 'Location/r2' } }],
      participant: [{ individual: { reference: 'Practitioner/practitioner-5' } }],
      appointment: [{ reference: 'Appointment/a1' }],
      length: { value: 7, code: 'min' },
    });
    expect((e as { extension?: unknown[] }).extension?.[0]).toEqual({ url: OUTCOME_EXTENSION, valueCode: 'completed' });
    expect(ifNoneExist('m-1')).toBe('identifier=urn:skaermrum:mutation-id|m-1');
  });
  it('the Appointment keeps everything but the status and reason', () => {
    const next = appointmentWithStatus({ ...appointment, id: 'a1' }, { ...intent, status: 'not_answered', reason: 'Ikke besvaret' });
    expect(next).toMatchObject({ status: 'noshow', cancelationReason: { text: 'Ikke besvaret' }, participant: appointment.participant });
  });
  it('an escalation Task for the home-care group', () => {
    const task = escalationTaskFor('m-2', 'a1', {
      kind: 'visit.escalate',
      at: intent.at,
      actorId: 'practitioner-5',
      reason: 'urgent',
      priority: 'stat',
      patientId: 'p1',
      ownerId: 'g1',
      note: '',
    });
    expect(task).toMatchObject({
      status: 'requested',
      intent: 'order',
      priority: 'stat',
      owner: { reference: 'CareTeam/g1' },
      focus: { reference: 'Appointment/a1' },
    });
    expect(task.description).toBe('Akut fysisk besøg – akut situation under skærmbesøget');
  });
});
