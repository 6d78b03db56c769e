import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import { switchLanguage } from '../i18n';
import { QueueView } from '../queue/QueueView';
import { SignInView } from '../session/SignInView';
import { ProblemList } from '../sync/ProblemList';
import { SyncBanner } from '../sync/SyncBanner';
import type { QueueScope, QueueState } from '../queue/queueStore';
import { CallPanel } from '../call/CallPanel';
import type { CallState } from '../call/callStore';
import type { Visit } from '../../src-shared/domain/visit';
import { DeviceCheckPanel } from '../devices/DeviceCheckPanel';
import type { DeviceCheckState } from '../devices/deviceCheckStore';

const SCOPES: QueueScope[] = ['mine', 'room', 'team'];

export function App({ store, calls, checks }: { store: StoreApi<QueueState>; calls: StoreApi<CallState>; checks: StoreApi<DeviceCheckState> }) {
  const { t, i18n } = useTranslation();
  const state = useStore(store);
  const call = useStore(calls);
  const check = useStore(checks);
  const signedIn = state.session !== null;
  const roomId = state.session?.roomId ?? null;
  /** A call waiting for the staff member to look at the quick check's findings. */
  const [pendingCall, setPendingCall] = useState<Visit | null>(null);

  // The room's remembered devices are loaded at sign-in; the checked devices stay open meanwhile.
  useEffect(() => {
    if (!signedIn) return;
    let stop: (() => void) | undefined;
    let cancelled = false;
    void checks.getState().start(roomId).then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [checks, signedIn, roomId]);

  /** Every call starts with a quick device check; it rings at once when nothing needs a look. */
  async function ringWithCheck(visit: Visit) {
    const result = await checks.getState().runQuick();
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
    void calls.getState().start().then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [calls, signedIn]);

  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    void store.getState().start().then((s) => (cancelled ? s() : (stop = s)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [store]);

  const pending = state.outbox ? state.outbox.pending + state.outbox.inflight : 0;
  const roomName = state.visits.find((v) => v.room?.id === state.session?.roomId)?.room?.name ?? state.session?.roomId ?? t('app.noRoom');

  return (
    <div className="app">
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        {state.session && <p className="signed-in">{t('app.signedInAs', { name: state.session.name, room: roomName })}</p>}
        {state.session && (
          <button type="button" className={`check-summary summary-${check.result?.verdict ?? 'none'}`} data-testid="check-summary"
            data-mode={check.result?.mode} data-retested={check.result?.retested.join(' ')} data-duration-ms={check.result?.durationMs} onClick={() => checks.getState().openPanel()}>
            {check.running ? t('check.verdict.running') : t(`check.summary.${check.result?.verdict ?? 'none'}`)}
          </button>
        )}
        <p className="outbox-status" role="status">
          {pending > 0 ? t('outbox.pending', { count: pending }) : t('outbox.allSent')}
        </p>
        <button type="button" className="language" aria-label={t('app.switchLanguageLabel')}
          onClick={() => void switchLanguage(i18n.language === 'da' ? 'en' : 'da')}>
          {t('app.switchLanguage')}
        </button>
      </header>

      {!state.online && <div className="banner banner-offline" role="alert">{t('connection.lost')}</div>}
      <SyncBanner sync={state.sync} />
      {state.saveError && <div className="banner banner-error" role="alert">{t('queue.saveFailed', { message: state.saveError })}</div>}

      <main>
        {state.phase === 'signed-out' && <SignInView options={state.signInOptions} error={state.signInError} onSignIn={(id) => void state.signIn(id)} />}
        {state.session && <nav className="scope" aria-label={t('scope.label')}>
          {SCOPES.map((scope) => (
            <button key={scope} type="button" aria-pressed={state.scope === scope} onClick={() => void state.setScope(scope)}>
              {t(`scope.${scope}`)}
            </button>
          ))}
        </nav>}
        {state.phase === 'ready' && <ProblemList problems={state.problems} visits={state.visits} />}
        {state.phase === 'loading' && <p role="status">{t('queue.loading')}</p>}
        {state.phase === 'error' && (
          <div className="banner banner-error" role="alert">
            {t('queue.error', { message: state.loadError ?? '' })}{' '}
            <button type="button" onClick={() => void state.refresh()}>{t('queue.retry')}</button>
          </div>
        )}
        {state.phase === 'ready' && (
          <QueueView
            visits={state.visits}
            onStatusChange={(id, s) => void state.setStatus(id, s)}
            {...(call.available ? { calls: { onRing: (visit: Visit) => void ringWithCheck(visit), onPair: call.pairDevice, busy: call.phase === 'ringing' || call.phase === 'connected' } } : {})}
          />
        )}
        {check.open && (
          <DeviceCheckPanel store={checks} pendingCall={pendingCall} onClose={closeCheck}
            onRingAnyway={() => {
              const visit = pendingCall;
              closeCheck();
              if (visit) {
                checks.getState().touch();
                call.ring(visit);
              }
            }} />
        )}
        <CallPanel store={calls} />
      </main>
    </div>
  );
}
