import type { UnrecognisedShapes } from '../../src-shared/domain/visit.js';
import { queueWindow } from '../../src-shared/queue/window.js';
import { nextCareDay } from '../../src-shared/time/copenhagen.js';
import type { EojGateway } from '../eoj/gateway.js';
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
  const pulled = eoj.visitPages({
    teamId: opts.teamId,
    window,
    changedAfterMs: full || !previous?.cursor ? null : Date.parse(previous.cursor) - CURSOR_OVERLAP_MS,
    now,
  });
  for await (const page of pulled) {
    pages++;
    page.visits.forEach((v) => seen.add(v.id));
    for (const { visitId, shapes } of page.unrecognised) unrecognised.set(visitId, shapes);
    cursorMs = Math.max(cursorMs, page.maxUpdatedMs);
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
          cursor: !full && capabilities.sortByLastUpdated ? new Date(cursorMs).toISOString() : (previous?.cursor ?? null),
          lastPullMs: startedMs,
        },
      }),
    );
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
  return { changedIds: [...new Set(changedIds)], pages, problems, full, unrecognised };
}

const emptyState = () => ({ scope: PULL_SCOPE, cursor: null, lastPullMs: null, lastFullResyncMs: null, lastSuccessMs: null, lastError: null });
