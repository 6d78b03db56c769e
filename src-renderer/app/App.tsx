import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import type { ApiClient, RecordOutcome } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { BoardView } from '../board/BoardView';
import type { BoardState } from '../board/boardStore';
import { IncomingHelp } from '../call/HelpRequest';
import type { CallState } from '../call/callStore';
import { DeviceCheckPanel } from '../devices/DeviceCheckPanel';
import type { DeviceCheckState } from '../devices/deviceCheckStore';
import type { QueueState } from '../queue/queueStore';
import { Upcoming } from '../queue/Upcoming';
import { ReportsView } from '../reports/ReportsView';
import type { ReportsState } from '../reports/reportsStore';
import { LockScreen } from '../session/LockScreen';
import { SignInView } from '../session/SignInView';
import { ProblemList } from '../sync/ProblemList';
import { SyncBanner } from '../sync/SyncBanner';
import { MovedNotices } from '../team/MovedNotices';
import type { TeamState } from '../team/teamStore';
import { OutcomeDialog } from '../visit/OutcomeDialog';
import { AppHeader } from './AppHeader';
import { DayView } from './DayView';
import { viewsFor, type AppView } from './roleViews';
import { useActivity } from './useActivity';
import { useOutcome } from './useOutcome';
import { useQueueRefresh } from './useQueueRefresh';
import { useRing } from './useRing';
import { useSearchShortcut } from './useSearchShortcut';
import { useStarted } from './useStarted';

/** The staff member's next visit of the day that is still to be called. */
const nextOf = (visits: readonly QueueVisit[], practitionerId: string | undefined) =>
  visits.find((v) => v.practitioner?.id === practitionerId && (v.status === 'planned' || v.status === 'not_answered'));

/** Presence and the idle lock: a part of its own, so a call starting re-renders only it. */
function Activity(props: Parameters<typeof useActivity>[0]) {
  useActivity(props);
  return null;
}

/** Upcoming calls, with one-click ring while no call is on. */
function UpcomingCalls({
  calls,
  visits,
  onOpen,
  onRing,
}: {
  calls: StoreApi<CallState>;
  visits: readonly QueueVisit[];
  onOpen(visit: QueueVisit): void;
  onRing(visit: QueueVisit): void;
}) {
  const canRing = useStore(calls, (s) => s.available && s.phase !== 'ringing' && s.phase !== 'connected');
  return <Upcoming visits={visits} onOpen={onOpen} {...(canRing ? { onRing } : {})} />;
}

/**
 * The app's frame: header, banners, the views the role may see, and what shows over every view
 * (the outcome form, the device check, a colleague's request, upcoming calls). Each concern is its
 * own hook; a call's state is read by the call stage, not here.
 */
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
  const { t } = useTranslation();
  const state = useStore(store);
  const checkOpen = useStore(checks, (s) => s.open);
  const session = state.session;
  const signedIn = session !== null;
  const roomId = session?.roomId ?? null;

  const views = viewsFor(session?.role);
  const [view, setView] = useState<AppView>('day');
  const shownView = views.includes(view) ? view : (views[0] ?? 'day');
  const [openId, setOpenId] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const visitNow = useCallback((id: string) => store.getState().visits.find((v) => v.id === id), [store]);

  useStarted(() => store.getState().start(), true, [store]);
  // Calls need the signed-in staff member's token; the room's remembered devices are loaded at sign-in.
  useStarted(() => calls.getState().start(), signedIn, [calls]);
  useStarted(() => checks.getState().start(roomId), signedIn, [checks, roomId]);
  useQueueRefresh(store);
  useSearchShortcut(searchRef);
  const { outcomeFor, openOutcome, closeOutcome } = useOutcome(calls, visitNow);
  const ringing = useRing({ calls, checks, next: nextOf(state.visits, session?.practitionerId) });

  // A call is the stage: it opens in "Min dag" with the called visit's facts beside it, and so
  // does a colleague's call we join, from whichever view we were in. The visit's row is marked
  // open after the stage is up.
  useEffect(
    () =>
      calls.subscribe((s, before) => {
        if (s.phase === 'ringing' && before.phase !== 'ringing' && s.visit) {
          const id = s.visit.id;
          setView('day');
          startTransition(() => setOpenId(id));
        }
        if (s.phase === 'connected' && s.helping && !(before.phase === 'connected' && before.helping)) setView('day');
      }),
    [calls],
  );

  const saveOutcome = async (input: RecordOutcome) => {
    const saved = await state.recordOutcome(input, closeOutcome);
    if (saved) {
      // Back to the queue, on the row that was documented.
      requestAnimationFrame(() =>
        (document.querySelector(`tr[data-visit-id="${CSS.escape(input.visitId)}"] button.visit-open`) as HTMLButtonElement | null)?.focus(),
      );
    }
    return saved !== null;
  };
  const outcomeVisit = outcomeFor ? state.visits.find((v) => v.id === outcomeFor.visitId) : undefined;

  return (
    <div className="app">
      <Activity session={session} store={store} team={team} calls={calls} lockAfterMinutes={state.auth?.lockAfterMinutes ?? 0} />
      <AppHeader state={state} checks={checks} team={team} />
      {!state.online && (
        <div className="banner banner-offline" role="alert">
          {t('connection.lost')}
        </div>
      )}
      <SyncBanner sync={state.sync} />
      {session && state.auth?.reauth && (
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

      {/* Pointer or focus on a ring button, in any list: the device check runs ahead of the click. */}
      <main onPointerOver={(e) => ringing.aheadOfRing(e.target)} onFocus={(e) => ringing.aheadOfRing(e.target)}>
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
        <IncomingHelp store={calls} visitNow={visitNow} />
        {shownView === 'board' && <BoardView board={board} team={team} />}
        {shownView === 'reports' && session && <ReportsView reports={reports} canChooseTeam={session.role === 'leader'} />}
        {state.phase === 'ready' && (
          <ProblemList
            problems={state.problems}
            readProblems={state.readProblems}
            unrecognised={state.sync?.unrecognised ?? null}
            visits={state.visits}
            onResolve={(id, action) => void state.resolveProblem(id, action)}
            auditProblems={state.auditProblems}
            onRetryAudit={(id) => void state.retryAuditEvent(id)}
          />
        )}
        {state.phase === 'error' && (
          <div className="banner banner-error" role="alert">
            {t('queue.error', { message: state.loadError ?? '' })}{' '}
            <button type="button" onClick={() => void state.refresh()}>
              {t('queue.retry')}
            </button>
          </div>
        )}
        {shownView === 'day' && (
          <DayView
            api={api}
            state={state}
            calls={calls}
            checks={checks}
            openId={openId}
            onOpenChange={setOpenId}
            onOutcome={openOutcome}
            onRing={(v) => void ringing.ring(v)}
            searchRef={searchRef}
          />
        )}
        {state.phase === 'ready' && (
          <UpcomingCalls
            calls={calls}
            visits={state.visits.filter((v) => v.practitioner?.id === session?.practitionerId || v.room?.id === roomId)}
            onOpen={(v) => setOpenId(v.id)}
            onRing={(v) => void ringing.ring(v)}
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
            onCancel={closeOutcome}
          />
        )}
        {checkOpen && <DeviceCheckPanel store={checks} pendingCall={ringing.pendingCall} onClose={ringing.closeCheck} onRingAnyway={ringing.ringAnyway} />}
      </main>
    </div>
  );
}
