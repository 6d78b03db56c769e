import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AnyTRPCRouter } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import { BROWSER_RPC_PATH, BROWSER_SESSION_CHECK_PATH, BROWSER_TOKEN_PARAM } from '../../src-shared/api/contract.js';
import type { Logger } from '../log.js';
import { securityHeaders } from '../../src-shared/security/csp.js';
import { readStaticFile } from '../security/staticFiles.js';

export interface BrowserServerOptions {
  router: AnyTRPCRouter;
  staticDir: string;
  port: number;
  logger: Logger;
  /** Further endpoints the client may connect to (the signalling server). */
  extraConnectSrc?: readonly string[];
  /** Defaults to a fresh random token per start. */
  token?: string;
  /** The IdP's redirect back (GET /auth/callback?code&state): completes the sign-in, or says why not. */
  completeSignIn?: (callbackUrl: string) => Promise<void>;
}

/** Where the IdP sends the browser back to in browser mode (registered as a loopback redirect). */
export const SIGN_IN_CALLBACK_PATH = '/auth/callback';

export interface BrowserServer {
  /** The address to open, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Browser mode: serves the renderer and the same API the Electron preload exposes, over a
 * WebSocket that only listens on loopback and only accepts our own origin with the session token.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const httpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('browser server has no TCP address');
  const port = address.port;
  const origin = `http://127.0.0.1:${port}`;
  // DNS-rebinding guard: only requests addressed to our loopback host are served.
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([origin, `http://localhost:${port}`]);
  const headers = securityHeaders([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`, ...(options.extraConnectSrc ?? [])]);

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (!allowedHosts.has(req.headers.host ?? '')) {
        res.writeHead(421).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const path = new URL(req.url ?? '/', origin).pathname;
      if (path === BROWSER_SESSION_CHECK_PATH) {
        const given = new URL(req.url ?? '/', origin).searchParams.get(BROWSER_TOKEN_PARAM);
        res.writeHead(sameToken(given, token) ? 204 : 401, { ...headers, 'Cache-Control': 'no-store' }).end();
        return;
      }
      if (path === SIGN_IN_CALLBACK_PATH && options.completeSignIn) {
        // The result is read by the app over its API (session.auth): back to it either way.
        await options.completeSignIn(new URL(req.url ?? '/', origin).href).catch(() => undefined);
        res.writeHead(303, { ...headers, Location: '/', 'Cache-Control': 'no-store' }).end();
        return;
      }
      const file = await readStaticFile(options.staticDir, path);
      if (!file) {
        res.writeHead(404, headers).end();
        return;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': file.contentType,
        'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    })().catch((error: unknown) => {
      options.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'static request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== BROWSER_RPC_PATH) return refuseUpgrade(socket, 404);
    if (!allowedHosts.has(req.headers.host ?? '') || !allowedOrigins.has(req.headers.origin ?? '')) {
      options.logger.warn({ reason: 'origin' }, 'rpc connection refused');
      return refuseUpgrade(socket, 403);
    }
    if (!sameToken(url.searchParams.get(BROWSER_TOKEN_PARAM), token)) {
      options.logger.warn({ reason: 'token' }, 'rpc connection refused');
      return refuseUpgrade(socket, 401);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  // Every connection here passed the token and origin checks at upgrade.
  const handler = applyWSSHandler({
    wss,
    router: options.router,
    createContext: () => ({ trusted: true }),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });

  return {
    url: `${origin}/?${BROWSER_TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    async close() {
      handler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
