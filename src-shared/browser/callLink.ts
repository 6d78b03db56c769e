// The media side of one call, shared by the staff client and the citizen app: it buffers the other
// side's signals until local media is ready, runs the peer session, and watches quality.
import { createPeerSession, type PeerSession, type PeerState, type SignalData } from '../call/peerSession';
import type { ClientMessage, ServerMessage, TurnCredentials } from '../signalling/protocol';
import { browserTimers, peerConnectionOf, peerFactory } from './media';
import { startQualityMonitor, type CallQuality } from './quality';
import { markCallStep } from './callTiming';

export interface CallLinkOptions {
  callId: string;
  send(message: ClientMessage): void;
  relayOnly: boolean;
  onRemoteStream(stream: MediaStream): void;
  onState(state: PeerState, turnRefused: boolean): void;
  onQuality(quality: CallQuality, audioOnly: boolean): void;
  /** The initiator (staff) re-establishes on a stall; the other side follows its restart. */
  restartOnStall: boolean;
  /** In a call with guests: the participant this link's pair is with (absent: the staff–citizen pair). */
  peer?: string;
}

/**
 * Audio only on this pair alone: its video sender sends nothing (replaceTrack(null)) while the
 * line cannot carry video, and the camera's current track again when it can. The camera itself
 * stays on, so the other pairs of a call with guests keep their picture. Checked at every quality
 * sample, so a pair re-established meanwhile is paused too.
 */
function pairVideo(pc: RTCPeerConnection | null, local: MediaStream, paused: boolean) {
  const sender = pc?.getTransceivers().find((t) => t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped')?.sender;
  if (!sender) return;
  const want = paused ? null : (local.getVideoTracks()[0] ?? null);
  if (sender.track !== want && (paused || want)) void sender.replaceTrack(want).catch(() => undefined);
}

export function createCallLink(options: CallLinkOptions) {
  let session: PeerSession | null = null;
  let stopMonitor: () => void = () => undefined;
  const early: SignalData[] = [];
  /** A prepared peer's outgoing messages, until the call is connected (null: sent at once). */
  let held: ClientMessage[] | null = null;
  const send = (message: ClientMessage) => (held ? held.push(message) : options.send(message));
  let firstSignal = true;
  let firstReceived = true;
  function open(local: MediaStream, media: { initiator: boolean; turn: TurnCredentials }) {
    return createPeerSession<MediaStream>({
      initiator: media.initiator,
      createPeer: peerFactory(local, media.turn, options.relayOnly),
      sendSignal: (data) => {
        if (firstSignal) markCallStep('signal.sent');
        firstSignal = false;
        send({ type: 'call.signal', callId: options.callId, ...(options.peer ? { peer: options.peer } : {}), data });
      },
      sendRestart: () => {
        // Before the call is connected the other side has no peer to restart: the new peer's own offer replaces the old one's.
        if (held) held = [];
        else options.send({ type: 'call.restart', callId: options.callId, ...(options.peer ? { peer: options.peer } : {}) });
      },
      onRemoteStream: (stream) => {
        markCallStep('remote.stream');
        options.onRemoteStream(stream);
      },
      onState: (state) => {
        if (state === 'connected' && !options.peer) markCallStep('media.connected');
        options.onState(state, session?.turnRefused() ?? false);
      },
      timers: browserTimers,
    });
  }
  return {
    /**
     * The peer made while the call rings (staff, the offering side): ICE gathering and the offer
     * happen before the answer; its signals wait here until the call is connected, since the
     * server relays only within a connected call.
     */
    prepare(local: MediaStream, ringing: { initiator: boolean; turn: TurnCredentials }) {
      if (session) return;
      held = [];
      session = open(local, ringing);
      if (!options.peer) markCallStep('peer.prepared');
      session.prepare();
    },
    /** The call is connected: the prepared peer's offer leaves at once (or a peer starts now). */
    start(local: MediaStream, connected: { initiator: boolean; turn: TurnCredentials }) {
      if (!options.peer) markCallStep('peer.start');
      const s = session ?? open(local, connected);
      session = s;
      const waiting = held ?? [];
      held = null;
      for (const message of waiting) options.send(message);
      s.start();
      for (const data of early.splice(0)) s.signal(data);
      stopMonitor = startQualityMonitor({
        pc: () => peerConnectionOf(s.current()),
        onQuality: (quality, audioOnly) => {
          pairVideo(peerConnectionOf(s.current()), local, audioOnly);
          options.onQuality(quality, audioOnly);
        },
        ...(options.restartOnStall ? { onStall: () => s.state() === 'connected' && s.reconnect() } : {}),
      });
    },
    /** Signals that arrive while local media is still starting are kept, not dropped. */
    signal(data: SignalData) {
      // The other side's first signal (the offer, or the answer to ours): when it reached this page.
      if (firstReceived && !options.peer) markCallStep('signal.received');
      firstReceived = false;
      if (session) session.signal(data);
      else early.push(data);
    },
    remoteRestart: () => session?.remoteRestart(),
    /**
     * This call's share of the server's messages: signals and restarts are handled here; "ended"
     * is reported for the app to close the call; anything else (or another call's) is "other".
     */
    route(m: ServerMessage): 'handled' | 'ended' | 'other' {
      if (!('callId' in m) || m.callId !== options.callId) return 'other';
      // Another pair's signals (a guest's) are the mesh's, not this link's.
      if ((m.type === 'call.signal' || m.type === 'call.restart') && m.peer !== options.peer) return 'other';
      if (m.type === 'call.signal') this.signal(m.data);
      else if (m.type === 'call.restart') session?.remoteRestart();
      else return m.type === 'call.ended' ? 'ended' : 'other';
      return 'handled';
    },
    /** Media is under way in a connected call (a peer only prepared while ringing does not count). */
    started: () => session !== null && held === null,
    /** The current simple-peer, for replaceTrack. */
    peer: () => session?.current() ?? null,
    stop() {
      stopMonitor();
      session?.close();
      session = null;
    },
  };
}
export type CallLink = ReturnType<typeof createCallLink>;
