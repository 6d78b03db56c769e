import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../../src-shared/api/contract';
import { AUDIT_TRAIL_COLUMNS, AUDIT_TRAIL_KEYS, auditTrailRow } from '../../src-shared/audit/trailTable';
import type { AuditTrailEntry } from '../../src-shared/domain/audit';
import { download } from '../reports/reportsStore';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * "Hvem har set oplysninger om denne borger?": who did what and when about the citizen, as the EOJ
 * keeps it, newest first, 25 at a time ("Vis flere"), and as CSV for the data-protection officer.
 * A modal dialog: focus starts on its heading, Tab stays inside, Escape closes it.
 */
export function AuditTrailDialog({ api, citizenId, citizenName, onClose }: { api: ApiClient; citizenId: string; citizenName: string; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'da';
  const [entries, setEntries] = useState<AuditTrailEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const dialog = useRef<HTMLDivElement>(null);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.audit.trail({ citizenId, ...(from ? { cursor: from } : {}) });
        setEntries((before) => (from ? [...before, ...page.entries] : page.entries));
        setCursor(page.cursor);
        setTotal(page.total);
      } catch (e) {
        setError(message(e));
      } finally {
        setLoading(false);
      }
    },
    [api, citizenId],
  );
  useEffect(() => {
    heading.current?.focus();
    void load(null);
  }, [load]);

  const exportCsv = async () => {
    setExporting(true);
    setError(null);
    try {
      const file = await api.audit.export({ citizenId, lang });
      download(file.fileName, file.mimeType, file.base64);
    } catch (e) {
      setError(message(e));
    } finally {
      setExporting(false);
    }
  };

  // Tab and Shift+Tab go round the dialog's own controls.
  const keepFocus = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !dialog.current) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>('button:not([disabled]), [tabindex="0"]')];
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (e.shiftKey && (document.activeElement === first || document.activeElement === heading.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="audit-trail-backdrop">
      <div
        ref={dialog}
        className="audit-trail"
        role="dialog"
        aria-modal="true"
        aria-labelledby="audit-trail-heading"
        aria-describedby="audit-trail-intro"
        data-testid="audit-trail"
        onKeyDown={keepFocus}
      >
        <h2 id="audit-trail-heading" tabIndex={-1} ref={heading}>
          {t('audit.heading', { name: citizenName })}
        </h2>
        <p id="audit-trail-intro" className="hint">
          {t('audit.intro')}
        </p>
        {error && (
          <p role="alert" className="banner banner-error">
            {error}
          </p>
        )}
        <div className="audit-trail-table" tabIndex={0} role="region" aria-label={t('audit.tableLabel')}>
          <table>
            <caption className="visually-hidden">{t('audit.caption', { shown: entries.length, total: total ?? entries.length })}</caption>
            <thead>
              <tr>
                {AUDIT_TRAIL_KEYS.map((k) => (
                  <th key={k} scope="col">
                    {AUDIT_TRAIL_COLUMNS[k][lang]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => {
                const row = auditTrailRow(entry, lang);
                return (
                  <tr key={entry.id} data-action={entry.action ?? 'other'} data-outcome={entry.outcome}>
                    {AUDIT_TRAIL_KEYS.map((k) => (
                      <td key={k}>{row[k]}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p role="status" className="hint">
          {loading
            ? t('audit.loading')
            : entries.length === 0 && !error
              ? t('audit.empty')
              : t('audit.shown', { shown: entries.length, total: total ?? entries.length })}
        </p>
        <div className="audit-trail-actions">
          {cursor && (
            <button type="button" onClick={() => void load(cursor)} disabled={loading}>
              {t('audit.more')}
            </button>
          )}
          <button type="button" onClick={() => void exportCsv()} disabled={exporting || loading}>
            {exporting ? t('audit.exporting') : t('audit.export')}
          </button>
          <button type="button" className="primary" onClick={onClose}>
            {t('audit.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
