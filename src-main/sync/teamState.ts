import { isOpen } from '../../src-shared/queue/nowNext.js';
import type { EojGateway } from '../eoj/gateway.js';
import type { VisitStore } from '../store/visitStore.js';
import { CURSOR_OVERLAP_MS } from './pull.js';

/**
 * Brings the team's shared state of the day (attempts, held calls, escalations; read by
 * src-main/eoj/teamState.ts) into the store, with its own cursor: an incremental read after the
 * first full one of the care day.
 */
export const TEAM_STATE_SCOPE = 'team-state';

export async function pullTeamState(opts: {
  eoj: EojGateway;
  store: VisitStore;
  window: { fromMs: number; toMs: number };
  now: Date;
  full: boolean;
}): Promise<{ changedIds: string[]; problems: Awaited<ReturnType<EojGateway['teamState']>>['problems'] }> {
  const { eoj, store, window, now } = opts;
  const previous = store.syncState.get(TEAM_STATE_SCOPE);
  const capabilities = await eoj.capabilities();
  const full = opts.full || !previous?.cursor || !capabilities.lastUpdated;
  const read = await eoj.teamState({
    window,
    changedAfterMs: full || !previous?.cursor ? null : Date.parse(previous.cursor) - CURSOR_OVERLAP_MS,
    openOf: (visitId) => {
      const visit = store.getVisit(visitId);
      return visit ? isOpen(visit) : null;
    },
  });
  const changedIds = store.applyTeamState(read.workflows, now.getTime());
  const cursorMs = Math.max(previous?.cursor ? Date.parse(previous.cursor) : 0, read.maxUpdatedMs);
  store.syncState.put({
    scope: TEAM_STATE_SCOPE,
    cursor: cursorMs > 0 ? new Date(cursorMs).toISOString() : (previous?.cursor ?? null),
    lastPullMs: now.getTime(),
    lastFullResyncMs: full ? now.getTime() : (previous?.lastFullResyncMs ?? null),
    lastSuccessMs: now.getTime(),
    lastError: null,
  });
  return { changedIds, problems: read.problems };
}
