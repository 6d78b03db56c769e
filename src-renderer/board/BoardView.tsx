import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import type { BoardDay } from '../../src-shared/api/contract';
import type { QueueVisit } from '../../src-shared/domain/visit';
import { buildBoard } from '../../src-shared/team/board';
import type { TeamMember } from '../../src-shared/team/members';
import { bulkMoves, type MoveRequest } from '../../src-shared/team/moves';
import { localeFor } from '../i18n';
import { useNow } from '../queue/useNow';
import type { TeamState } from '../team/teamStore';
import { rendererClock } from '../time/clock';
import { BoardList } from './BoardList';
import { UNASSIGNED } from './boardText';
import type { BoardState } from './boardStore';
import { BulkDialog, ConfirmPanel, MoveDialog } from './dialogs';
import { Timeline } from './Timeline';

/**
 * The team lead's board ("Teamtavle"): who does what today, live presence, moves by drag, keyboard
 * or the list's move buttons, each confirmed with its consequences and undoable.
 */
export function BoardView({ board, team }: { board: StoreApi<BoardState>; team: StoreApi<TeamState> }) {
  const { t, i18n } = useTranslation();
  const locale = localeFor(i18n.language);
  const state = useStore(board);
  const presence = useStore(team, (s) => s.presence);
  const now = useNow(30_000);
  const [bulkFrom, setBulkFrom] = useState<TeamMember | null>(null);
  const [moving, setMoving] = useState<QueueVisit | null>(null);

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

  if (state.phase === 'loading' || !model || !day)
    return <p role="status">{state.error ? t('board.loadFailed', { message: state.error }) : t('queue.loading')}</p>;
  const rowName = (id: string | null) => (!id || id === UNASSIGNED ? t('board.unassigned') : (day.members.find((m) => m.practitionerId === id)?.name ?? id));
  const propose = (moves: MoveRequest[], bulk = false) => board.getState().propose(moves, inCall, bulk);

  return (
    <section className="board" aria-labelledby="board-heading" data-testid="board" data-layout={state.layout}>
      <div className="board-toolbar">
        <h2 id="board-heading">
          {t('board.heading', {
            date: new Date(day.day).toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'Europe/Copenhagen' }),
          })}
        </h2>
        <p className="board-help" id="board-help">
          {t(state.layout === 'list' ? 'board.list.help' : 'board.help')}
        </p>
        <div className="board-layouts" role="group" aria-label={t('board.layout.label')}>
          {(['timeline', 'list'] as const).map((layout) => (
            <button key={layout} type="button" aria-pressed={state.layout === layout} onClick={() => board.getState().setLayout(layout)}>
              {t(`board.layout.${layout}`)}
            </button>
          ))}
        </div>
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
      {state.layout === 'timeline' ? (
        <Timeline
          day={day}
          model={model}
          zoomChoice={state.zoom}
          presence={presence}
          inCall={inCall}
          now={now}
          t={t}
          locale={locale}
          onHold={(hold) => setHeldDay(hold ? day : null)}
          onZoom={(zoom) => board.getState().setZoom(zoom)}
          onMove={(move) => propose([move])}
          onBulk={setBulkFrom}
        />
      ) : (
        <BoardList day={day} model={model} presence={presence} inCall={inCall} now={now} t={t} locale={locale} onMove={setMoving} onBulk={setBulkFrom} />
      )}
      {state.proposal && <ConfirmPanel board={board} visits={day.visits} t={t} locale={locale} rowName={rowName} />}
      {moving && (
        <MoveDialog
          visit={moving}
          day={new Date(day.day)}
          members={day.members}
          t={t}
          locale={locale}
          onCancel={() => setMoving(null)}
          onChoose={(move) => {
            setMoving(null);
            propose([move]);
          }}
        />
      )}
      {bulkFrom && (
        <BulkDialog
          from={bulkFrom}
          members={day.members}
          t={t}
          onCancel={() => setBulkFrom(null)}
          onChoose={(to) => {
            const moves = bulkMoves(day.visits, bulkFrom.practitionerId, to, rendererClock.now());
            setBulkFrom(null);
            if (moves.length > 0) propose(moves, true);
          }}
        />
      )}
    </section>
  );
}
