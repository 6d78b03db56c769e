import type { TFunction } from 'i18next';
import { useState } from 'react';
import type { BoardDay } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { isOpen } from '../../src-shared/queue/nowNext';
import type { Board } from '../../src-shared/team/board';
import type { TeamMember } from '../../src-shared/team/members';
import type { Presence } from '../../src-shared/team/presence';
import { formatClock } from '../../src-shared/time/copenhagen';
import { minutesLate } from '../../src-shared/workflow/lateness';
import { presenceText, rowIdOf } from './boardText';

type SortKey = 'time' | 'citizen' | 'status';
interface Sort {
  key: SortKey;
  ascending: boolean;
}

const compare: Record<SortKey, (a: QueueVisit, b: QueueVisit, t: TFunction) => number> = {
  time: (a, b) => Date.parse(a.start) - Date.parse(b.start),
  citizen: (a, b) => a.citizen.name.localeCompare(b.citizen.name, 'da'),
  status: (a, b, t) => t(`status.${a.status}`).localeCompare(t(`status.${b.status}`), 'da'),
};

/**
 * The board's day as a table, a group per staff member (and one for visits nobody has): for
 * screen readers and for scanning, sortable, with the same moves as the time line (a visit to
 * someone else or another time, or the rest of someone's day), confirmed the same way.
 */
export function BoardList({
  day,
  model,
  presence,
  inCall,
  now,
  t,
  locale,
  onMove,
  onBulk,
}: {
  day: BoardDay;
  model: Board;
  presence: Record<string, Presence>;
  inCall: ReadonlySet<string>;
  now: Date;
  t: TFunction;
  locale: string;
  onMove(visit: QueueVisit): void;
  onBulk(member: TeamMember): void;
}) {
  const [sort, setSort] = useState<Sort>({ key: 'time', ascending: true });
  const order = (a: QueueVisit, b: QueueVisit) => (sort.ascending ? 1 : -1) * (compare[sort.key](a, b, t) || compare.time(a, b, t));
  const header = (key: SortKey) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.ascending ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => setSort({ key, ascending: sort.key === key ? !sort.ascending : true })}>
        {t(`board.list.${key}`)}
        <span aria-hidden="true">{sort.key === key ? (sort.ascending ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
  return (
    <table className="board-list" data-testid="board-list">
      <caption className="visually-hidden">{t('board.list.caption')}</caption>
      <thead>
        <tr>
          {header('time')}
          {header('citizen')}
          <th scope="col">{t('board.peek.task')}</th>
          {header('status')}
          <th scope="col">{t('board.peek.late')}</th>
          <th scope="col">{t('board.peek.attempts')}</th>
          <th scope="col">{t('queue.actions')}</th>
        </tr>
      </thead>
      {model.rows.map((row) => {
        const id = rowIdOf(row);
        const member = row.member;
        const name = member?.name ?? t('board.unassigned');
        const visits = row.blocks.map((b) => b.visit).sort(order);
        return (
          <tbody key={id} data-board-list-row={id}>
            <tr className="board-list-group">
              <th scope="rowgroup" colSpan={7}>
                <span className="board-row-name">{name}</span>
                {member && <span className="board-list-presence">{presenceText(t, presence[member.practitionerId] ?? null, day.visits)}</span>}
                <span className="board-load">{t('board.load', { count: row.load.visits, open: row.load.open, minutes: row.load.minutes })}</span>
                {member && row.load.open > 0 && (
                  <button type="button" className="board-bulk" onClick={() => onBulk(member)} aria-label={t('board.bulk', { name })}>
                    {t('board.bulkShort')}
                  </button>
                )}
              </th>
            </tr>
            {visits.length === 0 && (
              <tr>
                <td colSpan={7} className="board-list-empty">
                  {t('board.list.none')}
                </td>
              </tr>
            )}
            {visits.map((v) => {
              const movable = isOpen(v) && v.status !== 'in_progress' && !inCall.has(v.id);
              const late = isOpen(v) ? minutesLate(v.workflow.retryAt ?? v.start, now) : 0;
              const time = formatClock(v.start, locale);
              return (
                <tr key={v.id} data-visit-id={v.id}>
                  <td>
                    {time}–{formatClock(v.end, locale)}
                  </td>
                  <td>{v.citizen.name}</td>
                  <td>{v.task.type}</td>
                  <td>
                    {t(`status.${v.status}`)}
                    {inCall.has(v.id) ? ` (${t('board.inCall')})` : ''}
                  </td>
                  <td>{late > 0 ? t('queue.minutesLate', { count: late }) : ''}</td>
                  <td>{v.workflow.failedAttempts > 0 ? v.workflow.failedAttempts : ''}</td>
                  <td>
                    {movable && (
                      <button type="button" onClick={() => onMove(v)} aria-label={t('board.list.moveOne', { name: v.citizen.name, time })}>
                        {t('board.list.move')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        );
      })}
    </table>
  );
}
