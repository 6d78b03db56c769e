import { pastThisMillisecond } from '../helpers/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_ID_SYSTEM } from '../../src-shared/fhir/schemas';
import { careDay } from '../../src-shared/time/copenhagen';
import { demoAt, demoVisitId } from '../helpers/demo';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

const TEAM = 'HealthcareService/team-skaermenhed-nord';

let eoj: TestSandbox;
const visitId = (slot: string) => demoVisitId(eoj.clock, slot);

function encounter(identifier: string, appointment = `Appointment/${visitId('room-1-01')}`) {
  return {
    resourceType: 'Encounter',
    identifier: [{ system: MUTATION_ID_SYSTEM, value: identifier }],
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
    subject: { reference: 'Patient/patient-001' },
    appointment: [{ reference: appointment }],
  };
}

describe('sandbox EOJ conformance (FHIR R4 subset, real HTTP on loopback)', () => {
  beforeAll(async () => {
    eoj = await startTestSandbox();
  });
  afterAll(() => eoj.cleanup());

  it('publishes a CapabilityStatement without sign-in, declaring history and conditional create', async () => {
    const res = await fetch(`${eoj.baseUrl}/metadata`);
    const body = (await res.json()) as {
      resourceType: string;
      fhirVersion: string;
      rest: { resource: { type: string; interaction: { code: string }[]; conditionalCreate: boolean }[] }[];
    };
    expect(body.resourceType).toBe('CapabilityStatement');
    expect(body.fhirVersion).toBe('4.0.1');
    const appointment = body.rest[0]?.resource.find((r) => r.type === 'Appointment');
    expect(appointment?.interaction.map((i) => i.code)).toContain('history-type');
    expect(appointment?.conditionalCreate).toBe(true);
  });

  it('refuses the API without a valid bearer token, with an OperationOutcome', async () => {
    const res = await fetch(`${eoj.baseUrl}/Appointment`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    const forged = await fetch(`${eoj.baseUrl}/Appointment`, { headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' } });
    expect(forged.status).toBe(401);
  });

  it('searches the day by date range and team, and pages with next links followed verbatim', async () => {
    // Today's care day (the sandbox also holds tomorrow's, for the night shift).
    const day = careDay(eoj.clock.now());
    const from = day.start.toISOString();
    const to = day.end.toISOString();
    const expected = demoAt(eoj.clock).visits;
    let url: string | undefined =
      `/Appointment?date=ge${encodeURIComponent(from)}&date=lt${encodeURIComponent(to)}&actor=${TEAM}&_count=50&_include=Appointment:patient`;
    const ids: string[] = [];
    const pageSizes: number[] = [];
    let includedPatients = 0;
    while (url) {
      const { status, body } = await eoj.fhir(url);
      expect(status).toBe(200);
      expect(body.type).toBe('searchset');
      expect(body.total).toBe(expected.length);
      const matches = body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match');
      includedPatients += body.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient').length;
      pageSizes.push(matches.length);
      ids.push(...matches.map((e: { resource: { id: string } }) => e.resource.id));
      url = body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
    }
    expect(pageSizes).toEqual([50, 50, expected.length - 100]);
    expect(new Set(ids)).toEqual(new Set(expected.map((v) => v.id)));
    expect(includedPatients).toBeGreaterThan(0);
    const byRoom = await eoj.fhir(
      `/Appointment?location=room-1&date=ge${encodeURIComponent(from)}&date=lt${encodeURIComponent(to)}&status=booked,fulfilled,noshow,arrived&_count=100`,
    );
    expect(byRoom.body.total).toBe(expected.filter((v) => v.room?.id === 'room-1').length);
  });

  it('versions updates with opaque versionIds and ETags, and answers a stale If-Match with 412', async () => {
    const read = await eoj.fhir(`/Appointment/${visitId('room-2-05')}`);
    expect(read.status).toBe(200);
    const v1 = read.body.meta.versionId as string;
    expect(read.headers.get('etag')).toBe(`W/"${v1}"`);
    const updated = await eoj.fhir(`/Appointment/${visitId('room-2-05')}`, {
      method: 'PUT',
      headers: { 'if-match': `W/"${v1}"` },
      json: { ...read.body, status: 'arrived' },
    });
    expect(updated.status).toBe(200);
    const v2 = updated.body.meta.versionId as string;
    expect(v2).not.toBe(v1);
    expect(Number.isNaN(Number(v2))).toBe(true); // opaque, not a counter
    expect(Date.parse(updated.body.meta.lastUpdated)).toBeGreaterThanOrEqual(Date.parse(read.body.meta.lastUpdated));
    const stale = await eoj.fhir(`/Appointment/${visitId('room-2-05')}`, {
      method: 'PUT',
      headers: { 'if-match': `W/"${v1}"` },
      json: { ...read.body, status: 'noshow' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
    expect((await eoj.fhir(`/Appointment/${visitId('room-2-05')}`)).body.status).toBe('arrived');
    const old = await eoj.fhir(`/Appointment/${visitId('room-2-05')}/_history/${v1}`);
    expect(old.body.status).toBe(read.body.status);
  });

  it('refuses creating through PUT (clients do not choose ids)', async () => {
    const res = await eoj.fhir('/Encounter/my-own-id', { method: 'PUT', json: { ...encounter('x'), id: 'my-own-id' } });
    expect(res.status).toBe(404);
  });

  it('conditional create: 0 matches → 201, 1 match → 200 with the same resource, several → 412', async () => {
    const key = `identifier=${MUTATION_ID_SYSTEM}|${crypto.randomUUID()}`;
    const first = await eoj.fhir('/Encounter', { method: 'POST', headers: { 'if-none-exist': key }, json: encounter(key.split('|')[1] as string) });
    expect(first.status).toBe(201);
    const again = await eoj.fhir('/Encounter', { method: 'POST', headers: { 'if-none-exist': key }, json: encounter(key.split('|')[1] as string) });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const dup = crypto.randomUUID();
    await eoj.fhir('/Encounter', { method: 'POST', json: encounter(dup) });
    await eoj.fhir('/Encounter', { method: 'POST', json: encounter(dup) });
    const many = await eoj.fhir('/Encounter', {
      method: 'POST',
      headers: { 'if-none-exist': `identifier=${MUTATION_ID_SYSTEM}|${dup}` },
      json: encounter(dup),
    });
    expect(many.status).toBe(412);
  });

  it('finds changes with _lastUpdated=gt and with type-level _history?_since', async () => {
    const before = (await eoj.fhir(`/Appointment/${visitId('room-3-07')}`)).body;
    const cursor = new Date(Date.parse(before.meta.lastUpdated)).toISOString();
    await pastThisMillisecond(eoj.clock);
    const since = eoj.clock.now().toISOString();
    // The update is stamped after `since` (gt), not in the same millisecond.
    await pastThisMillisecond(eoj.clock);
    await eoj.fhir(`/Appointment/${visitId('room-3-07')}`, {
      method: 'PUT',
      headers: { 'if-match': `W/"${before.meta.versionId}"` },
      json: { ...before, comment: 'Pårørende deltager' },
    });
    const changed = await eoj.fhir(`/Appointment?_lastUpdated=gt${encodeURIComponent(since)}&_sort=_lastUpdated`);
    expect(changed.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([visitId('room-3-07')]);
    const history = await eoj.fhir(`/Appointment/_history?_since=${encodeURIComponent(since)}`);
    expect(history.body.type).toBe('history');
    expect(history.body.entry.map((e: { resource: { comment?: string } }) => e.resource.comment)).toEqual(['Pårørende deltager']);
    expect((await eoj.fhir(`/Appointment?_lastUpdated=gt${encodeURIComponent(cursor)}&_count=0`)).body.total).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['wrong resourceType for the address', '/Encounter', () => ({ ...encounter('a'), resourceType: 'Appointment' }), 400],
    ['missing required field', '/Encounter', () => ({ resourceType: 'Encounter', status: 'finished' }), 400],
    ['invalid value', '/Encounter', () => ({ ...encounter('b'), status: 'done' }), 400],
    ['reference to nothing', '/Encounter', () => ({ ...encounter('c'), subject: { reference: 'Patient/nobody' } }), 422],
    ['unknown resource type', '/Observation', () => ({ resourceType: 'Observation' }), 404],
  ])('rejects %s with an OperationOutcome', async (_name, path, body, status) => {
    const res = await eoj.fhir(path, { method: 'POST', json: body() });
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics.length).toBeGreaterThan(5);
  });

  it('rejects invalid JSON, oversized bodies and unknown search parameters', async () => {
    const bad = await fetch(`${eoj.baseUrl}/Encounter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${eoj.token}`, 'content-type': 'application/fhir+json' },
      body: '{"resourceType": "Encounter",',
    });
    expect(bad.status).toBe(400);
    const big = await fetch(`${eoj.baseUrl}/Encounter`, {
      method: 'POST',
      headers: { authorization: `Bearer ${eoj.token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ ...encounter('big'), text: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect((await eoj.fhir('/Appointment?colour=red')).status).toBe(400);
    expect((await eoj.fhir('/Appointment?_page=garbage')).status).toBe(400);
  });

  it('keeps its data across a restart', async () => {
    const before = (await eoj.fhir(`/Appointment/${visitId('room-1-10')}`)).body;
    const put = await eoj.fhir(`/Appointment/${visitId('room-1-10')}`, { method: 'PUT', json: { ...before, comment: 'Efter genstart' } });
    eoj = await eoj.restart();
    const after = (await eoj.fhir(`/Appointment/${visitId('room-1-10')}`)).body;
    expect(after.comment).toBe('Efter genstart');
    expect(after.meta.versionId).toBe(put.body.meta.versionId);
  });

  it('injects faults: 5xx, down, and a response lost after the commit', async () => {
    await eoj.faults({ errorRate: 1 });
    expect((await eoj.fhir('/Appointment?_count=1')).status).toBe(503);
    await eoj.faults({ down: true });
    await expect(eoj.fhir('/Appointment?_count=1')).rejects.toThrow();
    const id = crypto.randomUUID();
    await eoj.faults({ dropAfterCommitRate: 1 });
    await expect(eoj.fhir('/Encounter', { method: 'POST', json: encounter(id) })).rejects.toThrow();
    await eoj.faults({});
    const found = await eoj.fhir(`/Encounter?identifier=${MUTATION_ID_SYSTEM}|${id}`);
    expect(found.body.total).toBe(1);
  });
});
