import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../src-shared/domain/outbox';
import { formatClock } from '../../src-shared/time/copenhagen';
import { localeFor } from '../i18n';
import { useNow } from '../queue/useNow';
import { describeSyncError } from './describeError';

/** A calm note while the EOJ cannot be reached or refuses: work goes on, changes wait in the outbox. */
export function SyncBanner({ sync }: { sync: SyncStatus | null }) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  if (!sync || sync.state === 'online' || sync.state === 'disabled') return null;
  const locale = localeFor(i18n.language);
  const waiting = sync.outbox.pending + sync.outbox.inflight;
  const last = sync.lastSuccessAt
    ? t('sync.lastSync', {
        time: formatClock(sync.lastSuccessAt, locale),
        minutes: Math.max(0, Math.floor((now.getTime() - Date.parse(sync.lastSuccessAt)) / 60_000)),
      })
    : t('sync.neverSynced');
  return (
    <div className={`banner ${sync.state === 'offline' ? 'banner-offline' : 'banner-error'}`} role="status" data-sync-state={sync.state}>
      <strong>{sync.state === 'offline' ? t('sync.offline') : t('sync.error')}</strong> {last} {waiting > 0 && t('sync.waiting', { count: waiting })}
      {sync.error && (
        <span className="sync-error" data-error-code={sync.error.code}>
          {' '}
          {describeSyncError(t, locale, sync.error, { retryAt: sync.nextAttemptAt })}
        </span>
      )}
    </div>
  );
}
