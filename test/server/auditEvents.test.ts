import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction, AuditRecord } from '../../src-shared/domain/audit';
import { demoDay } from '../../src-shared/demo/demoDay';
import { auditEventFor, auditIfNoneExist } from '../../src-shared/fhir/auditEvent';
import { eojToken } from '../helpers/idp';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

/**
 * The sandbox EOJ keeps AuditEvents as an EOJ keeps its audit trail: created once (If-None-Exist,
 * alone or in a batch), never changed, searched by citizen, agent and date, newest first and a page
 * at a time, and only by a team lead or leader about citizens of their own team.
 */
// FHIR JSON in tests is inspected field by field; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('AuditEvents in the sandbox EOJ', () => {
  let eoj: TestSandbox;
  let lead: string;
  let otherLead: string;
  let leader: string;
  const day = () => demoDay(eoj.clock.now());
  const citizen = () => day().visits[0]?.citizen.id as string;

  beforeAll(async () => {
    eoj = await startTestSandbox();
    [lead, otherLead, leader] = await Promise.all([eojToken(eoj.baseUrl, 'mette'), eojToken(eoj.baseUrl, 'birk'), eojToken(eoj.baseUrl, 'lone')]);
  });
  afterAll(() => eoj.cleanup());

  const event = (action: AuditAction, over: Partial<AuditRecord> = {}) =>
    auditEventFor(
      {
        eventId: randomUUID(),
        at: eoj.clock.now().toISOString(),
        actorId: 'practitioner-2',
        actorRole: 'staff',
        roomId: 'room-1',
        action,
        subject: { type: 'Patient', id: citizen() },
        patientId: citizen(),
        ...over,
      },
      'TEST-PC',
    );
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const create = (body: unknown, eventId: string, headers: Record<string, string> = {}) =>
    eoj.fhir('/AuditEvent', { method: 'POST', json: body, headers: { 'if-none-exist': auditIfNoneExist(eventId), ...headers } });
  const search = async (token: string, query: string) => {
    const res = await fetch(`${eoj.baseUrl}/AuditEvent?${query}`, { headers: as(token) });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('declares what it does with AuditEvents: create (conditional), read, search; and batch', async () => {
    const statement = (await (await fetch(`${eoj.baseUrl}/metadata`)).json()) as Json;
    const rest = statement.rest[0];
    expect(rest.interaction).toEqual([{ code: 'batch' }]);
    const audit = rest.resource.find((r: Json) => r.type === 'AuditEvent');
    expect(audit).toMatchObject({ conditionalCreate: true, updateCreate: false });
    expect(audit.interaction.map((i: Json) => i.code).sort()).toEqual(['create', 'read', 'search-type']);
    expect(audit.searchParam.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['entity', 'patient', 'agent', 'date', '_sort']));
    expect(audit.searchParam.map((p: Json) => p.name)).not.toContain('identifier');
  });

  it('a staff member creates their own event once: a second conditional create finds it', async () => {
    const e = event('citizen.cpr_revealed');
    const id = e.entity?.[0]?.what?.identifier?.value as string;
    const first = await create(e, id);
    expect(first.status).toBe(201);
    const second = await create(e, id);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const found = await search(lead, `entity=Patient/${citizen()}&entity:identifier=urn:skaermrum:audit-event-id|${id}`);
    expect(found.body.total).toBe(1);
  });

  it("refuses an event of someone else, our services' system access, and any change of one", async () => {
    const theirs = event('visit.moved', { actorId: 'practitioner-3' });
    const refused = await create(theirs, randomUUID());
    expect(refused.status).toBe(403);
    expect(refused.body.issue[0].diagnostics).toBe('Du kan kun registrere dine egne hændelser');
    const mine = await create(event('visit.moved'), randomUUID());
    const put = await eoj.fhir(`/AuditEvent/${mine.body.id}`, {
      method: 'PUT',
      json: { ...mine.body },
      headers: { 'if-match': `W/"${mine.body.meta.versionId}"` },
    });
    expect(put.status).toBe(405);
    expect((await eoj.fhir('/AuditEvent/_history')).status).toBe(405);
  });

  it('only a team lead or leader reads the trail, only about their own team’s citizens, and only naming the citizen', async () => {
    const created = await create(event('citizen.cpr_revealed'), randomUUID());
    expect((await search(eoj.token, `entity=Patient/${citizen()}`)).status).toBe(403);
    expect((await search(lead, `entity=Patient/${citizen()}`)).status).toBe(200);
    expect((await search(leader, `patient=Patient/${citizen()}`)).status).toBe(200);
    const other = await search(otherLead, `entity=Patient/${citizen()}`);
    expect([other.status, other.body.issue[0].diagnostics]).toEqual([403, 'Borgeren hører ikke til dit team']);
    expect((await search(lead, 'agent=Practitioner/practitioner-2')).status).toBe(403);
    const read = (token: string) => fetch(`${eoj.baseUrl}/AuditEvent/${created.body.id}`, { headers: as(token) }).then((r) => r.status);
    expect([await read(lead), await read(eoj.token), await read(otherLead)]).toEqual([200, 403, 403]);
  });

  it('searches by entity, agent and date, newest first, a page at a time', async () => {
    const patient = day().visits[1]?.citizen.id as string;
    const base = eoj.clock.nowMs() + 3_600_000;
    const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
    for (const [minutes, action] of [
      [0, 'citizen.cpr_revealed'],
      [5, 'visit.moved'],
      [10, 'visit.outcome_recorded'],
      [15, 'call.recorded'],
    ] as const) {
      const e = event(action, { at: at(minutes), subject: { type: 'Patient', id: patient }, patientId: patient });
      expect((await create(e, e.entity?.[0]?.what?.identifier?.value as string)).status).toBe(201);
    }
    const codes = (b: Json) => b.entry.map((x: Json) => x.resource.subtype.at(-1).code);
    const newest = await search(lead, `entity=Patient/${patient}&_sort=-date&_count=3`);
    expect(codes(newest.body)).toEqual(['call.recorded', 'visit.outcome_recorded', 'visit.moved']);
    const next = newest.body.link.find((l: Json) => l.relation === 'next').url;
    const rest = (await (await fetch(next, { headers: as(lead) })).json()) as Json;
    expect(codes(rest)).toEqual(['citizen.cpr_revealed']);
    const window = await search(lead, `entity=Patient/${patient}&date=ge${encodeURIComponent(at(4))}&date=le${encodeURIComponent(at(10))}&_sort=date`);
    expect(codes(window.body)).toEqual(['visit.moved', 'visit.outcome_recorded']);
    const byAgent = await search(lead, `entity=Patient/${patient}&agent=Practitioner/practitioner-2&_sort=-date`);
    expect(byAgent.body.total).toBe(4);
    expect((await search(lead, `entity=Patient/${patient}&agent=Practitioner/practitioner-5`)).body.total).toBe(0);
  });

  it('a batch of conditional creates answers each entry on its own, in order', async () => {
    const good = event('citizen.cpr_revealed');
    const bad = event('citizen.cpr_revealed', { subject: { type: 'Patient', id: 'findes-ikke' }, patientId: 'findes-ikke' });
    const idOf = (e: Json) => e.entity[0].what.identifier.value as string;
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [good, bad, good].map((e) => ({ resource: e, request: { method: 'POST', url: 'AuditEvent', ifNoneExist: auditIfNoneExist(idOf(e)) } })),
    };
    const res = await fetch(eoj.baseUrl, {
      method: 'POST',
      headers: { ...as(eoj.token), 'content-type': 'application/fhir+json' },
      body: JSON.stringify(bundle),
    });
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(body.type).toBe('batch-response');
    expect(body.entry.map((e: Json) => e.response.status)).toEqual(['201 Created', '422', '200 OK']);
    expect(body.entry[1].response.outcome.issue[0].diagnostics).toContain('Patient/findes-ikke');
  });
});
