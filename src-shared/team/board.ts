import type { QueueVisit } from '../domain/visit.js';
import { isOpen } from '../queue/nowNext.js';
import { atCopenhagenTime, careDay } from '../time/copenhagen.js';
import { minutesOfClock, type TeamMember, type TeamSettings } from './members.js';

/**
 * The team lead's board as data: a row per staff member and one for unassigned visits,
 * time across the care day, each visit a block, the day's load per person, and what needs a look:
 * gaps in someone's hours and overloads (overlapping visits, more calls in an hour than the team's
 * setting). Pure, so the rules are tested without a browser; the renderer only draws it.
 */
export interface BoardBlock {
  visit: QueueVisit;
  /** Position on the day axis in minutes from the start of the care day (real minutes: DST-safe). */
  fromMinute: number;
  toMinute: number;
  /** Overlapping blocks in one row are stacked in lanes. */
  lane: number;
}

export interface BoardMark {
  kind: 'gap' | 'overlap' | 'hourly_limit';
  fromMinute: number;
  toMinute: number;
}

export interface BoardRow {
  /** null: the row of unassigned visits. */
  member: TeamMember | null;
  blocks: BoardBlock[];
  lanes: number;
  load: { visits: number; open: number; minutes: number };
  marks: BoardMark[];
}

export interface Board {
  dayStartMs: number;
  /** Minutes in the care day (1380 or 1500 on DST days). */
  dayMinutes: number;
  rows: BoardRow[];
}

const minuteOf = (dayStartMs: number, at: string) => Math.round((Date.parse(at) - dayStartMs) / 60_000);

function lanes(blocks: Omit<BoardBlock, 'lane'>[]): { blocks: BoardBlock[]; lanes: number } {
  const ends: number[] = [];
  const out = blocks
    .slice()
    .sort((a, b) => a.fromMinute - b.fromMinute || a.toMinute - b.toMinute)
    .map((b) => {
      let lane = ends.findIndex((end) => end <= b.fromMinute);
      if (lane < 0) lane = ends.push(b.toMinute) - 1;
      else ends[lane] = b.toMinute;
      return { ...b, lane };
    });
  return { blocks: out, lanes: Math.max(1, ends.length) };
}

/** The member's hours on this care day as minutes from its start (real minutes, so DST days are right). */
export function hoursOf(member: TeamMember, day: Date, dayStartMs: number): { from: number; to: number }[] {
  return member.hours.map((h) => {
    const from = minuteOf(dayStartMs, atCopenhagenTime(day, Math.floor(minutesOfClock(h.start) / 60), minutesOfClock(h.start) % 60).toISOString());
    const endClock = h.end === '24:00' ? null : minutesOfClock(h.end);
    const to =
      endClock === null
        ? minuteOf(dayStartMs, careDay(day).end.toISOString())
        : minuteOf(dayStartMs, atCopenhagenTime(day, Math.floor(endClock / 60), endClock % 60).toISOString());
    return { from, to };
  });
}

export function buildBoard(visits: readonly QueueVisit[], members: readonly TeamMember[], day: Date, settings: TeamSettings): Board {
  const { start, end } = careDay(day);
  const dayStartMs = start.getTime();
  const dayMinutes = Math.round((end.getTime() - dayStartMs) / 60_000);
  const inDay = visits.filter((v) => v.status !== 'cancelled' && Date.parse(v.start) >= dayStartMs && Date.parse(v.start) < end.getTime());
  const known = new Set(members.map((m) => m.practitionerId));
  const rowOf = (member: TeamMember | null): BoardRow => {
    const own = inDay.filter((v) => (member ? v.practitioner?.id === member.practitionerId : !v.practitioner || !known.has(v.practitioner.id)));
    const laid = lanes(
      own.map((visit) => ({
        visit,
        fromMinute: minuteOf(dayStartMs, visit.start),
        toMinute: Math.max(minuteOf(dayStartMs, visit.end), minuteOf(dayStartMs, visit.start) + 1),
      })),
    );
    const marks: BoardMark[] = [];
    const open = laid.blocks.filter((b) => isOpen(b.visit));
    // Overlapping open visits for one person.
    for (const a of open) {
      for (const b of open) {
        if (a.visit.id < b.visit.id && a.fromMinute < b.toMinute && b.fromMinute < a.toMinute) {
          marks.push({ kind: 'overlap', fromMinute: Math.max(a.fromMinute, b.fromMinute), toMinute: Math.min(a.toMinute, b.toMinute) });
        }
      }
    }
    if (member) {
      // More calls in a clock hour than the team allows.
      const byHour = new Map<number, number>();
      for (const b of laid.blocks) {
        const hour = Math.floor(Date.parse(b.visit.start) / 3_600_000);
        byHour.set(hour, (byHour.get(hour) ?? 0) + 1);
      }
      for (const [hour, count] of byHour) {
        if (count > settings.maxCallsPerHour)
          marks.push({
            kind: 'hourly_limit',
            fromMinute: Math.round((hour * 3_600_000 - dayStartMs) / 60_000),
            toMinute: Math.round(((hour + 1) * 3_600_000 - dayStartMs) / 60_000),
          });
      }
      // Gaps: stretches of their hours without a visit, at least the team's gap length.
      for (const { from, to } of hoursOf(member, day, dayStartMs)) {
        let cursor = from;
        for (const b of laid.blocks.filter((x) => x.toMinute > from && x.fromMinute < to).sort((x, y) => x.fromMinute - y.fromMinute)) {
          if (b.fromMinute - cursor >= settings.gapMinutes) marks.push({ kind: 'gap', fromMinute: cursor, toMinute: b.fromMinute });
          cursor = Math.max(cursor, b.toMinute);
        }
        if (to - cursor >= settings.gapMinutes) marks.push({ kind: 'gap', fromMinute: cursor, toMinute: to });
      }
    }
    return {
      member,
      blocks: laid.blocks,
      lanes: laid.lanes,
      load: { visits: own.length, open: own.filter(isOpen).length, minutes: laid.blocks.reduce((n, b) => n + (b.toMinute - b.fromMinute), 0) },
      marks: marks.sort((a, b) => a.fromMinute - b.fromMinute),
    };
  };
  return { dayStartMs, dayMinutes, rows: [...members.map(rowOf), rowOf(null)] };
}
