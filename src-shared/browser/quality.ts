// Call quality from getStats(), and the audio-only fallback rule.

export interface CallQuality {
  rttMs: number | null;
  /** Packet loss in percent over the last interval. */
  lossPct: number | null;
  jitterMs: number | null;
  /** The congestion controller's estimate of what we can send. */
  availableKbps: number | null;
  candidateType: string | null;
  rating: 'good' | 'usable' | 'poor';
  /** Can video be carried? Rule of thumb: > 250 kbps and < 3 % loss (audio: > 25 kbps, < 5 %). */
  videoFits: boolean;
}

interface Counters {
  received: number;
  lost: number;
  bytes: number;
}

/** Reads one getStats() report; `previous` turns cumulative packet counters into a rate. */
export function readQuality(report: RTCStatsReport, previous: Counters | null): { quality: CallQuality; counters: Counters } {
  let pair: Record<string, unknown> | undefined;
  const byId = new Map<string, Record<string, unknown>>();
  let received = 0;
  let lost = 0;
  let bytes = 0;
  let jitter: number | null = null;
  report.forEach((raw) => {
    const s = raw as Record<string, unknown>;
    byId.set(String(s.id), s);
    if (s.type === 'candidate-pair' && s.state === 'succeeded' && (s.nominated === true || pair === undefined)) pair = s;
    if (s.type === 'inbound-rtp') {
      received += Number(s.packetsReceived ?? 0);
      lost += Math.max(0, Number(s.packetsLost ?? 0));
      bytes += Number(s.bytesReceived ?? 0);
      if (s.kind === 'audio' && typeof s.jitter === 'number') jitter = s.jitter * 1000;
    }
  });
  const rtt = typeof pair?.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null;
  const available = typeof pair?.availableOutgoingBitrate === 'number' ? pair.availableOutgoingBitrate / 1000 : null;
  const local = pair ? byId.get(String(pair.localCandidateId)) : undefined;
  let lossPct: number | null = null;
  if (previous) {
    const dr = received - previous.received;
    const dl = lost - previous.lost;
    lossPct = dr + dl > 0 ? (100 * dl) / (dr + dl) : null;
  }
  const videoFits = (available === null || available > 250) && (lossPct === null || lossPct < 3);
  const poor = (lossPct !== null && lossPct > 5) || (available !== null && available < 100) || (rtt !== null && rtt > 400);
  const usable = (lossPct !== null && lossPct > 2) || (available !== null && available < 500) || (rtt !== null && rtt > 250);
  return {
    quality: {
      rttMs: rtt,
      lossPct,
      jitterMs: jitter,
      availableKbps: available,
      candidateType: typeof local?.candidateType === 'string' ? local.candidateType : null,
      rating: poor ? 'poor' : usable ? 'usable' : 'good',
      videoFits,
    },
    counters: { received, lost, bytes },
  };
}

/**
 * Samples quality every second and decides audio-only: after 3 seconds in a row where video does
 * not fit, audio only (the caller pauses its video track). A paused track sends almost nothing, so
 * the bandwidth estimate cannot show that video would fit again: video is retried after a while
 * (15 s, doubling to 2 minutes after each failed try) and kept when 5 good seconds follow.
 */
export function startQualityMonitor(options: {
  pc: () => RTCPeerConnection | null;
  onQuality: (quality: CallQuality, audioOnly: boolean) => void;
  /** Nothing at all has arrived for `stallSamples` samples in a row: the media path is gone. */
  onStall?: () => void;
  stallSamples?: number;
  intervalMs?: number;
  now?: () => number;
}): () => void {
  // Only elapsed time matters here (when to try video again), so the monotonic clock.
  const now = options.now ?? (() => performance.now());
  let previous: Counters | null = null;
  let bad = 0;
  let good = 0;
  let audioOnly = false;
  let trial = false;
  let retryMs = 15_000;
  let stalled = 0;
  let nextTrialAt = 0;
  const timer = window.setInterval(async () => {
    const pc = options.pc();
    if (!pc) return;
    const { quality, counters } = readQuality(await pc.getStats(), previous);
    // Faster than waiting for ICE consent to time out: no bytes in means no media path.
    if (previous && counters.bytes > 0 && counters.bytes === previous.bytes) {
      if (++stalled >= (options.stallSamples ?? 2)) {
        stalled = 0;
        options.onStall?.();
      }
    } else stalled = 0;
    previous = counters;
    if (quality.videoFits) {
      bad = 0;
      good++;
    } else {
      good = 0;
      bad++;
    }
    if (!audioOnly) {
      if (bad >= 3) {
        audioOnly = true;
        if (trial) retryMs = Math.min(120_000, retryMs * 2);
        trial = false;
        nextTrialAt = now() + retryMs;
      } else if (trial && good >= 5) {
        trial = false;
        retryMs = 15_000;
      }
    } else if (now() >= nextTrialAt && (quality.lossPct === null || quality.lossPct < 3)) {
      audioOnly = false;
      trial = true;
      bad = 0;
      good = 0;
    }
    options.onQuality(quality, audioOnly);
  }, options.intervalMs ?? 1_000);
  return () => window.clearInterval(timer);
}
