import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient, BoardDay } from '../../src-shared/api/contract';
import type { Zoom } from '../../src-shared/team/boardWindow';
import { moveConsequences, type MoveConsequence, type MoveRequest } from '../../src-shared/team/moves';

/**
 * The team lead's board: the team's day, a move waiting for the lead to confirm it
 * with its consequences listed, and the last move, which can be undone. Moves are written by the
 * main process through the outbox (Appointment updates with If-Match), so they wait there while
 * the EOJ is away and meet the conflict rules when it is back.
 */
export interface Proposal {
  moves: MoveRequest[];
  consequences: Map<string, MoveConsequence[]>;
  /** A bulk move ("all of Anna's remaining visits"). */
  bulk: boolean;
}

export interface BoardState {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  day: BoardDay | null;
  error: string | null;
  proposal: Proposal | null;
  /** The moves that undo the last confirmed move, until it is undone or another is made. */
  undo: MoveRequest[] | null;
  /** What the last confirmed move did, for the live region ("Flyttet: …"). */
  done: { count: number; undone: boolean } | null;
  /** The lead's zoom step; null until they choose one (the board then picks a readable one). */
  zoom: Zoom | null;
  /** The day as a time line, or as a table grouped by staff member (screen readers, scanning). */
  layout: 'timeline' | 'list';
  setZoom(zoom: Zoom): void;
  setLayout(layout: 'timeline' | 'list'): void;
  load(): Promise<void>;
  /** A move (or bulk move) to confirm; `inCall` are the visits with a call going on right now. */
  propose(moves: MoveRequest[], inCall: ReadonlySet<string>, bulk?: boolean): void;
  cancel(): void;
  confirm(): Promise<boolean>;
  undoLast(): Promise<void>;
  start(): () => void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createBoardStore(api: ApiClient): StoreApi<BoardState> {
  let latest = 0;
  return createStore<BoardState>()((set, get) => {
    async function write(moves: MoveRequest[], undone: boolean): Promise<boolean> {
      try {
        const { visits, undo } = await api.board.move({ moves });
        const day = get().day;
        if (day) {
          const byId = new Map(visits.map((v) => [v.id, v]));
          set({ day: { ...day, visits: day.visits.map((v) => byId.get(v.id) ?? v) } });
        }
        set({ undo: undone ? null : undo, proposal: null, error: null, done: { count: moves.length, undone } });
        return true;
      } catch (error) {
        set({ error: message(error) });
        return false;
      }
    }
    return {
      phase: 'idle',
      day: null,
      error: null,
      proposal: null,
      undo: null,
      done: null,
      zoom: null,
      layout: 'timeline',
      setZoom(zoom) {
        set({ zoom });
      },
      setLayout(layout) {
        set({ layout });
      },
      async load() {
        const request = ++latest;
        if (!get().day) set({ phase: 'loading' });
        try {
          const day = await api.board.day({});
          if (request === latest) set({ day, phase: 'ready', error: null });
        } catch (error) {
          if (request === latest) set({ phase: 'error', error: message(error) });
        }
      },
      propose(moves, inCall, bulk = false) {
        const day = get().day;
        if (!day || moves.length === 0) return;
        const consequences = moveConsequences(moves, { visits: day.visits, members: day.members, settings: day.settings, inCall });
        set({ proposal: { moves, consequences, bulk }, error: null });
      },
      cancel() {
        set({ proposal: null });
      },
      async confirm() {
        const proposal = get().proposal;
        if (!proposal) return false;
        return write(proposal.moves, false);
      },
      async undoLast() {
        const undo = get().undo;
        if (undo) await write(undo, true);
      },
      start() {
        // Whatever changes the team's day (a pull, a colleague's outcome) is shown without a reload.
        return api.events.onQueueChanged({}, { onData: () => void get().load() });
      },
    };
  });
}
