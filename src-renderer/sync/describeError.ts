import type { TFunction } from 'i18next';
import type { SyncError } from '../../src-shared/domain/outbox';
import { formatClock } from '../../src-shared/time/copenhagen';

/**
 * A sync failure in the user's language: what happened, the EOJ's own words when it gave any, and
 * what happens next (tried again at a time, to be sent again by hand, or not sent at all).
 */
export function describeSyncError(t: TFunction, locale: string, error: SyncError, next: { retryAt?: string | null; final?: 'manual' | 'notSent' }): string {
  const status =
    error.code === 'conflict'
      ? t(`eojStatus.${['fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'moved'].includes(error.serverText ?? '') ? error.serverText : 'other'}`)
      : '';
  const parts = [t(`syncError.${error.code}`, { status, subject: error.subject ?? '' })];
  if (error.serverText && error.code !== 'conflict') parts.push(t('syncError.serverSaid', { text: error.serverText }));
  if (next.final) parts.push(t(`syncError.${next.final}`));
  else if (next.retryAt) parts.push(t('syncError.retryAt', { time: formatClock(next.retryAt, locale) }));
  return parts.join(' ');
}
