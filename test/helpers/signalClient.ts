import WebSocket from 'ws';
import { ServerMessage, type ClientMessage } from '../../src-shared/signalling/protocol';

/** A signalling client over a real WebSocket that queues what the server says. */
export interface SignalClient {
  send(message: ClientMessage | Record<string, unknown> | string): void;
  next<T extends ServerMessage['type']>(type?: T, timeoutMs?: number): Promise<Extract<ServerMessage, { type: T }>>;
  received: ServerMessage[];
  closed: Promise<number>;
  close(): void;
  socket: WebSocket;
}

export async function connectSignal(url: string): Promise<SignalClient> {
  const socket = new WebSocket(url);
  const received: ServerMessage[] = [];
  const waiters: { type: string | undefined; resolve: (m: ServerMessage) => void }[] = [];
  let cursor = 0;
  socket.on('message', (raw) => {
    const message = ServerMessage.parse(JSON.parse(raw.toString()));
    received.push(message);
    const i = waiters.findIndex((w) => !w.type || w.type === message.type);
    if (i >= 0) {
      const [w] = waiters.splice(i, 1);
      cursor = received.length;
      w?.resolve(message);
    }
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received,
    closed,
    send: (m) => socket.send(typeof m === 'string' ? m : JSON.stringify(m)),
    next(type, timeoutMs = 3_000) {
      const already = received.slice(cursor).find((m) => !type || m.type === type);
      if (already) {
        cursor = received.indexOf(already) + 1;
        return Promise.resolve(already as never);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${type ?? 'message'} within ${timeoutMs} ms; got ${JSON.stringify(received.slice(cursor))}`)),
          timeoutMs,
        );
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as never);
          },
        });
      });
    },
    close: () => socket.close(),
  };
}
