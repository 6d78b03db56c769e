import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { VisitStatus, type Visit } from '../../src-shared/domain/visit';
import { findNowNext, isOpen } from '../../src-shared/queue/nowNext';
import { formatClock } from '../../src-shared/time/copenhagen';
import { localeFor } from '../i18n';
import { useNow } from './useNow';

interface Props {
  visits: readonly Visit[];
  onStatusChange(visitId: string, status: VisitStatus): void;
  /** Present when calls can be made (signed in against an EOJ with signalling). */
  calls?: { onRing(visit: Visit): void; onPair(citizenId: string): void; busy: boolean };
}

// Cancelling is not a queue action: cancelled visits leave the queue (and come from the EOJ).
const STATUSES = VisitStatus.options.filter((s) => s !== 'cancelled');

/** Today's visits in time order, with "now" and "next" marked. */
export function QueueView({ visits, onStatusChange, calls }: Props) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const { nowId, nextId } = findNowNext(visits, now);
  const locale = localeFor(i18n.language);
  const tbody = useRef<HTMLTableSectionElement>(null);
  const focusId = nowId ?? nextId;

  // Bring the visit to work on into view when the queue first shows (a day is 40+ rows long).
  const scrolled = useRef(false);
  useEffect(() => {
    if (scrolled.current || !focusId || !tbody.current) return;
    scrolled.current = true;
    tbody.current.querySelector(`[data-visit-id="${CSS.escape(focusId)}"]`)?.scrollIntoView({ block: 'center' });
  }, [focusId]);

  if (visits.length === 0) return <p className="queue-empty">{t('queue.empty')}</p>;

  return (
    <table className="queue">
      <caption>{t('queue.caption', { count: visits.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('queue.time')}</th>
          <th scope="col">{t('queue.citizen')}</th>
          <th scope="col">{t('queue.task')}</th>
          <th scope="col">{t('queue.room')}</th>
          <th scope="col">{t('queue.status')}</th>
          {calls && <th scope="col">{t('queue.call')}</th>}
        </tr>
      </thead>
      <tbody ref={tbody}>
        {visits.map((visit) => {
          const marker = visit.id === nowId ? 'now' : visit.id === nextId ? 'next' : null;
          const start = formatClock(visit.start, locale);
          return (
            <tr key={visit.id} className={`visit status-${visit.status}${marker ? ` marker-${marker}` : ''}`} data-visit-id={visit.id}
              aria-current={marker === 'now' ? 'true' : undefined}>
              <td className="visit-time">
                <span>{start}–{formatClock(visit.end, locale)}</span>
                {marker && <span className={`marker marker-${marker}`}>{t(`marker.${marker}`)}</span>}
              </td>
              <th scope="row" className="visit-citizen">{visit.citizen.name}</th>
              <td className="visit-task">
                <span className="task-type">{visit.task.type}</span>
                <span className="task-description">{visit.task.description}</span>
              </td>
              <td>{visit.room?.name ?? '–'}</td>
              <td>
                <select
                  className={`status-select status-${visit.status}`}
                  aria-label={t('queue.statusFor', { name: visit.citizen.name, time: start })}
                  value={visit.status}
                  onChange={(e) => onStatusChange(visit.id, VisitStatus.parse(e.target.value))}
                >
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>{t(`status.${s}`)}</option>
                  ))}
                </select>
              </td>
              {calls && (
                <td className="visit-actions">
                  {isOpen(visit) && (
                    <button type="button" className="ring" disabled={calls.busy} aria-label={t('call.ring', { name: visit.citizen.name })} onClick={() => calls.onRing(visit)}>
                      {t('call.ringShort')}
                    </button>
                  )}
                  <button type="button" className="pair" aria-label={t('call.pair', { name: visit.citizen.name })} onClick={() => calls.onPair(visit.citizen.id)}>
                    {t('call.pairShort')}
                  </button>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
