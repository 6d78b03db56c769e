import type { TFunction } from 'i18next';
import type { QueueVisit } from '../../src-shared/domain/visit';
import type { BoardRow } from '../../src-shared/team/board';
import type { Presence } from '../../src-shared/team/presence';
import { formatClock } from '../../src-shared/time/copenhagen';

/** The board's words for rows and visits, shared by the time line and the list. */
export const UNASSIGNED = 'unassigned';
export const rowIdOf = (row: BoardRow) => row.member?.practitionerId ?? UNASSIGNED;

export function presenceText(t: TFunction, presence: Presence | null, visits: readonly QueueVisit[]): string {
  if (!presence || presence.state === 'offline') return t('board.presence.offline');
  if (presence.state === 'in_call') {
    const visit = visits.find((v) => v.id === presence.visitId);
    return t('board.presence.in_call', { name: visit?.citizen.name ?? '' });
  }
  return t(`board.presence.${presence.state}`);
}

/** What a screen reader hears for a visit: "10:30 Inger Møllegaard – Medicin, Planlagt, +12 min". */
export function visitLabel(t: TFunction, locale: string, v: QueueVisit, how: { late: number; inCall: boolean; movable: boolean }): string {
  return [
    t('board.block', { time: formatClock(v.start, locale), name: v.citizen.name, task: v.task.type }),
    t(`status.${v.status}`),
    how.late > 0 ? t('queue.minutesLate', { count: how.late }) : null,
    v.workflow.failedAttempts > 0 ? t('board.attempts', { count: v.workflow.failedAttempts }) : null,
    how.inCall ? t('board.inCall') : null,
    how.movable ? null : t('board.notMovable'),
  ]
    .filter(Boolean)
    .join(', ');
}
