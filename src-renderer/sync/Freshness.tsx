import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SyncStatus } from '../../src-shared/domain/outbox';
import { useNow } from '../queue/useNow';

/** "8 s" under a minute, then whole minutes. */
function ageText(t: TFunction, ageMs: number): string {
  const seconds = Math.max(0, Math.floor(ageMs / 1000));
  return seconds < 60 ? t('sync.seconds', { count: seconds }) : t('sync.minutes', { count: Math.floor(seconds / 60) });
}

/**
 * How old the day on screen is ("Opdateret for 8 s siden"), and past the threshold, plainly that
 * it may be out of date and why. Its own component: it ticks every second without re-rendering the
 * queue or the board.
 */
export function Freshness({ sync, signallingUp }: { sync: SyncStatus | null; signallingUp: boolean | null }) {
  const { t } = useTranslation();
  const now = useNow(1_000);
  if (!sync || sync.state === 'disabled') return null;
  const reasons = [
    ...(sync.state === 'offline' ? [t('sync.because.offline')] : sync.state === 'error' ? [t('sync.because.error')] : []),
    ...(signallingUp === false ? [t('sync.because.signalling')] : []),
  ];
  if (!sync.lastSuccessAt)
    return (
      <p className="freshness freshness-stale" data-testid="freshness" data-stale="true">
        {[t('sync.neverFresh'), ...reasons].join(' ')}
      </p>
    );
  const ageMs = now.getTime() - Date.parse(sync.lastSuccessAt);
  const stale = ageMs >= sync.staleAfterSeconds * 1000 || sync.state !== 'online';
  const age = ageText(t, ageMs);
  return (
    <p className={`freshness${stale ? ' freshness-stale' : ''}`} data-testid="freshness" data-stale={String(stale)}>
      {[stale ? t('sync.stale', { age }) : t('sync.fresh', { age }), ...reasons].join(' ')}
    </p>
  );
}
