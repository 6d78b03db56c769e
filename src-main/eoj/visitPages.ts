import type { UnrecognisedShapes, Visit } from '../../src-shared/domain/visit.js';
import type { ResourceProblem } from '../../src-shared/domain/outbox.js';
import { appointmentToVisit, type CitizenRelations, type Named } from '../../src-shared/fhir/mapping.js';
import { firstProblem } from '../../src-shared/fhir/problems.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import { Appointment, Consent, PractitionerRole, RelatedPerson, RESOURCE_SCHEMAS, type Bundle, type ResourceType } from '../../src-shared/fhir/schemas.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';
import type { EojCapabilities } from './capabilities.js';
import type { TeamLink } from './teamLink.js';

/**
 * The team's Appointments of a window, read by search alone (any conformant server), as pages of
 * visits. Referenced resources come along with `_include` where the server declares it, otherwise
 * they are read in batches (`Type?_id=a,b,c`), never one GET each; a PractitionerRole's own
 * practitioner and room are read the same way. Each resource is parsed on its own: a bad one
 * becomes a problem and the rest of the page lands.
 */
const PAGE_SIZE = 100;
const MAX_PAGES = 200;
/** Ids per batched read: short enough for any server's URL limit. */
const BATCH_IDS = 40;
/** What an Appointment refers to that the visit shows. */
const REFERENCED: readonly string[] = ['Patient', 'Practitioner', 'PractitionerRole', 'Location', 'HealthcareService'];

export interface VisitPage {
  visits: Visit[];
  /** Cancelled or entered in error: they leave the queue. */
  removedIds: string[];
  problems: { resource: string; problem: ResourceProblem }[];
  /** Resources that read well this page (their old problems are cleared). */
  readResources: string[];
  /** The newest lastUpdated of the page's Appointments (readable or not). */
  maxUpdatedMs: number;
  /** What each visit carried that Skærmrum does not understand (kept in the EOJ, counted on screen). */
  unrecognised: { visitId: string; shapes: UnrecognisedShapes }[];
}

export interface VisitPagesRequest {
  teamId: string;
  teamLink: TeamLink;
  capabilities: EojCapabilities;
  window: { fromMs: number; toMs: number };
  /** Only what changed after this instant (an incremental pull); null reads the whole window. */
  changedAfterMs: number | null;
  /** Only these Appointments (still the team's and in the window), read in batches by `_id`. */
  onlyIds?: readonly string[];
  /** Now, for identifiers and names whose period has ended. */
  now: Date;
}

type Cache = Map<string, Named>;
/** Per citizen ("Patient" id): their relatives and consents, once read. */
type Relations = Map<string, CitizenRelations>;

export async function* visitPages(client: FhirClient, request: VisitPagesRequest): AsyncGenerator<VisitPage> {
  const { capabilities, window } = request;
  const params = new URLSearchParams();
  for (const [name, value] of await request.teamLink.searchParams(request.changedAfterMs === null)) params.append(name, value);
  params.append('date', `ge${new Date(window.fromMs).toISOString()}`);
  params.append('date', `lt${new Date(window.toMs).toISOString()}`);
  if (request.changedAfterMs !== null && !request.onlyIds) params.append('_lastUpdated', `gt${new Date(request.changedAfterMs).toISOString()}`);
  if (capabilities.sortByLastUpdated) params.append('_sort', '_lastUpdated');
  params.append('_count', String(PAGE_SIZE));
  if (capabilities.include.patient) params.append('_include', 'Appointment:patient');
  if (capabilities.include.actor) params.append('_include', 'Appointment:actor');
  // One cache for the whole pull: a staff member's role, room and name, a citizen's relatives, are read once.
  const cache: Cache = new Map();
  const relations: Relations | null = capabilities.relativesSearch ? new Map() : null;
  const searches: string[] = [];
  if (!request.onlyIds) searches.push(`Appointment?${params.toString()}`);
  else
    for (let i = 0; i < request.onlyIds.length; i += BATCH_IDS)
      searches.push(
        `Appointment?${params.toString()}&_id=${request.onlyIds
          .slice(i, i + BATCH_IDS)
          .map(encodeURIComponent)
          .join(',')}`,
      );
  for (const search of searches) {
    let url: string | undefined = search;
    for (let pages = 1; url; pages++) {
      if (pages > MAX_PAGES) throw new Error(`EOJ returnerede over ${MAX_PAGES} sider; synkronisering stoppet`);
      const { body } = await client.searchPage(url);
      yield await pageOf(client, body, cache, relations, request);
      url = body.link?.find((l) => l.relation === 'next')?.url;
    }
  }
}

