import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SignInRoute } from '../services/session.js';

/**
 * RFC 8252 §7.3 for the desktop app: the IdP's page opens in the system browser (never an embedded
 * window, so the user's SSO and password manager work and Skærmrum never sees the password), and
 * comes back to a one-shot listener on 127.0.0.1 at a random port. The listener takes the first
 * request to /callback, answers with a short Danish page, and closes; it gives up after 10 minutes.
 */
const PAGE = (text: string) =>
  `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Skærmrum</title></head><body style="font-family:system-ui;margin:15vh auto;max-width:30rem"><h1>${text}</h1><p>Du kan lukke dette vindue og gå tilbage til Skærmrum.</p></body></html>`;

export function loopbackSignInRoute(openExternal: (url: string) => Promise<void>, timeoutMs = 10 * 60_000): SignInRoute {
  return {
    kind: 'external',
    run: (authorize) =>
      new Promise<string>((resolve, reject) => {
        const server = createServer();
        const finish = (error: Error | null, url?: string) => {
          clearTimeout(timer);
          server.close();
          server.closeAllConnections();
          if (error) reject(error);
          else resolve(url as string);
        };
        const timer = setTimeout(() => finish(new Error('Log ind blev ikke gennemført i browseren')), timeoutMs);
        timer.unref?.();
        server.on('request', (req: IncomingMessage, res: ServerResponse) => {
          const url = new URL(req.url ?? '/', 'http://127.0.0.1');
          if (req.method !== 'GET' || url.pathname !== '/callback') {
            res.writeHead(404).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE('Du er logget ind'));
          const address = server.address();
          const port = address && typeof address === 'object' ? address.port : 0;
          finish(null, `http://127.0.0.1:${port}${url.pathname}${url.search}`);
        });
        server.once('error', (error) => finish(error));
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          if (!address || typeof address === 'string') return finish(new Error('ingen loopback-adresse'));
          authorize(`http://127.0.0.1:${address.port}/callback`)
            .then((url) => openExternal(url))
            .catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
        });
      }),
  };
}
