import {
  closestCenter,
  DndContext,
  pointerWithin,
  DragOverlay,
  KeyboardCode,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useStore, type StoreApi } from 'zustand';
import type { BoardDay } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { isOpen } from '../../src-shared/queue/nowNext';
import { buildBoard, type BoardBlock, type BoardRow } from '../../src-shared/team/board';
import type { TeamMember } from '../../src-shared/team/members';
import { bulkMoves, isBlocking, type MoveConsequence, type MoveRequest } from '../../src-shared/team/moves';
import type { Presence } from '../../src-shared/team/presence';
import { formatClock } from '../../src-shared/time/copenhagen';
import { latenessBand, minutesLate } from '../../src-shared/workflow/lateness';
import { localeFor } from '../i18n';
import { useNow } from '../queue/useNow';
import type { TeamState } from '../team/teamStore';
import { rendererClock } from '../time/clock';
import type { BoardState } from './boardStore';

/** Keyboard moves go in steps: a row up or down, a quarter of an hour left or right. */
const STEP_MINUTES = 15;
/** Pointer moves snap to five minutes. */
const SNAP_MINUTES = 5;
const UNASSIGNED = 'unassigned';

interface DragData {
  visit: QueueVisit;
}

/** Where a dragged visit would land: the row under it and the time its position says. */
interface Landing {
  visit: QueueVisit;
  rowId: string;
  start: string;
}

const rowIdOf = (row: BoardRow) => row.member?.practitionerId ?? UNASSIGNED;

/** A pointer drops into the row it is over; the keyboard (no pointer) into the nearest row. */
const rowUnderPointer: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length > 0 ? under : closestCenter(args);
};

