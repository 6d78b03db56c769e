import type { Visit } from '../../src-shared/domain/visit.js';
import { appointmentToVisit, type Named } from '../../src-shared/fhir/mapping.js';
import { Appointment, type Bundle } from '../../src-shared/fhir/schemas.js';
import { queueWindow } from '../../src-shared/queue/window.js';
import { nextCareDay } from '../../src-shared/time/copenhagen.js';
import type { FhirClient } from '../eoj/fhirClient.js';
import type { VisitStore } from '../store/visitStore.js';

/**
 * Pulls the team's Appointments for today and tomorrow into the store, by search alone so it works
 * with any conformant server: a full resync (which also finds hard deletes) or an incremental pull
 * on `_lastUpdated`, overlapping the cursor and de-duplicating on id + versionId.
 */
export const PULL_SCOPE = 'appointments';
/** Overlap of the incremental cursor: servers may commit out of lastUpdated order by a little. */
export const CURSOR_OVERLAP_MS = 5_000;
const PAGE_SIZE = 100;
const MAX_PAGES = 200;

export interface PullResult {
  changedIds: string[];
  pages: number;
}

/** Today and tomorrow, and the last hours before midnight whose open visits today's queue still shows. */
export function syncWindow(now: Date): { fromMs: number; toMs: number } {
  return { fromMs: queueWindow(now).fromMs, toMs: nextCareDay(now).end.getTime() };
}

/** Turns one Bundle page into visits, reading referenced resources the server did not include. */
async function visitsOfPage(
  client: FhirClient,
  bundle: Bundle,
  cache: Map<string, Named>,
): Promise<{ visits: Visit[]; removedIds: string[]; maxUpdatedMs: number }> {
  const appointments: ReturnType<typeof Appointment.parse>[] = [];
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource as { resourceType?: unknown; id?: unknown } | undefined;
    if (!r || typeof r.resourceType !== 'string') continue;
    if (r.resourceType === 'Appointment') appointments.push(Appointment.parse(r));
    else if (typeof r.id === 'string') cache.set(`${r.resourceType}/${r.id}`, r as Named);
  }
  for (const a of appointments) {
    for (const p of a.participant) {
      const ref = p.actor?.reference;
      if (!ref || cache.has(ref) || !/^(Patient|Practitioner|Location)\//.test(ref)) continue;
      const [type, id] = ref.split('/') as ['Patient' | 'Practitioner' | 'Location', string];
      cache.set(ref, (await client.read(type, id)).body as Named);
    }
  }
  const visits: Visit[] = [];
  const removedIds: string[] = [];
  let maxUpdatedMs = 0;
  for (const a of appointments) {
    maxUpdatedMs = Math.max(maxUpdatedMs, Date.parse(a.meta?.lastUpdated ?? '') || 0);
    const visit = appointmentToVisit(a, (type, id) => cache.get(`${type}/${id}`));
    // Cancelled and entered-in-error visits leave the queue.
    if (visit && visit.status !== 'cancelled') visits.push(visit);
    else if (a.id) removedIds.push(a.id);
  }
  return { visits, removedIds, maxUpdatedMs };
}

export async function pullAppointments(opts: { client: FhirClient; store: VisitStore; teamId: string; now: Date; full: boolean }): Promise<PullResult> {
  const { client, store, now } = opts;
  const window = syncWindow(now);
  const previous = store.syncState.get(PULL_SCOPE);
  const full = opts.full || !previous?.cursor;
  const params = new URLSearchParams();
  params.append('actor', `CareTeam/${opts.teamId}`);
  params.append('date', `ge${new Date(window.fromMs).toISOString()}`);
  params.append('date', `lt${new Date(window.toMs).toISOString()}`);
  if (!full) params.append('_lastUpdated', `gt${new Date(Date.parse(previous.cursor as string) - CURSOR_OVERLAP_MS).toISOString()}`);
  params.append('_sort', '_lastUpdated');
  params.append('_count', String(PAGE_SIZE));
  params.append('_include', 'Appointment:patient');
  params.append('_include', 'Appointment:actor');

  const cache = new Map<string, Named>();
  const seen = new Set<string>();
  const changedIds: string[] = [];
  let cursorMs = previous?.cursor ? Date.parse(previous.cursor) : 0;
  let url: string | undefined = `Appointment?${params.toString()}`;
  let pages = 0;
  while (url) {
    if (++pages > MAX_PAGES) throw new Error(`EOJ returnerede over ${MAX_PAGES} sider; synkronisering stoppet`);
    const { body } = await client.searchPage(url);
    const page = await visitsOfPage(client, body, cache);
    page.visits.forEach((v) => seen.add(v.id));
    cursorMs = Math.max(cursorMs, page.maxUpdatedMs);
    // Each page lands in one transaction; the cursor only advances with the data it covers.
    changedIds.push(
      ...store.applyPull({
        visits: page.visits,
        removedIds: page.removedIds,
        syncState: {
          ...(previous ?? emptyState()),
          scope: PULL_SCOPE,
          cursor: full ? (previous?.cursor ?? null) : new Date(cursorMs).toISOString(),
          lastPullMs: now.getTime(),
        },
      }),
    );
    url = body.link?.find((l) => l.relation === 'next')?.url;
  }
  const done = now.getTime();
  changedIds.push(
    ...store.applyPull({
      visits: [],
      ...(full ? { replaceRange: { ...window, keepIds: seen } } : {}),
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
  return { changedIds: [...new Set(changedIds)], pages };
}

const emptyState = () => ({ scope: PULL_SCOPE, cursor: null, lastPullMs: null, lastFullResyncMs: null, lastSuccessMs: null, lastError: null });
