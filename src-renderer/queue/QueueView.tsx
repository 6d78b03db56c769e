import { createContext, memo, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { VisitStatus, type QueueVisit } from '../../src-shared/domain/visit';
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

/** New rows drawn first when a list gains many at once: a screenful and more, up to 2560×1440. */
const FIRST_ROWS = 30;

// The rows' labels are looked up once per list, not once per row: a t() call with values costs
// i18next some 15 µs, and a day of 500 rows has two to four such labels in each. A label naming
// the citizen is translated once with these slots and filled in per row.
const NAME_SLOT = '\u0000name\u0000';
const TIME_SLOT = '\u0000time\u0000';

interface RowLabels {
  status: Record<VisitStatus, string>;
  /** "+12 min": few distinct counts in a day, each translated once. */
  minutesLate(count: number): string;
  marker: Record<'now' | 'next', string>;
  /** With NAME_SLOT (and TIME_SLOT) where the citizen's name (and the visit's time) go. */
  open: string;
  recordFor: string;
  ring: string;
  pair: string;
  recordShort: string;
  ringShort: string;
  pairShort: string;
}

function rowLabels(t: TFunction): RowLabels {
  const slots = { name: NAME_SLOT, time: TIME_SLOT };
  const late = new Map<number, string>();
  return {
    status: Object.fromEntries(VisitStatus.options.map((s) => [s, t(`status.${s}`)])) as Record<VisitStatus, string>,
    minutesLate(count) {
      let label = late.get(count);
      if (label === undefined) late.set(count, (label = t('queue.minutesLate', { count })));
      return label;
    },
    marker: { now: t('marker.now'), next: t('marker.next') },
    open: t('queue.open', slots),
    recordFor: t('outcome.recordFor', slots),
    ring: t('call.ring', slots),
    pair: t('call.pair', slots),
    recordShort: t('outcome.recordShort'),
    ringShort: t('call.ringShort'),
    pairShort: t('call.pairShort'),
  };
}

// The time first: whatever a name holds is not read as a slot.
const fill = (label: string, name: string, time = '') => label.split(TIME_SLOT).join(time).split(NAME_SLOT).join(name);

/** The visit's state as staff read it: status, a pending retry, an escalation. */
export function StatusChips({ visit, retryPolicy }: { visit: QueueVisit; retryPolicy: RetryPolicy }) {
  const { t, i18n } = useTranslation();
  return chips(t, localeFor(i18n.language), visit, retryPolicy, t(`status.${visit.status}`));
}

// Rows get `t` and their labels from the list instead of each subscribing to i18n (500 rows × 3
// hooks is slow). The chips and the lateness are drawn by plain functions, not components: two
// fewer components in each of 500 rows.
function chips(t: TFunction, locale: string, visit: QueueVisit, retryPolicy: RetryPolicy, statusLabel: string) {
  const w = visit.workflow;
  return (
    <span className="chips">
      <span className={`chip chip-${visit.status}`}>{statusLabel}</span>
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
function lateness(labels: RowLabels, visit: QueueVisit, now: Date) {
  const at = visit.workflow.calledAt ? new Date(visit.workflow.calledAt) : isOpen(visit) ? now : null;
  const minutes = at ? minutesLate(visit.workflow.retryAt && isOpen(visit) ? visit.workflow.retryAt : visit.start, at) : 0;
  if (minutes <= 0) return null;
  return <span className={`late late-${latenessBand(minutes)}`}>{labels.minutesLate(minutes)}</span>;
}

interface RowProps {
  visit: QueueVisit;
  marker: 'now' | 'next' | null;
  isOpenPanel: boolean;
  /** Minutes since the epoch: lateness changes once a minute, not on every tick. */
  nowMinute: number;
  locale: string;
  t: TFunction;
  labels: RowLabels;
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

/**
 * Whether a call is on, for the ring buttons alone: when a call starts or ends only they render
 * again, not the rows around them (a row is some thirty times the work of its button).
 */
const CallBusy = createContext(false);

const RingButton = memo(function RingButton({ label, text, onRing }: { label: string; text: string; onRing(): void }) {
  const busy = useContext(CallBusy);
  return (
    <button type="button" className="ring" disabled={busy} aria-label={label} onClick={onRing}>
      {text}
    </button>
  );
});

/** What a row shows (whether a call is on is its ring button's); a refetched but unchanged visit does not render again. */
const sameRow = (a: RowProps, b: RowProps) =>
  a.marker === b.marker &&
  a.isOpenPanel === b.isOpenPanel &&
  a.nowMinute === b.nowMinute &&
  a.locale === b.locale &&
  a.t === b.t &&
  a.labels === b.labels &&
  a.retryPolicy === b.retryPolicy &&
  a.onOpen === b.onOpen &&
  a.onOutcome === b.onOutcome &&
  Boolean(a.calls) === Boolean(b.calls) &&
  (a.visit === b.visit ||
    (a.visit.id === b.visit.id &&
      a.visit.updatedAt === b.visit.updatedAt &&
      a.visit.versionId === b.visit.versionId &&
      a.visit.status === b.visit.status &&
      sameWorkflow(a.visit.workflow, b.visit.workflow)));

const QueueRow = memo(function QueueRow({ visit, marker, isOpenPanel, nowMinute, locale, t, labels, retryPolicy, onOpen, onOutcome, calls }: RowProps) {
  const start = formatClock(visit.start, locale);
  const name = visit.citizen.name;
  return (
    <tr
      className={`visit status-${visit.status}${marker ? ` marker-${marker}` : ''}${isOpenPanel ? ' is-open' : ''}`}
      data-visit-id={visit.id}
      aria-current={marker === 'now' ? 'true' : undefined}
    >
      <td className="visit-time">
        {/* One text node, not three: a row's every node counts 500 times. */}
        <span>{`${start}–${formatClock(visit.end, locale)}`}</span>
        {marker && <span className={`marker marker-${marker}`}>{labels.marker[marker]}</span>}
        {lateness(labels, visit, new Date(nowMinute * 60_000))}
      </td>
      <th scope="row" className="visit-citizen">
        <button type="button" className="visit-open" aria-expanded={isOpenPanel} onClick={() => onOpen(visit)} aria-label={fill(labels.open, name, start)}>
          {name}
        </button>
      </th>
      <td className="visit-task">
        <span className="task-type">{visit.task.type}</span>
        <span className="task-description">{visit.task.description}</span>
      </td>
      <td>{visit.room?.name ?? '–'}</td>
      <td>{chips(t, locale, visit, retryPolicy, labels.status[visit.status])}</td>
      <td className="visit-actions">
        {calls && isOpen(visit) && <RingButton label={fill(labels.ring, name)} text={labels.ringShort} onRing={() => calls.onRing(visit)} />}
        <button type="button" className="outcome" aria-label={fill(labels.recordFor, name, start)} onClick={() => onOutcome(visit)}>
          {labels.recordShort}
        </button>
        {calls && (
          <button type="button" className="pair" aria-label={fill(labels.pair, name)} onClick={() => calls.onPair(visit.citizen.id)}>
            {labels.pairShort}
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
  const labels = useMemo(() => rowLabels(t), [t]);

  // Progressive rendering: a list that gains many rows at once (the whole team's 500 visits) draws
  // the rows it already had and its first new ones in the next frame and the rest as soon as that
  // frame is on screen, so the list appears without waiting for 500 rows to be laid out. A list
  // that changes little (sync, an outcome) renders whole, keeping rows and focus.
  const drawn = useRef<ReadonlySet<string>>(new Set());
  const [whole, setWhole] = useState<readonly QueueVisit[] | null>(null);
  const progressive = visits !== whole && visits.filter((v) => !drawn.current.has(v.id)).length > FIRST_ROWS;
  const rows = progressive ? visits.filter((v, i) => i < FIRST_ROWS || drawn.current.has(v.id)) : visits;
  useLayoutEffect(() => {
    drawn.current = new Set(rows.map((v) => v.id));
    if (!progressive) return;
    // Asked for while the first rows are committed: a task queued from the frame that draws them
    // runs once that frame is painted.
    let timer: number | undefined;
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => setWhole(visits), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [rows, progressive, visits]);

  // Bring the visit to work on into view when the queue first shows (a day is 40+ rows long), once
  // its row is drawn.
  const scrolled = useRef(false);
  useEffect(() => {
    const row = focusId && tbody.current?.querySelector(`[data-visit-id="${CSS.escape(focusId)}"]`);
    if (scrolled.current || !row) return;
    scrolled.current = true;
    row.scrollIntoView({ block: 'center' });
  }, [focusId, rows]);

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
        <CallBusy.Provider value={calls?.busy ?? false}>
          {rows.map((visit) => (
            <QueueRow
              key={visit.id}
              visit={visit}
              marker={visit.id === nowId ? 'now' : visit.id === nextId ? 'next' : null}
              isOpenPanel={visit.id === openId}
              nowMinute={Math.floor(now.getTime() / 60_000)}
              locale={locale}
              t={t}
              labels={labels}
              retryPolicy={retryPolicy}
              onOpen={onOpen}
              onOutcome={onOutcome}
              calls={calls}
            />
          ))}
        </CallBusy.Provider>
      </tbody>
    </table>
  );
}
