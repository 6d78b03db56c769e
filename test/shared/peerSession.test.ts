import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPeerSession, type PeerLike, type PeerState, type SignalData } from '../../src-shared/call/peerSession';

/** A scripted stand-in for simple-peer: the test drives its events. */
class ScriptedPeer extends EventEmitter {
  signals: SignalData[] = [];
  destroyed = false;
  constructor(readonly initiator: boolean) {
    super();
  }
  signal(data: SignalData) {
    this.signals.push(data);
  }
  destroy() {
    this.destroyed = true;
  }
}

describe('peer session recovery', () => {
  let peers: ScriptedPeer[];
  let states: PeerState[];
  let sent: SignalData[];
  let restarts: number;
  const make = (connectTimeoutMs = 20_000) =>
    createPeerSession<string>({
      initiator: true,
      createPeer: (initiator) => {
        const p = new ScriptedPeer(initiator);
        peers.push(p);
        return p as unknown as PeerLike<string>;
      },
      sendSignal: (d) => sent.push(d),
      sendRestart: () => restarts++,
      onRemoteStream: () => undefined,
      onState: (s) => states.push(s),
      connectTimeoutMs,
      timers: { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) },
    });

  beforeEach(() => {
    vi.useFakeTimers();
    peers = [];
    states = [];
    sent = [];
    restarts = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('relays its signals and reports connected', () => {
    const s = make();
    s.start();
    peers[0]?.emit('signal', { type: 'offer' });
    s.signal({ type: 'answer' });
    peers[0]?.emit('connect');
    expect(sent).toEqual([{ type: 'offer' }]);
    expect(peers[0]?.signals).toEqual([{ type: 'answer' }]);
    expect(states).toEqual(['connected']);
  });

  it('a peer prepared while the call rings waits without a timeout, and start keeps that peer', () => {
    const s = make(1_000);
    s.prepare();
    peers[0]?.emit('signal', { type: 'offer' });
    // Ringing far longer than the connect timeout: nothing is torn down or restarted.
    vi.advanceTimersByTime(30_000);
    expect(peers).toHaveLength(1);
    expect(restarts).toBe(0);
    expect(states).toEqual([]);
    // Answered: the same peer goes on (its offer already made), and now the timeout counts.
    s.start();
    expect(peers).toHaveLength(1);
    expect(sent).toEqual([{ type: 'offer' }]);
    vi.advanceTimersByTime(1_100);
    expect(states).toEqual(['failed']);
    expect(peers).toHaveLength(2);
    expect(restarts).toBe(1);
  });

  it('ICE disconnected for 2 s: re-creates the peer and asks the other side to do the same', () => {
    const s = make();
    s.start();
    peers[0]?.emit('connect');
    peers[0]?.emit('iceStateChange', 'disconnected', 'complete');
    vi.advanceTimersByTime(1_900);
    expect(peers).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(peers).toHaveLength(2);
    expect(peers[0]?.destroyed).toBe(true);
    expect(restarts).toBe(1);
    expect(states).toEqual(['connected', 'recovering']);
  });

  it('a short blip that recovers by itself changes nothing', () => {
    const s = make();
    s.start();
    peers[0]?.emit('connect');
    peers[0]?.emit('iceStateChange', 'disconnected', 'complete');
    vi.advanceTimersByTime(1_000);
    peers[0]?.emit('iceStateChange', 'connected', 'complete');
    vi.advanceTimersByTime(5_000);
    expect(peers).toHaveLength(1);
    expect(restarts).toBe(0);
  });

  it('ICE failed re-creates at once; events of the replaced peer are ignored', () => {
    const s = make();
    s.start();
    peers[0]?.emit('iceStateChange', 'failed', 'complete');
    expect(peers).toHaveLength(2);
    peers[0]?.emit('signal', { stale: true });
    peers[0]?.emit('error', new Error('late'));
    expect(sent).toEqual([]);
    expect(peers).toHaveLength(2);
  });

  it('follows a remote restart without echoing it back', () => {
    const s = make();
    s.start();
    s.remoteRestart();
    expect(peers).toHaveLength(2);
    expect(restarts).toBe(0);
  });

  it('keeps trying when media never comes through, says so, and retries often while recovering', () => {
    const s = make(10_000);
    s.start();
    vi.advanceTimersByTime(10_001);
    expect(states).toContain('failed');
    expect(peers).toHaveLength(2);
    vi.advanceTimersByTime(2_501);
    expect(peers).toHaveLength(3);
    peers[2]?.emit('connect');
    expect(states.at(-1)).toBe('connected');
  });

  it('TURN refusing our credentials fails at once', () => {
    const s = make();
    s.start();
    peers[0]?.emit('turnRefused');
    expect(s.state()).toBe('failed');
    expect(s.turnRefused()).toBe(true);
  });

  it('after close, nothing restarts (reconnect racing with hang-up)', () => {
    const s = make();
    s.start();
    s.close();
    s.remoteRestart();
    s.reconnect();
    peers[0]?.emit('iceStateChange', 'failed', 'complete');
    vi.advanceTimersByTime(60_000);
    expect(peers).toHaveLength(1);
    expect(restarts).toBe(0);
    expect(states.at(-1)).toBe('closed');
  });
});
