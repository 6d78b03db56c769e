import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src-shared/domain/audit';
import { AUDIT_EVENT_ID_SYSTEM } from '../../src-shared/fhir/auditEvent';
import { createFhirClient } from '../../src-shared/fhir/client';
import { capabilitiesOf, UNDECLARED } from '../../src-main/eoj/capabilities';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { startScriptedEoj, type ScriptedEoj } from '../helpers/scriptedEoj';

/**
 * Exactly once on any conformant R4 server, by what its CapabilityStatement declares: conditional
 * create (in batch Bundles where declared), else PUT with the event id as the resource id where
 * clients may choose ids, else a search for the event id before each create. Each against a
 * scripted loopback server that keeps what it is sent; every event sent twice lands once.
 */
type Json = Record<string, unknown>;
const statement = (audit: Json, rest: Json = {}) =>
  capabilitiesOf({ resourceType: 'CapabilityStatement', rest: [{ mode: 'server', ...rest, resource: [{ type: 'AuditEvent', ...audit }] }] });
const record = (i: number): AuditRecord & { seq: number } => ({
  seq: i + 1,
  eventId: randomUUID(),
  at: `2026-12-02T10:0${i}:00.000Z`,
  actorId: 'practitioner-2',
  actorRole: 'staff',
  roomId: 'room-1',
  action: 'citizen.cpr_revealed',
  subject: { type: 'Patient', id: `patient-${i}` },
  patientId: `patient-${i}`,
});
const idOf = (e: Json) =>
  (e.entity as { what?: { identifier?: { system?: string; value?: string } } }[]).find((x) => x.what?.identifier?.system === AUDIT_EVENT_ID_SYSTEM)?.what
    ?.identifier?.value ?? '';

describe('the way to write an AuditEvent exactly once, as the server declares it', () => {
  it('reads the way from the CapabilityStatement', () => {
    expect(
      statement(
        { interaction: [{ code: 'create' }], conditionalCreate: true, searchParam: [{ name: 'entity' }, { name: 'date' }, { name: '_sort' }] },
        { interaction: [{ code: 'batch' }] },
      ).audit,
    ).toEqual({
      write: 'conditional-create',
      batch: true,
      searchBy: 'entity',
      sortByDate: true,
    });
    expect(statement({ interaction: [{ code: 'create' }, { code: 'update' }], updateCreate: true, searchParam: [{ name: 'patient' }] }).audit).toEqual({
      write: 'put',
      batch: false,
      searchBy: 'patient',
      sortByDate: false,
    });
    expect(statement({ interaction: [{ code: 'create' }, { code: 'search-type' }], searchParam: [{ name: 'entity' }] }).audit.write).toBe('search-then-create');
    expect(statement({}).audit.searchBy).toBeNull();
    expect(UNDECLARED.audit).toEqual({ write: 'conditional-create', batch: false, searchBy: 'entity', sortByDate: false });
  });
});

describe('writing AuditEvents to servers that differ (scripted loopback servers)', () => {
  let eoj: ScriptedEoj;
  const kept = new Map<string, Json>();
  beforeEach(async () => {
    eoj = await startScriptedEoj();
    kept.clear();
  });
  afterEach(() => eoj.close());
  const gateway = () => eojGatewayOver(createFhirClient({ baseUrl: eoj.baseUrl, token: () => 'token', timeoutMs: 3_000 }));

  it('PUT with the event id as the resource id, read first, where clients may choose ids', async () => {
    eoj.capabilities = {
      resourceType: 'CapabilityStatement',
      rest: [{ mode: 'server', resource: [{ type: 'AuditEvent', interaction: [{ code: 'read' }, { code: 'update' }], updateCreate: true }] }],
    };
    eoj.answer = (req) => {
      const [, type, id] = req.path.split('/');
      if (type !== 'AuditEvent' || !id) return undefined;
      if (req.method === 'GET')
        return kept.has(id)
          ? { status: 200, body: kept.get(id) }
          : { status: 404, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] } };
      if (req.method === 'PUT') {
        kept.set(id, req.body as Json);
        return { status: 201, body: req.body };
      }
      return undefined;
    };
    const records = [0, 1, 2].map(record);
    for (let round = 0; round < 2; round++) expect((await gateway().sendAudit(records, 'pc')).every((r) => r.ok)).toBe(true);
    expect([...kept.keys()].sort()).toEqual(records.map((r) => r.eventId).sort());
    expect(eoj.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
    expect([...kept.values()].every((e) => e.resourceType === 'AuditEvent' && idOf(e) === e.id)).toBe(true);
  });

  it('a search for the event id before each create, where neither is declared', async () => {
    eoj.capabilities = {
      resourceType: 'CapabilityStatement',
      rest: [
        { mode: 'server', resource: [{ type: 'AuditEvent', interaction: [{ code: 'create' }, { code: 'search-type' }], searchParam: [{ name: 'entity' }] }] },
      ],
    };
    eoj.answer = (req) => {
      if (req.path !== '/AuditEvent') return undefined;
      if (req.method === 'GET') {
        const wanted = (req.query.get('entity:identifier') ?? '').split('|')[1];
        const found = [...kept.values()].filter((e) => idOf(e) === wanted);
        return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: found.length, entry: found.map((resource) => ({ resource })) } };
      }
      if (req.method === 'POST') {
        const id = `ae-${kept.size + 1}`;
        kept.set(id, { ...(req.body as Json), id });
        return { status: 201, body: kept.get(id) };
      }
      return undefined;
    };
    const records = [0, 1, 2, 3].map(record);
    for (let round = 0; round < 2; round++) expect((await gateway().sendAudit(records, 'pc')).every((r) => r.ok)).toBe(true);
    expect([...kept.values()].map(idOf).sort()).toEqual(records.map((r) => r.eventId).sort());
    expect(eoj.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
  });

  it('a server that refuses a whole batch for one bad entry: each alone, and only that one is refused', async () => {
    eoj.capabilities = {
      resourceType: 'CapabilityStatement',
      rest: [
        { mode: 'server', interaction: [{ code: 'batch' }], resource: [{ type: 'AuditEvent', interaction: [{ code: 'create' }], conditionalCreate: true }] },
      ],
    };
    const records = [0, 1, 2, 3, 4].map(record);
    const bad = records[2]?.eventId as string;
    const outcome = (text: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', details: { text } }] });
    eoj.answer = (req) => {
      if (req.method === 'POST' && req.path === '') return { status: 400, body: outcome('Bundle indeholder en ugyldig hændelse') };
      if (req.method === 'POST' && req.path === '/AuditEvent') {
        const body = req.body as Json;
        if (idOf(body) === bad) return { status: 422, body: outcome('Hændelsen kan ikke gemmes') };
        kept.set(idOf(body), body);
        return { status: 201, body: { ...body, id: `ae-${kept.size}` } };
      }
      return undefined;
    };
    const results = await gateway().sendAudit(records, 'pc');
    expect(results.map((r) => [r.seq, r.ok]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(records.map((r) => [r.seq, r.eventId !== bad]));
    const refused = results.find((r) => !r.ok);
    expect(refused && !refused.ok && [refused.error.status, refused.error.serverText, refused.error.transient]).toEqual([
      422,
      'Hændelsen kan ikke gemmes',
      false,
    ]);
    expect(kept.size).toBe(4);
  });
});
