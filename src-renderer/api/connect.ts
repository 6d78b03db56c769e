import { createWSClient, wsLink } from '@trpc/client';
import { ipcLink } from 'trpc-electron/renderer';
import { BROWSER_RPC_PATH, BROWSER_SESSION_CHECK_PATH, BROWSER_TOKEN_PARAM, type ApiClient } from '../../src-shared/api/contract';
import { createApiClient } from './client';

export type Connection =
  | { kind: 'ready'; api: ApiClient; transport: 'electron' | 'browser' }
  | { kind: 'no-token' }
  /** The address's token is not this run's (cut off when copied, or from an earlier start). */
  | { kind: 'wrong-token' }
  /** Nothing answers at this address: the Skærmrum service is not running. */
  | { kind: 'unreachable' };

export interface ConnectionEvents {
  onOnline(): void;
  onOffline(): void;
}

const TOKEN_KEY = 'skaermrum.sessionToken';

/** In browser mode the session token arrives in the address once; keep it for reloads, hide it. */
function takeSessionToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get(BROWSER_TOKEN_PARAM);
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete(BROWSER_TOKEN_PARAM);
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Electron: the preload's IPC bridge. Browser mode: the loopback WebSocket, same messages. */
export async function connectToMain(events: ConnectionEvents): Promise<Connection> {
  if ('electronTRPC' in window) return { kind: 'ready', api: createApiClient(ipcLink()), transport: 'electron' };
  const token = takeSessionToken();
  if (!token) return { kind: 'no-token' };
  const check = await fetch(`${BROWSER_SESSION_CHECK_PATH}?${BROWSER_TOKEN_PARAM}=${encodeURIComponent(token)}`, { cache: 'no-store' }).catch(() => null);
  if (!check) return { kind: 'unreachable' };
  if (check.status === 401) {
    // Not kept: the right address opened next replaces it.
    sessionStorage.removeItem(TOKEN_KEY);
    return { kind: 'wrong-token' };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createWSClient({
    url: `${scheme}//${window.location.host}${BROWSER_RPC_PATH}?${BROWSER_TOKEN_PARAM}=${encodeURIComponent(token)}`,
    onOpen: () => events.onOnline(),
    onClose: () => events.onOffline(),
  });
  return { kind: 'ready', api: createApiClient(wsLink({ client })), transport: 'browser' };
}