/** Reads what the server did not send along, a batch per type. */
async function readMissing(client: FhirClient, refs: Iterable<string>, cache: Cache, problems: Map<string, ResourceProblem>): Promise<void> {
  const byType = new Map<string, Set<string>>();
  for (const key of refs) {
    const [type, id] = key.split('/') as [string, string];
    if (!cache.has(key) && !problems.has(key)) (byType.get(type) ?? byType.set(type, new Set()).get(type))?.add(id);
  }
  for (const [type, ids] of byType) {
    const all = [...ids];
    for (let i = 0; i < all.length; i += BATCH_IDS) {
      const chunk = all.slice(i, i + BATCH_IDS);
      let url: string | undefined = `${type}?_id=${chunk.map(encodeURIComponent).join(',')}&_count=${chunk.length}`;
      for (let pages = 0; url && pages < 10; pages++) {
        const { body } = await client.searchPage(url);
        addResources(body, cache, problems, client.baseUrl);
        url = body.link?.find((l) => l.relation === 'next')?.url;
      }
    }
  }
}

/** Referenced resources of a bundle (included ones, or read in batches), each checked on its own. */
function addResources(bundle: Bundle, cache: Cache, problems: Map<string, ResourceProblem>, baseUrl: string): void {
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource as { resourceType?: unknown; id?: unknown } | undefined;
    if (!r || typeof r.resourceType !== 'string' || r.resourceType === 'Appointment' || typeof r.id !== 'string') continue;
    const key = `${r.resourceType}/${r.id}`;
    const schema = (RESOURCE_SCHEMAS as Record<string, (typeof RESOURCE_SCHEMAS)[ResourceType] | undefined>)[r.resourceType];
    const parsed = schema?.safeParse(r);
    if (parsed && !parsed.success) {
      problems.set(key, firstProblem(parsed.error));
      continue;
    }
    cache.set(key, (parsed?.data ?? r) as Named);
    problems.delete(key);
    // Some servers refer by absolute URL; the entry's fullUrl names the same resource.
    if (entry.fullUrl) {
      const ref = parseReference(entry.fullUrl, baseUrl);
      if (ref?.kind === 'resource' && `${ref.type}/${ref.id}` !== key) cache.set(`${ref.type}/${ref.id}`, cache.get(key) as Named);
    }
  }
}

/** A staff member booked through a PractitionerRole: the role's person and room are read too. */
function roleReferences(cache: Cache, roleKeys: Iterable<string>, baseUrl: string): Set<string> {
  const wanted = new Set<string>();
  for (const key of roleKeys) {
    const role = PractitionerRole.safeParse(cache.get(key));
    if (!role.success) continue;
    for (const ref of [role.data.practitioner, ...(role.data.location ?? [])]) {
      const parsed = parseReference(ref?.reference, baseUrl);
      if (parsed?.kind === 'resource' && (parsed.type === 'Practitioner' || parsed.type === 'Location')) wanted.add(`${parsed.type}/${parsed.id}`);
    }
  }
  return wanted;
}

/**
 * The relatives (RelatedPerson) and their consents (Consent) of citizens not read yet in this pull,
 * a batch of citizens a search; each resource checked on its own.
 */
async function readRelations(
  client: FhirClient,
  patientIds: string[],
  relations: Relations,
  cache: Cache,
  problems: Map<string, ResourceProblem>,
): Promise<void> {
  const wanted = patientIds.filter((id) => !relations.has(id));
  for (let i = 0; i < wanted.length; i += BATCH_IDS) {
    const chunk = wanted.slice(i, i + BATCH_IDS);
    for (const id of chunk) relations.set(id, { relatedPersons: [], consents: [] });
    const patients = chunk.map((id) => encodeURIComponent(`Patient/${id}`)).join(',');
    const searches = [
      { url: `RelatedPerson?patient=${patients}&_count=200`, schema: RelatedPerson },
      { url: `Consent?patient=${patients}&status=active&_count=200`, schema: Consent },
    ] as const;
    for (const search of searches) {
      let url: string | undefined = search.url;
      for (let pages = 0; url && pages < 10; pages++) {
        const { body } = await client.searchPage(url);
        for (const entry of body.entry ?? []) {
          const r = entry.resource as { resourceType?: unknown; id?: unknown } | undefined;
          if (r?.resourceType !== search.schema.shape.resourceType.value || entry.search?.mode === 'include') continue;
          const key = `${r.resourceType}/${typeof r.id === 'string' ? r.id : '(uden id)'}`;
          const parsed = search.schema.safeParse(r);
          if (!parsed.success) {
            problems.set(key, firstProblem(parsed.error));
            continue;
          }
          // Read well: kept like any referenced resource (its old problem, if any, is cleared).
          cache.set(key, parsed.data as Named);
          problems.delete(key);
          const ref = parseReference(parsed.data.patient?.reference, client.baseUrl);
          const of = ref?.kind === 'resource' && ref.type === 'Patient' ? relations.get(ref.id) : undefined;
          if (parsed.data.resourceType === 'RelatedPerson') of?.relatedPersons.push(parsed.data);
          else of?.consents.push(parsed.data);
        }
        url = body.link?.find((l) => l.relation === 'next')?.url;
      }
    }
  }
}

