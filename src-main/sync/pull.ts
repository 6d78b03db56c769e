import type { Visit } from '../../src-shared/domain/visit.js';
import { appointmentToVisit, type Named } from '../../src-shared/fhir/mapping.js';
import { firstProblem, type ResourceProblem } from '../../src-shared/fhir/problems.js';
import { parseReference } from '../../src-shared/fhir/references.js';
import { Appointment, RESOURCE_SCHEMAS, type Bundle, type ResourceType } from '../../src-shared/fhir/schemas.js';
import { queueWindow } from '../../src-shared/queue/window.js';
import { nextCareDay } from '../../src-shared/time/copenhagen.js';
import type { EojCapabilities } from '../eoj/capabilities.js';
import type { FhirClient } from '../../src-shared/fhir/client.js';
import type { VisitStore } from '../store/visitStore.js';
import type { TeamLink } from './teamLink.js';

/**
 * Pulls the team's Appointments into the store by search alone, so it works with any conformant
 * server: a full resync (which also finds hard deletes) or an incremental pull on `_lastUpdated`,
 * overlapping the cursor and de-duplicating on id + versionId. Each resource is parsed on its own:
 * a bad one becomes a visible problem and the rest of the page lands. `_include`, `_sort` and
 * `_lastUpdated` are used only where the server declares them (src-main/eoj/capabilities.ts).
 */
export const PULL_SCOPE = 'appointments';
/** Overlap of the incremental cursor: servers may commit out of lastUpdated order by a little. */
export const CURSOR_OVERLAP_MS = 5_000;
const PAGE_SIZE = 100;
const MAX_PAGES = 200;
/** Ids per batched read (`Type?_id=a,b,c`): short enough for any server's URL limit. */
const BATCH_IDS = 40;
/** What an Appointment refers to that the visit shows. */
const REFERENCED: readonly ResourceType[] = ['Patient', 'Practitioner', 'Location', 'HealthcareService'];

export interface PullResult {
  changedIds: string[];
  pages: number;
  /** Resources that could not be read (each one alone). */
  problems: number;
}

/** Today and tomorrow, and the last hours before midnight whose open visits today's queue still shows. */
export function syncWindow(now: Date): { fromMs: number; toMs: number } {
  return { fromMs: queueWindow(now).fromMs, toMs: nextCareDay(now).end.getTime() };
}

type Cache = Map<string, Named>;

