import { useTranslation } from 'react-i18next';
import type { OutboxEntry, SyncProblem } from '../../src-shared/domain/outbox';
import type { UnrecognisedShapes, Visit } from '../../src-shared/domain/visit';
import type { AuditProblem } from '../../src-shared/domain/audit';
import { AUDIT_ACTION_TEXT } from '../../src-shared/audit/trailTable';
import { formatClock } from '../../src-shared/time/copenhagen';
import { localeFor } from '../i18n';
import { describeSyncError } from './describeError';

/**
 * What did not go through, never dropped: changes that conflict with someone else's or that the EOJ
 * refused (with what to do about them), resources from the EOJ that could not be read, and what the
 * visits carried that Skærmrum does not show (kept in the EOJ as it is), counted.
 */
export function ProblemList({
  problems,
  readProblems,
  unrecognised,
  visits,
  onResolve,
  auditProblems = [],
  onRetryAudit,
}: {
  /** Audit events the EOJ refused (who did what): shown, sent again by hand. */
  auditProblems?: readonly AuditProblem[];
  onRetryAudit?(eventId: string): void;
  problems: readonly OutboxEntry[];
  readProblems: readonly SyncProblem[];
  /** Visits with shapes Skærmrum does not understand (from the sync status); null when unknown. */
  unrecognised: UnrecognisedShapes | null;
  visits: readonly Visit[];
  onResolve(mutationId: string, action: 'accept_eoj' | 'retry'): void;
}) {
  const { t, i18n } = useTranslation();
  const kinds = (['participants', 'identifiers', 'extensions'] as const).filter((k) => (unrecognised?.[k] ?? 0) > 0);
  if (problems.length === 0 && readProblems.length === 0 && kinds.length === 0 && auditProblems.length === 0) return null;
  const locale = localeFor(i18n.language);
  const lang = i18n.language === 'en' ? 'en' : 'da';
  const byId = new Map(visits.map((v) => [v.id, v]));
  return (
    <>
      {problems.length > 0 && (
        <section className="problems" aria-labelledby="problems-heading">
          <h2 id="problems-heading">{t('problems.heading', { count: problems.length })}</h2>
          <ul>
            {problems.map((p) => {
              const visit = byId.get(p.visitId);
              return (
                <li key={p.mutationId} data-state={p.state} data-error-code={p.error?.code}>
                  <strong>{t(`problems.${p.state === 'conflict' ? 'conflict' : 'dead'}`)}</strong>{' '}
                  {visit ? t('problems.visitAt', { name: visit.citizen.name, time: formatClock(visit.start, locale) }) : p.visitId}:{' '}
                  {p.intent.kind === 'visit.status'
                    ? t('problems.change', { status: t(`status.${p.intent.status}`) })
                    : p.intent.kind === 'visit.move'
                      ? t('problems.move', { who: p.intent.to.practitioner?.name ?? t('board.unassigned'), time: formatClock(p.intent.to.start, locale) })
                      : p.intent.kind === 'visit.attempt'
                        ? t('problems.attempt')
                        : t('problems.escalation')}
                  {p.error && ` – ${describeSyncError(t, locale, p.error, { final: p.state === 'conflict' ? 'notSent' : 'manual' })}`}
                  <span className="problem-actions">
                    <button type="button" onClick={() => onResolve(p.mutationId, 'accept_eoj')}>
                      {t('problems.acceptEoj')}
                    </button>
                    {p.state === 'dead' && (
                      <button type="button" onClick={() => onResolve(p.mutationId, 'retry')}>
                        {t('problems.retry')}
                      </button>
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {readProblems.length > 0 && (
        <section className="problems read-problems" aria-labelledby="read-problems-heading">
          <h2 id="read-problems-heading">{t('readProblems.heading', { count: readProblems.length })}</h2>
          <ul>
            {readProblems.map((p) => (
              <li key={p.resource} data-resource={p.resource} data-kind={p.kind}>
                <strong>{p.resource}</strong>: {t(`readProblems.${p.kind}`, { field: p.field })}
                {i18n.language === 'da' && p.detail && ` (${p.detail})`} – {t('readProblems.since', { time: formatClock(p.firstSeenAt, locale) })}
              </li>
            ))}
          </ul>
        </section>
      )}
      {auditProblems.length > 0 && (
        <section className="problems audit-problems" aria-labelledby="audit-problems-heading">
          <h2 id="audit-problems-heading">{t('audit.problems.heading', { count: auditProblems.length })}</h2>
          <ul>
            {auditProblems.map((p) => (
              <li key={p.eventId} data-event-id={p.eventId} data-error-code={p.error.code}>
                <strong>{t('audit.problems.item', { action: AUDIT_ACTION_TEXT[p.action][lang], time: formatClock(p.at, locale) })}</strong>
                {` – ${describeSyncError(t, locale, p.error, { final: 'manual' })}`}
                {onRetryAudit && (
                  <span className="problem-actions">
                    <button type="button" onClick={() => onRetryAudit(p.eventId)}>
                      {t('audit.problems.retry')}
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {kinds.length > 0 && (
        <section className="problems unrecognised" aria-labelledby="unrecognised-heading">
          <h2 id="unrecognised-heading">{t('unrecognised.heading')}</h2>
          <ul>
            {kinds.map((k) => (
              <li key={k} data-kind={k}>
                {t(`unrecognised.${k}`, { count: unrecognised?.[k] ?? 0 })}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
