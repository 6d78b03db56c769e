import type { ApiClient } from '../../src-shared/api/contract';
import { systemClock, type Clock } from '../../src-shared/time/clock';

/**
 * The renderer's clock: the browser's, set once to agree with the main process's clock (which
 * runs at SKAERMRUM_NOW in tests and demos). On a normal day the two are the same machine's clock
 * and the offset stays 0.
 */
let offsetMs = 0;
export const rendererClock: Clock = {
  nowMs: () => systemClock.nowMs() + offsetMs,
  now: () => new Date(systemClock.nowMs() + offsetMs),
};

/** Differences under this are the round trip's noise, not another clock. */
const NOISE_MS = 1_000;

export async function alignWithMain(api: ApiClient): Promise<void> {
  const sent = systemClock.nowMs();
  const { now } = await api.clock.now({});
  const received = systemClock.nowMs();
  const offset = Date.parse(now) - (sent + received) / 2;
  offsetMs = Math.abs(offset) < NOISE_MS ? 0 : Math.round(offset);
}
