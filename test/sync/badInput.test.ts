import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { eojGatewayOver } from '../../src-main/eoj/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetClock } from '../../src-shared/time/clock';
import type { SyncErrorCode } from '../../src-shared/domain/outbox';
import { careDay } from '../../src-shared/time/copenhagen';
import { testClock } from '../helpers/clock';
import { createFhirClient } from '../../src-shared/fhir/client';
import { createLogger } from '../../src-main/log';
import { createAppEvents } from '../../src-main/events';
import type { VisitStore } from '../../src-main/store/visitStore';
import { createSyncEngine } from '../../src-main/sync/engine';
import { openTestStore, tempDir, testVisits } from '../helpers/store';

/**
 * A hostile "EOJ" on loopback: each test picks how it answers. Real sockets, real client, real
 * store; only the server's behaviour is chosen.
 */
type Behaviour = (res: ServerResponse, req: IncomingMessage) => void;
const json =
  (body: unknown, status = 200): Behaviour =>
  (res) =>
    res.writeHead(status, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body));

describe('bad input from the EOJ: clear error, local data intact, next sync succeeds', () => {
  let server: Server;
  let base: string;
  let behaviour: Behaviour = json({ resourceType: 'Bundle', type: 'searchset', entry: [] });
  let store: VisitStore;
  let cleanup: () => void;
  // The local visits lie two days back: outside every window the engine resyncs (today and
  // tomorrow of its clock, which runs up to 8 h ahead here), so a correct full resync against the
  // empty well-behaved EOJ below keeps them whatever the time of day. (With "today" they were
  // removed before 16:00 Copenhagen time, as a full resync should.)
  const clock = testClock();
  const day = careDay(new Date(clock.nowMs() - 2 * 86_400_000));

  beforeAll(async () => {
    // The CapabilityStatement is sound; what the searches and reads get back is chosen per test.
    server = createServer((req, res) => ((req.url ?? '').startsWith('/fhir/metadata') ? json(CAPABILITIES)(res, req) : behaviour(res, req)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
    const dir = tempDir();
    cleanup = dir.cleanup;
    store = await openTestStore(dir.dir);
    const shifted = testVisits().map((v) => ({
      ...v,
      id: `local-${v.id}`,
      start: new Date(day.start.getTime() + 9 * 3_600_000).toISOString(),
      end: new Date(day.start.getTime() + 9.2 * 3_600_000).toISOString(),
    }));
    store.upsertVisits(shifted);
    store.setVisitStatus({ visitId: shifted[0]?.id ?? '', status: 'completed', actorId: 'p', atMs: clock.nowMs() });
  });
  afterAll(async () => {
    store.close();
    cleanup();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const fingerprint = () =>
    JSON.stringify([store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime() }), store.outbox.list().map((e) => [e.mutationId, e.state])]);

  // Each sync happens an hour after the previous one, so retries that were backed off are due again.
  let hoursLater = 0;
  async function syncWith(b: Behaviour, timeoutMs = 2_000) {
    behaviour = b;
    const offset = ++hoursLater * 3_600_000;
    const engine = createSyncEngine({
      eoj: eojGatewayOver(createFhirClient({ baseUrl: base, token: () => 't', timeoutMs, maxBodyBytes: 4 * 1024 * 1024 })),
      store,
      teamId: 'team-skaermenhed-nord',
      events: createAppEvents(),
      logger: createLogger('silent'),
      clock: offsetClock(offset, clock),
    });
    await engine.syncNow();
    await engine.stop();
    return engine.status();
  }

  const CAPABILITIES = {
    resourceType: 'CapabilityStatement',
    rest: [{ mode: 'server', resource: [{ type: 'Appointment', searchParam: ['date', 'actor', '_lastUpdated'].map((name) => ({ name })) }] }],
  };
  const appointmentRead = { resourceType: 'Appointment', id: 'x', status: 'booked', participant: [{ status: 'accepted', actor: { reference: 'Patient/p' } }] };

  it.each<[string, Behaviour, SyncErrorCode, RegExp | null]>([
    ['a malformed Bundle', json({ resourceType: 'Bundle', type: 'searchset', entry: 'not a list' }), 'malformed', /^entry: skal være liste$/],
    ['a wrong resourceType', json({ ...appointmentRead, resourceType: 'Patient' }), 'malformed', /resourceType/],
    ['missing fields', json({ resourceType: 'Appointment', id: 'x' }), 'malformed', null],
    ['invalid JSON', (res) => res.writeHead(200, { 'content-type': 'application/fhir+json' }).end('{"resourceType": "Bundle",'), 'malformed', null],
    [
      'a 20 MB body',
      (res) => {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        const chunk = 'x'.repeat(1024 * 1024);
        for (let i = 0; i < 20; i++) res.write(chunk);
        res.end();
      },
      'oversized',
      null,
    ],
    [
      'a slow-loris response',
      (res) => {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        res.write('{"resourceType":');
        const t = setInterval(() => res.write(' '), 200);
        res.on('close', () => clearInterval(t));
      },
      'timeout',
      null,
    ],
    ['an HTML error page', (res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>'), 'malformed', null],
  ])('%s', async (_name, b, code, serverText) => {
    const before = fingerprint();
    const status = await syncWith(b);
    expect(['offline', 'error']).toContain(status.state);
    // A code the UI words, never a dump of the validator's issues.
    expect(status.error?.code).toBe(code);
    if (serverText) expect(status.error?.serverText).toMatch(serverText);
    expect(JSON.stringify(status.error)).not.toMatch(/"expected"|invalid_type|\[\{/);
    expect(fingerprint()).toBe(before);
  });

  it('then a well-behaved EOJ syncs again: the kept change is delivered and the status is online', async () => {
    const status = await syncWith((res, req) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const send = (value: unknown, code = 200) => res.writeHead(code, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(value));
        if (req.method === 'GET' && path === '/fhir/Appointment') return send({ resourceType: 'Bundle', type: 'searchset', entry: [] });
        if (req.method === 'GET' && path.startsWith('/fhir/Appointment/'))
          return send({ ...appointmentRead, id: path.split('/').pop(), meta: { versionId: 'v1' } });
        if (req.method === 'PUT') return send({ ...JSON.parse(body), meta: { versionId: 'v2' } });
        if (req.method === 'POST') return send({ ...JSON.parse(body), id: 'enc-1', meta: { versionId: 'e1' } }, 201);
        return send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }, 404);
      });
    });
    expect(status).toMatchObject({ state: 'online', error: null, outbox: { pending: 0, dead: 0, conflict: 0 } });
    expect(store.outbox.list().map((e) => e.state)).toEqual(['done']);
    expect(store.dayQueue({ fromMs: day.start.getTime(), toMs: day.end.getTime() })).toHaveLength(testVisits().length);
  });
});
