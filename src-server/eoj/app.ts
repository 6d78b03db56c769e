import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RESOURCE_SCHEMAS, RESOURCE_TYPES, type FhirResource, type ResourceType } from '../../src-shared/fhir/schemas.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { R4_REFERENCE_TARGETS, type Conformance } from './conformance.js';
import { TokenRefused, type AccessIdentity, type AccessTokenVerifier } from './auth.js';
import { createAuditAccess, type AuditAccess } from './auditAccess.js';
import { FaultConfig, type Faults } from './faults.js';
import type { Repository, StoredResource } from './repository.js';
import { createSearchCache, dateRange, encodePageToken, MAX_COUNT, search, SearchError, searchParamsOf } from './search.js';

export interface EojAppOptions {
  repository: Repository;
  tokens: AccessTokenVerifier;
  faults: Faults;
  /** Absolute base of the FHIR endpoint, e.g. http://127.0.0.1:8080/fhir (for fullUrl and paging links). */
  baseUrl: () => string;
  allowFaultInjection: boolean;
  /** The body of /fhir/.well-known/smart-configuration (the IdP's issuer and endpoints). */
  smartConfiguration: () => Record<string, unknown>;
  clock: Clock;
  /** Where conformant servers differ, how this one behaves (src-server/eoj/conformance.ts). */
  conformance: Conformance;
  bodyLimitBytes?: number;
  /** Resolves once the data a search may read is there (the full demo's other days are seeded after start); null: it is. */
  searchable?: (type: ResourceType, params: URLSearchParams) => Promise<void> | null;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An OperationOutcome; its text in `diagnostics`, or in `details.text` as some servers put it. */
function outcomeWith(textIn: Conformance['outcomeText']) {
  return (code: string, text: string) => ({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, ...(textIn === 'details' ? { details: { text } } : { diagnostics: text }) }],
  });
}

/** The references at a dotted path of a resource ("participant.actor" → every participant's actor). */
function referencesAt(value: unknown, path: readonly string[]): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => referencesAt(v, path));
  if (!value || typeof value !== 'object') return [];
  if (path.length === 0) {
    const ref = (value as { reference?: unknown }).reference;
    return typeof ref === 'string' ? [ref] : [];
  }
  return referencesAt((value as Record<string, unknown>)[path[0] as string], path.slice(1));
}

const etag = (versionId: string) => `W/"${versionId}"`;
function parseEtag(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(?:W\/)?"([^"]+)"$/.exec(header.trim());
  if (!match?.[1]) throw new FhirError(400, 'invalid', `Ugyldig If-Match: ${header}`);
  return match[1];
}

function resourceType(raw: string): ResourceType {
  if (!(RESOURCE_TYPES as string[]).includes(raw)) throw new FhirError(404, 'not-supported', `Ressourcetypen ${raw} findes ikke på denne server`);
  return raw as ResourceType;
}

/** Every "Type/id" reference inside a resource. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => references(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

const SMART_CONFIGURATION_PATH = '/fhir/.well-known/smart-configuration';

/** AuditEvents are kept, not changed: created, read and searched only (and only by whom auditAccess.ts says). */
const AUDIT_EVENT_INTERACTIONS = ['read', 'create', 'search-type'];
const Batch = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.literal('batch'),
  entry: z
    .array(
      z.looseObject({
        resource: z.unknown().optional(),
        request: z.looseObject({ method: z.string(), url: z.string(), ifNoneExist: z.string().optional() }),
      }),
    )
    .max(1000)
    .optional(),
});

