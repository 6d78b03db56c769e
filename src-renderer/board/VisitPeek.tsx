import type { TFunction } from 'i18next';
import { useLayoutEffect, useRef } from 'react';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { isOpen } from '../../src-shared/queue/nowNext';
import { formatClock } from '../../src-shared/time/copenhagen';
import { minutesLate } from '../../src-shared/workflow/lateness';

export interface Peek {
  visit: QueueVisit;
  /** Where the block is on screen. */
  rect: DOMRect;
  how: 'hover' | 'focus';
}

/**
 * A block's full details next to it, on hover or focus: citizen, task, time, status, lateness and
 * attempts. It stays while the pointer is on it, and Escape closes it (the block's own label says
 * the same to a screen reader, so it is a tooltip, not a second focus stop).
 */
export function VisitPeek({
  peek,
  nowMs,
  inCall,
  t,
  locale,
  onPointerEnter,
  onPointerLeave,
}: {
  peek: Peek;
  nowMs: number;
  inCall: boolean;
  t: TFunction;
  locale: string;
  onPointerEnter(): void;
  onPointerLeave(): void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const v = peek.visit;
  // Below the block, or above it where there is no room; never past the window's right edge.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    const below = peek.rect.bottom + 6;
    el.style.top = `${below + height > window.innerHeight ? Math.max(0, peek.rect.top - height - 6) : below}px`;
    el.style.left = `${Math.max(4, Math.min(window.innerWidth - width - 4, peek.rect.left))}px`;
  }, [peek]);
  // Open: how late it is now; called: how late the call was; else nothing to say.
  const late = isOpen(v)
    ? minutesLate(v.workflow.retryAt ?? v.start, new Date(nowMs))
    : v.workflow.calledAt
      ? minutesLate(v.start, new Date(v.workflow.calledAt))
      : null;
  return (
    <div
      ref={ref}
      className="board-peek"
      role="tooltip"
      id="board-peek"
      data-testid="board-peek"
      onPointerEnter={onPointerEnter}
      onPointerLeave={onPointerLeave}
    >
      <strong>{v.citizen.name}</strong>
      <dl>
        <dt>{t('board.peek.time')}</dt>
        <dd>
          {formatClock(v.start, locale)}–{formatClock(v.end, locale)}
        </dd>
        <dt>{t('board.peek.task')}</dt>
        <dd>{v.task.type}</dd>
        <dt>{t('board.peek.status')}</dt>
        <dd>
          {t(`status.${v.status}`)}
          {inCall ? ` (${t('board.inCall')})` : ''}
        </dd>
        {late !== null && (
          <>
            <dt>{t('board.peek.late')}</dt>
            <dd>{late > 0 ? t('queue.minutesLate', { count: late }) : t('board.peek.onTime')}</dd>
          </>
        )}
        <dt>{t('board.peek.attempts')}</dt>
        <dd>{v.workflow.failedAttempts}</dd>
        {v.room && (
          <>
            <dt>{t('board.peek.room')}</dt>
            <dd>{v.room.name}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
