import { z } from 'zod';

/** Fault injection for tests and demos, set through POST /_sandbox/faults. */
export const FaultConfig = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    /** Share of requests answered 503 before anything happens. */
    errorRate: z.number().min(0).max(1).default(0),
    /** Share of requests answered 429 with Retry-After: 1 (a gateway's rate limit). */
    rateLimitRate: z.number().min(0).max(1).default(0),
    /** Share of requests never answered (the client must time out). */
    timeoutRate: z.number().min(0).max(1).default(0),
    /** Share of writes committed and then answered by a dropped connection. */
    dropAfterCommitRate: z.number().min(0).max(1).default(0),
    /** Share of creates refused with 409 (a busy database), and of If-Match updates with 412 (contention). */
    createConflictRate: z.number().min(0).max(1).default(0),
    updateConflictRate: z.number().min(0).max(1).default(0),
    /** Every request is dropped, as if the EOJ were down. */
    down: z.boolean().default(false),
    seed: z.number().int().default(1),
  })
  .strict();
export type FaultConfig = z.infer<typeof FaultConfig>;

export function createFaults() {
  let config: FaultConfig = FaultConfig.parse({});
  let state = config.seed >>> 0;
  // mulberry32: reproducible fault sequences for a given seed.
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    set(next: FaultConfig) {
      config = next;
      state = next.seed >>> 0;
    },
    get: () => config,
    roll: (rate: number) => rate > 0 && random() < rate,
  };
}
export type Faults = ReturnType<typeof createFaults>;
