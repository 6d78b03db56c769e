import type { QueueVisit } from '../../src-shared/domain/visit';
import { isOpen } from '../../src-shared/queue/nowNext';

/** Status filter chips above the queue. */
export const STATUS_FILTERS = ['all', 'open', 'done', 'missed', 'escalated'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

const MATCHES: Record<StatusFilter, (v: QueueVisit) => boolean> = {
  all: () => true,
  open: (v) => isOpen(v),
  done: (v) => v.status === 'completed',
  missed: (v) => v.status === 'not_answered',
  escalated: (v) => v.workflow.escalatedAt !== null,
};

/** Search by citizen, task, room or address; case- and accent-insensitive enough for Danish names. */
export function filterQueue(visits: readonly QueueVisit[], status: StatusFilter, search: string): QueueVisit[] {
  const needle = search.trim().toLocaleLowerCase('da');
  return visits.filter(
    (v) =>
      MATCHES[status](v) &&
      (!needle ||
        [v.citizen.name, v.task.type, v.task.description, v.room?.name ?? '', v.citizen.address].some((f) => f.toLocaleLowerCase('da').includes(needle))),
  );
}
