import type { Visit, VisitStatus } from '../domain/visit.js';

const OPEN: ReadonlySet<VisitStatus> = new Set(['planned', 'in_progress']);

export function isOpen(visit: Pick<Visit, 'status'>): boolean {
  return OPEN.has(visit.status);
}

export interface NowNext {
  /** The visit to work on now: the call in progress, or the earliest open visit already due. */
  nowId: string | null;
  /** The open visit after that. */
  nextId: string | null;
}

/** Marks "now" and "next" in a queue sorted by start time. */
export function findNowNext(visits: readonly Visit[], now: Date): NowNext {
  const open = visits.filter(isOpen);
  const inCall = open.find((v) => v.status === 'in_progress');
  const first = open[0];
  let current: Visit | undefined = inCall;
  if (!current && first && Date.parse(first.start) <= now.getTime()) current = first;
  const next = open.find((v) => v !== current);
  return { nowId: current?.id ?? null, nextId: next?.id ?? null };
}
