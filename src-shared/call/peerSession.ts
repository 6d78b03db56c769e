/**
 * One side of a call's media connection, independent of the platform: the app supplies a peer
 * factory (simple-peer over RTCPeerConnection in a browser) and the signalling sender.
 * simple-peer has no ICE restart (feross/simple-peer#579), so recovery re-creates the peer under
 * the same call id when ICE stays `disconnected` for a moment or goes `failed`, and tells the
 * other side to do the same. The staff side is always the initiator.
 */
export type SignalData = Record<string, unknown>;

export interface PeerLike<S> {
  signal(data: SignalData): void;
  destroy(): void;
  on(event: 'signal', listener: (data: SignalData) => void): unknown;
  on(event: 'stream', listener: (stream: S) => void): unknown;
  on(event: 'connect' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'iceStateChange', listener: (iceConnectionState: string, iceGatheringState: string) => void): unknown;
  /** The TURN server refused our credentials (e.g. expired): media cannot be relayed. */
  on(event: 'turnRefused', listener: () => void): unknown;
}

export type PeerState = 'connecting' | 'connected' | 'recovering' | 'failed' | 'closed';

export interface PeerSessionOptions<S> {
  initiator: boolean;
  createPeer(initiator: boolean): PeerLike<S>;
  sendSignal(data: SignalData): void;
  sendRestart(): void;
  onRemoteStream(stream: S): void;
  onState(state: PeerState): void;
  /** How long ICE may stay `disconnected` before the peer is re-created. */
  disconnectedGraceMs?: number;
  /** Media not flowing this long after the start means it cannot be carried (e.g. TURN refused). */
  connectTimeoutMs?: number;
  /** While recovering: how long one attempt may take before the next one starts. */
  recoveryRetryMs?: number;
  /** The host's timers (src-shared knows no platform). */
  timers: Timers;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export function createPeerSession<S>(options: PeerSessionOptions<S>) {
  const grace = options.disconnectedGraceMs ?? 2_000;
  let peer: PeerLike<S> | null = null;
  let generation = 0;
  let closed = false;
  let graceTimer: unknown;
  let state: PeerState = 'connecting';
  let turnRefused = false;
  let connectTimer: unknown;
  const connectTimeout = options.connectTimeoutMs ?? 20_000;
  // While recovering, a fresh attempt every couple of seconds: media is back soon after the network.
  const recoveryRetryMs = Math.min(connectTimeout, options.recoveryRetryMs ?? 2_500);
  const armConnectTimer = () => {
    options.timers.clear(connectTimer);
    connectTimer = options.timers.set(
      () => {
        // Still not through after a long while: say so, and start over (a relay that was down may
        // be back); this repeats until media flows or the call ends.
        if (closed || state === 'connected') return;
        setState('failed');
        replacePeer();
        options.sendRestart();
      },
      state === 'connecting' ? connectTimeout : recoveryRetryMs,
    );
  };

  const setState = (next: PeerState) => {
    if (state === next || closed) return;
    state = next;
    options.onState(next);
  };

  /** Until `start`, a prepared peer runs no timeout (ringing may last long). */
  let started = false;
  function open() {
    const mine = ++generation;
    if (started) armConnectTimer();
    const current = options.createPeer(options.initiator);
    peer = current;
    // Events of a replaced peer are ignored: only the newest generation speaks.
    const live = () => mine === generation && !closed;
    current.on('signal', (data) => live() && options.sendSignal(data));
    current.on('stream', (stream) => live() && options.onRemoteStream(stream));
    current.on('connect', () => {
      if (!live()) return;
      options.timers.clear(connectTimer);
      setState('connected');
    });
    current.on('error', () => live() && recover(true));
    current.on('turnRefused', () => {
      if (!live()) return;
      turnRefused = true;
      setState('failed');
    });
    current.on('close', () => live() && recover(true));
    current.on('iceStateChange', (ice) => {
      if (!live()) return;
      if (ice === 'connected' || ice === 'completed') {
        options.timers.clear(connectTimer);
        options.timers.clear(graceTimer);
        graceTimer = undefined;
        setState('connected');
      } else if (ice === 'failed') recover(true);
      else if (ice === 'disconnected' && graceTimer === undefined) {
        setState('recovering');
        graceTimer = options.timers.set(() => {
          graceTimer = undefined;
          if (live()) recover(true);
        }, grace);
      }
    });
  }

  function replacePeer() {
    options.timers.clear(graceTimer);
    graceTimer = undefined;
    const old = peer;
    peer = null;
    generation++;
    old?.destroy();
    open();
  }

  /** Local decision to re-establish: re-create our peer and ask the other side to do the same. */
  function recover(tellOther: boolean) {
    if (closed) return;
    setState('recovering');
    replacePeer();
    if (tellOther) options.sendRestart();
  }

  return {
    /** Starts the media connection; a prepared peer just starts counting towards its timeout. */
    start() {
      started = true;
      if (peer && !closed) armConnectTimer();
      else open();
    },
    /**
     * The peer made ahead (while the call rings): it gathers ICE and makes its offer, and no timeout
     * runs until `start`, however long the ringing lasts.
     */
    prepare() {
      if (!peer && !closed) open();
    },
    /** A WebRTC payload from the other side (queued by the app until the session exists). */
    signal(data: SignalData) {
      if (!closed) peer?.signal(data);
    },
    /** The other side re-created its peer: follow, without echoing the restart back. */
    remoteRestart() {
      recover(false);
    },
    /** Our signalling connection came back: re-establish media under the same call. */
    reconnect() {
      recover(true);
    },
    state: () => state,
    /** The current peer (it changes on recovery). */
    current: () => peer,
    /** Why media failed, when it did because the TURN server refused us. */
    turnRefused: () => turnRefused,
    close() {
      closed = true;
      options.timers.clear(graceTimer);
      generation++;
      peer?.destroy();
      peer = null;
      state = 'closed';
      options.onState('closed');
    },
  };
}
export type PeerSession = ReturnType<typeof createPeerSession>;
