/**
 * When to renew an access token: at 80 % of its life (a long-lived one at least a minute before
 * it expires), never sooner than five seconds from now; a token that is nearly spent at once.
 */
export function refreshDelayMs(nowMs: number, expiresAtMs: number): number {
  const left = expiresAtMs - nowMs;
  if (left <= 5_000) return 0;
  return Math.max(5_000, left > 120_000 ? Math.min(left * 0.8, left - 60_000) : left * 0.8);
}

/** After a failed renewal that may be temporary (IdP unreachable): try again sooner, until expiry. */
export function retryDelayMs(nowMs: number, expiresAtMs: number, attempt: number): number | null {
  const left = expiresAtMs - nowMs;
  if (left <= 0) return null;
  return Math.min(left, 2_000 * 2 ** Math.min(attempt, 5));
}
