import type { VisitSlot } from '../domain/outbox.js';
import type { QueueVisit } from '../domain/visit.js';
import { isOpen } from '../queue/nowNext.js';
import { copenhagenMinutes } from '../time/copenhagen.js';
import { minutesOfClock, type TeamMember, type TeamSettings } from './members.js';

/**
 * What a move of a visit would mean, before it is written (a confirm step that lists
 * the conflicts). Blocking consequences refuse the move; the others are shown and the lead decides.
 * Pure: the board shows them, and the main process checks the blocking ones again when writing.
 */
export type MoveConsequence =
  /** A call is going on: it cannot be moved (blocking). */
  | { kind: 'in_call' }
  /** Completed, not answered, cancelled: a closed visit is not moved (blocking). */
  | { kind: 'closed'; status: QueueVisit['status'] }
  /** The staff member has another visit at that time. */
  | { kind: 'overlap'; visitId: string; start: string }
  /** Outside the staff member's hours. */
  | { kind: 'outside_hours' }
  /** The citizen has another visit at that time. */
  | { kind: 'citizen_busy'; visitId: string; start: string }
  /** More calls in that hour than the team's setting. */
  | { kind: 'hourly_limit'; count: number; limit: number };

export const isBlocking = (c: MoveConsequence) => c.kind === 'in_call' || c.kind === 'closed';

export interface MoveRequest {
  visitId: string;
  to: VisitSlot;
}

export interface MoveContext {
  /** The team's visits of the day as they stand (before the moves). */
  visits: readonly QueueVisit[];
  members: readonly TeamMember[];
  settings: TeamSettings;
  /** Visits with a call in progress right now (from presence). */
  inCall: ReadonlySet<string>;
}

const overlaps = (a: { start: string; end: string }, b: { start: string; end: string }) =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

/** Whether [start, end) lies within one of the member's wall-clock intervals (Copenhagen time). */
export function withinHours(member: TeamMember, slot: { start: string; end: string }): boolean {
  // Hours the EOJ does not say are not held against a move.
  if (member.hours.length === 0) return true;
  const from = copenhagenMinutes(new Date(slot.start));
  const length = Math.max(0, Math.round((Date.parse(slot.end) - Date.parse(slot.start)) / 60_000));
  return member.hours.some((h) => from >= minutesOfClock(h.start) && from + length <= (h.end === '24:00' ? 24 * 60 : minutesOfClock(h.end)));
}

/** The slot a visit is in now. */
export const slotOfVisit = (v: QueueVisit): VisitSlot => ({ practitioner: v.practitioner, room: v.room, start: v.start, end: v.end });

/**
 * The consequences of a set of moves made together (one move, or a bulk move): each move is
 * checked against the day as it will be after all of them.
 */
export function moveConsequences(moves: readonly MoveRequest[], context: MoveContext): Map<string, MoveConsequence[]> {
  const moved = new Map(moves.map((m) => [m.visitId, m.to]));
  const after = context.visits.map((v) => {
    const to = moved.get(v.id);
    return to ? { ...v, practitioner: to.practitioner, room: to.room, start: to.start, end: to.end } : v;
  });
  const result = new Map<string, MoveConsequence[]>();
  for (const move of moves) {
    const visit = context.visits.find((v) => v.id === move.visitId);
    const found: MoveConsequence[] = [];
    if (!visit) continue;
    if (context.inCall.has(visit.id) || visit.status === 'in_progress') found.push({ kind: 'in_call' });
    else if (!isOpen(visit)) found.push({ kind: 'closed', status: visit.status });
    const others = after.filter((v) => v.id !== visit.id && v.status !== 'cancelled');
    const to = move.to;
    if (to.practitioner) {
      const clash = others.find((v) => v.practitioner?.id === to.practitioner?.id && isOpen(v) && overlaps(v, to));
      if (clash) found.push({ kind: 'overlap', visitId: clash.id, start: clash.start });
      const member = context.members.find((m) => m.practitionerId === to.practitioner?.id);
      if (member && !withinHours(member, to)) found.push({ kind: 'outside_hours' });
      const hourStart = Math.floor(Date.parse(to.start) / 3_600_000) * 3_600_000;
      const inHour =
        others.filter((v) => v.practitioner?.id === to.practitioner?.id && Date.parse(v.start) >= hourStart && Date.parse(v.start) < hourStart + 3_600_000)
          .length + 1;
      if (inHour > context.settings.maxCallsPerHour) found.push({ kind: 'hourly_limit', count: inHour, limit: context.settings.maxCallsPerHour });
    }
    const citizen = others.find((v) => v.citizen.id === visit.citizen.id && overlaps(v, to));
    if (citizen) found.push({ kind: 'citizen_busy', visitId: citizen.id, start: citizen.start });
    result.set(visit.id, found);
  }
  return result;
}

/**
 * "Move all of Anna's remaining visits to Jonas (or to nobody)": her open visits from now on,
 * at the same times, to the other member (in their room) or unassigned.
 */
export function bulkMoves(visits: readonly QueueVisit[], fromPractitionerId: string, to: TeamMember | null, now: Date): MoveRequest[] {
  return visits
    .filter((v) => v.practitioner?.id === fromPractitionerId && isOpen(v) && v.status !== 'in_progress' && Date.parse(v.end) > now.getTime())
    .map((v) => ({
      visitId: v.id,
      to: {
        practitioner: to ? { id: to.practitionerId, name: to.name } : null,
        room: to?.roomId ? { id: to.roomId, name: to.roomName ?? to.roomId } : v.room,
        start: v.start,
        end: v.end,
      },
    }));
}
