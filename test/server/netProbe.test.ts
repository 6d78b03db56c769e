import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createNetProbe } from '../../src-shared/call/netProbe';
import { createSignalConnection } from '../../src-shared/call/signalConnection';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';

const nodeTimers = { set: (fn: () => void, ms: number) => setTimeout(fn, ms), clear: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };

/** The device check's network probe over a real signalling connection on loopback. */
describe('network probe over signalling', () => {
  let eoj: TestSandbox;
  beforeAll(async () => {
    eoj = await startTestSandbox();
  });
  afterAll(() => eoj.cleanup());

  async function connect(role: 'staff' | 'device') {
    const token = eoj.token;
    let ready!: () => void;
    let opened!: () => void;
    const authed = new Promise<void>((r) => (ready = r));
    const open = new Promise<void>((r) => (opened = r));
    const probe = createNetProbe({ send: (m) => connection.send(m), timers: nodeTimers, now: () => performance.now(), timeoutMs: 1_000 });
    const connection = createSignalConnection({
      url: eoj.signallingUrl,
      token: () => (role === 'staff' ? token : 'not-a-valid-token-at-all'),
      openSocket: (url) => {
        const socket = new WebSocket(url);
        socket.on('error', () => undefined);
        return socket as never;
      },
      onState: (state) => state === 'open' && opened(),
      timers: nodeTimers,
      onMessage: (m) => {
        if (m.type === 'auth.ok') ready();
        probe.handle(m);
      },
    });
    connection.start();
    return { probe, connection, authed, open };
  }

  it('measures round trip and throughput, and hands out fresh TURN credentials to staff', async () => {
    const { probe, connection, authed } = await connect('staff');
    await authed;
    const rtt = await probe.roundTrip();
    expect(rtt).not.toBeNull();
    expect(rtt!).toBeGreaterThanOrEqual(0);
    const kbps = await probe.throughput();
    // Loopback: far above what a video call needs.
    expect(kbps!).toBeGreaterThan(1_500);
    const turn = await probe.turnCredentials();
    expect(turn?.username).toMatch(/^\d+:netcheck-/);
    expect(Date.parse(turn!.expiresAt)).toBeGreaterThan(eoj.clock.nowMs());
    connection.stop();
  });

  it('says unreachable (null) when the server does not answer', async () => {
    const { probe, connection, open } = await connect('device');
    await open;
    // Not authenticated: the server refuses probes, so no echo comes back.
    expect(await probe.roundTrip()).toBeNull();
    expect(await probe.turnCredentials()).toBeNull();
    connection.stop();
  });
});
