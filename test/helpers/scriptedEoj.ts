import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A FHIR server on loopback whose resources and answers a test chooses, to send what real EOJs and
 * gateways send (contained resources, absolute and versioned references, long texts, missing
 * capabilities, refusals worded in details.text, 409/429). Real sockets; it records every request.
 */
export interface ScriptedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}
export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Json = Record<string, unknown>;

export interface ScriptedEoj {
  baseUrl: string;
  requests: ScriptedRequest[];
  /** What an Appointment search returns (one page). */
  appointments: Json[];
  /** Other resources by "Type/id", served to `_id` searches, reads and `_include`. */
  resources: Map<string, Json>;
  /** The CapabilityStatement; null answers /metadata with 404, as some gateways do. */
  capabilities: Json | null;
  /** Answers for writes (and anything else) before the defaults. */
  answer?: (req: ScriptedRequest) => ScriptedAnswer | undefined;
  close(): Promise<void>;
}

/** A CapabilityStatement declaring the Appointment searches and extras asked for. */
export function capabilityStatement(declare: { params?: string[]; include?: boolean }): Json {
  const params = declare.params ?? ['date', 'actor', '_lastUpdated', '_sort', '_id'];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    fhirVersion: '4.0.1',
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'Appointment',
            searchParam: params.map((name) => ({ name, type: 'token' })),
            ...(declare.include ? { searchInclude: ['Appointment:patient', 'Appointment:actor'] } : {}),
          },
        ],
      },
    ],
  };
}

const send = (res: ServerResponse, answer: ScriptedAnswer) =>
  res
    .writeHead(answer.status, { 'content-type': 'application/fhir+json', ...answer.headers })
    .end(answer.body === undefined ? '' : JSON.stringify(answer.body));

export async function startScriptedEoj(): Promise<ScriptedEoj> {
  const self: ScriptedEoj = {
    baseUrl: '',
    requests: [],
    appointments: [],
    resources: new Map(),
    capabilities: capabilityStatement({ include: true }),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const bundle = (resources: Json[], included: Json[] = []) => ({
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [],
    entry: [
      ...resources.map((resource) => ({ resource, search: { mode: 'match' } })),
      ...included.map((resource) => ({ resource, search: { mode: 'include' } })),
    ],
  });
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/fhir/, '');
    const request: ScriptedRequest = { method: req.method ?? 'GET', path, query: url.searchParams, body: raw ? JSON.parse(raw) : undefined };
    self.requests.push(request);
    const custom = self.answer?.(request);
    if (custom) return send(res, custom);
    const [, type, id] = path.split('/');
    if (path === '/metadata') return send(res, self.capabilities ? { status: 200, body: self.capabilities } : { status: 404, body: notFound('metadata') });
    if (request.method === 'GET' && type === 'Appointment' && !id) {
      const included = url.searchParams.getAll('_include').length
        ? [...self.resources.values()].filter((r) => ['Patient', 'Practitioner', 'Location', 'HealthcareService'].includes(r.resourceType as string))
        : [];
      return send(res, { status: 200, body: bundle(self.appointments, included) });
    }
    if (request.method === 'GET' && type && !id) {
      const ids = (url.searchParams.get('_id') ?? '').split(',').filter(Boolean);
      return send(res, { status: 200, body: bundle(ids.map((i) => self.resources.get(`${type}/${i}`)).filter((r): r is Json => r !== undefined)) });
    }
    if (request.method === 'GET' && type && id) {
      const found = type === 'Appointment' ? self.appointments.find((a) => a.id === id) : self.resources.get(`${type}/${id}`);
      return send(
        res,
        found
          ? { status: 200, body: found, headers: { etag: `W/"${(found.meta as { versionId?: string } | undefined)?.versionId ?? '1'}"` } }
          : { status: 404, body: notFound(`${type}/${id}`) },
      );
    }
    if (request.method === 'PUT' && type && id) {
      const versionId = `v${self.requests.length}`;
      const body = { ...(request.body as Json), meta: { versionId, lastUpdated: new Date(0).toISOString() } };
      if (type === 'Appointment') self.appointments = self.appointments.map((a) => (a.id === id ? body : a));
      return send(res, { status: 200, body, headers: { etag: `W/"${versionId}"` } });
    }
    if (request.method === 'POST' && type)
      return send(res, { status: 201, body: { ...(request.body as Json), id: `new-${self.requests.length}`, meta: { versionId: '1' } } });
    return send(res, { status: 404, body: notFound(path) });
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  self.baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/fhir`;
  return self;
}

const notFound = (what: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'not-found', diagnostics: `${what} findes ikke` }],
});
