import { markCallStep } from '../../src-shared/browser/callTiming';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import { switchLanguage } from '../i18n';
import { QueueView } from '../queue/QueueView';
import { SignInView } from '../session/SignInView';
import { ProblemList } from '../sync/ProblemList';
import { SyncBanner } from '../sync/SyncBanner';
import type { QueueScope, QueueState } from '../queue/queueStore';
import { CallPanel } from '../call/CallPanel';
import { IncomingHelp } from '../call/HelpRequest';
import type { CallState } from '../call/callStore';
import type { QueueVisit, Visit } from '../../src-shared/domain/visit';
import type { RecordOutcome } from '../../src-shared/api/contract';
import type { ApiClient } from '../../src-shared/api/contract';
import type { CallRecord } from '../../src-shared/domain/visit';
import type { Outcome } from '../../src-shared/workflow/outcome';
import { DaySummary } from '../queue/DaySummary';
import { filterQueue, type StatusFilter } from '../queue/queueFilter';
import { QueueToolbar } from '../queue/QueueToolbar';
import { Upcoming } from '../queue/Upcoming';
import { useNow } from '../queue/useNow';
import { Freshness } from '../sync/Freshness';
import { OutcomeDialog } from '../visit/OutcomeDialog';
import { LockScreen } from '../session/LockScreen';
import type { OutcomeDefaults } from '../visit/OutcomeForm';
import { VisitPanel } from '../visit/VisitPanel';
import { DeviceCheckPanel } from '../devices/DeviceCheckPanel';
import type { DeviceCheckState } from '../devices/deviceCheckStore';
import { BoardView } from '../board/BoardView';
import { ReportsView } from '../reports/ReportsView';
import type { ReportsState } from '../reports/reportsStore';
import type { BoardState } from '../board/boardStore';
import { IDLE_AFTER_MS, type TeamState } from '../team/teamStore';
import { MovedNotices } from '../team/MovedNotices';
import { rendererClock } from '../time/clock';

const SCOPES: QueueScope[] = ['mine', 'room', 'team'];
const QUEUE_REFRESH_MS = 15 * 60_000;

/** What a call's end suggests as its outcome (the staff member confirms or changes it). */
function suggestedOutcome(reason: CallRecord['endReason'] | null, answered: boolean, urgent: boolean): Outcome {
  if (urgent) return 'urgent';
  if (reason === 'lost' || reason === 'failed') return 'technical_failure';
  return answered ? 'completed' : 'not_answered';
}

interface PendingOutcome {
  visitId: string;
  defaults: OutcomeDefaults;
  endedText: string | null;
}

