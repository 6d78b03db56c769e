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
import { memo, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { TFunction } from 'i18next';
import type { BoardDay } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { isOpen } from '../../src-shared/queue/nowNext';
import type { Board, BoardBlock, BoardRow } from '../../src-shared/team/board';
import { defaultZoom, firstMinuteShown, initials, stepZoom, workingWindow, ZOOMS, zoomMinutes, type Zoom } from '../../src-shared/team/boardWindow';
import type { TeamMember } from '../../src-shared/team/members';
import type { MoveRequest } from '../../src-shared/team/moves';
import type { Presence } from '../../src-shared/team/presence';
import { formatClock } from '../../src-shared/time/copenhagen';
import { latenessBand, minutesLate } from '../../src-shared/workflow/lateness';
import { presenceText, rowIdOf, UNASSIGNED, visitLabel } from './boardText';
import { VisitPeek, type Peek } from './VisitPeek';

/** Keyboard moves go in steps: a row up or down, a quarter of an hour left or right. */
const STEP_MINUTES = 15;
/** A pointer drag starts after six pixels, so a click still opens the details. */
const POINTER_OPTIONS = { activationConstraint: { distance: 6 } };
/** Pointer moves snap to five minutes. */
const SNAP_MINUTES = 5;
/**
 * What a block's width shows (rem of text width): the start time, with the citizen's initials, or
 * with the name (cut with an ellipsis). The block's padding and a late visit's border come on top.
 * Decided here rather than by CSS container queries: 500 size containers made the board's first
 * paint and every zoom markedly slower. Each block carries all three labels and its `data-fit`
 * says which show (styles.css), so a zoom re-renders no block.
 */
const FIT_REM = { time: 2.2, initials: 3.6, name: 7.5 } as const;
const BLOCK_CHROME_REM = 0.4;
type LabelFit = 'none' | 'time' | 'initials' | 'name';
const fitOf = (blockPx: number, rem: number): LabelFit => {
  const text = blockPx / rem - BLOCK_CHROME_REM;
  return text >= FIT_REM.name ? 'name' : text >= FIT_REM.initials ? 'initials' : text >= FIT_REM.time ? 'time' : 'none';
};

interface DragData {
  visit: QueueVisit;
}

/** Where a dragged visit would land: the row under it and the time its position says. */
interface Landing {
  visit: QueueVisit;
  rowId: string;
  start: string;
}

/** A pointer drops into the row it is over; the keyboard (no pointer) into the nearest row. */
const rowUnderPointer: CollisionDetection = (args) => {
  const under = pointerWithin(args);
  return under.length > 0 ? under : closestCenter(args);
};

const remPx = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

/**
 * Marks each block with the labels its width fits. Written straight to the blocks rather than
 * rendered: a zoom changes every block's fit, and re-rendering 500 draggable blocks for it cost
 * more than the zoom's own layout. Only changed marks are written.
 */
function markFits(scroller: HTMLElement, pxPerMinute: number, rem: number): void {
  for (const block of scroller.querySelectorAll<HTMLElement>('.board-block[data-minutes]')) {
    const fit = fitOf(Number(block.dataset.minutes) * pxPerMinute, rem);
    if (block.dataset.fit !== fit) block.dataset.fit = fit;
  }
}

interface TimelineProps {
  day: BoardDay;
  model: Board;
  zoomChoice: Zoom | null;
  presence: Record<string, Presence>;
  inCall: ReadonlySet<string>;
  now: Date;
  t: TFunction;
  locale: string;
  /** The day the board draws is held from a drag's start to its end, so no reload moves rows under the pointer. */
  onHold(hold: boolean): void;
  onZoom(zoom: Zoom): void;
  onMove(move: MoveRequest): void;
  onBulk(member: TeamMember): void;
}

/**
 * The board as a time line: a row per staff member, the day across, shown a window at a time
 * (zoom steps, sideways scroll with the names held in place, "Nu"), moves by drag or keyboard.
 */
export function Timeline({ day, model, zoomChoice, presence, inCall, now, t, locale, onHold, onZoom, onMove, onBulk }: TimelineProps) {
  const [dragging, setDragging] = useState<QueueVisit | null>(null);
  const [landing, setLanding] = useState<Landing | null>(null);
  const [peek, setPeek] = useState<Peek | null>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLSpanElement>(null);
  const trackRef = useRef<HTMLDivElement>(null);
  const rowsById = useMemo(() => new Map(model.rows.map((r) => [rowIdOf(r), r])), [model]);
  const visitsById = useMemo(() => new Map(day.visits.map((v) => [v.id, v])), [day]);

  // The visible width of the time axis (the scroller less the names), measured before paint.
  const [viewPx, setViewPx] = useState(0);
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const measure = () => setViewPx(Math.max(0, scroller.clientWidth - (headRef.current?.getBoundingClientRect().width ?? 0)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, []);

  const working = useMemo(() => workingWindow(day.members, new Date(day.day), model.dayStartMs, model.dayMinutes), [day, model]);
  const rem = useMemo(remPx, []);
  const readablePx = (FIT_REM.initials + BLOCK_CHROME_REM) * rem;
  const zoom = zoomChoice ?? (viewPx > 0 ? defaultZoom(viewPx, readablePx, working, model.dayMinutes) : 'h4');
  const windowMinutes = zoomMinutes(zoom, working, model.dayMinutes);
  const nowMinute = Math.round((now.getTime() - model.dayStartMs) / 60_000);
  const fullPx = (viewPx * model.dayMinutes) / windowMinutes;

  // After every render (blocks mounted by a move or a sync need their marks too), and before the
  // scroll below, whose write lays the board out: the new labels are then in that one layout.
  useLayoutEffect(() => {
    if (scrollerRef.current && viewPx > 0) markFits(scrollerRef.current, viewPx / windowMinutes, rem);
  });

  const scrollToMinute = (minute: number) => {
    if (scrollerRef.current && viewPx > 0) scrollerRef.current.scrollLeft = Math.round((minute / model.dayMinutes) * fullPx);
  };
  // The first view of a day opens where the day is; a zoom keeps the minute in the middle where it was.
  const opened = useRef<string | null>(null);
  const keepCentre = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (viewPx === 0) return;
    if (opened.current !== day.day) {
      opened.current = day.day;
      scrollToMinute(firstMinuteShown(nowMinute, working, windowMinutes, model.dayMinutes));
    } else if (keepCentre.current !== null) {
      scrollToMinute(keepCentre.current - windowMinutes / 2);
    }
    keepCentre.current = null;
  }, [viewPx, zoom, day.day]);

  const changeZoom = (next: Zoom) => {
    const scroller = scrollerRef.current;
    if (scroller && fullPx > 0) keepCentre.current = ((scroller.scrollLeft + viewPx / 2) / fullPx) * model.dayMinutes;
    onZoom(next);
  };
  const toNow = () => scrollToMinute(firstMinuteShown(nowMinute, working, windowMinutes, model.dayMinutes));

  /** Minutes per pixel on the day axis (measured: the layout is fluid). */
  const minutesPerPx = () => (trackRef.current ? model.dayMinutes / Math.max(1, trackRef.current.getBoundingClientRect().width) : 1);
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
  // pointer: both end in onDragEnd with the row under the visit and how far it moved). At every
  // zoom the step is a quarter of an hour: it is measured on the track as drawn. A step past the
  // middle of the window scrolls the day instead, at once, so the step counts before the next key.
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
  // The sensors' options must keep their identity across renders: new ones give dnd-kit new
  // activators, and every draggable block renders again (a zoom re-rendered all 500 for it).
  const coordinatesNow = useRef(coordinates);
  coordinatesNow.current = coordinates;
  const keyboardOptions = useMemo(
    () => ({ coordinateGetter: ((event, args) => coordinatesNow.current(event, args)) satisfies KeyboardCoordinateGetter, scrollBehavior: 'auto' as const }),
    [],
  );
  const sensors = useSensors(useSensor(PointerSensor, POINTER_OPTIONS), useSensor(KeyboardSensor, keyboardOptions));
  const pointerDrag = useRef(true);

  const rowName = (rowId: string | undefined) => (!rowId || rowId === UNASSIGNED ? t('board.unassigned') : (rowsById.get(rowId)?.member?.name ?? rowId));
  const visitName = (id: string | number) => {
    const v = visitsById.get(String(id));
    return v ? `${formatClock(v.start, locale)} ${v.citizen.name}` : String(id);
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('board.announce.start', { visit: visitName(active.id) }),
    onDragOver: ({ active, over }) => (over ? t('board.announce.over', { visit: visitName(active.id), row: rowName(String(over.id)) }) : undefined),
    onDragEnd: ({ active, over }) =>
      over ? t('board.announce.end', { visit: visitName(active.id), row: rowName(String(over.id)) }) : t('board.announce.cancel'),
    onDragCancel: () => t('board.announce.cancel'),
  };

  const endDrag = () => {
    setDragging(null);
    setLanding(null);
    onHold(false);
  };
  const onDragStart = (e: DragStartEvent) => {
    const data = e.active.data.current as DragData | undefined;
    pointerDrag.current = e.activatorEvent instanceof PointerEvent || e.activatorEvent instanceof MouseEvent;
    // The row the visit starts in, for the keyboard's row steps.
    const rowIds = [...document.querySelectorAll<HTMLElement>('[data-board-row]')].map((el) => el.dataset.boardRow);
    const startRow = data?.visit ? (model.rows.find((r) => r.blocks.some((b) => b.visit.id === data.visit.id)) ?? null) : null;
    keyboardRow.current = Math.max(0, rowIds.indexOf(startRow ? rowIdOf(startRow) : UNASSIGNED));
    onHold(true);
    setPeek(null);
    setDragging(data?.visit ?? null);
  };
  const onDragMove = (e: DragMoveEvent) => {
    const data = e.active.data.current as DragData | undefined;
    if (data) setLanding(landingOf(data.visit, e.over ? String(e.over.id) : null, e.delta.x, pointerDrag.current ? SNAP_MINUTES : STEP_MINUTES));
  };
  const onDragEnd = (e: DragEndEvent) => {
    const data = e.active.data.current as DragData | undefined;
    endDrag();
    if (!data || !e.over) return;
    const l = landingOf(data.visit, String(e.over.id), e.delta.x, pointerDrag.current ? SNAP_MINUTES : STEP_MINUTES);
    if (!l) return;
    const move = moveOf(l);
    const unchanged =
      (move.to.practitioner?.id ?? null) === (data.visit.practitioner?.id ?? null) && move.to.start === new Date(data.visit.start).toISOString();
    if (!unchanged) onMove(move);
  };

  // Zoom by keys where the board has the focus ("+" in, "-" out, "N" to now), not while a visit is held.
  const onKeyDown = (e: KeyboardEvent) => {
    if (dragging || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Escape' && peek) setPeek(null);
    else if (e.key === '+' || e.key === '=') changeZoom(stepZoom(zoom, -1, working, model.dayMinutes));
    else if (e.key === '-') changeZoom(stepZoom(zoom, 1, working, model.dayMinutes));
    else if (e.key === 'n' || e.key === 'N') toNow();
    else return;
    e.preventDefault();
  };

  // One popover for the board, following the block under the pointer or with the focus.
  const hideTimer = useRef<number | null>(null);
  const cancelHide = () => {
    if (hideTimer.current !== null) window.clearTimeout(hideTimer.current);
    hideTimer.current = null;
  };
  const peekAt = (target: EventTarget, how: Peek['how']) => {
    const el = target instanceof Element ? target.closest<HTMLElement>('.board-block[data-visit-id]') : null;
    const visit = el ? visitsById.get(el.dataset.visitId ?? '') : undefined;
    if (!el || !visit || dragging) return;
    cancelHide();
    setPeek({ visit, rect: el.getBoundingClientRect(), how });
  };
  // A short grace, so the pointer can move onto the popover (it stays while hovered).
  const hideSoon = () => {
    cancelHide();
    hideTimer.current = window.setTimeout(() => setPeek(null), 300);
  };

  const hours = Array.from({ length: Math.ceil(model.dayMinutes / 60) }, (_, i) => i);
  const zoomed = { ['--zoom' as string]: String(model.dayMinutes / windowMinutes), ['--hour-fraction' as string]: String(60 / model.dayMinutes) };

  return (
    <>
      <div className="board-zoom" role="group" aria-label={t('board.zoom.label')}>
        {ZOOMS.map((z) => (
          <button key={z} type="button" aria-pressed={z === zoom} onClick={() => changeZoom(z)} data-zoom={z}>
            {t(`board.zoom.${z}`)}
          </button>
        ))}
        <button type="button" onClick={toNow}>
          {t('board.toNow')}
        </button>
        <span className="board-zoom-keys">{t('board.zoom.keys')}</span>
      </div>
      <DndContext
        sensors={sensors}
        collisionDetection={rowUnderPointer}
        onDragStart={onDragStart}
        onDragMove={onDragMove}
        onDragEnd={onDragEnd}
        onDragCancel={endDrag}
        accessibility={{ announcements, screenReaderInstructions: { draggable: t('board.instructions') } }}
      >
        <div
          className="board-scroller"
          ref={scrollerRef}
          data-testid="board-scroller"
          data-zoom={zoom}
          onKeyDown={onKeyDown}
          onPointerOver={(e) => peekAt(e.target, 'hover')}
          onPointerOut={hideSoon}
          onFocus={(e) => peekAt(e.target, 'focus')}
          onBlur={() => setPeek(null)}
        >
          <div className="board-grid" style={zoomed}>
            <div className="board-axis" aria-hidden="true">
              <span className="board-axis-label" ref={headRef} />
              <div className="board-axis-hours">
                {hours.map((h) => (
                  <span key={h} style={{ left: `${((h * 60) / model.dayMinutes) * 100}%` }}>
                    {formatClock(new Date(model.dayStartMs + h * 3_600_000), locale)}
                  </span>
                ))}
              </div>
            </div>
            {/* The rows are drawn once the width is known: the 500 blocks are laid out once, at their zoom. */}
            {viewPx > 0 &&
              model.rows.map((row, i) => (
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
                  inCall={inCall}
                  onBulk={row.member ? onBulk : undefined}
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
      {peek && (
        <VisitPeek
          peek={peek}
          nowMs={now.getTime()}
          inCall={inCall.has(peek.visit.id)}
          t={t}
          locale={locale}
          onPointerEnter={cancelHide}
          onPointerLeave={() => setPeek(null)}
        />
      )}
    </>
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
  inCall: ReadonlySet<string>;
  onBulk: ((member: TeamMember) => void) | undefined;
}

function BoardRowView({ row, dayMinutes, dayStartMs, presence, visits, t, locale, nowMs, landing, trackRef, inCall, onBulk }: RowProps) {
  const id = rowIdOf(row);
  const { setNodeRef, isOver } = useDroppable({ id });
  const name = row.member?.name ?? t('board.unassigned');
  const status = row.member ? presenceText(t, presence, visits) : '';
  const gaps = row.marks.filter((m) => m.kind === 'gap').length;
  const overloads = row.marks.filter((m) => m.kind !== 'gap').length;
  const pct = (minute: number) => `${(Math.max(0, Math.min(dayMinutes, minute)) / dayMinutes) * 100}%`;
  const landingMinute = landing ? Math.round((Date.parse(landing.start) - dayStartMs) / 60_000) : null;
  const member = row.member;
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
        {onBulk && member && row.load.open > 0 && (
          <button type="button" className="board-bulk" onClick={() => onBulk(member)} aria-label={t('board.bulk', { name })}>
            {t('board.bulkShort')}
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
            inCall={inCall.has(b.visit.id) || (presence?.state === 'in_call' && presence.visitId === b.visit.id)}
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
  const label = visitLabel(t, locale, v, { late, inCall, movable });
  return (
    <div
      ref={setNodeRef}
      className={`board-block status-${v.status}${late > 0 ? ` board-late-${latenessBand(late)}` : ''}${inCall ? ' in-call' : ''}${isDragging ? ' is-dragging' : ''}`}
      data-visit-id={v.id}
      data-minutes={block.toMinute - block.fromMinute}
      style={{
        left: `${(block.fromMinute / dayMinutes) * 100}%`,
        width: `${((block.toMinute - block.fromMinute) / dayMinutes) * 100}%`,
        top: `${(block.lane / lanes) * 100}%`,
        height: `${100 / lanes}%`,
      }}
      aria-label={label}
      {...attributes}
      {...listeners}
      aria-roledescription={t('board.draggable')}
      aria-disabled={!movable}
    >
      <span className="board-block-time">{time}</span>
      <span className="board-block-name"> {v.citizen.name}</span>
      <span className="board-block-initials"> {initials(v.citizen.name)}</span>
    </div>
  );
});
