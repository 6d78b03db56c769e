import type { Locator, Page } from '@playwright/test';
import type { Clock } from '../../src-shared/time/clock';

/** A staff member's row on the team lead's board (or "unassigned"). */
export const boardRow = (page: Page, id: string) => page.locator(`[data-board-row="${id}"]`);

/**
 * Drags a visit's block onto another row with the pointer, and leaves the page's time standing
 * still: dnd-kit swallows every click for 50 ms after a pointer drop (its timer cannot run now), so
 * the next click ("Flyt") is one made at once after the drop, deterministically. The caller
 * resumes the page's clock after it. (Paused a few seconds ahead of the page's time, which runs
 * with the test clock: never in its past.)
 */
export async function dropOnRow(page: Page, block: Locator, targetRow: Locator, clock: Clock): Promise<void> {
  // The board shows a window of the day: bring the visit into it first.
  await block.scrollIntoViewIfNeeded();
  const from = (await block.boundingBox()) as { x: number; y: number; width: number; height: number };
  const target = (await targetRow.locator('.board-track').boundingBox()) as { x: number; y: number; height: number };
  await page.clock.pauseAt(clock.nowMs() + 5_000);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}
