import { ServerMessage, type ClientMessage } from '../signalling/protocol.js';
import type { Timers } from './peerSession.js';

/**
 * A signalling connection that keeps itself up: it authenticates on every (re)connect, reconnects
 * with backoff after a drop, and hands validated server messages to the app. The platform's
 * WebSocket is injected (src-shared knows no platform).
 */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  // Assigned, never called by us: `never` lets the platform's richer event types fit.
  onopen: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface SignalConnectionOptions {
  url: string;
  /** The token to authenticate with, read at each connect (it may have been replaced). */
  token: () => string | null;
  openSocket(url: string): SocketLike;
  timers: Timers;
  onMessage(message: ServerMessage): void;
  onState?(state: ConnectionState, reconnected: boolean): void;
  /** Messages sent before authenticating (pairing a new device). */
  beforeAuth?: () => ClientMessage | null;
}

export function createSignalConnection(options: SignalConnectionOptions) {
  let socket: SocketLike | null = null;
  let attempts = 0;
  let stopped = false;
  let everOpened = false;
  let retry: unknown;
  // Sending on a socket that is still connecting throws; such a message is refused instead.
  let open = false;

  function connect() {
    if (stopped) return;
    options.onState?.('connecting', false);
    const s = options.openSocket(options.url);
    socket = s;
    s.onopen = () => {
      attempts = 0;
      open = true;
      const first = options.beforeAuth?.();
      const token = options.token();
      if (first) s.send(JSON.stringify(first));
      else if (token) s.send(JSON.stringify({ type: 'auth', token } satisfies ClientMessage));
      options.onState?.('open', everOpened);
      everOpened = true;
    };
    s.onmessage = (event: { data: unknown }) => {
      if (typeof event.data !== 'string') return;
      try {
        const parsed = ServerMessage.safeParse(JSON.parse(event.data));
        if (parsed.success) options.onMessage(parsed.data);
      } catch {
        // Not JSON: ignored.
      }
    };
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      open = false;
      options.onState?.('closed', false);
      if (stopped) return;
      // 0.5 s, 1 s, 2 s … up to 10 s: a tablet on a flaky network comes back on its own.
      retry = options.timers.set(connect, Math.min(10_000, 500 * 2 ** attempts++));
    };
  }

  return {
    start: connect,
    /** Back from sleep or the network is back: try at once instead of waiting out the backoff. */
    reconnectNow() {
      if (stopped || socket) return;
      options.timers.clear(retry);
      attempts = 0;
      connect();
    },
    send(message: ClientMessage): boolean {
      if (!socket || !open) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    stop() {
      stopped = true;
      options.timers.clear(retry);
      socket?.close();
      socket = null;
      open = false;
    },
  };
}
export type SignalConnection = ReturnType<typeof createSignalConnection>;
