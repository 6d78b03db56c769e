import type { Protocol } from 'electron';
import { securityHeaders } from '../../src-shared/security/csp.js';
import { readStaticFile } from '../security/staticFiles.js';
import { APP_HOST, APP_SCHEME } from './security.js';

/** Must run before app 'ready': a standard, secure scheme gets a real origin and getUserMedia. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

/** Serves the built renderer from app://skaermrum/ with the CSP and security headers. */
export function createAppRequestHandler(rendererDir: string, extraConnectSrc: readonly string[] = []): (request: Request) => Promise<Response> {
  const headers = securityHeaders(extraConnectSrc);
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || request.method !== 'GET') return new Response(null, { status: 404 });
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) return new Response(null, { status: 404, headers });
    return new Response(new Uint8Array(file.body), { status: 200, headers: { ...headers, 'Content-Type': file.contentType } });
  };
}

export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string, extraConnectSrc: readonly string[] = []): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir, extraConnectSrc));
}
