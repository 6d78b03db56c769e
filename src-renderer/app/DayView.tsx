import { memo, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import { AUDIT_READERS, type ApiClient } from '../../src-shared/api/contract';
import type { QueueVisit, Visit } from '../../src-shared/domain/visit';
import { CallPanel } from '../call/CallPanel';
import type { CallState } from '../call/callStore';
import type { DeviceCheckState } from '../devices/deviceCheckStore';
import { DaySummary } from '../queue/DaySummary';
import { filterQueue, type StatusFilter } from '../queue/queueFilter';
import type { QueueScope, QueueState } from '../queue/queueStore';
import { QueueToolbar } from '../queue/QueueToolbar';
import { QueueView } from '../queue/QueueView';
import { VisitPanel } from '../visit/VisitPanel';

const SCOPES: QueueScope[] = ['mine', 'room', 'team'];

const busyOf = (s: CallState) => s.phase === 'ringing' || s.phase === 'connected';

/** The day's queue under its filters; memoised, so a call starting or a panel opening leaves it as it is. */
const Queue = memo(function Queue({
  visits: all,
  retryPolicy,
  scope,
  shownScope,
  openId,
  search,
  statusFilter,
  handlers,
  calls,
}: {
  visits: QueueVisit[];
  retryPolicy: QueueState['retryPolicy'];
  scope: QueueScope;
  shownScope: QueueScope | null;
  openId: string | null;
  search: string;
  statusFilter: StatusFilter;
  handlers: { onOpen(v: QueueVisit): void; onOutcome(v: QueueVisit): void; onRing(v: Visit): void; onPair(id: string): void };
  calls: { busy: boolean } | null;
}) {
  const visits = useMemo(() => filterQueue(all, statusFilter, search), [all, statusFilter, search]);
  return (
    <div className="queue-wrap">
      <QueueView
        visits={visits}
        retryPolicy={retryPolicy}
        openId={openId}
        onOpen={handlers.onOpen}
        onOutcome={handlers.onOutcome}
        list={{ scope: shownScope, changing: shownScope !== null && shownScope !== scope }}
        {...(calls ? { calls: { onRing: handlers.onRing, onPair: handlers.onPair, busy: calls.busy } } : {})}
      />
    </div>
  );
});

/**
 * The queue's share of a call (its ring buttons wait): told once the call is set up, not while
 * the offer and answer are on their way. Disabling a row's button costs the browser about a
 * millisecond each, so a day's rows would hold up the call's first messages by tens of them.
 * Until then a ring is refused by the call store, which has one call at a time. A call that ends
 * frees the buttons at once.
 */
const QUEUE_LEARNS_AFTER_MS = 1_500;
function useQueueLearnsLate(busy: boolean): boolean {
  const [told, setTold] = useState(false);
  useEffect(() => {
    if (!busy) return setTold(false);
    const timer = window.setTimeout(() => setTold(true), QUEUE_LEARNS_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [busy]);
  return busy && told;
}

/**
 * "Min dag": the queue under its scope and filters; with a visit open, its facts beside it; in a
 * call, the call is the stage above the queue, the visit's facts beside both. The stage is
 * the call store's alone: a call's own state changes re-render the stage, not the queue, and the
 * queue learns that a call started (its ring buttons wait) only once the call is set up.
 */
export function DayView({
  api,
  state,
  calls,
  checks,
  openId,
  onOpenChange,
  onOutcome,
  onRing,
  searchRef,
}: {
  api: ApiClient;
  state: QueueState;
  calls: StoreApi<CallState>;
  checks: StoreApi<DeviceCheckState>;
  openId: string | null;
  onOpenChange(id: string | null): void;
  onOutcome(visit: QueueVisit): void;
  onRing(visit: Visit): void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const { t } = useTranslation();
  const busy = useStore(calls, busyOf);
  const available = useStore(calls, (s) => s.available);
  const invitations = useStore(calls, (s) => s.invitations);
  const checkResult = useStore(checks, (s) => s.result);
  const queueBusy = useQueueLearnsLate(busy);
  const [search, setSearch] = useState('');
  const [statusFilter, setStatusFilter] = useState<StatusFilter>('all');

  // Stable handlers for the queue rows (memoised rows re-render only when their visit changes);
  // each call goes to the latest closure.
  const latest = useRef({ open: (_v: QueueVisit) => undefined as void, outcome: onOutcome, ring: onRing });
  latest.current = { open: (v) => onOpenChange(v.id === openId ? null : v.id), outcome: onOutcome, ring: onRing };
  const handlers = useMemo(
    () => ({
      onOpen: (v: QueueVisit) => latest.current.open(v),
      onOutcome: (v: QueueVisit) => latest.current.outcome(v),
      onRing: (v: Visit) => latest.current.ring(v),
      onPair: (id: string) => calls.getState().pairDevice(id),
    }),
    [calls],
  );
  const queueCalls = useMemo(() => (available ? { busy: queueBusy } : null), [available, queueBusy]);
  const visitNow = (id: string) => state.visits.find((v) => v.id === id);
  const openVisit = openId ? visitNow(openId) : undefined;
  const ready = state.phase === 'ready';
  const mine = useMemo(() => state.visits.filter((v) => v.practitioner?.id === state.session?.practitionerId), [state.visits, state.session]);

  return (
    <>
      {state.session && (
        <nav className="scope" aria-label={t('scope.label')}>
          {SCOPES.map((scope) => (
            <button key={scope} type="button" aria-pressed={state.scope === scope} onClick={() => void state.setScope(scope)}>
              {t(`scope.${scope}`)}
            </button>
          ))}
        </nav>
      )}
      {state.phase === 'loading' && <p role="status">{t('queue.loading')}</p>}
      {ready && !busy && state.session && <DaySummary visits={mine} />}
      {ready && !busy && <QueueToolbar ref={searchRef} search={search} onSearch={setSearch} status={statusFilter} onStatus={setStatusFilter} />}
      {ready && (
        <div className={`workspace${busy ? ' in-call' : openVisit ? ' has-panel' : ''}`}>
          {/* The call is the stage while it lasts, above the queue; the visit's facts beside both. */}
          <CallPanel store={calls} visitNow={visitNow} onUrgent={(id) => void state.markUrgent(id)} />
          <Queue
            visits={state.visits}
            retryPolicy={state.retryPolicy}
            scope={state.scope}
            shownScope={state.shownScope}
            openId={openId}
            search={search}
            statusFilter={statusFilter}
            handlers={handlers}
            calls={queueCalls}
          />
          {openVisit && (
            <VisitPanel
              api={api}
              visit={openVisit}
              retryPolicy={state.retryPolicy}
              check={checkResult}
              canRing={available && !busy}
              onRing={() => onRing(openVisit)}
              onOutcome={() => onOutcome(openVisit)}
              canSeeAudit={AUDIT_READERS !== 'public' && state.session !== null && AUDIT_READERS.includes(state.session.role)}
              {...(available
                ? {
                    invite: {
                      send: (relativeId: string) => calls.getState().invite(openVisit.id, relativeId),
                      sentFrom: (relativeId: string) => invitations[`${openVisit.id}/${relativeId}`]?.validFrom ?? null,
                    },
                  }
                : {})}
              onClose={() => {
                onOpenChange(null);
                (document.querySelector(`tr[data-visit-id="${CSS.escape(openVisit.id)}"] button.visit-open`) as HTMLButtonElement | null)?.focus();
              }}
            />
          )}
        </div>
      )}
    </>
  );
}
