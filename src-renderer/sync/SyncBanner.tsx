import { useTranslation } from 'react-i18next';
import type { SyncStatus } from '../../src-shared/domain/outbox';
import { formatClock } from '../../src-shared/time/copenhagen';
import { localeFor } from '../i18n';
import { useNow } from '../queue/useNow';

/** A calm note while the EOJ cannot be reached: work goes on, changes wait in the outbox. */
export function SyncBanner({ sync }: { sync: SyncStatus | null }) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
  if (!sync || sync.state === 'online' || sync.state === 'disabled') return null;
  const waiting = sync.outbox.pending + sync.outbox.inflight;
  const last = sync.lastSuccessAt
    ? t('sync.lastSync', {
        time: formatClock(sync.lastSuccessAt, localeFor(i18n.language)),
        minutes: Math.max(0, Math.floor((now.getTime() - Date.parse(sync.lastSuccessAt)) / 60_000)),
      })
    : t('sync.neverSynced');
  return (
    <div className={`banner ${sync.state === 'offline' ? 'banner-offline' : 'banner-error'}`} role="status" data-sync-state={sync.state}>
      <strong>{sync.state === 'offline' ? t('sync.offline') : t('sync.error')}</strong> {last} {waiting > 0 && t('sync.waiting', { count: waiting })}
      {sync.state === 'error' && sync.lastError && <span className="sync-error"> ({sync.lastError})</span>}
    </div>
  );
}