/** The team lead's board ("Teamtavle"): who does what today, live presence, moves by drag or keyboard. */
export function BoardView({ board, team }: { board: StoreApi<BoardState>; team: StoreApi<TeamState> }) {
  const { t, i18n } = useTranslation();
  const locale = localeFor(i18n.language);
  const state = useStore(board);
  const presence = useStore(team, (s) => s.presence);
  const now = useNow(30_000);
  const [dragging, setDragging] = useState<QueueVisit | null>(null);
  const [landing, setLanding] = useState<Landing | null>(null);
  const [bulkFrom, setBulkFrom] = useState<TeamMember | null>(null);
  const trackRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void board.getState().load();
    return board.getState().start();
  }, [board]);

  // During a drag the board holds the day it showed when the drag began: a reload (our own pull,
  // a colleague's change) must not move rows under the pointer and drop the visit elsewhere.
  const [heldDay, setHeldDay] = useState<BoardDay | null>(null);
  const day = heldDay ?? state.day;
  const model = useMemo(() => (day ? buildBoard(day.visits, day.members, new Date(day.day), day.settings) : null), [day]);
  const inCall = useMemo(() => new Set(Object.values(presence).flatMap((p) => (p.state === 'in_call' && p.visitId ? [p.visitId] : []))), [presence]);
  const rowsById = useMemo(() => new Map((model?.rows ?? []).map((r) => [rowIdOf(r), r])), [model]);

  /** Minutes per pixel on the day axis (measured: the layout is fluid). */
  const minutesPerPx = () => (model && trackRef.current ? model.dayMinutes / Math.max(1, trackRef.current.getBoundingClientRect().width) : 1);
  const landingOf = (visit: QueueVisit, rowId: string | null, deltaX: number, snap: number): Landing | null => {
    if (!rowId) return null;
    const shift = Math.round((deltaX * minutesPerPx()) / snap) * snap;
    return { visit, rowId, start: new Date(Date.parse(visit.start) + shift * 60_000).toISOString() };
  };
  const moveOf = (l: Landing): MoveRequest => {
    const member = l.rowId === UNASSIGNED ? null : (rowsById.get(l.rowId)?.member ?? null);
    const length = Date.parse(l.visit.end) - Date.parse(l.visit.start);
    return {
      visitId: l.visit.id,
      to: {
        practitioner: member ? { id: member.practitionerId, name: member.name } : null,
        room: member?.roomId ? { id: member.roomId, name: member.roomName ?? member.roomId } : l.visit.room,
        start: l.start,
        end: new Date(Date.parse(l.start) + length).toISOString(),
      },
    };
  };

  // Arrow keys step a row up or down and a quarter of an hour left or right (one code path with the
  // pointer: both end in onDragEnd with the row under the visit and how far it moved).
  const keyboardRow = useRef(0);
  const coordinates: KeyboardCoordinateGetter = (event, { currentCoordinates }) => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-board-row]')].map((el) => el.getBoundingClientRect().top);
    const stepX = STEP_MINUTES / minutesPerPx();
    const stepTo = (index: number) => {
      const from = keyboardRow.current;
      const to = Math.max(0, Math.min(rows.length - 1, index));
      keyboardRow.current = to;
      return { ...currentCoordinates, y: currentCoordinates.y + ((rows[to] ?? 0) - (rows[from] ?? 0)) };
    };
    switch (event.code) {
      case KeyboardCode.Right:
        return { ...currentCoordinates, x: currentCoordinates.x + stepX };
      case KeyboardCode.Left:
        return { ...currentCoordinates, x: currentCoordinates.x - stepX };
      case KeyboardCode.Down:
        return stepTo(keyboardRow.current + 1);
      case KeyboardCode.Up:
        return stepTo(keyboardRow.current - 1);
      default:
        return undefined;
    }
  };
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor, { coordinateGetter: coordinates }));
  const pointerDrag = useRef(true);

  const rowName = (rowId: string | undefined) => (!rowId || rowId === UNASSIGNED ? t('board.unassigned') : (rowsById.get(rowId)?.member?.name ?? rowId));
  const visitName = (id: string | number) => {
    const v = day?.visits.find((x) => x.id === id);
    return v ? `${formatClock(v.start, locale)} ${v.citizen.name}` : String(id);
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('board.announce.start', { visit: visitName(active.id) }),
    onDragOver: ({ active, over }) => (over ? t('board.announce.over', { visit: visitName(active.id), row: rowName(String(over.id)) }) : undefined),
    onDragEnd: ({ active, over }) =>
      over ? t('board.announce.end', { visit: visitName(active.id), row: rowName(String(over.id)) }) : t('board.announce.cancel'),
    onDragCancel: () => t('board.announce.cancel'),
  };

  const onDragStart = (e: DragStartEvent) => {
    const data = e.active.data.current as DragData | undefined;
    pointerDrag.current = e.activatorEvent instanceof PointerEvent || e.activatorEvent instanceof MouseEvent;
    // The row the visit starts in, for the keyboard's row steps.
    const rowIds = [...document.querySelectorAll<HTMLElement>('[data-board-row]')].map((el) => el.dataset.boardRow);
    const startRow = data?.visit ? (model?.rows.find((r) => r.blocks.some((b) => b.visit.id === data.visit.id)) ?? null) : null;
    keyboardRow.current = Math.max(0, rowIds.indexOf(startRow ? rowIdOf(startRow) : UNASSIGNED));
    setHeldDay(day);
    setDragging(data?.visit ?? null);
  };
  const onDragMove = (e: DragMoveEvent) => {
    const data = e.active.data.current as DragData | undefined;
    if (data) setLanding(landingOf(data.visit, e.over ? String(e.over.id) : null, e.delta.x, pointerDrag.current ? SNAP_MINUTES : STEP_MINUTES));
  };
  const onDragEnd = (e: DragEndEvent) => {
    const data = e.active.data.current as DragData | undefined;
    setDragging(null);
    setLanding(null);
    setHeldDay(null);
    if (!data || !e.over) return;
    const l = landingOf(data.visit, String(e.over.id), e.delta.x, pointerDrag.current ? SNAP_MINUTES : STEP_MINUTES);
    if (!l) return;
    const move = moveOf(l);
    const unchanged =
      (move.to.practitioner?.id ?? null) === (data.visit.practitioner?.id ?? null) && move.to.start === new Date(data.visit.start).toISOString();
    if (!unchanged) board.getState().propose([move], inCall);
  };

  if (state.phase === 'loading' || !model || !day)
    return <p role="status">{state.error ? t('board.loadFailed', { message: state.error }) : t('queue.loading')}</p>;
  const hours = Array.from({ length: Math.ceil(model.dayMinutes / 60) }, (_, i) => i);
  const nowMinute = Math.round((now.getTime() - model.dayStartMs) / 60_000);

  return (
    <section className="board" aria-labelledby="board-heading" data-testid="board">
      <div className="board-toolbar">
        <h2 id="board-heading">
          {t('board.heading', {
            date: new Date(day.day).toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/Copenhagen' }),
          })}
        </h2>
        <p className="board-help" id="board-help">
          {t('board.help')}
        </p>
        <button type="button" disabled={!state.undo} onClick={() => void board.getState().undoLast()}>
          {t('board.undo')}
        </button>
        <p className="board-live" role="status" aria-live="polite">
          {state.done ? t(state.done.undone ? 'board.undone' : 'board.moved', { count: state.done.count }) : ''}
        </p>
      </div>
      {state.error && (
        <div className="banner banner-error" role="alert">
          {t('board.moveFailed', { message: state.error })}
        </div>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={rowUnderPointer}
        onDragStart={onDragStart}
        onDragMove={onDragMove}
        onDragEnd={onDragEnd}
        onDragCancel={() => {
          setDragging(null);
          setLanding(null);
          setHeldDay(null);
        }}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t('board.instructions') } }}
      >
        <div className="board-grid">
          <div className="board-axis" aria-hidden="true">
            <span className="board-axis-label" />
            <div className="board-axis-hours">
              {hours.map((h) => (
                <span key={h} style={{ left: `${((h * 60) / model.dayMinutes) * 100}%` }}>
                  {formatClock(new Date(model.dayStartMs + h * 3_600_000), locale)}
                </span>
              ))}
            </div>
          </div>
          {model.rows.map((row, i) => (
            <BoardRowView
              key={rowIdOf(row)}
              row={row}
              dayMinutes={model.dayMinutes}
              presence={row.member ? (presence[row.member.practitionerId] ?? null) : null}
              visits={day.visits}
              t={t}
              locale={locale}
              nowMs={now.getTime()}
              landing={landing && landing.rowId === rowIdOf(row) ? landing : null}
              dayStartMs={model.dayStartMs}
              trackRef={i === 0 ? trackRef : undefined}
              onBulk={row.member ? () => setBulkFrom(row.member) : undefined}
            />
          ))}
          {nowMinute >= 0 && nowMinute <= model.dayMinutes && (
            <div
              className="board-now"
              style={{ ['--now-fraction' as string]: String(nowMinute / model.dayMinutes) }}
              aria-label={t('board.now', { time: formatClock(now, locale) })}
              role="img"
            />
          )}
        </div>
        <DragOverlay dropAnimation={null}>
          {dragging && (
            <div className="board-block board-block-overlay">
              {formatClock(landing?.start ?? dragging.start, locale)} {dragging.citizen.name}
              {landing && <span className="board-landing"> → {rowName(landing.rowId)}</span>}
            </div>
          )}
        </DragOverlay>
      </DndContext>
      {state.proposal && <ConfirmPanel board={board} visits={day.visits} t={t} locale={locale} rowName={(id) => rowName(id ?? UNASSIGNED)} />}
      {bulkFrom && (
        <BulkDialog
          from={bulkFrom}
          members={day.members}
          t={t}
          onCancel={() => setBulkFrom(null)}
          onChoose={(to) => {
            const moves = bulkMoves(day.visits, bulkFrom.practitionerId, to, rendererClock.now());
            setBulkFrom(null);
            if (moves.length > 0) board.getState().propose(moves, inCall, true);
          }}
        />
      )}
    </section>
  );
}

