import { CARE, LEADS, REPORTS, type Access } from '../../src-shared/api/contract';
import type { StaffRole } from '../../src-shared/domain/visit';

export type AppView = 'day' | 'board' | 'reports';

/**
 * The app's views and who sees each: the same access groups the main process enforces on the
 * methods behind them ("Min dag" needs the queue and calls, the board the team lead's methods, the
 * reports the leadership information), so a view never shows for a role that would be refused.
 */
export const VIEWS: readonly { view: AppView; access: Access }[] = [
  { view: 'day', access: CARE },
  { view: 'board', access: LEADS },
  { view: 'reports', access: REPORTS },
];

export function viewsFor(role: StaffRole | undefined): AppView[] {
  if (!role) return ['day'];
  return VIEWS.filter(({ access }) => access !== 'public' && access.includes(role)).map(({ view }) => view);
}
