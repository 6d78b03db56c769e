import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { isOpen } from '../../src-shared/queue/nowNext';
import { formatClock } from '../../src-shared/time/copenhagen';
import { localeFor } from '../i18n';
import { useNow } from './useNow';

const AHEAD_MS = 60_000;
const SHOWN_MS = 2 * 60_000;

interface Notice {
  key: string;
  visit: QueueVisit;
  kind: 'start' | 'retry';
  at: string;
  shownAt: number;
}

/**
 * A minute before each of the staff member's calls (and retries), a notice with one-click ring,
 * and a system notification where the user has allowed them.
 */
export function Upcoming({ visits, onRing, onOpen }: { visits: readonly QueueVisit[]; onRing?(visit: QueueVisit): void; onOpen(visit: QueueVisit): void }) {
  const { t, i18n } = useTranslation();
  const now = useNow(5_000);
  const [notices, setNotices] = useState<Notice[]>([]);
  const seen = useRef(new Set<string>());

  useEffect(() => {
    const t0 = now.getTime();
    const fresh: Notice[] = [];
    for (const v of visits) {
      if (!isOpen(v)) continue;
      const at = v.workflow.retryAt ?? v.start;
      const kind = v.workflow.retryAt ? 'retry' : 'start';
      const key = `${v.id}@${at}`;
      const due = Date.parse(at) - t0;
      if (due > 0 && due <= AHEAD_MS && !seen.current.has(key)) {
        seen.current.add(key);
        fresh.push({ key, visit: v, kind, at, shownAt: t0 });
      }
    }
    setNotices((old) => [...old.filter((n) => t0 - n.shownAt < SHOWN_MS), ...fresh]);
    if (fresh.length && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      for (const n of fresh)
        new Notification(t('upcoming.title'), {
          body: t(`upcoming.${n.kind}`, { name: n.visit.citizen.name, task: n.visit.task.type, time: formatClock(n.at, localeFor(i18n.language)) }),
          tag: n.key,
        });
    }
  }, [now, visits, t, i18n.language]);

  return (
    <div className="upcoming" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.key} className="upcoming-notice" data-testid="upcoming">
          <span>{t(`upcoming.${n.kind}`, { name: n.visit.citizen.name, task: n.visit.task.type, time: formatClock(n.at, localeFor(i18n.language)) })}</span>
          {onRing && (
            <button type="button" className="ring" onClick={() => onRing(n.visit)}>
              {t('call.ringShort')}
            </button>
          )}
          <button type="button" onClick={() => onOpen(n.visit)}>
            {t('upcoming.open')}
          </button>
          <button type="button" aria-label={t('upcoming.dismiss')} onClick={() => setNotices((old) => old.filter((o) => o.key !== n.key))}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
