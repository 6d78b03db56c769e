import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';
import { STATUS_FILTERS, type StatusFilter } from './queueFilter';

/** Search and status filter above the queue, and the keyboard shortcuts, always listed. */
export const QueueToolbar = forwardRef<
  HTMLInputElement,
  { search: string; onSearch(value: string): void; status: StatusFilter; onStatus(value: StatusFilter): void }
>(function QueueToolbar({ search, onSearch, status, onStatus }, searchRef) {
  const { t } = useTranslation();
  return (
    <div className="queue-toolbar">
      <label className="queue-search">
        {t('queue.search')}
        <input ref={searchRef} type="search" value={search} onChange={(e) => onSearch(e.target.value)} placeholder={t('queue.searchPlaceholder')} />
      </label>
      <div className="status-filter" role="group" aria-label={t('queue.filterLabel')}>
        {STATUS_FILTERS.map((f) => (
          <button key={f} type="button" aria-pressed={status === f} onClick={() => onStatus(f)}>
            {t(`queue.filter.${f}`)}
          </button>
        ))}
      </div>
      <details className="shortcuts">
        <summary>{t('shortcuts.title')}</summary>
        <dl>
          {(['move', 'open', 'ring', 'outcome', 'search', 'close', 'choose', 'save'] as const).map((k) => (
            <div key={k}>
              <dt>
                <kbd>{t(`shortcuts.${k}.keys`)}</kbd>
              </dt>
              <dd>{t(`shortcuts.${k}.does`)}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
});
