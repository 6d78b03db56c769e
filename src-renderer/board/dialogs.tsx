import type { TFunction } from 'i18next';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { QueueVisit } from '../../src-shared/domain/visit';
import type { TeamMember } from '../../src-shared/team/members';
import { isBlocking, type MoveConsequence, type MoveRequest } from '../../src-shared/team/moves';
import { atCopenhagenTime, formatClock } from '../../src-shared/time/copenhagen';
import { UNASSIGNED } from './boardText';
import type { BoardState } from './boardStore';

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
export function ConfirmPanel({
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
export function BulkDialog({
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

/**
 * The list view's move: one visit to another staff member and/or another time of the same day,
 * then the same confirm panel (with its consequences) as a drag on the board.
 */
export function MoveDialog({
  visit,
  day,
  members,
  t,
  locale,
  onCancel,
  onChoose,
}: {
  visit: QueueVisit;
  /** The care day (its start), for the wall-clock time typed. */
  day: Date;
  members: readonly TeamMember[];
  t: TFunction;
  locale: string;
  onCancel(): void;
  onChoose(move: MoveRequest): void;
}) {
  const [target, setTarget] = useState<string>(visit.practitioner?.id ?? UNASSIGNED);
  const [time, setTime] = useState(formatClock(visit.start, 'da-DK'));
  const selectRef = useRef<HTMLSelectElement>(null);
  useEffect(() => selectRef.current?.focus(), []);
  const clock = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  const submit = () => {
    if (!clock) return;
    const member = members.find((m) => m.practitionerId === target) ?? null;
    const start = atCopenhagenTime(day, Number(clock[1]), Number(clock[2]));
    const length = Date.parse(visit.end) - Date.parse(visit.start);
    onChoose({
      visitId: visit.id,
      to: {
        practitioner: member ? { id: member.practitionerId, name: member.name } : null,
        room: member?.roomId ? { id: member.roomId, name: member.roomName ?? member.roomId } : visit.room,
        start: start.toISOString(),
        end: new Date(start.getTime() + length).toISOString(),
      },
    });
  };
  return (
    <div
      className="confirm-move"
      role="dialog"
      aria-modal="true"
      aria-labelledby="move-heading"
      data-testid="move-visit"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h3 id="move-heading">{t('board.list.moveHeading', { name: visit.citizen.name, time: formatClock(visit.start, locale) })}</h3>
      <form
        className="move-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onReset={(e) => {
          e.preventDefault();
          onCancel();
        }}
      >
        <label>
          {t('board.bulkTo')}{' '}
          <select ref={selectRef} value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value={UNASSIGNED}>{t('board.unassigned')}</option>
            {members.map((m) => (
              <option key={m.practitionerId} value={m.practitionerId}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('board.list.at')} <input type="time" value={time} onChange={(e) => setTime(e.target.value)} required aria-invalid={!clock} />
        </label>
        <div className="confirm-actions">
          <button type="submit" className="primary" disabled={!clock}>
            {t('board.bulkNext')}
          </button>
          <button type="reset">{t('board.confirm.cancel')}</button>
        </div>
      </form>
    </div>
  );
}
