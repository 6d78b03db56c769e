import type { AnyTRPCRouter } from '@trpc/server';
import { createWSClient, wsLink } from '@trpc/client';
import WebSocket from 'ws';
import type { ApiClient } from '../../src-shared/api/contract';
import { createApiClient } from '../../src-renderer/api/client';

/** The renderer's own API client, over a real WebSocket from Node (with the Origin a browser sends). */
export function connectApi(url: string, origin: string): { api: ApiClient; close: () => Promise<void> } {
  class BrowserLikeWebSocket extends WebSocket {
    constructor(address: string | URL) {
      super(address, { origin });
    }
  }
  const client = createWSClient({ url, WebSocket: BrowserLikeWebSocket as unknown as typeof globalThis.WebSocket });
  return { api: createApiClient(wsLink<AnyTRPCRouter>({ client })), close: () => client.close() };
}

/** The HTTP status a raw upgrade attempt gets (101 when accepted). */
export function upgradeStatus(url: string, headers: { origin?: string; host?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...(headers.origin ? { origin: headers.origin } : {}), headers: headers.host ? { host: headers.host } : {} });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
  });
}