export function buildEojApp(options: EojAppOptions): FastifyInstance {
  const { repository, tokens, faults, conformance } = options;
  const outcome = outcomeWith(conformance.outcomeText);
  // Creates in flight, for the concurrent-create-409 mode.
  const creating = new Map<ResourceType, number>();
  // The next pages of a search (a report's pull) read from its matches until something is written.
  const searchCache = createSearchCache();
  const app = Fastify({ bodyLimit: options.bodyLimitBytes ?? 1024 * 1024, logger: false, return503OnClosing: true });
  // Who each request is from (set once its token is verified).
  const identities = new WeakMap<FastifyRequest, AccessIdentity>();
  const identityOf = (req: FastifyRequest): AccessIdentity => {
    const identity = identities.get(req);
    if (!identity) throw new FhirError(401, 'login', 'Manglende adgangstoken');
    return identity;
  };
  const auditAccess = createAuditAccess(repository, options.baseUrl);
  // The event ids clients create AuditEvents on (`entity:identifier`), indexed as a server's
  // database would: a conditional create looks one up instead of reading every event.
  let auditIds: Map<string, string> | null = null;
  const auditIdsOf = (r: FhirResource) =>
    r.resourceType === 'AuditEvent'
      ? (r.entity ?? []).flatMap((e) => (e.what?.identifier ? [`${e.what.identifier.system ?? ''}|${e.what.identifier.value ?? ''}`] : []))
      : [];
  const auditIndex = () => {
    if (!auditIds) {
      auditIds = new Map();
      for (const stored of repository.all('AuditEvent')) for (const key of auditIdsOf(stored.resource)) auditIds.set(key, stored.id);
    }
    return auditIds;
  };
  /** The one condition the index answers: `entity:identifier=system|value` alone. */
  const byAuditId = (params: URLSearchParams): StoredResource[] | null => {
    const keys = [...params.keys()];
    const wanted = params.get('entity:identifier');
    if (keys.length !== 1 || wanted === null || !wanted.includes('|')) return null;
    const id = auditIndex().get(wanted);
    const stored = id === undefined ? undefined : repository.get('AuditEvent', id);
    return stored ? [stored] : [];
  };
  const check = (access: AuditAccess) => {
    if (!access.ok) throw new FhirError(403, 'forbidden', access.reason);
  };
  app.addContentTypeParser(['application/fhir+json', 'application/json'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new FhirError(400, 'structure', 'Kroppen er ikke gyldig JSON'), undefined);
    }
  });

  app.setErrorHandler((error: unknown, _req, reply) => {
    if (error instanceof FhirError) return reply.status(error.status).type(FHIR_JSON).send(outcome(error.code, error.message));
    if (error instanceof SearchError) return reply.status(400).type(FHIR_JSON).send(outcome('invalid', error.message));
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) return reply.status(413).type(FHIR_JSON).send(outcome('too-costly', 'Kroppen er for stor'));
    if (status && status >= 400 && status < 500)
      return reply
        .status(status)
        .type(FHIR_JSON)
        .send(outcome('invalid', (error as Error).message));
    return reply.status(500).type(FHIR_JSON).send(outcome('exception', 'Intern fejl i sandkasse-EOJ'));
  });
  // SMART App Launch discovery: where to sign in for this FHIR server (the client needs no issuer setting).
  app.get(SMART_CONFIGURATION_PATH, async () => options.smartConfiguration());
  app.setNotFoundHandler((_req, reply) => reply.status(404).type(FHIR_JSON).send(outcome('not-found', 'Ukendt adresse')));

  // Faults and authentication apply to the FHIR API, not to metadata, sign-in or fault control.
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // The base itself takes batch Bundles.
    if (!(path === '/fhir' || path.startsWith('/fhir/')) || path === '/fhir/metadata' || path === SMART_CONFIGURATION_PATH) return;
    const f = faults.get();
    if (f.down) {
      req.raw.socket.destroy();
      return reply.hijack();
    }
    if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
    if (faults.roll(f.timeoutRate)) {
      // Never answered; the socket is closed after a minute so the server does not leak it.
      setTimeout(() => req.raw.socket.destroy(), 60_000).unref();
      return reply.hijack();
    }
    if (faults.roll(f.errorRate)) return reply.status(503).type(FHIR_JSON).send(outcome('transient', 'Injiceret fejl (sandkasse)'));
    if (faults.roll(f.rateLimitRate))
      return reply.status(429).type(FHIR_JSON).header('Retry-After', '1').send(outcome('throttled', 'For mange forespørgsler: vent et sekund (sandkasse)'));
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
    try {
      if (!token) throw new TokenRefused('Manglende adgangstoken');
      const identity = await tokens.verifyAccess(token);
      identities.set(req, identity);
      // A system client (signalling) reads, and keeps the citizens' paired tablets as Devices; nothing else.
      if (identity.kind === 'system' && req.method !== 'GET' && !/^\/fhir\/Device(\/|\?|$)/.test(req.url))
        return reply.status(403).type(FHIR_JSON).send(outcome('forbidden', 'Systemadgangen må kun læse og registrere tablets'));
    } catch (error) {
      const reason = error instanceof TokenRefused ? error.message : 'Manglende eller ugyldigt adgangstoken';
      return reply.status(401).type(FHIR_JSON).header('WWW-Authenticate', 'Bearer error="invalid_token"').send(outcome('login', reason));
    }
    return undefined;
  });

  const fullUrl = (r: StoredResource) => `${options.baseUrl()}/${r.type}/${r.id}`;
  const sendResource = (reply: FastifyReply, r: StoredResource, status = 200) =>
    reply
      .status(status)
      .type(FHIR_JSON)
      .header('ETag', etag(r.versionId))
      .header('Last-Modified', new Date(r.lastUpdatedMs).toUTCString())
      .header('Location', `${fullUrl(r)}/_history/${r.versionId}`)
      .send(r.resource);

  /** After a committed write, a configured share of responses is lost on the way back. */
  const maybeDropAfterCommit = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (!faults.roll(faults.get().dropAfterCommitRate)) return false;
    req.raw.socket.destroy();
    reply.hijack();
    return true;
  };

  function validate(type: ResourceType, body: unknown, id?: string): FhirResource {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new FhirError(400, 'structure', 'Kroppen skal være en FHIR-ressource (et JSON-objekt)');
    const claimed = (body as { resourceType?: unknown }).resourceType;
    if (claimed !== type) throw new FhirError(400, 'invalid', `resourceType er ${String(claimed)}, men adressen er ${type}`);
    if (id !== undefined && (body as { id?: unknown }).id !== id) throw new FhirError(400, 'invalid', 'id i kroppen skal være det samme som i adressen');
    const parsed = RESOURCE_SCHEMAS[type].safeParse(body);
    if (!parsed.success) throw new FhirError(400, 'invalid', `Ugyldig ${type}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
    for (const ref of references(parsed.data)) {
      const target = parseReference(ref, options.baseUrl());
      if (target?.kind === 'resource' && (RESOURCE_TYPES as string[]).includes(target.type) && !repository.get(target.type, target.id)) {
        throw new FhirError(422, 'processing', `Referencen ${ref} findes ikke`);
      }
    }
    // A validating server refuses reference types R4 does not allow (e.g. CareTeam as an Appointment participant).
    if (conformance.strictReferences) {
      for (const [path, allowed] of Object.entries(R4_REFERENCE_TARGETS[type] ?? {})) {
        for (const ref of referencesAt(parsed.data, path.split('.'))) {
          const target = parseReference(ref, options.baseUrl());
          if (target?.kind === 'resource' && !allowed.includes(target.type)) {
            throw new FhirError(422, 'processing', `${type}.${path} må ikke henvise til ${target.type} i FHIR R4 (tilladt: ${allowed.join(', ')})`);
          }
        }
      }
    }
    return parsed.data as FhirResource;
  }

  app.get('/fhir/metadata', async (_req, reply) =>
    reply.type(FHIR_JSON).send({
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: options.clock.now().toISOString(),
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
      software: { name: 'Skærmrum sandbox EOJ' },
      rest: [
        {
          mode: 'server',
          security: { service: [{ text: 'Bearer token (OpenID Connect, the sandbox IdP)' }] },
          // A batch Bundle of creates (conditional or not) at the base: each entry on its own.
          interaction: [{ code: 'batch' }],
          resource: RESOURCE_TYPES.map((type) => ({
            type,
            versioning: type === 'AuditEvent' ? 'no-version' : 'versioned-update',
            readHistory: type !== 'AuditEvent',
            updateCreate: false,
            conditionalCreate: true,
            conditionalUpdate: false,
            interaction: (type === 'AuditEvent' ? AUDIT_EVENT_INTERACTIONS : ['read', 'vread', 'update', 'create', 'search-type', 'history-type']).map(
              (code) => ({
                code,
              }),
            ),
            searchParam: [
              { name: '_id', type: 'token' },
              { name: '_lastUpdated', type: 'date' },
              { name: '_sort', type: 'special' },
              // R4 gives an AuditEvent no identifier; ours is searched as `entity:identifier`.
              ...(type === 'AuditEvent' ? [] : [{ name: 'identifier', type: 'token' }]),
              ...searchParamsOf(type),
            ],
            ...(type === 'Appointment' && conformance.include
              ? { searchInclude: ['Appointment:patient', 'Appointment:practitioner', 'Appointment:location', 'Appointment:actor'] }
              : {}),
          })),
        },
      ],
    }),
  );

  app.post('/_sandbox/faults', async (req, reply) => {
    if (!options.allowFaultInjection) throw new FhirError(403, 'forbidden', 'Fejlinjektion er slået fra');
    const parsed = FaultConfig.safeParse(req.body);
    if (!parsed.success) throw new FhirError(400, 'invalid', z.prettifyError(parsed.error));
    faults.set(parsed.data);
    return reply.send(parsed.data);
  });

  app.get('/fhir/:type', async (req, reply) => {
    const type = resourceType((req.params as { type: string }).type);
    const params = new URLSearchParams(req.url.split('?')[1] ?? '');
    if (type === 'AuditEvent') check(auditAccess.maySearch(identityOf(req), params));
    await options.searchable?.(type, params);
    // A search of some days reads those days only (the sandbox keeps resources by day too).
    const result = search(
      () => repository.all(type, dateRange(type, params)),
      { type, params, maxCount: conformance.maxCount, include: conformance.include },
      (ref) => {
        const target = parseReference(ref, options.baseUrl());
        return target?.kind === 'resource' ? repository.get(target.type, target.id) : undefined;
      },
      { cache: searchCache, version: repository.writeCount() },
    );
    const self = `${options.baseUrl()}/${type}?${params.toString()}`;
    const link = [{ relation: 'self', url: self }];
    if (result.offset + result.count < result.total && result.count > 0) {
      const next = new URLSearchParams(params);
      next.delete('_page');
      next.delete('_getpagesoffset');
      // Servers page by an opaque cursor or by offset; clients follow the link verbatim either way.
      if (conformance.paging === 'offset') next.set('_getpagesoffset', String(result.offset + result.count));
      else next.set('_page', encodePageToken(result.offset + result.count));
      link.push({ relation: 'next', url: `${options.baseUrl()}/${type}?${next.toString()}` });
    }
    return reply.type(FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'searchset',
      total: result.total,
      link,
      entry: [
        ...result.matches.map((r) => ({ fullUrl: fullUrl(r), resource: r.resource, search: { mode: 'match' } })),
        ...result.included.map((r) => ({ fullUrl: fullUrl(r), resource: r.resource, search: { mode: 'include' } })),
      ],
    });
  });

  app.get('/fhir/:type/_history', async (req, reply) => {
    const type = resourceType((req.params as { type: string }).type);
    if (type === 'AuditEvent') throw new FhirError(405, 'not-supported', 'AuditEvent har ingen historik her');
    const query = req.query as Record<string, string | undefined>;
    const since = query._since === undefined ? 0 : Date.parse(query._since);
    if (Number.isNaN(since)) throw new FhirError(400, 'invalid', `Ugyldig _since: ${query._since}`);
    const count = query._count === undefined ? 100 : Number(query._count);
    if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw new FhirError(400, 'invalid', '_count skal være et heltal fra 1 til 1000');
    const entries = repository.historySince(type, since).slice(0, count);
    return reply.type(FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'history',
      total: entries.length,
      link: [{ relation: 'self', url: `${options.baseUrl()}${req.url.slice('/fhir'.length)}` }],
      entry: entries.map((e) => ({
        fullUrl: fullUrl(e),
        resource: e.resource,
        request: { method: e.method, url: e.method === 'POST' ? type : `${type}/${e.id}` },
      })),
    });
  });

  app.get('/fhir/:type/:id', async (req, reply) => {
    const { type: rawType, id } = req.params as { type: string; id: string };
    const stored = repository.get(resourceType(rawType), id);
    if (!stored) throw new FhirError(404, 'not-found', `${rawType}/${id} findes ikke`);
    if (stored.resource.resourceType === 'AuditEvent') check(auditAccess.mayRead(identityOf(req), stored.resource));
    return sendResource(reply, stored);
  });

  app.get('/fhir/:type/:id/_history/:vid', async (req, reply) => {
    const { type: rawType, id, vid } = req.params as { type: string; id: string; vid: string };
    if (resourceType(rawType) === 'AuditEvent') throw new FhirError(405, 'not-supported', 'AuditEvent har ingen versioner her');
    const resource = repository.version(resourceType(rawType), id, vid);
    if (!resource) throw new FhirError(404, 'not-found', `${rawType}/${id} version ${vid} findes ikke`);
    return reply.type(FHIR_JSON).header('ETag', etag(vid)).send(resource);
  });

  /** A create, conditional on `condition` (If-None-Exist) when given: 201 with the new resource, or 200 with the one that matched. */
  type Created = { status: 200 | 201; stored: StoredResource };
  /** A create's checks: valid, allowed, and (If-None-Exist) the one resource that already matches, if any. */
  function beforeCreate(
    type: ResourceType,
    body: unknown,
    condition: string | undefined,
    identity: AccessIdentity,
  ): { resource: FhirResource; match?: StoredResource } {
    const resource = validate(type, body);
    if (resource.resourceType === 'AuditEvent') check(auditAccess.mayCreate(identity, resource));
    if (typeof condition === 'string') {
      const params = new URLSearchParams(condition.replace(/^.*\?/, ''));
      const indexed = type === 'AuditEvent' ? byAuditId(params) : null;
      const existing = indexed
        ? { total: indexed.length, matches: indexed }
        : search(repository.all(type), { type, params: new URLSearchParams([...params.entries(), ['_count', String(MAX_COUNT)]]) }, () => undefined);
      if (existing.total > 1) throw new FhirError(412, 'duplicate', `If-None-Exist matcher ${existing.total} ressourcer`);
      const [match] = existing.matches;
      if (match) return { resource, match };
    }
    // Contention, as real servers answer it: a configured share of creates.
    if (faults.roll(faults.get().createConflictRate)) throw new FhirError(409, 'conflict', 'Samtidige skrivninger: prøv igen');
    return { resource };
  }
  function commitCreate(type: ResourceType, resource: FhirResource): Created {
    // The server assigns ids: any id in a create is ignored.
    const withoutId: FhirResource & { id?: string } = { ...resource };
    delete withoutId.id;
    const stored = repository.create(type, withoutId);
    for (const key of auditIdsOf(stored.resource)) auditIndex().set(key, stored.id);
    return { status: 201, stored };
  }
  /** A create at once (no conformance mode makes it wait): what a batch does entry by entry in one transaction. */
  function createNow(type: ResourceType, body: unknown, condition: string | undefined, identity: AccessIdentity): Created {
    const { resource, match } = beforeCreate(type, body, condition, identity);
    return match ? { status: 200, stored: match } : commitCreate(type, resource);
  }
  /** A create, conditional on `condition` (If-None-Exist) when given: 201 with the new resource, or 200 with the one that matched. */
  async function createOne(type: ResourceType, body: unknown, condition: string | undefined, identity: AccessIdentity): Promise<Created> {
    if (!conformance.concurrentCreateConflict) return createNow(type, body, condition, identity);
    const { resource, match } = beforeCreate(type, body, condition, identity);
    if (match) return { status: 200, stored: match };
    // concurrent-create-409: every create that overlaps another create of the same type is refused.
    if ((creating.get(type) ?? 0) > 0) throw new FhirError(409, 'conflict', 'could not serialize access due to read/write dependencies among transactions');
    creating.set(type, (creating.get(type) ?? 0) + 1);
    try {
      // A transaction takes a moment on a real server; overlapping creates meet in it.
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      creating.set(type, (creating.get(type) ?? 1) - 1);
    }
    return commitCreate(type, resource);
  }

  app.post('/fhir/:type', async (req, reply) => {
    const type = resourceType((req.params as { type: string }).type);
    const condition = req.headers['if-none-exist'];
    const created = await createOne(type, req.body, typeof condition === 'string' ? condition : undefined, identityOf(req));
    if (created.status === 201 && maybeDropAfterCommit(req, reply)) return reply;
    return sendResource(reply, created.stored, created.status);
  });

  // A batch (R4 §3.1.0.11): each entry processed on its own, answered in order. Creates only here.
  app.post('/fhir', async (req, reply) => {
    const parsed = Batch.safeParse(req.body);
    if (!parsed.success) throw new FhirError(400, 'invalid', `Ugyldig batch: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
    const identity = identityOf(req);
    const requests = parsed.data.entry ?? [];
    const answer = (created: Created) => ({
      fullUrl: fullUrl(created.stored),
      response: {
        status: created.status === 201 ? '201 Created' : '200 OK',
        location: `${fullUrl(created.stored)}/_history/${created.stored.versionId}`,
        etag: etag(created.stored.versionId),
        lastModified: new Date(created.stored.lastUpdatedMs).toISOString(),
      },
    });
    const failed = (error: unknown) => {
      const failure = error instanceof FhirError ? error : new FhirError(500, 'exception', 'Intern fejl i sandkasse-EOJ');
      return { response: { status: String(failure.status), outcome: outcome(failure.code, failure.message) } };
    };
    const typeOf = (entry: (typeof requests)[number]) => {
      if (entry.request.method !== 'POST') throw new FhirError(400, 'not-supported', `${entry.request.method} understøttes ikke i en batch her`);
      return resourceType(entry.request.url.replace(/^\/+/, ''));
    };
    let entries: ({ fullUrl: string; response: Record<string, string> } | { response: { status: string; outcome: unknown } })[];
    if (!conformance.concurrentCreateConflict) {
      // Each entry on its own (one's failure is its answer alone), written in one transaction, as a database would.
      entries = repository.transaction(() =>
        requests.map((entry) => {
          try {
            return answer(createNow(typeOf(entry), entry.resource, entry.request.ifNoneExist, identity));
          } catch (error) {
            return failed(error);
          }
        }),
      );
    } else {
      entries = [];
      for (const entry of requests) {
        try {
          entries.push(answer(await createOne(typeOf(entry), entry.resource, entry.request.ifNoneExist, identity)));
        } catch (error) {
          entries.push(failed(error));
        }
      }
    }
    if (maybeDropAfterCommit(req, reply)) return reply;
    return reply.type(FHIR_JSON).send({ resourceType: 'Bundle', type: 'batch-response', entry: entries });
  });

  app.put('/fhir/:type/:id', async (req, reply) => {
    const { type: rawType, id } = req.params as { type: string; id: string };
    const type = resourceType(rawType);
    if (type === 'AuditEvent') throw new FhirError(405, 'not-supported', 'En AuditEvent kan ikke ændres');
    if (!ID.test(id)) throw new FhirError(400, 'invalid', 'Ugyldigt id');
    const current = repository.get(type, id);
    // Clients may not choose ids: creating through PUT is refused (create with POST).
    if (!current) throw new FhirError(404, 'not-found', `${type}/${id} findes ikke; opret med POST`);
    const resource = validate(type, req.body, id);
    const expected = parseEtag(req.headers['if-match'] as string | undefined);
    // Contention: a configured share of updates is refused as if someone had written just before.
    if (expected !== null && faults.roll(faults.get().updateConflictRate)) {
      throw new FhirError(412, 'conflict', `Versionskonflikt: ${type}/${id} blev ændret samtidig`);
    }
    if (expected !== null && expected !== current.versionId) {
      throw new FhirError(412, 'conflict', `Versionskonflikt: ${type}/${id} er ændret siden version ${expected}`);
    }
    const updated = repository.update(type, id, resource);
    if (maybeDropAfterCommit(req, reply)) return reply;
    return sendResource(reply, updated, 200);
  });

  return app;
}
