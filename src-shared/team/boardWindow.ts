import type { TeamMember } from './members.js';
import { hoursOf } from './board.js';

/**
 * What part of the care day the board shows at once. The whole day across a screen makes a
 * 10-minute call a sliver with no readable label, so the board shows a window of it, scrolled
 * sideways, at one of a few zoom steps: the widest step at which a 10-minute visit still shows its
 * start time is the default, opened where the day is (now, or the start of the working hours).
 */
export const ZOOMS = ['h2', 'h4', 'h8', 'workday', 'day'] as const;
export type Zoom = (typeof ZOOMS)[number];

/** The shortest visit whose start time must be readable at the default zoom. */
export const READABLE_VISIT_MINUTES = 10;

export interface MinuteRange {
  fromMinute: number;
  toMinute: number;
}

/**
 * The team's working day on the board: from the first staff member's start to the last one's end,
 * leaving out the parts of night shifts that touch midnight (a night shift is 00:00–07:30 and
 * 22:00–24:00: counting it would make every day 24 hours). With no daytime hours, the whole day.
 */
export function workingWindow(members: readonly TeamMember[], day: Date, dayStartMs: number, dayMinutes: number): MinuteRange {
  const daytime = members.flatMap((m) => hoursOf(m, day, dayStartMs)).filter((h) => h.from > 0 && h.to < dayMinutes && h.to > h.from);
  if (daytime.length === 0) return { fromMinute: 0, toMinute: dayMinutes };
  return { fromMinute: Math.min(...daytime.map((h) => h.from)), toMinute: Math.max(...daytime.map((h) => h.to)) };
}

/** How many minutes of the day one screen-width of the board shows at a zoom step. */
export function zoomMinutes(zoom: Zoom, working: MinuteRange, dayMinutes: number): number {
  switch (zoom) {
    case 'h2':
      return 120;
    case 'h4':
      return 240;
    case 'h8':
      return 480;
    case 'workday':
      return Math.max(120, working.toMinute - working.fromMinute);
    case 'day':
      return dayMinutes;
  }
}

/**
 * The widest zoom step at which a 10-minute visit is at least `readablePx` wide on a track
 * `trackPx` wide (the narrowest step when none is).
 */
export function defaultZoom(trackPx: number, readablePx: number, working: MinuteRange, dayMinutes: number): Zoom {
  const readable = ZOOMS.filter((z) => (trackPx / zoomMinutes(z, working, dayMinutes)) * READABLE_VISIT_MINUTES >= readablePx);
  // Steps are not ordered by width when the working day is short: take the widest readable one.
  return readable.reduce<Zoom>((best, z) => (zoomMinutes(z, working, dayMinutes) > zoomMinutes(best, working, dayMinutes) ? z : best), 'h2');
}

/** The next step in (-1) or out (+1), by the minutes shown; the same step at either end. */
export function stepZoom(zoom: Zoom, direction: -1 | 1, working: MinuteRange, dayMinutes: number): Zoom {
  const byWidth = [...ZOOMS].sort((a, b) => zoomMinutes(a, working, dayMinutes) - zoomMinutes(b, working, dayMinutes));
  const i = byWidth.indexOf(zoom);
  return byWidth[Math.max(0, Math.min(byWidth.length - 1, i + direction))] ?? zoom;
}

/**
 * The first minute to show: a quarter of the window before now when now is in the day (what is
 * due next, with a little of what just passed), else the start of the working day.
 */
export function firstMinuteShown(nowMinute: number, working: MinuteRange, windowMinutes: number, dayMinutes: number): number {
  const wanted = nowMinute >= 0 && nowMinute < dayMinutes ? nowMinute - windowMinutes / 4 : working.fromMinute;
  return Math.max(0, Math.min(dayMinutes - windowMinutes, wanted));
}

/** "Inger Møllegaard" → "IM": what a block too narrow for the name shows. */
export function initials(name: string): string {
  const parts = name.split(/[\s-]+/u).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toLocaleUpperCase('da-DK');
}
