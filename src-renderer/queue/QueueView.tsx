import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { findNowNext, isOpen } from '../../src-shared/queue/nowNext';
import { formatClock } from '../../src-shared/time/copenhagen';
import { latenessBand, minutesLate } from '../../src-shared/workflow/lateness';
import type { RetryPolicy } from '../../src-shared/workflow/outcome';
import { localeFor } from '../i18n';
import { useNow } from './useNow';

interface Props {
  visits: readonly QueueVisit[];
  retryPolicy: RetryPolicy;
  /** The visit whose panel is open. */
  openId: string | null;
  onOpen(visit: QueueVisit): void;
  onOutcome(visit: QueueVisit): void;
  /** Present when calls can be made (signed in against an EOJ with signalling). */
  calls?: { onRing(visit: QueueVisit): void; onPair(citizenId: string): void; busy: boolean };
  /** Which list the rows are; `changing` while another one is on its way (the rows stay meanwhile). */
  list?: { scope: string | null; changing: boolean };
}

/** Rows rendered at once before the rest follow (more than a screenful). */
const FIRST_ROWS = 60;

/** The visit's state as staff read it: status, a pending retry, an escalation. */
export function StatusChips({ visit, retryPolicy }: { visit: QueueVisit; retryPolicy: RetryPolicy }) {
  const { t, i18n } = useTranslation();
  return <Chips t={t} locale={localeFor(i18n.language)} visit={visit} retryPolicy={retryPolicy} />;
}

// Rows get `t` from the list instead of each subscribing to i18n (500 rows × 3 hooks is slow).
function Chips({ t, locale, visit, retryPolicy }: { t: TFunction; locale: string; visit: QueueVisit; retryPolicy: RetryPolicy }) {
  const w = visit.workflow;
  return (
    <span className="chips">
      <span className={`chip chip-${visit.status}`}>{t(`status.${visit.status}`)}</span>
      {w.retryAt && isOpen(visit) && (
        <span className="chip chip-retry">
          {t('workflow.retryAt', { time: formatClock(w.retryAt, locale), attempt: w.failedAttempts + 1, of: retryPolicy.retries + 1 })}
        </span>
      )}
      {w.escalatedAt && <span className="chip chip-escalated">{t(w.escalationReason === 'urgent' ? 'workflow.urgent' : 'workflow.escalated')}</span>}
    </span>
  );
}

/** Minutes late, in colour: an open visit past its time, or how late the call was answered. */
function Lateness({ t, visit, now }: { t: TFunction; visit: QueueVisit; now: Date }) {
  const at = visit.workflow.calledAt ? new Date(visit.workflow.calledAt) : isOpen(visit) ? now : null;
  const minutes = at ? minutesLate(visit.workflow.retryAt && isOpen(visit) ? visit.workflow.retryAt : visit.start, at) : 0;
  if (minutes <= 0) return null;
  return <span className={`late late-${latenessBand(minutes)}`}>{t('queue.minutesLate', { count: minutes })}</span>;
}

interface RowProps {
  visit: QueueVisit;
  marker: 'now' | 'next' | null;
  isOpenPanel: boolean;
  /** Minutes since the epoch: lateness changes once a minute, not on every tick. */
  nowMinute: number;
  locale: string;
  t: TFunction;
  retryPolicy: RetryPolicy;
  onOpen(visit: QueueVisit): void;
  onOutcome(visit: QueueVisit): void;
  calls: Props['calls'];
}

const sameWorkflow = (a: QueueVisit['workflow'], b: QueueVisit['workflow']) =>
  a === b ||
  (a.outcome === b.outcome &&
    a.failedAttempts === b.failedAttempts &&
    a.retryAt === b.retryAt &&
    a.escalatedAt === b.escalatedAt &&
    a.escalationReason === b.escalationReason &&
    a.urgentAt === b.urgentAt &&
    a.calledAt === b.calledAt);

/** What a row shows; a refetched but unchanged visit does not render again. */
const sameRow = (a: RowProps, b: RowProps) =>
  a.marker === b.marker &&
  a.isOpenPanel === b.isOpenPanel &&
  a.nowMinute === b.nowMinute &&
  a.locale === b.locale &&
  a.t === b.t &&
  a.retryPolicy === b.retryPolicy &&
  a.onOpen === b.onOpen &&
  a.onOutcome === b.onOutcome &&
  a.calls?.busy === b.calls?.busy &&
  Boolean(a.calls) === Boolean(b.calls) &&
  (a.visit === b.visit ||
    (a.visit.id === b.visit.id &&
      a.visit.updatedAt === b.visit.updatedAt &&
      a.visit.versionId === b.visit.versionId &&
      a.visit.status === b.visit.status &&
      sameWorkflow(a.visit.workflow, b.visit.workflow)));