interface RowProps {
  row: BoardRow;
  dayMinutes: number;
  dayStartMs: number;
  presence: Presence | null;
  visits: readonly QueueVisit[];
  t: TFunction;
  locale: string;
  nowMs: number;
  landing: Landing | null;
  trackRef: RefObject<HTMLDivElement | null> | undefined;
  onBulk: (() => void) | undefined;
}

function presenceText(t: TFunction, presence: Presence | null, visits: readonly QueueVisit[]): string {
  if (!presence || presence.state === 'offline') return t('board.presence.offline');
  if (presence.state === 'in_call') {
    const visit = visits.find((v) => v.id === presence.visitId);
    return t('board.presence.in_call', { name: visit?.citizen.name ?? '' });
  }
  return t(`board.presence.${presence.state}`);
}

function BoardRowView({ row, dayMinutes, dayStartMs, presence, visits, t, locale, nowMs, landing, trackRef, onBulk }: RowProps) {
  const id = rowIdOf(row);
  const { setNodeRef, isOver } = useDroppable({ id });
  const name = row.member?.name ?? t('board.unassigned');
  const status = row.member ? presenceText(t, presence, visits) : '';
  const gaps = row.marks.filter((m) => m.kind === 'gap').length;
  const overloads = row.marks.filter((m) => m.kind !== 'gap').length;
  const pct = (minute: number) => `${(Math.max(0, Math.min(dayMinutes, minute)) / dayMinutes) * 100}%`;
  const landingMinute = landing ? Math.round((Date.parse(landing.start) - dayStartMs) / 60_000) : null;
  return (
    <div
      className={`board-row${isOver ? ' is-over' : ''}`}
      data-board-row={id}
      data-presence={presence?.state ?? (row.member ? 'offline' : undefined)}
      role="group"
      aria-label={[name, row.member?.roomName, status].filter(Boolean).join(', ')}
    >
      <div className="board-row-head">
        <strong className="board-row-name">{name}</strong>
        {row.member && (
          <span className={`presence presence-${presence?.state ?? 'offline'}`} data-testid="presence">
            {status}
          </span>
        )}
        <span className="board-load">{t('board.load', { count: row.load.visits, open: row.load.open, minutes: row.load.minutes })}</span>
        {(gaps > 0 || overloads > 0) && (
          <span className="board-marks-summary">
            {gaps > 0 && t('board.gaps', { count: gaps })} {overloads > 0 && t('board.overloads', { count: overloads })}
          </span>
        )}
        {onBulk && row.load.open > 0 && (
          <button type="button" className="board-bulk" onClick={onBulk}>
            {t('board.bulk', { name })}
          </button>
        )}
      </div>
      <div
        className="board-track"
        ref={(el) => {
          setNodeRef(el);
          if (trackRef) trackRef.current = el;
        }}
      >
        {row.marks.map((m, i) => (
          <span
            key={i}
            className={`board-mark board-mark-${m.kind}`}
            style={{ left: pct(m.fromMinute), width: `calc(${pct(m.toMinute)} - ${pct(m.fromMinute)})` }}
            title={t(`board.mark.${m.kind}`)}
            aria-hidden="true"
          />
        ))}
        {landingMinute !== null && <span className="board-drop" style={{ left: pct(landingMinute) }} aria-hidden="true" />}
        {row.blocks.map((b) => (
          <Block
            key={b.visit.id}
            block={b}
            lanes={row.lanes}
            dayMinutes={dayMinutes}
            t={t}
            locale={locale}
            nowMinute={Math.floor(nowMs / 60_000)}
            inCall={presence?.state === 'in_call' && presence.visitId === b.visit.id}
          />
        ))}
      </div>
    </div>
  );
}

