import type { ApiClient } from '../../src-shared/api/contract';
import { browserTimers } from '../../src-shared/browser/media';
import { createSignalConnection, type ConnectionState, type SignalConnection } from '../../src-shared/call/signalConnection';
import type { ClientMessage, ServerMessage } from '../../src-shared/signalling/protocol';

/**
 * The staff client's one signalling connection, shared by what needs it: calls and pairing (the
 * call store), the device check's network probe, and the team's presence and change hints (the
 * team store). Each subscribes to the server messages it cares about.
 */
export interface SignallingClient {
  /** Connects once signed in (the ticket names the server and the token). Returns a stop function. */
  start(): Promise<() => void>;
  /** Whether calls are possible at all here (a signalling server is configured). */
  available(): boolean;
  online(): boolean;
  send(message: ClientMessage): boolean;
  onMessage(listener: (message: ServerMessage) => void): () => void;
  onState(listener: (state: ConnectionState, reconnected: boolean) => void): () => void;
}

export function createSignallingClient(api: ApiClient): SignallingClient {
  let connection: SignalConnection | null = null;
  let token: string | null = null;
  let open = false;
  const messageListeners = new Set<(message: ServerMessage) => void>();
  const stateListeners = new Set<(state: ConnectionState, reconnected: boolean) => void>();
  return {
    async start() {
      const ticket = await api.calls.ticket({}).catch(() => null);
      if (!ticket) return () => undefined;
      token = ticket.token;
      connection?.stop();
      connection = createSignalConnection({
        url: ticket.signallingUrl,
        token: () => token,
        openSocket: (url) => new WebSocket(url),
        timers: browserTimers,
        onMessage: (m) => messageListeners.forEach((l) => l(m)),
        onState: (state, reconnected) => {
          open = state === 'open';
          stateListeners.forEach((l) => l(state, reconnected));
        },
      });
      connection.start();
      return () => {
        connection?.stop();
        connection = null;
        open = false;
      };
    },
    available: () => connection !== null,
    online: () => open,
    send: (message) => connection?.send(message) ?? false,
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}
