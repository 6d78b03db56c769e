// The Electron binary cannot run here, so this test mocks the `electron` module (the only mock in
// the suite) and runs the real shell code over the real services and store; safeStorage is a
// stand-in that really encrypts (test/helpers/safeStorage.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { secretBlobFile } from '../../src-main/secrets/safeStorageSlot';
import { KEYCHAIN_SERVICE } from '../../src-main/store/keychain';
import { ROOT_DIR, tempDir } from '../helpers/store';

type Listener = (...args: unknown[]) => unknown;
const h = vi.hoisted(() => {
  const ipcListeners = new Map<string, (...args: unknown[]) => unknown>();
  const windows: { options: unknown; loadURL: ReturnType<typeof vi.fn> }[] = [];
  const blockers = new Set<number>();
  let nextBlocker = 1;
  const powerSaveBlocker = {
    start: vi.fn((_type: string) => {
      blockers.add(nextBlocker);
      return nextBlocker++;
    }),
    stop: vi.fn((id: number) => blockers.delete(id)),
    isStarted: (id: number) => blockers.has(id),
  };
  return { ipcListeners, windows, powerSaveBlocker, blockers };
});

vi.mock('electron', async () => {
  const { encryptingSafeStorage } = await import('../helpers/safeStorage');
  class BrowserWindow {
    static getAllWindows = () => [];
    webContents = { id: 1, on: vi.fn() };
    loadURL = vi.fn(async () => undefined);
    once = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    isDestroyed = () => false;
    constructor(readonly options: unknown) {
      h.windows.push(this);
    }
  }
  return {
    app: {
      enableSandbox: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => true),
      on: vi.fn(),
      whenReady: vi.fn(() => Promise.resolve()),
      getPath: vi.fn(() => '/nonexistent'),
      isPackaged: false,
      quit: vi.fn(),
      exit: vi.fn(),
    },
    BrowserWindow,
    Notification: class {
      show = vi.fn();
    },
    dialog: { showErrorBox: vi.fn() },
    powerSaveBlocker: h.powerSaveBlocker,
    safeStorage: encryptingSafeStorage(),
    shell: { openExternal: vi.fn(async () => undefined) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() } },
    ipcMain: {
      on: vi.fn((channel: string, fn: Listener) => h.ipcListeners.set(channel, fn)),
      handle: vi.fn((channel: string, fn: Listener) => h.ipcListeners.set(channel, fn)),
    },
  };
});

// Electron-ABI native builds cannot be made here: point the shell at the Node builds instead.
vi.mock('../../src-main/electron/nativeModules', () => ({
  electronNativeBinaries: () => ({
    sqlite: join(ROOT_DIR, 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node'),
    keytar: join(ROOT_DIR, 'node_modules/keytar/build/Release/keytar.node'),
  }),
}));

const data = tempDir();
process.env.SKAERMRUM_DATA_DIR = data.dir;
process.env.SKAERMRUM_PROFILE = `shell-${Date.now()}`;
process.env.SKAERMRUM_LOG_LEVEL = 'silent';

/** Sends one tRPC request the way the preload does and resolves with main's reply. */
function ipcRequest(
  frameUrl: string,
  path: string,
  input: unknown,
  type: 'query' | 'mutation' = 'query',
): Promise<{ result?: { data: unknown }; error?: { message: string; data: { code: string } } }> {
  return new Promise((resolve) => {
    const listener = h.ipcListeners.get('trpc-electron');
    if (!listener) throw new Error('no IPC handler registered');
    const event = {
      sender: { id: 1, isDestroyed: () => false },
      senderFrame: { url: frameUrl, routingId: 7 },
      reply: (_channel: string, response: { result?: { data: unknown }; error?: { message: string; data: { code: string } } }) => resolve(response),
    };
    listener(event, { method: 'request', operation: { id: Math.floor(Math.random() * 1e9), type, path, input, context: {} } });
  });
}

describe('Electron shell (mocked electron module, real services)', async () => {
  const electron = await import('electron');
  await import('../../src-main/electron/main');
  afterAll(() => data.cleanup());

  it('registers app:// as a secure standard scheme and sandboxes every renderer before ready', () => {
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();
  });

  it('opens one hardened window on our own origin, with the permission handlers installed', async () => {
    await vi.waitFor(() => expect(h.windows[0]?.loadURL).toHaveBeenCalledWith('app://skaermrum/index.html'), { timeout: 20_000 });
    expect(electron.dialog.showErrorBox).not.toHaveBeenCalled();
    expect(h.windows).toHaveLength(1);
    expect(h.windows[0]?.options).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false } });
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const webContentsHooks = (electron.app.on as unknown as { mock: { calls: [string][] } }).mock.calls.map((c) => c[0]);
    expect(webContentsHooks).toContain('web-contents-created');
    // The store key sits in the profile folder as safeStorage's blob, not in plain text.
    const blob = readFileSync(secretBlobFile(data.dir, { service: KEYCHAIN_SERVICE, account: process.env.SKAERMRUM_PROFILE ?? '' }));
    const { result } = await electron.safeStorage.decryptStringAsync(blob);
    expect(result).toMatch(/^[0-9a-f]{64}$/);
    expect(blob.includes(Buffer.from(result))).toBe(false);
  });

  it('answers the API over IPC for our page, validated by the same contract', async () => {
    const ok = await ipcRequest('app://skaermrum/index.html', 'session.current', {});
    expect(ok.result?.data).toMatchObject({ practitionerId: 'practitioner-2' });
    const bad = await ipcRequest('app://skaermrum/index.html', 'queue.today', { scope: 'room' });
    expect(bad.error?.message).toMatch(/^Ugyldigt argument til queue\.today: roomId/);
  });

  it('keeps the display on during a call with powerSaveBlocker, and lets it go after', async () => {
    const on = await ipcRequest('app://skaermrum/index.html', 'screen.keepAwake', { on: true }, 'mutation');
    expect(on.result?.data).toEqual({ held: true });
    expect(h.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    // A second hold (a recovered call) does not stack blockers.
    await ipcRequest('app://skaermrum/index.html', 'screen.keepAwake', { on: true }, 'mutation');
    expect(h.blockers.size).toBe(1);
    const off = await ipcRequest('app://skaermrum/index.html', 'screen.keepAwake', { on: false }, 'mutation');
    expect(off.result?.data).toEqual({ held: false });
    expect(h.blockers.size).toBe(0);
  });

  it('refuses IPC from any other frame', async () => {
    const refused = await ipcRequest('https://evil.example/', 'session.current', {});
    expect(refused.error?.data.code).toBe('FORBIDDEN');
  });
});
