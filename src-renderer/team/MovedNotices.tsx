import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import { formatClock } from '../../src-shared/time/copenhagen';
import { localeFor } from '../i18n';
import type { TeamState } from './teamStore';

/** A calm notice when the team lead moved one of my visits, to me or away from me. */
export function MovedNotices({ team }: { team: StoreApi<TeamState> }) {
  const { t, i18n } = useTranslation();
  const notices = useStore(team, (s) => s.notices);
  if (notices.length === 0) return null;
  const locale = localeFor(i18n.language);
  return (
    <div className="moved-notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <p key={n.key} className="moved-notice" data-testid="moved-notice" data-visit-id={n.visitId}>
          {t(n.toMe ? 'moved.toMe' : 'moved.away', { time: formatClock(n.start, locale), name: n.citizenName, to: n.to?.name ?? t('board.unassigned') })}
          <button type="button" aria-label={t('upcoming.dismiss')} onClick={() => team.getState().dismissNotice(n.key)}>
            ✕
          </button>
        </p>
      ))}
    </div>
  );
}
