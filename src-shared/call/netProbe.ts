import type { ClientMessage, ServerMessage, TurnCredentials } from '../signalling/protocol.js';
import type { Timers } from './peerSession.js';

/**
 * The device check's network measurements over the signalling connection: round trip (empty echo),
 * throughput (padded echoes both ways) and fresh TURN credentials. Replies are matched by id; a
 * reply that does not come in time counts as unreachable.
 */
export interface NetProbe {
  /** Median of a few round trips in ms, or null when the server did not answer. */
  roundTrip(samples?: number): Promise<number | null>;
  /** Estimated kbit/s from padded echoes, or null when they did not come back. */
  throughput(): Promise<number | null>;
  turnCredentials(): Promise<TurnCredentials | null>;
  /** Feed every server message here; returns true when it was a probe reply. */
  handle(message: ServerMessage): boolean;
}

const PAD_BYTES = 32 * 1024;
const PARALLEL = 4;

export function createNetProbe(options: { send(message: ClientMessage): boolean | void; timers: Timers; now(): number; timeoutMs?: number }): NetProbe {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const waiting = new Map<string, (ok: boolean) => void>();
  const turnWaiting: ((turn: TurnCredentials | null) => void)[] = [];
  let seq = 0;

  function echo(pad: string): Promise<boolean> {
    const id = `p${++seq}`;
    return new Promise((resolve) => {
      const timer = options.timers.set(() => {
        waiting.delete(id);
        resolve(false);
      }, timeoutMs);
      waiting.set(id, (ok) => {
        options.timers.clear(timer);
        resolve(ok);
      });
      if (options.send({ type: 'net.probe', id, pad }) === false) waiting.get(id)?.(false);
    });
  }

  return {
    async roundTrip(samples = 3) {
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const start = options.now();
        if (!(await echo(''))) return null;
        times.push(options.now() - start);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      return median === undefined ? null : Math.round(median * 10) / 10;
    },
    async throughput() {
      const pad = 'x'.repeat(PAD_BYTES);
      const rtt = await this.roundTrip(1);
      if (rtt === null) return null;
      const start = options.now();
      const results = await Promise.all(Array.from({ length: PARALLEL }, () => echo(pad)));
      if (results.some((ok) => !ok)) return null;
      // Bits up and down, over the time beyond one plain round trip (at least 1 ms on loopback).
      const seconds = Math.max(1, options.now() - start - rtt) / 1000;
      return Math.round((PARALLEL * PAD_BYTES * 2 * 8) / 1000 / seconds);
    },
    turnCredentials() {
      return new Promise((resolve) => {
        const timer = options.timers.set(() => {
          const i = turnWaiting.indexOf(done);
          if (i >= 0) turnWaiting.splice(i, 1);
          resolve(null);
        }, timeoutMs);
        const done = (turn: TurnCredentials | null) => {
          options.timers.clear(timer);
          resolve(turn);
        };
        turnWaiting.push(done);
        if (options.send({ type: 'turn.request' }) === false) done(null);
      });
    },
    handle(message) {
      if (message.type === 'net.probe') {
        waiting.get(message.id)?.(true);
        waiting.delete(message.id);
        return true;
      }
      if (message.type === 'turn.credentials') {
        turnWaiting.shift()?.(message.turn);
        return true;
      }
      return false;
    },
  };
}