const QueueRow = memo(function QueueRow({ visit, marker, isOpenPanel, nowMinute, locale, t, retryPolicy, onOpen, onOutcome, calls }: RowProps) {
  const start = formatClock(visit.start, locale);
  return (
    <tr
      className={`visit status-${visit.status}${marker ? ` marker-${marker}` : ''}${isOpenPanel ? ' is-open' : ''}`}
      data-visit-id={visit.id}
      aria-current={marker === 'now' ? 'true' : undefined}
    >
      <td className="visit-time">
        <span>
          {start}–{formatClock(visit.end, locale)}
        </span>
        {marker && <span className={`marker marker-${marker}`}>{t(`marker.${marker}`)}</span>}
        <Lateness t={t} visit={visit} now={new Date(nowMinute * 60_000)} />
      </td>
      <th scope="row" className="visit-citizen">
        <button
          type="button"
          className="visit-open"
          aria-expanded={isOpenPanel}
          onClick={() => onOpen(visit)}
          aria-label={t('queue.open', { name: visit.citizen.name, time: start })}
        >
          {visit.citizen.name}
        </button>
      </th>
      <td className="visit-task">
        <span className="task-type">{visit.task.type}</span>
        <span className="task-description">{visit.task.description}</span>
      </td>
      <td>{visit.room?.name ?? '–'}</td>
      <td>
        <Chips t={t} locale={locale} visit={visit} retryPolicy={retryPolicy} />
      </td>
      <td className="visit-actions">
        {calls && isOpen(visit) && (
          <button
            type="button"
            className="ring"
            disabled={calls.busy}
            aria-label={t('call.ring', { name: visit.citizen.name })}
            onClick={() => calls.onRing(visit)}
          >
            {t('call.ringShort')}
          </button>
        )}
        <button
          type="button"
          className="outcome"
          aria-label={t('outcome.recordFor', { name: visit.citizen.name, time: start })}
          onClick={() => onOutcome(visit)}
        >
          {t('outcome.recordShort')}
        </button>
        {calls && (
          <button type="button" className="pair" aria-label={t('call.pair', { name: visit.citizen.name })} onClick={() => calls.onPair(visit.citizen.id)}>
            {t('call.pairShort')}
          </button>
        )}
      </td>
    </tr>
  );
}, sameRow);

/**
 * Today's visits in time order, "now" and "next" marked, minutes late in colour. Keyboard first:
 * ↑/↓ (or j/k) move between visits, Enter opens the visit, R rings, U records the outcome.
 */
export function QueueView({ visits, retryPolicy, openId, onOpen, onOutcome, calls, list }: Props) {
  const { t, i18n } = useTranslation();
  const now = useNow(15_000);
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

  // Progressive rendering: a list that grows a lot at once (the whole team's 500 visits) shows its
  // first rows at once and the rest in the next frames, so the list appears without waiting for
  // 500 rows. A list that changes little (sync, an outcome) renders whole, keeping rows and focus.
  const [limit, setLimit] = useState(FIRST_ROWS);
  // `limit` is how many rows were rendered last; a jump of more than FIRST_ROWS starts small.
  const shown = visits.length > limit + FIRST_ROWS ? FIRST_ROWS : visits.length;
  useEffect(() => {
    if (shown !== limit) setLimit(shown);
    if (shown >= visits.length) return;
    // Once the first rows are on screen: a task queued from the frame after the one that painted them.
    let timer: number | undefined;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        timer = window.setTimeout(() => setLimit(visits.length), 0);
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [shown, limit, visits.length]);

  if (visits.length === 0) return <p className="queue-empty">{t('queue.empty')}</p>;

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement || event.altKey || event.ctrlKey || event.metaKey) return;
    const row = (event.target as HTMLElement).closest('tr');
    const visit = visits.find((v) => v.id === row?.dataset.visitId);
    if (!row || !visit) return;
    const move = (to: Element | null) => {
      (to?.querySelector('button.visit-open') as HTMLButtonElement | null)?.focus();
      event.preventDefault();
    };
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        return move(row.nextElementSibling);
      case 'ArrowUp':
      case 'k':
        return move(row.previousElementSibling);
      case 'r':
      case 'R':
        if (calls && isOpen(visit) && !calls.busy) calls.onRing(visit);
        return event.preventDefault();
      case 'u':
      case 'U':
        onOutcome(visit);
        return event.preventDefault();
      default:
        return;
    }
  };

  return (
    <table className="queue" data-scope={list?.scope ?? undefined} aria-busy={list?.changing || undefined}>
      <caption>{t('queue.caption', { count: visits.length })}</caption>
      {/* Fixed column widths: the browser lays out 500 rows without measuring every cell first. */}
      <colgroup>
        <col className="col-time" />
        <col className="col-citizen" />
        <col className="col-task" />
        <col className="col-room" />
        <col className="col-status" />
        <col className="col-actions" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">{t('queue.time')}</th>
          <th scope="col">{t('queue.citizen')}</th>
          <th scope="col">{t('queue.task')}</th>
          <th scope="col">{t('queue.room')}</th>
          <th scope="col">{t('queue.status')}</th>
          <th scope="col">{t('queue.actions')}</th>
        </tr>
      </thead>
      <tbody ref={tbody} onKeyDown={onKeyDown}>
        {visits.slice(0, shown).map((visit) => (
          <QueueRow
            key={visit.id}
            visit={visit}
            marker={visit.id === nowId ? 'now' : visit.id === nextId ? 'next' : null}
            isOpenPanel={visit.id === openId}
            nowMinute={Math.floor(now.getTime() / 60_000)}
            locale={locale}
            t={t}
            retryPolicy={retryPolicy}
            onOpen={onOpen}
            onOutcome={onOutcome}
            calls={calls}
          />
        ))}
      </tbody>
    </table>
  );
}
