import { useTranslation } from 'react-i18next';
import type { OutboxEntry } from '../../src-shared/domain/outbox';
import type { Visit } from '../../src-shared/domain/visit';
import { formatClock } from '../../src-shared/time/copenhagen';
import { localeFor } from '../i18n';

/** Changes that did not reach the EOJ: a conflict with someone else's change, or a refusal. */
export function ProblemList({
  problems,
  visits,
  onResolve,
}: {
  problems: readonly OutboxEntry[];
  visits: readonly Visit[];
  onResolve(mutationId: string, action: 'accept_eoj' | 'retry'): void;
}) {
  const { t, i18n } = useTranslation();
  if (problems.length === 0) return null;
  const byId = new Map(visits.map((v) => [v.id, v]));
  return (
    <section className="problems" aria-labelledby="problems-heading">
      <h2 id="problems-heading">{t('problems.heading', { count: problems.length })}</h2>
      <ul>
        {problems.map((p) => {
          const visit = byId.get(p.visitId);
          return (
            <li key={p.mutationId} data-state={p.state}>
              <strong>{t(`problems.${p.state === 'conflict' ? 'conflict' : 'dead'}`)}</strong>{' '}
              {visit ? t('problems.visitAt', { name: visit.citizen.name, time: formatClock(visit.start, localeFor(i18n.language)) }) : p.visitId}:{' '}
              {p.intent.kind === 'visit.status' ? t('problems.change', { status: t(`status.${p.intent.status}`) }) : t('problems.escalation')} – {p.lastError}
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
  );
}
