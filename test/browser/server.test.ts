import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueChanged } from '../../src-shared/api/contract';
import { startBrowserServer, type BrowserServer } from '../../src-main/browser/server';
import { createLogger } from '../../src-main/log';
import { startTestServices } from '../helpers/services';
import { tempDir } from '../helpers/store';
import { demoQueue } from '../helpers/demo';
import { connectApi, upgradeStatus } from '../helpers/wsClient';

function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser mode server (loopback WebSocket + static client)', () => {
  let services: Awaited<ReturnType<typeof startTestServices>>;
  let server: BrowserServer;
  let staticDir: { dir: string; cleanup: () => void };
  let rpcUrl: string;

  beforeAll(async () => {
    services = await startTestServices();
    staticDir = tempDir();
    mkdirSync(join(staticDir.dir, 'assets'));
    writeFileSync(join(staticDir.dir, 'index.html'), '<!doctype html><title>Skærmrum</title>');
    writeFileSync(join(staticDir.dir, 'assets', 'app.js'), 'console.log(1)');
    server = await startBrowserServer({ router: services.router, staticDir: staticDir.dir, port: 0, logger: createLogger('silent') });
    rpcUrl = `ws://127.0.0.1:${server.port}/rpc?token=${server.token}`;
  });
  afterAll(async () => {
    await server.close();
    services.cleanup();
    staticDir.cleanup();
  });

  it('listens on loopback only and prints a tokenised address', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('serves the client with a strict CSP and security headers', async () => {
    const res = await get(`${server.origin}/`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Skærmrum');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await get(`${server.origin}/assets/app.js`)).headers['cache-control']).toContain('immutable');
  });

  it('refuses path traversal, other hosts and other methods', async () => {
    expect((await get(`${server.origin}/..%2f..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await get(`${server.origin}/%2e%2e/package.json`)).status).toBe(404);
    expect((await get(`${server.origin}/`, { host: 'evil.example:80' })).status).toBe(421);
    expect((await get(`${server.origin}/`, {}, 'POST')).status).toBe(405);
  });

  it('accepts the API connection only with the session token, from our own origin', async () => {
    expect(await upgradeStatus(rpcUrl, { origin: server.origin })).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/rpc`, { origin: server.origin })).toBe(401);
    const wrong = server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A');
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/rpc?token=${wrong}`, { origin: server.origin })).toBe(401);
    expect(await upgradeStatus(rpcUrl, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(rpcUrl)).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, { origin: server.origin })).toBe(404);
  });

  it('tells a page whether its token is this run’s (a refused WebSocket says nothing a page can read)', async () => {
    expect((await get(`${server.origin}/rpc/check?token=${server.token}`)).status).toBe(204);
    expect((await get(`${server.origin}/rpc/check?token=${server.token.slice(0, -3)}`)).status).toBe(401);
    expect((await get(`${server.origin}/rpc/check`)).status).toBe(401);
  });

  it('serves the typed API and rejects bad arguments with a clear error, then keeps serving', async () => {
    const { api, close } = connectApi(rpcUrl, server.origin);
    try {
      const queue = await api.queue.today({ scope: 'room', roomId: 'room-1' });
      expect(queue.map((v) => v.id)).toEqual(demoQueue(services.clock, { roomId: 'room-1' }).map((v) => v.id));
      // Bypass the client's own check to prove the server validates too.
      const raw = api.queue.today as unknown as (input: unknown) => Promise<unknown>;
      const { createTRPCUntypedClient, createWSClient, wsLink } = await import('@trpc/client');
      class OriginWS extends WebSocket {
        constructor(address: string | URL) {
          super(address, { origin: server.origin });
        }
      }
      const wsClient = createWSClient({ url: rpcUrl, WebSocket: OriginWS as unknown as typeof globalThis.WebSocket });
      const untyped = createTRPCUntypedClient({ links: [wsLink({ client: wsClient })] });
      const error = await untyped.query('queue.today', { scope: 'room' }).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/^Ugyldigt argument til queue\.today: roomId: /);
      await wsClient.close();
      await expect(raw({ scope: 'room' })).rejects.toThrow(/roomId/);
      expect((await api.queue.today({ scope: 'team' })).map((v) => v.id)).toEqual(demoQueue(services.clock).map((v) => v.id));
    } finally {
      await close();
    }
  });

  it('pushes queue and outbox events to other connected clients', async () => {
    const watcher = connectApi(rpcUrl, server.origin);
    const actor = connectApi(rpcUrl, server.origin);
    try {
      const events: QueueChanged[] = [];
      const started: Promise<void>[] = [];
      const received = new Promise<void>((resolve) => {
        started.push(
          new Promise<void>((onStarted) =>
            watcher.api.events.onQueueChanged(
              {},
              {
                onStarted: () => onStarted(),
                onData: (e) => {
                  events.push(e);
                  resolve();
                },
              },
            ),
          ),
        );
      });
      const outbox = new Promise<number>((resolve) => {
        started.push(
          new Promise<void>((onStarted) => watcher.api.events.onOutboxChanged({}, { onStarted: () => onStarted(), onData: (s) => resolve(s.pending) })),
        );
      });
      // Both subscriptions are running at the server before the change is made.
      await Promise.all(started);
      const [visit] = (await actor.api.queue.today({ scope: 'room', roomId: 'room-3' })).filter((v) => v.status === 'planned' || v.status === 'completed');
      if (!visit) throw new Error('demo day has no visit in room-3');
      await actor.api.visit.setStatus({ visitId: visit.id, status: visit.status === 'planned' ? 'in_progress' : 'planned' });
      await received;
      expect(events[0]).toEqual({ visitIds: [visit.id], reason: 'local' });
      expect(await outbox).toBeGreaterThan(0);
    } finally {
      await watcher.close();
      await actor.close();
    }
  });

  it('closes a connection that sends an oversized message and keeps serving others', async () => {
    const big = new WebSocket(rpcUrl, { origin: server.origin });
    await new Promise((r) => big.on('open', r));
    const closed = new Promise<number>((resolve) => big.on('close', (code) => resolve(code)));
    big.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const { api, close } = connectApi(rpcUrl, server.origin);
    expect((await api.session.current({}))?.practitionerId).toBe('practitioner-2');
    await close();
  });
});
