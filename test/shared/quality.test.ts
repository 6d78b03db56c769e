import { describe, expect, it } from 'vitest';
import { readQuality } from '../../src-shared/browser/quality';

/** getStats() reports are maplike: a Map of stats objects stands in for one. */
function report(o: { rtt?: number; kbps?: number; received: number; lost: number; jitter?: number; candidateType?: string }): RTCStatsReport {
  const entries: Record<string, unknown>[] = [
    {
      id: 'pair',
      type: 'candidate-pair',
      state: 'succeeded',
      nominated: true,
      currentRoundTripTime: (o.rtt ?? 20) / 1000,
      availableOutgoingBitrate: (o.kbps ?? 2000) * 1000,
      localCandidateId: 'local',
    },
    { id: 'local', type: 'local-candidate', candidateType: o.candidateType ?? 'host' },
    { id: 'in-audio', type: 'inbound-rtp', kind: 'audio', packetsReceived: o.received, packetsLost: o.lost, jitter: (o.jitter ?? 5) / 1000 },
  ];
  return new Map(entries.map((e) => [e.id as string, e])) as unknown as RTCStatsReport;
}

describe('call quality from getStats', () => {
  it('reads RTT, jitter, available bitrate and candidate type; a good line carries video', () => {
    const first = readQuality(report({ received: 1000, lost: 0 }), null);
    const { quality } = readQuality(report({ received: 1100, lost: 0, candidateType: 'relay' }), first.counters);
    expect(quality).toMatchObject({ rttMs: 20, jitterMs: 5, availableKbps: 2000, lossPct: 0, candidateType: 'relay', rating: 'good', videoFits: true });
  });
  it('loss over 3 % or under 250 kbps means video does not fit; over 5 % loss is poor', () => {
    const base = readQuality(report({ received: 1000, lost: 0 }), null).counters;
    expect(readQuality(report({ received: 1096, lost: 4 }), base).quality).toMatchObject({ videoFits: false, rating: 'usable' });
    expect(readQuality(report({ received: 1090, lost: 10 }), base).quality).toMatchObject({ videoFits: false, rating: 'poor' });
    expect(readQuality(report({ received: 1100, lost: 0, kbps: 90 }), base).quality).toMatchObject({ videoFits: false, rating: 'poor' });
    expect(readQuality(report({ received: 1100, lost: 0, kbps: 400, rtt: 300 }), base).quality).toMatchObject({ videoFits: true, rating: 'usable' });
  });
});