const Block = memo(function Block({
  block,
  lanes,
  dayMinutes,
  t,
  locale,
  nowMinute,
  inCall,
}: {
  block: BoardBlock;
  lanes: number;
  dayMinutes: number;
  t: TFunction;
  locale: string;
  nowMinute: number;
  inCall: boolean;
}) {
  const v = block.visit;
  const movable = isOpen(v) && v.status !== 'in_progress' && !inCall;
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: v.id, data: { visit: v } satisfies DragData, disabled: !movable });
  const late = isOpen(v) ? minutesLate(v.workflow.retryAt ?? v.start, new Date(nowMinute * 60_000)) : 0;
  const time = formatClock(v.start, locale);
  const label = [
    t('board.block', { time, name: v.citizen.name, task: v.task.type }),
    t(`status.${v.status}`),
    late > 0 ? t('queue.minutesLate', { count: late }) : null,
    inCall ? t('board.inCall') : null,
    movable ? null : t('board.notMovable'),
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <div
      ref={setNodeRef}
      className={`board-block status-${v.status}${late > 0 ? ` board-late-${latenessBand(late)}` : ''}${inCall ? ' in-call' : ''}${isDragging ? ' is-dragging' : ''}`}
      data-visit-id={v.id}
      style={{
        left: `${(block.fromMinute / dayMinutes) * 100}%`,
        width: `${((block.toMinute - block.fromMinute) / dayMinutes) * 100}%`,
        top: `${(block.lane / lanes) * 100}%`,
        height: `${100 / lanes}%`,
      }}
      aria-label={label}
      title={label}
      {...attributes}
      {...listeners}
      aria-roledescription={t('board.draggable')}
      aria-disabled={!movable}
    >
      <span className="board-block-time">{time}</span> <span className="board-block-name">{v.citizen.name}</span>
    </div>
  );
});

