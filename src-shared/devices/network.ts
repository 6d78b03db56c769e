/** The device check's network rating from round trip, throughput and whether TURN gave a relay. */
export type RelayResult = 'ok' | 'failed' | 'refused';
export type NetworkRating = 'good' | 'usable' | 'poor';

export interface NetworkMeasurement {
  /** Round trip to the signalling server; null when it could not be reached. */
  rttMs: number | null;
  /** Estimated throughput in kbit/s; null when not measured. */
  throughputKbps: number | null;
  relay: RelayResult;
}

export const NETWORK_LIMITS = {
  good: { rttMs: 150, kbps: 1500 },
  usable: { rttMs: 400, kbps: 500 },
} as const;

/**
 * Good: video will flow and a relay is there if the direct path fails. Usable: audio and some video,
 * or no relay. Poor: the call is likely to break up; unreachable signalling is poor.
 */
export function rateNetwork(m: NetworkMeasurement): NetworkRating {
  if (m.rttMs === null) return 'poor';
  const kbps = m.throughputKbps ?? 0;
  if (m.rttMs > NETWORK_LIMITS.usable.rttMs || kbps < NETWORK_LIMITS.usable.kbps) return 'poor';
  if (m.rttMs > NETWORK_LIMITS.good.rttMs || kbps < NETWORK_LIMITS.good.kbps || m.relay !== 'ok') return 'usable';
  return 'good';
}
