import type { UnrecognisedShapes } from '../../src-shared/domain/visit.js';
import { queueWindow } from '../../src-shared/queue/window.js';
import { nextCareDay } from '../../src-shared/time/copenhagen.js';
import type { EojGateway } from '../eoj/gateway.js';
import type { VisitPage } from '../eoj/visitPages.js';
import type { VisitStore } from '../store/visitStore.js';

/**
 * Pulls the team's visits into the store (read by src-main/eoj/visitPages.ts): a full resync (which
 * also finds hard deletes) or an incremental pull on `_lastUpdated`, overlapping the cursor and
 * de-duplicating on id + versionId. Each page lands in one transaction; a bad resource is a
 * visible problem and the rest of the page lands.
 */
export const PULL_SCOPE = 'appointments';
/** Overlap of the incremental cursor: servers may commit out of lastUpdated order by a little. */
export const CURSOR_OVERLAP_MS = 5_000;

export interface PullResult {
  changedIds: string[];
  pages: number;
  /** Resources that could not be read (each one alone). */
  problems: number;
  /** Whether the whole window was read (the unrecognised shapes below then replace the earlier ones). */
  full: boolean;
  /** What the pulled visits carried that Skærmrum does not understand, per visit. */
  unrecognised: Map<string, UnrecognisedShapes>;
}

/** Today and tomorrow, and the last hours before midnight whose open visits today's queue still shows. */
export function syncWindow(now: Date): { fromMs: number; toMs: number } {
  return { fromMs: queueWindow(now).fromMs, toMs: nextCareDay(now).end.getTime() };
}

export interface PullOptions {
  eoj: EojGateway;
  store: VisitStore;
  teamId: string;
  now: Date;
  full: boolean;
}

export async function pullAppointments(opts: PullOptions): Promise<PullResult> {
  const { eoj, store, now } = opts;
  const window = syncWindow(now);
  const previous = store.syncState.get(PULL_SCOPE);
  const capabilities = await eoj.capabilities();
  // Without `_lastUpdated` every pull is a full one.
  const full = opts.full || !previous?.cursor || !capabilities.lastUpdated;
  const seen = new Set<string>();
  const changedIds: string[] = [];
  const unrecognised = new Map<string, UnrecognisedShapes>();
  let problems = 0;
  let pages = 0;
  const startedMs = now.getTime();
  let cursorMs = previous?.cursor ? Date.parse(previous.cursor) : 0;
  let firstPageMaxMs: number | null = null;
  // Servers page searches by offset over results that change meanwhile: an Appointment updated
  // during the pull moves to the end, and the one that slid into its place across a page boundary
  // is never returned. Sorted by lastUpdated, that one is newer than everything on the first page,
  // so after several pages the cursor stays at the first page's newest: the next pull reads it.
  const cursorNow = () =>
    capabilities.sortByLastUpdated && pages > 1 && firstPageMaxMs !== null ? Math.max(firstPageMaxMs, Date.parse(previous?.cursor ?? '') || 0) : cursorMs;
  const land = (page: VisitPage) => {
    pages++;
    page.visits.forEach((v) => seen.add(v.id));
    for (const { visitId, shapes } of page.unrecognised) unrecognised.set(visitId, shapes);
    cursorMs = Math.max(cursorMs, page.maxUpdatedMs);
    firstPageMaxMs ??= page.maxUpdatedMs;
    problems += page.problems.length;
    // The cursor advances with the page only when pages come sorted by lastUpdated; unsorted, it
    // moves once the whole pull has landed.
    changedIds.push(
      ...store.applyPull({
        visits: page.visits,
        removedIds: page.removedIds,
        problems: page.problems,
        readResources: page.readResources,
        atMs: startedMs,
        syncState: {
          ...(previous ?? emptyState()),
          scope: PULL_SCOPE,
          cursor: !full && capabilities.sortByLastUpdated ? new Date(cursorNow()).toISOString() : (previous?.cursor ?? null),
          lastPullMs: startedMs,
        },
      }),
    );
  };
  for await (const page of eoj.visitPages({ teamId: opts.teamId, window, changedAfterMs: full ? null : cursorMs - CURSOR_OVERLAP_MS, now })) land(page);
  if (full) {
    // A visit held here that the pages did not return may have been skipped (see above), not
    // deleted: it is asked for by id, and only what the EOJ no longer has for the team leaves.
    const unseen = store.visitIdsStartingIn(window.fromMs, window.toMs).filter((id) => !seen.has(id));
    if (unseen.length > 0) {
      const counted = pages;
      for await (const page of eoj.visitPages({ teamId: opts.teamId, window, changedAfterMs: null, onlyIds: unseen, now })) land(page);
      pages = counted;
    }
  }
  const done = now.getTime();
  const cursor = cursorNow();
  changedIds.push(
    ...store.applyPull({
      visits: [],
      ...(full ? { replaceRange: { ...window, keepIds: seen }, forgetProblemsNotSeenSince: startedMs } : {}),
      atMs: done,
      syncState: {
        scope: PULL_SCOPE,
        cursor: cursor > 0 ? new Date(cursor).toISOString() : (previous?.cursor ?? null),
        lastPullMs: done,
        lastFullResyncMs: full ? done : (previous?.lastFullResyncMs ?? null),
        lastSuccessMs: done,
        lastError: null,
      },
    }),
  );
  return { changedIds: [...new Set(changedIds)], pages, problems, full, unrecognised };
}

const emptyState = () => ({ scope: PULL_SCOPE, cursor: null, lastPullMs: null, lastFullResyncMs: null, lastSuccessMs: null, lastError: null });
