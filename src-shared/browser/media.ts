// Browser code shared by the two browser apps (staff renderer and citizen app): DOM only, no Node.
import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { PeerLike, SignalData, Timers } from '../call/peerSession';
import type { TurnCredentials } from '../signalling/protocol';

export const browserTimers: Timers = {
  set: (fn, ms) => window.setTimeout(fn, ms),
  clear: (handle) => window.clearTimeout(handle as number),
};

/** Camera and microphone; audio only if there is no camera. */
export async function localMedia(): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true }, video: { width: 640, height: 480 } });
  } catch {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  }
}

export function peerFactory(stream: MediaStream, turn: TurnCredentials, relayOnly: boolean) {
  return (initiator: boolean): PeerLike<MediaStream> => {
    const peer = new SimplePeer({
      initiator,
      stream,
      trickle: true,
      config: {
        iceServers: [{ urls: turn.urls, username: turn.username, credential: turn.credential }],
        iceTransportPolicy: relayOnly ? 'relay' : 'all',
      },
    });
    // simple-peer does not surface ICE candidate errors; a 401/403 from TURN means our time-limited
    // credentials were refused, which should be said at once rather than waited out.
    const pc = (peer as unknown as { _pc?: RTCPeerConnection })._pc;
    pc?.addEventListener('icecandidateerror', (event) => {
      const code = (event as RTCPeerConnectionIceErrorEvent).errorCode;
      if (code === 401 || code === 403) peer.emit('turnRefused');
    });
    return peer as unknown as PeerLike<MediaStream>;
  };
}

/** Keeps the screen on during a call where the browser can (Wake Lock API); elsewhere it does nothing. */
export async function keepScreenAwake(): Promise<() => void> {
  const wakeLock = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock;
  if (!wakeLock) return () => undefined;
  try {
    const sentinel = await wakeLock.request('screen');
    return () => void sentinel.release();
  } catch {
    return () => undefined;
  }
}

export type { SignalData };

/** The RTCPeerConnection inside a simple-peer (for getStats). */
export function peerConnectionOf(peer: unknown): RTCPeerConnection | null {
  return (peer as { _pc?: RTCPeerConnection } | null)?._pc ?? null;
}