type ParsedAppointment = ReturnType<typeof Appointment.parse>;

async function pageOf(client: FhirClient, bundle: Bundle, cache: Cache, relations: Relations | null, request: VisitPagesRequest): Promise<VisitPage> {
  const appointments: ParsedAppointment[] = [];
  const page: VisitPage = { visits: [], removedIds: [], problems: [], readResources: [], maxUpdatedMs: 0, unrecognised: [] };
  const referenceProblems = new Map<string, ResourceProblem>();
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource as { resourceType?: unknown; id?: unknown; meta?: { lastUpdated?: unknown } } | undefined;
    if (!r || r.resourceType !== 'Appointment' || entry.search?.mode === 'include') continue;
    // Its lastUpdated moves the cursor even when it is unreadable: it is a visible problem now,
    // read again when it changes and at every full resync.
    page.maxUpdatedMs = Math.max(page.maxUpdatedMs, typeof r.meta?.lastUpdated === 'string' ? Date.parse(r.meta.lastUpdated) || 0 : 0);
    const parsed = Appointment.safeParse(r);
    if (parsed.success) appointments.push(parsed.data);
    else page.problems.push({ resource: `Appointment/${typeof r.id === 'string' ? r.id : '(uden id)'}`, problem: firstProblem(parsed.error) });
  }
  addResources(bundle, cache, referenceProblems, client.baseUrl);
  const wanted = new Set<string>();
  for (const a of appointments) {
    for (const p of a.participant) {
      const ref = parseReference(p.actor?.reference, client.baseUrl);
      if (ref?.kind === 'resource' && REFERENCED.includes(ref.type)) wanted.add(`${ref.type}/${ref.id}`);
    }
  }
  await readMissing(client, wanted, cache, referenceProblems);
  const roles = [...wanted].filter((key) => key.startsWith('PractitionerRole/'));
  if (roles.length > 0) await readMissing(client, roleReferences(cache, roles, client.baseUrl), cache, referenceProblems);
  if (relations) {
    const patients = [...wanted].flatMap((key) => (key.startsWith('Patient/') ? [key.slice('Patient/'.length)] : []));
    await readRelations(client, patients, relations, cache, referenceProblems);
  }
  for (const a of appointments) {
    const mapped = appointmentToVisit(a, {
      lookup: (type, id) => cache.get(`${type}/${id}`),
      baseUrl: client.baseUrl,
      teamId: request.teamId,
      now: request.now,
      relations: (patientId) => relations?.get(patientId),
    });
    const resource = `Appointment/${a.id ?? '(uden id)'}`;
    if (mapped.kind === 'problem') {
      page.problems.push({ resource, problem: mapped.problem });
      continue;
    }
    // A role that did not parse keeps that problem (the more precise one).
    for (const p of mapped.kind === 'visit' ? mapped.referenceProblems : [])
      if (!referenceProblems.has(p.resource)) referenceProblems.set(p.resource, p.problem);
    page.readResources.push(resource);
    // Cancelled and entered-in-error visits leave the queue.
    if (mapped.kind === 'visit' && mapped.visit.status !== 'cancelled') {
      page.visits.push(mapped.visit);
      page.unrecognised.push({ visitId: mapped.visit.id, shapes: mapped.unrecognised });
    } else if (a.id) page.removedIds.push(a.id);
  }
  for (const [resource, problem] of referenceProblems) page.problems.push({ resource, problem });
  for (const key of cache.keys()) if (!referenceProblems.has(key)) page.readResources.push(key);
  return page;
}
