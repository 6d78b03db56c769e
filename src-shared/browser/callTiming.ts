// Where a call's setup time goes: one performance mark per step, on both sides, read by the calls
// benchmark (test/bench/calls.ts). Marks cost next to nothing and carry no personal data.
export type CallStep =
  | 'check.start'
  | 'check.done'
  | 'ring.sent'
  | 'ringing'
  | 'incoming'
  | 'answer.sent'
  | 'connected'
  | 'media.ready'
  | 'check.ready'
  | 'peer.prepared'
  | 'peer.start'
  | 'signal.sent'
  | 'signal.received'
  | 'remote.stream'
  | 'media.connected';

export const CALL_MARK_PREFIX = 'skaermrum.call:';

export function markCallStep(step: CallStep): void {
  performance.mark(`${CALL_MARK_PREFIX}${step}`);
}
