import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiClient } from '../../src-shared/api/contract';
import type { DeviceCheckResult } from '../../src-shared/devices/check';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { isOpen } from '../../src-shared/queue/nowNext';
import { formatClock } from '../../src-shared/time/copenhagen';
import type { RetryPolicy } from '../../src-shared/workflow/outcome';
import { localeFor } from '../i18n';
import { StatusChips } from '../queue/QueueView';
import { AuditTrailDialog } from '../audit/AuditTrailDialog';
import { rendererClock } from '../time/clock';

type Details = Awaited<ReturnType<ApiClient['visit']['details']>>;

/** Age in whole years on a date, from an ISO birth date. */
export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = on.getFullYear() - y;
  if (on.getMonth() + 1 < m || (on.getMonth() + 1 === m && on.getDate() < d)) age--;
  return age;
}

/** How long the full CPR number stays on screen after the click. */
const CPR_SHOWN_MS = 30_000;

/**
 * Before the call: who the citizen is (age, masked CPR with an audited reveal, address, emergency
 * contact), the task, notes from the last visit, whether relatives may join, and the device check.
 */
export function VisitPanel({
  api,
  visit,
  retryPolicy,
  check,
  canRing,
  onRing,
  onOutcome,
  onClose,
  invite,
  canSeeAudit = false,
}: {
  /** A team lead may see who has seen the citizen's information (the API asks the same). */
  canSeeAudit?: boolean;
  /** Invite a relative into the call (an SMS with link and PIN), and when a sent one works from. */
  invite?: { send(relativeId: string): void; sentFrom(relativeId: string): string | null };
  api: ApiClient;
  visit: QueueVisit;
  retryPolicy: RetryPolicy;
  check: DeviceCheckResult | null;
  canRing: boolean;
  onRing(): void;
  onOutcome(): void;
  onClose(): void;
}) {
  const { t, i18n } = useTranslation();
  const locale = localeFor(i18n.language);
  const [details, setDetails] = useState<Details | null>(null);
  const [cpr, setCpr] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [auditOpen, setAuditOpen] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const auditButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    heading.current?.focus();
    setCpr(null);
    setAuditOpen(false);
  }, [visit.id]);
  useEffect(() => {
    let current = true;
    api.visit
      .details({ visitId: visit.id })
      .then((d) => current && setDetails(d))
      .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [api, visit.id, visit.workflow]);
  useEffect(() => {
    if (!cpr) return;
    const timer = setTimeout(() => setCpr(null), CPR_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [cpr]);

  const c = visit.citizen;
  const last = details?.lastOutcome ?? null;
  const problems = check?.findings.filter((f) => f.severity !== 'ok') ?? [];
  return (
    <aside
      className="visit-panel"
      aria-labelledby="visit-heading"
      data-testid="visit-panel"
      onKeyDown={(e) => {
        // Escape in the audit dialog closes the dialog only.
        if (e.key === 'Escape' && !auditOpen) onClose();
      }}
    >
      <div className="visit-panel-head">
        <h2 id="visit-heading" tabIndex={-1} ref={heading}>
          {c.name}
        </h2>
        <button type="button" onClick={onClose} aria-label={t('visit.close')}>
          ✕
        </button>
      </div>
      <StatusChips visit={visit} retryPolicy={retryPolicy} />
      {error && (
        <p role="alert" className="banner banner-error">
          {error}
        </p>
      )}
      <dl className="visit-facts">
        <dt>{t('visit.time')}</dt>
        <dd>
          {formatClock(visit.start, locale)}–{formatClock(visit.end, locale)}
        </dd>
        <dt>{t('visit.task')}</dt>
        <dd>
          <strong>{visit.task.type}</strong> – {visit.task.description}
        </dd>
        {c.birthDate && (
          <>
            <dt>{t('visit.age')}</dt>
            <dd>{t('visit.years', { count: ageOn(c.birthDate, rendererClock.now()) })}</dd>
          </>
        )}
        <dt>{t('visit.cpr')}</dt>
        <dd>
          <span data-testid="cpr">{cpr ? `${cpr.slice(0, 6)}-${cpr.slice(6)}` : (c.cprMasked ?? t('visit.noCurrentCpr'))}</span>{' '}
          {!cpr && c.cprMasked && (
            <button
              type="button"
              className="link"
              onClick={() =>
                api.visit
                  .revealCpr({ visitId: visit.id })
                  .then((r) => setCpr(r.cpr))
                  .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
              }
            >
              {t('visit.revealCpr')}
            </button>
          )}
          {cpr && <span className="hint"> {t('visit.cprLogged')}</span>}
        </dd>
        <dt>{t('visit.address')}</dt>
        <dd>{c.address || '–'}</dd>
        <dt>{t('visit.emergencyContact')}</dt>
        <dd>
          {c.emergencyContact
            ? `${c.emergencyContact.name}${c.emergencyContact.relationship ? ` (${c.emergencyContact.relationship})` : ''}, ${c.emergencyContact.phone}`
            : t('visit.unknown')}
        </dd>
        <dt>{t('visit.relatives')}</dt>
        <dd data-testid="relatives">
          {c.relatives === undefined ? (
            c.relativesMayJoin == null ? (
              t('visit.unknown')
            ) : c.relativesMayJoin ? (
              t('visit.relativesYes')
            ) : (
              t('visit.relativesNo')
            )
          ) : c.relatives.length === 0 ? (
            t('visit.noRelatives')
          ) : (
            <ul className="visit-relatives">
              {c.relatives.map((r) => (
                <li key={r.id} data-relative-id={r.id} data-may-join={r.mayJoin}>
                  {r.relationship ? `${r.name} (${r.relationship.toLowerCase()})` : r.name} –{' '}
                  {t(r.mayJoin ? 'visit.relativeMayJoin' : 'visit.relativeNoConsent')}
                  {invite && r.mayJoin && !r.canText && <> – {t('visit.noMobile')}</>}
                  {invite && r.mayJoin && r.canText && (
                    <>
                      {' '}
                      {invite.sentFrom(r.id) ? (
                        <span role="status" className="invited">
                          {t('visit.invited', { time: formatClock(invite.sentFrom(r.id) as string) })}
                        </span>
                      ) : (
                        <button type="button" className="invite" onClick={() => invite.send(r.id)}>
                          {t('visit.invite', { name: r.name.split(' ')[0] })}
                        </button>
                      )}
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </dd>
        {c.homeCareGroup && (
          <>
            <dt>{t('visit.homeCareGroup')}</dt>
            <dd>{c.homeCareGroup.name}</dd>
          </>
        )}
        {visit.notes && (
          <>
            <dt>{t('visit.notes')}</dt>
            <dd>{visit.notes}</dd>
          </>
        )}
        <dt>{t('visit.lastVisit')}</dt>
        <dd>
          {last && last.outcome
            ? t('visit.lastVisitText', {
                outcome: t(`outcome.option.${last.outcome}`),
                time: formatClock(last.at, locale),
                note: last.note || t('visit.noNote'),
              })
            : t('visit.noLastVisit')}
        </dd>
        <dt>{t('visit.devices')}</dt>
        <dd data-testid="visit-check">
          {check ? t(`check.summary.${check.verdict}`) : t('check.summary.none')}
          {problems.length > 0 && (
            <ul className="visit-check-problems">
              {problems.map((f) => (
                <li key={f.code}>{t('visit.checkProblem', { part: t(`check.part.${f.part}`) })}</li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <div className="visit-panel-actions">
        {canRing && isOpen(visit) && (
          <button type="button" className="ring" onClick={onRing}>
            {t('call.ringShort')}
          </button>
        )}
        <button type="button" onClick={onOutcome}>
          {t('outcome.recordShort')}
        </button>
        {canSeeAudit && (
          <button type="button" ref={auditButton} onClick={() => setAuditOpen(true)}>
            {t('audit.open')}
          </button>
        )}
      </div>
      {auditOpen && (
        <AuditTrailDialog
          api={api}
          citizenId={c.id}
          citizenName={c.name}
          onClose={() => {
            setAuditOpen(false);
            auditButton.current?.focus();
          }}
        />
      )}
    </aside>
  );
}
