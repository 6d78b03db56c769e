import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The idle lock: nothing personal is on screen (the queue is not rendered and the main process
 * refuses it while locked). Unlocking goes through the IdP again; its SSO session makes it quick.
 */
export function LockScreen({ error, waiting, onUnlock, onSwitchUser }: { error: string | null; waiting: boolean; onUnlock(): void; onSwitchUser(): void }) {
  const { t } = useTranslation();
  const unlock = useRef<HTMLButtonElement>(null);
  useEffect(() => unlock.current?.focus(), []);
  return (
    <section className="sign-in lock-screen" aria-labelledby="lock-heading" data-testid="lock-screen">
      <h2 id="lock-heading">{t('lock.heading')}</h2>
      <p>{t('lock.intro')}</p>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      <div className="lock-actions">
        <button ref={unlock} type="button" className="primary" onClick={onUnlock} disabled={waiting}>
          {t('lock.unlock')}
        </button>
        <button type="button" onClick={onSwitchUser}>
          {t('lock.switchUser')}
        </button>
      </div>
      {waiting && <p role="status">{t('signIn.opening')}</p>}
    </section>
  );
}