/** Reads what the server did not send along, a batch per type (`_id=a,b,c`), never one GET each. */
async function readMissing(client: FhirClient, refs: Iterable<string>, cache: Cache, problems: Map<string, ResourceProblem>): Promise<void> {
  const byType = new Map<ResourceType, Set<string>>();
  for (const key of refs) {
    const [type, id] = key.split('/') as [ResourceType, string];
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

/** Referenced resources of a page (included ones, or read in batches), each checked on its own. */
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

interface PageResult {
  visits: Visit[];
  removedIds: string[];
  problems: { resource: string; problem: ResourceProblem }[];
  readIds: string[];
  maxUpdatedMs: number;
}

async function pageOf(client: FhirClient, bundle: Bundle, cache: Cache, teamId: string): Promise<PageResult> {
  const appointments: ReturnType<typeof Appointment.parse>[] = [];
  const result: PageResult = { visits: [], removedIds: [], problems: [], readIds: [], maxUpdatedMs: 0 };
  const referenceProblems = new Map<string, ResourceProblem>();
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource as { resourceType?: unknown; id?: unknown; meta?: { lastUpdated?: unknown } } | undefined;
    if (!r || r.resourceType !== 'Appointment' || entry.search?.mode === 'include') continue;
    const resource = `Appointment/${typeof r.id === 'string' ? r.id : '(uden id)'}`;
    // Its lastUpdated moves the cursor even when it is unreadable: it is a visible problem now,
    // read again when it changes and at every full resync.
    result.maxUpdatedMs = Math.max(result.maxUpdatedMs, typeof r.meta?.lastUpdated === 'string' ? Date.parse(r.meta.lastUpdated) || 0 : 0);
    const parsed = Appointment.safeParse(r);
    if (parsed.success) appointments.push(parsed.data);
    else result.problems.push({ resource, problem: firstProblem(parsed.error) });
  }
  addResources(bundle, cache, referenceProblems, client.baseUrl);
  const wanted = new Set<string>();
  for (const a of appointments) {
    for (const p of a.participant) {
      const ref = parseReference(p.actor?.reference, client.baseUrl);
      if (ref?.kind === 'resource' && (REFERENCED as readonly string[]).includes(ref.type)) wanted.add(`${ref.type}/${ref.id}`);
    }
  }
  await readMissing(client, wanted, cache, referenceProblems);
  for (const [resource, problem] of referenceProblems) result.problems.push({ resource, problem });
  for (const a of appointments) {
    const mapped = appointmentToVisit(a, { lookup: (type, id) => cache.get(`${type}/${id}`), baseUrl: client.baseUrl, teamId });
    const resource = `Appointment/${a.id ?? '(uden id)'}`;
    if (mapped.kind === 'problem') {
      result.problems.push({
        resource,
        problem: {
          field: mapped.field,
          kind: mapped.field === 'participant' ? 'no_citizen' : mapped.field.includes('actor') ? 'unresolved_reference' : 'missing',
          detail: mapped.message,
        },
      });
      continue;
    }
    result.readIds.push(resource);
    // Cancelled and entered-in-error visits leave the queue.
    if (mapped.kind === 'visit' && mapped.visit.status !== 'cancelled') result.visits.push(mapped.visit);
    else if (a.id) result.removedIds.push(a.id);
  }
  for (const key of cache.keys()) if (!referenceProblems.has(key)) result.readIds.push(key);
  return result;
}

export interface PullOptions {
  client: FhirClient;
  store: VisitStore;
  teamId: string;
  teamLink: TeamLink;
  capabilities: EojCapabilities;
  now: Date;
  full: boolean;
}

export async function pullAppointments(opts: PullOptions): Promise<PullResult> {
  const { client, store, now, capabilities } = opts;
  const window = syncWindow(now);
  const previous = store.syncState.get(PULL_SCOPE);
  // Without `_lastUpdated` every pull is a full one.
  const full = opts.full || !previous?.cursor || !capabilities.lastUpdated;
  const params = new URLSearchParams();
  for (const [name, value] of await opts.teamLink.searchParams(full)) params.append(name, value);
  params.append('date', `ge${new Date(window.fromMs).toISOString()}`);
  params.append('date', `lt${new Date(window.toMs).toISOString()}`);
  if (!full) params.append('_lastUpdated', `gt${new Date(Date.parse(previous.cursor as string) - CURSOR_OVERLAP_MS).toISOString()}`);
  if (capabilities.sortByLastUpdated) params.append('_sort', '_lastUpdated');
  params.append('_count', String(PAGE_SIZE));
  if (capabilities.include.patient) params.append('_include', 'Appointment:patient');
  if (capabilities.include.actor) params.append('_include', 'Appointment:actor');

  const cache: Cache = new Map();
  const seen = new Set<string>();
  const changedIds: string[] = [];
  let problems = 0;
  const startedMs = now.getTime();
  let cursorMs = previous?.cursor ? Date.parse(previous.cursor) : 0;
  let url: string | undefined = `Appointment?${params.toString()}`;
  let pages = 0;
  while (url) {
    if (++pages > MAX_PAGES) throw new Error(`EOJ returnerede over ${MAX_PAGES} sider; synkronisering stoppet`);
    const { body } = await client.searchPage(url);
    const page = await pageOf(client, body, cache, opts.teamId);
    page.visits.forEach((v) => seen.add(v.id));
    cursorMs = Math.max(cursorMs, page.maxUpdatedMs);
    problems += page.problems.length;
    // Each page lands in one transaction. The cursor advances with the page only when pages come
    // sorted by lastUpdated; unsorted, it moves once the whole pull has landed.
    changedIds.push(
      ...store.applyPull({
        visits: page.visits,
        removedIds: page.removedIds,
        problems: page.problems,
        readResources: page.readIds,
        atMs: startedMs,
        syncState: {
          ...(previous ?? emptyState()),
          scope: PULL_SCOPE,
          cursor: !full && capabilities.sortByLastUpdated ? new Date(cursorMs).toISOString() : (previous?.cursor ?? null),
          lastPullMs: startedMs,
        },
      }),
    );
    url = body.link?.find((l) => l.relation === 'next')?.url;
  }
  const done = now.getTime();
  changedIds.push(
    ...store.applyPull({
      visits: [],
      ...(full ? { replaceRange: { ...window, keepIds: seen }, forgetProblemsNotSeenSince: startedMs } : {}),
      atMs: done,
      syncState: {
        scope: PULL_SCOPE,
        cursor: cursorMs > 0 ? new Date(cursorMs).toISOString() : (previous?.cursor ?? null),
        lastPullMs: done,
        lastFullResyncMs: full ? done : (previous?.lastFullResyncMs ?? null),
        lastSuccessMs: done,
        lastError: null,
      },
    }),
  );
  return { changedIds: [...new Set(changedIds)], pages, problems };
}

const emptyState = () => ({ scope: PULL_SCOPE, cursor: null, lastPullMs: null, lastFullResyncMs: null, lastSuccessMs: null, lastError: null });
