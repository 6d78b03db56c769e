import type { BrowserWindowConstructorOptions, Event, PermissionCheckHandlerHandlerDetails, Session, WebContents } from 'electron';

/** The renderer is served from this privileged custom scheme, never from file:// or the network. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'skaermrum';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The one window: isolated, sandboxed, no Node in the page, nothing but our preload bridge. */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Skærmrum',
    backgroundColor: '#f7f7f4',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}

const MEDIA_TYPES = new Set(['audio', 'video']);

/** Camera and microphone, for our own origin only; every other permission is refused. */
export function allowPermissionRequest(permission: string, details: { requestingUrl: string; mediaTypes?: readonly string[] }): boolean {
  if (permission !== 'media' || !isAppUrl(details.requestingUrl)) return false;
  return (details.mediaTypes ?? []).every((type) => MEDIA_TYPES.has(type));
}

export function allowPermissionCheck(permission: string, requestingOrigin: string, details?: Pick<PermissionCheckHandlerHandlerDetails, 'mediaType'>): boolean {
  if (permission !== 'media' || !isAppUrl(requestingOrigin)) return false;
  return details?.mediaType === undefined || details.mediaType === 'audio' || details.mediaType === 'video' || details.mediaType === 'unknown';
}

export function installPermissionHandlers(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(allowPermissionRequest(permission, { requestingUrl: details.requestingUrl, mediaTypes: 'mediaTypes' in details ? details.mediaTypes : [] }));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => allowPermissionCheck(permission, requestingOrigin, details));
  // No WebUSB/WebHID/serial devices: the call only needs cameras, microphones and speakers.
  session.setDevicePermissionHandler(() => false);
}

/** No navigation away from the app, no new windows, no <webview>. */
export function hardenWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  const stayInApp = (event: Event, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event: Event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** IPC context: only our own page's frame may call the API. */
export function ipcContext(senderFrameUrl: string | undefined): { trusted: boolean } {
  return { trusted: isAppUrl(senderFrameUrl) };
}
