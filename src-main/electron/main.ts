// The Electron shell: one hardened window over the same main-process services browser mode runs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, powerSaveBlocker, protocol, safeStorage, session, shell } from 'electron';
import { createIPCHandler } from 'trpc-electron/main';
import { configFromEnv } from '../config.js';
import { createLogger } from '../log.js';
import { appRoot, rendererDir } from '../platform/paths.js';
import { startMainServices, type MainServices } from '../app/mainServices.js';
import { KEYCHAIN_SERVICE, slotKeychain } from '../store/keychain.js';
import { SESSION_KEYCHAIN_SERVICE } from '../auth/refreshVault.js';
import { electronSecretSlot } from '../secrets/slots.js';
import { loopbackSignInRoute } from './loopbackSignIn.js';
import { electronScreenAwake } from './power.js';
import { electronNativeBinaries } from './nativeModules.js';
import { PRINT_REPORT_CHANNEL, printReportToPdf } from './printReport.js';
import { dateKeyOf } from '../../src-shared/reports/period.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { RELEASE_PUBLIC_KEY } from '../update/releaseKey.js';
import { publicKeyOf } from '../update/releaseSignature.js';
import { fetchFeedText, startSignedUpdates } from '../update/signedUpdates.js';
import { APP_ENTRY_URL, hardenWebContents, installPermissionHandlers, ipcContext, mainWindowOptions } from './security.js';

registerAppScheme(protocol);
app.enableSandbox();

let services: MainServices | undefined;

export async function startShell(): Promise<BrowserWindow> {
  const config = configFromEnv(process.env, { dataDir: process.env.SKAERMRUM_DATA_DIR ?? app.getPath('userData') });
  const logger = createLogger(config.logLevel);
  const native = electronNativeBinaries(app.isPackaged ? join(process.resourcesPath, 'electron-native') : join(appRoot(), 'build', 'electron-native'));
  const secret = (service: string) => electronSecretSlot(safeStorage, config.dataDir, { service, account: config.profile }, native.keytar);
  services = await startMainServices(config, {
    logger,
    nativeBinding: native.sqlite,
    keychain: slotKeychain(secret(KEYCHAIN_SERVICE)),
    refreshVault: secret(SESSION_KEYCHAIN_SERVICE),
    screenAwake: electronScreenAwake(powerSaveBlocker),
  });
  // Sign-in in the system browser, back through a loopback listener (never an embedded login window).
  services.session.useSignInRoute(loopbackSignInRoute((url) => shell.openExternal(url)));

  installPermissionHandlers(session.defaultSession);
  serveRenderer(protocol, rendererDir(), config.signallingUrl ? [config.signallingUrl] : []);
  const window = new BrowserWindow(mainWindowOptions(join(appRoot(), 'dist', 'preload', 'preload.cjs')));
  createIPCHandler({
    router: services.router,
    windows: [window],
    createContext: async ({ event }) => ipcContext(event.senderFrame?.url),
  });
  // Only our own window's page may ask for the report's PDF.
  ipcMain.handle(PRINT_REPORT_CHANNEL, (event) =>
    event.sender === window.webContents
      ? printReportToPdf(
          window.webContents,
          (defaultPath) => dialog.showSaveDialog(window, { defaultPath, filters: [{ name: 'PDF', extensions: ['pdf'] }] }),
          (path, data) => writeFile(path, data),
          dateKeyOf(config.clock.now()),
        )
      : { saved: null },
  );
  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_ENTRY_URL);

  const updateFeed = process.env.SKAERMRUM_UPDATE_URL;
  if (app.isPackaged && updateFeed) {
    // Loaded only when used: updates come from the municipality's own feed, never a default one.
    // Installed only once the release's own signature verifies with the key built in (see signedUpdates).
    const { autoUpdater } = (await import('electron-updater')).default;
    autoUpdater.setFeedURL({ provider: 'generic', url: updateFeed });
    startSignedUpdates({
      updater: autoUpdater,
      feedUrl: updateFeed,
      runningVersion: app.getVersion(),
      publicKey: publicKeyOf(RELEASE_PUBLIC_KEY),
      fetchText: fetchFeedText,
      logger,
      notify: (body) => new Notification({ title: 'Skærmrum', body }).show(),
    });
  }
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void services?.close());
  app
    .whenReady()
    .then(startShell)
    .catch((error: unknown) => {
      // The store refuses to open rather than fall back to plaintext: say why, then stop.
      dialog.showErrorBox('Skærmrum kan ikke starte', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