function consequenceText(t: TFunction, locale: string, c: MoveConsequence, visits: readonly QueueVisit[]): string {
  const other = 'visitId' in c ? visits.find((v) => v.id === c.visitId) : undefined;
  switch (c.kind) {
    case 'in_call':
    case 'outside_hours':
      return t(`board.consequence.${c.kind}`);
    case 'closed':
      return t('board.consequence.closed', { status: t(`status.${c.status}`) });
    case 'overlap':
    case 'citizen_busy':
      return t(`board.consequence.${c.kind}`, { time: formatClock(c.start, locale), name: other?.citizen.name ?? '' });
    case 'hourly_limit':
      return t('board.consequence.hourly_limit', { count: c.count, limit: c.limit });
  }
}

/** Before a move is written: what it means, visit by visit; Enter confirms, Escape cancels. */
function ConfirmPanel({
  board,
  visits,
  t,
  locale,
  rowName,
}: {
  board: StoreApi<BoardState>;
  visits: readonly QueueVisit[];
  t: TFunction;
  locale: string;
  rowName(id: string | null): string;
}) {
  const proposal = useStore(board, (s) => s.proposal);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  if (!proposal) return null;
  const blocked = [...proposal.consequences.values()].some((list) => list.some(isBlocking));
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      board.getState().cancel();
    }
  };
  return (
    <div className="confirm-move" role="dialog" aria-modal="true" aria-labelledby="confirm-move-heading" data-testid="confirm-move" onKeyDown={onKeyDown}>
      <h3 id="confirm-move-heading">{t(proposal.bulk ? 'board.confirm.bulkHeading' : 'board.confirm.heading', { count: proposal.moves.length })}</h3>
      <ul>
        {proposal.moves.map((m) => {
          const v = visits.find((x) => x.id === m.visitId);
          const found = proposal.consequences.get(m.visitId) ?? [];
          return (
            <li key={m.visitId} data-visit-id={m.visitId}>
              {t('board.confirm.move', {
                name: v?.citizen.name ?? m.visitId,
                from: formatClock(v?.start ?? m.to.start, locale),
                to: formatClock(m.to.start, locale),
                who: rowName(m.to.practitioner?.id ?? null),
              })}
              {found.length > 0 && (
                <ul className="consequences">
                  {found.map((c, i) => (
                    <li key={i} data-consequence={c.kind} className={isBlocking(c) ? 'blocking' : 'warning'}>
                      {consequenceText(t, locale, c, visits)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
      {/* A form, so that confirming is the submit (and cancelling the reset) that the button's click
          causes: dnd-kit stops every click's propagation in the page for 50 ms after a pointer drop
          (to swallow the click of the drop itself), which silently lost a "Flyt" clicked at once.
          A click's default action still happens when its propagation is stopped. */}
      <form
        className="confirm-actions"
        onSubmit={(e) => {
          e.preventDefault();
          void board.getState().confirm();
        }}
        onReset={(e) => {
          e.preventDefault();
          board.getState().cancel();
        }}
      >
        <button type="submit" ref={confirmRef} className="primary" disabled={blocked}>
          {t(blocked ? 'board.confirm.blocked' : 'board.confirm.ok')}
        </button>
        <button type="reset">{t('board.confirm.cancel')}</button>
      </form>
    </div>
  );
}

/** "Move all of Anna's remaining visits to …": another member, or nobody (unassigned). */
function BulkDialog({
  from,
  members,
  t,
  onCancel,
  onChoose,
}: {
  from: TeamMember;
  members: readonly TeamMember[];
  t: TFunction;
  onCancel(): void;
  onChoose(to: TeamMember | null): void;
}) {
  const [target, setTarget] = useState<string>(UNASSIGNED);
  const selectRef = useRef<HTMLSelectElement>(null);
  useEffect(() => selectRef.current?.focus(), []);
  return (
    <div
      className="confirm-move"
      role="dialog"
      aria-modal="true"
      aria-labelledby="bulk-heading"
      data-testid="bulk-move"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h3 id="bulk-heading">{t('board.bulkHeading', { name: from.name })}</h3>
      <label>
        {t('board.bulkTo')}{' '}
        <select ref={selectRef} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value={UNASSIGNED}>{t('board.unassigned')}</option>
          {members
            .filter((m) => m.practitionerId !== from.practitionerId)
            .map((m) => (
              <option key={m.practitionerId} value={m.practitionerId}>
                {m.name}
              </option>
            ))}
        </select>
      </label>
      <div className="confirm-actions">
        <button type="button" className="primary" onClick={() => onChoose(members.find((m) => m.practitionerId === target) ?? null)}>
          {t('board.bulkNext')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('board.confirm.cancel')}
        </button>
      </div>
    </div>
  );
}
