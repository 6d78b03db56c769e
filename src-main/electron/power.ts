import type { PowerSaveBlocker } from 'electron';
import type { ScreenAwake } from '../services/screenAwake.js';

/** The display stays on while a call is in progress; one blocker at most. */
export function electronScreenAwake(blocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>): ScreenAwake {
  let id: number | null = null;
  return {
    hold() {
      if (id === null || !blocker.isStarted(id)) id = blocker.start('prevent-display-sleep');
      return blocker.isStarted(id);
    },
    release() {
      if (id !== null && blocker.isStarted(id)) blocker.stop(id);
      id = null;
    },
  };
}