export function App({
  api,
  store,
  calls,
  checks,
  team,
  board,
  reports,
}: {
  api: ApiClient;
  store: StoreApi<QueueState>;
  calls: StoreApi<CallState>;
  checks: StoreApi<DeviceCheckState>;
  team: StoreApi<TeamState>;
  board: StoreApi<BoardState>;
  reports: StoreApi<ReportsState>;
}) {
  const { t, i18n } = useTranslation();
  const state = useStore(store);
  const call = useStore(calls);
  const check = useStore(checks);
  const signallingUp = useStore(team, (s) => s.signallingUp);
  const signedIn = state.session !== null;
  const roomId = state.session?.roomId ?? null;
  const isLead = state.session?.role === 'team_lead';
  const isLeader = state.session?.role === 'leader';
  /** "Min dag" (the staff queue); for team leads also "Teamtavle" (the board) and "Ledelsesinformation"; a leader has only the reports. */
  const [view, setView] = useState<'day' | 'board' | 'reports'>('day');
  const views = isLead ? (['day', 'board', 'reports'] as const) : isLeader ? (['reports'] as const) : (['day'] as const);
  const shownView = (views as readonly string[]).includes(view) ? view : views[0];

  // The team's day: presence and change hints over signalling, notices of visits moved to or from me.
  const session = state.session;
  useEffect(() => (session ? team.getState().start(session) : undefined), [team, session]);
  const lastInput = useRef(rendererClock.nowMs());
  useEffect(() => {
    const touch = () => (lastInput.current = rendererClock.nowMs());
    window.addEventListener('keydown', touch);
    window.addEventListener('pointerdown', touch);
    return () => {
      window.removeEventListener('keydown', touch);
      window.removeEventListener('pointerdown', touch);
    };
  }, []);
  const presenceTick = useNow(30_000);
  const inCall = call.phase === 'ringing' || call.phase === 'connected';
  // Our own call's visit, or the colleague's we are helping in.
  const callVisitId = call.visit?.id ?? call.helping?.visitId;
  useEffect(() => {
    if (!session || !call.signallingOnline) return;
    const idle = !inCall && presenceTick.getTime() - lastInput.current >= IDLE_AFTER_MS;
    team.getState().report({ state: inCall ? 'in_call' : idle ? 'idle' : 'signed_in', roomId: session.roomId, visitId: inCall ? (callVisitId ?? null) : null });
  }, [team, session, inCall, callVisitId, call.signallingOnline, presenceTick]);
  // Idle lock on a shared room PC: after the configured minutes without use, never during a call.
  const lockAfterMs = (state.auth?.lockAfterMinutes ?? 0) * 60_000;
  useEffect(() => {
    if (!session || lockAfterMs === 0 || inCall) return;
    if (presenceTick.getTime() - lastInput.current >= lockAfterMs) void store.getState().lock();
  }, [store, session, lockAfterMs, inCall, presenceTick]);
  /** A call waiting for the staff member to look at the quick check's findings. */
  const [pendingCall, setPendingCall] = useState<Visit | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [outcomeFor, setOutcomeFor] = useState<PendingOutcome | null>(null);
  const [search, setSearch] = useState('');
  const [statusFilter, setStatusFilter] = useState<StatusFilter>('all');
  const searchRef = useRef<HTMLInputElement>(null);
  const visitById = (id: string) => state.visits.find((v) => v.id === id);

  // The queue's window moves with the clock (a new care day; the next hours past midnight): read it again every 15 minutes.
  const quarter = Math.floor(useNow(60_000).getTime() / QUEUE_REFRESH_MS);
  const lastQuarter = useRef(quarter);
  useEffect(() => {
    if (quarter === lastQuarter.current) return;
    lastQuarter.current = quarter;
    if (store.getState().phase === 'ready') void store.getState().refresh();
  }, [quarter, store]);

  // When a call ends, its outcome is asked for at once, with the measured times filled in.
  useEffect(() => {
    if (call.phase !== 'ended' || !call.visit) return;
    const answered = call.connectedAt !== null;
    const urgent = Boolean(visitById(call.visit.id)?.workflow.urgentAt);
    setOutcomeFor({
      visitId: call.visit.id,
      endedText: t(`call.ended.${call.endReason ?? 'hangup'}`),
      defaults: {
        outcome: suggestedOutcome(call.endReason, answered, urgent),
        durationSeconds: answered && call.endedAt && call.connectedAt ? Math.round((call.endedAt - call.connectedAt) / 1000) : 0,
        call: {
          rangAt: call.rangAt ? new Date(call.rangAt).toISOString() : null,
          connectedAt: call.connectedAt ? new Date(call.connectedAt).toISOString() : null,
          endedAt: call.endedAt ? new Date(call.endedAt).toISOString() : null,
        },
      },
    });
    calls.getState().dismiss();
  }, [call.phase]);

  // "/" goes to the search from anywhere but a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const saveOutcome = async (input: RecordOutcome) => {
    const saved = await state.recordOutcome(input, () => setOutcomeFor(null));
    if (saved) {
      // Back to the queue, on the row that was documented.
      requestAnimationFrame(() =>
        (document.querySelector(`tr[data-visit-id="${CSS.escape(input.visitId)}"] button.visit-open`) as HTMLButtonElement | null)?.focus(),
      );
    }
    return saved !== null;
  };
  const openOutcome = (visit: QueueVisit) =>
    setOutcomeFor({ visitId: visit.id, endedText: null, defaults: { outcome: null, durationSeconds: null, call: null } });

  // Stable handlers for the queue rows (memoised rows re-render only when their visit changes);
  // each call goes to the latest closure.
  const latest = useRef({
    open: (_v: QueueVisit) => undefined as void,
    outcome: openOutcome,
    ring: (_v: Visit) => undefined as void,
    pair: (_id: string) => undefined as void,
  });
  latest.current = {
    open: (v) => setOpenId((current) => (v.id === current ? null : v.id)),
    outcome: openOutcome,
    ring: (v) => void ringWithCheck(v),
    pair: (id) => call.pairDevice(id),
  };
  const rowHandlers = useMemo(
    () => ({
      onOpen: (v: QueueVisit) => latest.current.open(v),
      onOutcome: (v: QueueVisit) => latest.current.outcome(v),
      onRing: (v: Visit) => latest.current.ring(v),
      onPair: (id: string) => latest.current.pair(id),
    }),
    [],
  );

  // The room's remembered devices are loaded at sign-in; the checked devices stay open meanwhile.
  useEffect(() => {
    if (!signedIn) return;
    let stop: (() => void) | undefined;
    let cancelled = false;
    void checks
      .getState()
      .start(roomId)
      .then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [checks, signedIn, roomId]);

  /** Every call starts with a quick device check; it rings at once when nothing needs a look. */
  async function ringWithCheck(visit: Visit) {
    markCallStep('check.start');
    const result = await checks.getState().runQuick();
    markCallStep('check.done');
    if (result && checks.getState().needsAttention(result)) {
      setPendingCall(visit);
      checks.getState().openPanel();
      return;
    }
    checks.getState().touch();
    call.ring(visit);
  }
  const closeCheck = () => {
    setPendingCall(null);
    checks.getState().closePanel();
  };

  // Calls need the signed-in staff member's token: connect to signalling once signed in.
  useEffect(() => {
    if (!signedIn) return;
    let stop: (() => void) | undefined;
    let cancelled = false;
    void calls
      .getState()
      .start()
      .then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [calls, signedIn]);

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void store
      .getState()
      .start()
      .then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [store]);

  const pending = state.outbox ? state.outbox.pending + state.outbox.inflight : 0;
  const dayReady = shownView === 'day' && state.phase === 'ready';
  // A call is the stage: it opens in "Min dag" with the called visit's facts beside it.
  useEffect(() => {
    if (call.phase !== 'ringing' || !call.visit) return;
    setView('day');
    setOpenId(call.visit.id);
  }, [call.phase, call.visit?.id]);
  // So is a colleague's call we join, from whichever view we were in.
  const helping = call.phase === 'connected' && call.helping !== null;
  useEffect(() => {
    if (helping) setView('day');
  }, [helping]);
  const busy = call.phase === 'ringing' || call.phase === 'connected';
  const openVisit = openId ? visitById(openId) : undefined;
  const outcomeVisit = outcomeFor ? visitById(outcomeFor.visitId) : undefined;
  const roomName = state.visits.find((v) => v.room?.id === state.session?.roomId)?.room?.name ?? state.session?.roomId ?? t('app.noRoom');

  return (
    <div className="app">
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        {state.session && <p className="signed-in">{t('app.signedInAs', { name: state.session.name, room: roomName })}</p>}
        {state.session && (
          <button
            type="button"
            className={`check-summary summary-${check.result?.verdict ?? 'none'}`}
            data-testid="check-summary"
            data-mode={check.result?.mode}
            data-retested={check.result?.retested.join(' ')}
            data-duration-ms={check.result?.durationMs}
            onClick={() => checks.getState().openPanel()}
          >
            {check.running ? t('check.verdict.running') : t(`check.summary.${check.result?.verdict ?? 'none'}`)}
          </button>
        )}
        <div className="sync-state">
          <p className="outbox-status" role="status">
            {/* Without the main process the counts on screen are old: nothing is claimed then. */}
            {!state.online ? t('outbox.unknown') : pending > 0 ? t('outbox.pending', { count: pending }) : t('outbox.allSent')}
          </p>
          {state.session && <Freshness sync={state.sync} signallingUp={signallingUp} />}
        </div>
        {state.session && (
          <button type="button" className="switch-user" onClick={() => void state.signOut()}>
            {t('signIn.switchUser')}
          </button>
        )}
        <button
          type="button"
          className="language"
          aria-label={t('app.switchLanguageLabel')}
          onClick={() => void switchLanguage(i18n.language === 'da' ? 'en' : 'da')}
        >
          {t('app.switchLanguage')}
        </button>
      </header>

      {!state.online && (
        <div className="banner banner-offline" role="alert">
          {t('connection.lost')}
        </div>
      )}
      <SyncBanner sync={state.sync} />
      {state.session && state.auth?.reauth && (
        <div className="banner banner-error" role="alert">
          {t('signIn.reauth')}{' '}
          <button type="button" onClick={() => void state.signInWithIdp()} disabled={state.signingIn}>
            {t('signIn.again')}
          </button>
        </div>
      )}
      {state.saveError && (
        <div className="banner banner-error" role="alert">
          {t('queue.saveFailed', { message: state.saveError })}
        </div>
      )}

      <main>
        {state.phase === 'signed-out' &&
          (state.auth?.locked ? (
            <LockScreen
              error={state.signInError}
              waiting={state.signingIn}
              onUnlock={() => void (state.auth?.method === 'idp' ? state.signInWithIdp() : state.signOut())}
              onSwitchUser={() => void state.signOut()}
            />
          ) : (
            <SignInView
              auth={state.auth}
              options={state.signInOptions}
              error={state.signInError}
              waiting={state.signingIn}
              onPick={(id) => void state.signIn(id)}
              onSignIn={() => void state.signInWithIdp()}
            />
          ))}
        {views.length > 1 && (
          <nav className="views" aria-label={t('views.label')}>
            {views.map((v) => (
              <button key={v} type="button" aria-pressed={shownView === v} onClick={() => setView(v)}>
                {t(`views.${v}`)}
              </button>
            ))}
          </nav>
        )}
        <MovedNotices team={team} />
        <IncomingHelp store={calls} visitNow={visitById} />
        {shownView === 'board' && <BoardView board={board} team={team} />}
        {shownView === 'reports' && state.session && <ReportsView reports={reports} canChooseTeam={isLeader} />}
        {shownView === 'day' && state.session && (
          <nav className="scope" aria-label={t('scope.label')}>
            {SCOPES.map((scope) => (
              <button key={scope} type="button" aria-pressed={state.scope === scope} onClick={() => void state.setScope(scope)}>
                {t(`scope.${scope}`)}
              </button>
            ))}
          </nav>
        )}
        {state.phase === 'ready' && (
          <ProblemList
            problems={state.problems}
            readProblems={state.readProblems}
            unrecognised={state.sync?.unrecognised ?? null}
            visits={state.visits}
            onResolve={(id, action) => void state.resolveProblem(id, action)}
          />
        )}
        {shownView === 'day' && state.phase === 'loading' && <p role="status">{t('queue.loading')}</p>}
        {state.phase === 'error' && (
          <div className="banner banner-error" role="alert">
            {t('queue.error', { message: state.loadError ?? '' })}{' '}
            <button type="button" onClick={() => void state.refresh()}>
              {t('queue.retry')}
            </button>
          </div>
        )}
        {dayReady && !busy && state.session && <DaySummary visits={state.visits.filter((v) => v.practitioner?.id === state.session?.practitionerId)} />}
        {dayReady && !busy && <QueueToolbar ref={searchRef} search={search} onSearch={setSearch} status={statusFilter} onStatus={setStatusFilter} />}
        {dayReady && (
          <div className={`workspace${busy ? ' in-call' : openVisit ? ' has-panel' : ''}`}>
            {/* The call is the stage while it lasts; the visit's facts beside it; the queue below, compact. */}
            <CallPanel store={calls} visitNow={visitById} onUrgent={(id) => void state.markUrgent(id)} />
            <div className="queue-wrap">
              <QueueView
                visits={filterQueue(state.visits, statusFilter, search)}
                retryPolicy={state.retryPolicy}
                openId={openId}
                onOpen={rowHandlers.onOpen}
                onOutcome={rowHandlers.onOutcome}
                list={{ scope: state.shownScope, changing: state.shownScope !== null && state.shownScope !== state.scope }}
                {...(call.available ? { calls: { onRing: rowHandlers.onRing, onPair: rowHandlers.onPair, busy } } : {})}
              />
            </div>
            {openVisit && (
              <VisitPanel
                api={api}
                visit={openVisit}
                retryPolicy={state.retryPolicy}
                check={check.result}
                canRing={call.available && !busy}
                onRing={() => void ringWithCheck(openVisit)}
                onOutcome={() => openOutcome(openVisit)}
                {...(call.available
                  ? {
                      invite: {
                        send: (relativeId: string) => call.invite(openVisit.id, relativeId),
                        sentFrom: (relativeId: string) => call.invitations[`${openVisit.id}/${relativeId}`]?.validFrom ?? null,
                      },
                    }
                  : {})}
                onClose={() => {
                  setOpenId(null);
                  (document.querySelector(`tr[data-visit-id="${CSS.escape(openVisit.id)}"] button.visit-open`) as HTMLButtonElement | null)?.focus();
                }}
              />
            )}
          </div>
        )}
        {state.phase === 'ready' && (
          <Upcoming
            visits={state.visits.filter((v) => v.practitioner?.id === state.session?.practitionerId || v.room?.id === roomId)}
            onOpen={(v) => setOpenId(v.id)}
            {...(call.available && !busy ? { onRing: (v: QueueVisit) => void ringWithCheck(v) } : {})}
          />
        )}
        {outcomeVisit && outcomeFor && (
          <OutcomeDialog
            key={outcomeFor.visitId}
            visit={outcomeVisit}
            defaults={outcomeFor.defaults}
            endedText={outcomeFor.endedText}
            retryPolicy={state.retryPolicy}
            onSave={saveOutcome}
            onCancel={() => setOutcomeFor(null)}
          />
        )}
        {check.open && (
          <DeviceCheckPanel
            store={checks}
            pendingCall={pendingCall}
            onClose={closeCheck}
            onRingAnyway={() => {
              const visit = pendingCall;
              closeCheck();
              if (visit) {
                checks.getState().touch();
                call.ring(visit);
              }
            }}
          />
        )}
      </main>
    </div>
  );
}
