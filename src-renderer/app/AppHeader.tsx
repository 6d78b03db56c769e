import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import { switchLanguage } from '../i18n';
import type { DeviceCheckState } from '../devices/deviceCheckStore';
import type { QueueState } from '../queue/queueStore';
import { Freshness } from '../sync/Freshness';
import type { TeamState } from '../team/teamStore';

/** Who is signed in where, the device check's verdict, what waits to be sent, and the language. */
export function AppHeader({ state, checks, team }: { state: QueueState; checks: StoreApi<DeviceCheckState>; team: StoreApi<TeamState> }) {
  const { t, i18n } = useTranslation();
  const check = useStore(checks, (s) => s.result);
  const checking = useStore(checks, (s) => s.running !== null);
  const signallingUp = useStore(team, (s) => s.signallingUp);
  const pending = state.outbox ? state.outbox.pending + state.outbox.inflight : 0;
  const roomName = state.visits.find((v) => v.room?.id === state.session?.roomId)?.room?.name ?? state.session?.roomId ?? t('app.noRoom');
  return (
    <header className="app-header">
      <h1>{t('app.title')}</h1>
      {state.session && <p className="signed-in">{t('app.signedInAs', { name: state.session.name, room: roomName })}</p>}
      {state.session && (
        <button
          type="button"
          className={`check-summary summary-${check?.verdict ?? 'none'}`}
          data-testid="check-summary"
          data-mode={check?.mode}
          data-retested={check?.retested.join(' ')}
          data-duration-ms={check?.durationMs}
          onClick={() => checks.getState().openPanel()}
        >
          {checking ? t('check.verdict.running') : t(`check.summary.${check?.verdict ?? 'none'}`)}
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
  );
}
