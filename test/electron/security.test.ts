import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAppRequestHandler } from '../../src-main/electron/protocol';
import {
  allowPermissionCheck,
  allowPermissionRequest,
  APP_ENTRY_URL,
  hardenWebContents,
  installPermissionHandlers,
  ipcContext,
  mainWindowOptions,
} from '../../src-main/electron/security';
import { tempDir } from '../helpers/store';

describe('Electron window and session hardening', () => {
  it('creates the window isolated, sandboxed and without Node', () => {
    const prefs = mainWindowOptions('/app/dist/preload/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/dist/preload/preload.cjs',
    });
  });

  it('grants camera and microphone to our own origin only, and nothing else to anyone', () => {
    expect(allowPermissionRequest('media', { requestingUrl: APP_ENTRY_URL, mediaTypes: ['audio', 'video'] })).toBe(true);
    expect(allowPermissionRequest('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: 'file:///etc/passwd', mediaTypes: ['video'] })).toBe(false);
    expect(allowPermissionRequest('media', { requestingUrl: 'app://other/index.html', mediaTypes: ['video'] })).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'display-capture', 'clipboard-read', 'openExternal', 'hid', 'usb']) {
      expect(allowPermissionRequest(permission, { requestingUrl: APP_ENTRY_URL })).toBe(false);
    }
    expect(allowPermissionCheck('media', 'app://skaermrum', { mediaType: 'video' })).toBe(true);
    expect(allowPermissionCheck('media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
    expect(allowPermissionCheck('geolocation', 'app://skaermrum')).toBe(false);
  });

  it('installs the handlers on the session and they answer as above', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
    installPermissionHandlers(session);
    const request = session.setPermissionRequestHandler.mock.calls[0]?.[0] as (wc: unknown, p: string, cb: (ok: boolean) => void, d: object) => void;
    const callback = vi.fn();
    request({}, 'media', callback, { requestingUrl: APP_ENTRY_URL, mediaTypes: ['video'] });
    request({}, 'media', callback, { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] });
    request({}, 'notifications', callback, { requestingUrl: APP_ENTRY_URL });
    expect(callback.mock.calls).toEqual([[true], [false], [false]]);
    const device = session.setDevicePermissionHandler.mock.calls[0]?.[0] as () => boolean;
    expect(device()).toBe(false);
  });

  it('blocks navigation away, redirects away, new windows and webviews', () => {
    const listeners = new Map<string, (event: { preventDefault: () => void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    hardenWebContents({
      on: ((name: string, fn: (event: { preventDefault: () => void }, url?: string) => void) => listeners.set(name, fn)) as never,
      setWindowOpenHandler: ((fn: () => { action: string }) => (openHandler = fn)) as never,
    });
    const attempt = (name: string, url?: string) => {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)?.(event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(attempt('will-navigate', 'app://skaermrum/index.html')).toBe(false);
    expect(attempt('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(attempt('will-attach-webview')).toBe(true);
    expect(openHandler?.()).toEqual({ action: 'deny' });
  });

  it('trusts IPC only from our own page', () => {
    expect(ipcContext('app://skaermrum/index.html')).toEqual({ trusted: true });
    expect(ipcContext('https://evil.example/')).toEqual({ trusted: false });
    expect(ipcContext(undefined)).toEqual({ trusted: false });
  });
});

describe('app:// protocol', () => {
  const { dir, cleanup } = tempDir();
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Skærmrum</title>');
  writeFileSync(join(dir, 'assets', 'a.js'), 'export {}');
  const handle = createAppRequestHandler(dir);
  afterAll(cleanup);

  it('serves the renderer with the CSP', async () => {
    const res = await handle(new Request('app://skaermrum/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('Skærmrum');
    expect((await handle(new Request('app://skaermrum/assets/a.js'))).headers.get('content-type')).toContain('javascript');
  });

  it('refuses other hosts and anything outside the renderer folder', async () => {
    expect((await handle(new Request('app://other/index.html'))).status).toBe(404);
    expect((await handle(new Request('app://skaermrum/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
    expect((await handle(new Request('app://skaermrum/missing.js'))).status).toBe(404);
  });
});
