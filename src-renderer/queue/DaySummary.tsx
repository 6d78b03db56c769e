import { useTranslation } from 'react-i18next';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { daySummary } from '../../src-shared/workflow/lateness';

/** The staff member's day so far: done, missed, escalated, open, and average lateness. */
export function DaySummary({ visits }: { visits: readonly QueueVisit[] }) {
  const { t, i18n } = useTranslation();
  const s = daySummary(visits);
  const late =
    s.averageLatenessMinutes === null
      ? t('summary.noCalls')
      : t('summary.late', { minutes: s.averageLatenessMinutes.toLocaleString(i18n.language === 'da' ? 'da-DK' : 'en-GB') });
  return (
    <section className="day-summary" aria-labelledby="day-summary-heading">
      <h2 id="day-summary-heading">{t('summary.heading')}</h2>
      <ul>
        <li data-testid="summary-done">{t('summary.done', { count: s.done })}</li>
        <li data-testid="summary-missed">{t('summary.missed', { count: s.missed })}</li>
        <li data-testid="summary-escalated">{t('summary.escalated', { count: s.escalated })}</li>
        <li>{t('summary.open', { count: s.open })}</li>
        <li>{late}</li>
      </ul>
    </section>
  );
}
