import { useEffect } from 'react';
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

const SCOPES: QueueScope[] = ['mine', 'room', 'team'];

export function App({ store, calls }: { store: StoreApi<QueueState>; calls: StoreApi<CallState> }) {
  const { t, i18n } = useTranslation();
  const state = useStore(store);
  const call = useStore(calls);
  const signedIn = state.session !== null;

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
            {...(call.available ? { calls: { onRing: call.ring, onPair: call.pairDevice, busy: call.phase === 'ringing' || call.phase === 'connected' } } : {})}
          />
        )}
        <CallPanel store={calls} />
      </main>
    </div>
  );
}
