import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { electronNativeBinaries } from '../../src-main/electron/nativeModules';
import { RELEASE_PUBLIC_KEY } from '../../src-main/update/releaseKey';
import { publicKeyOf } from '../../src-main/update/releaseSignature';
import { tempDir } from '../helpers/store';

/**
 * What `npm run dist` packages, read from electron-builder.yml as electron-builder reads it: the
 * installed electron-builder's own schema, then what must hold for a hardened, updatable app.
 * Building and running the package needs the Electron binary and each OS's signing (README → Packaging).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const text = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const ExtraResource = z.object({ from: z.string(), to: z.string(), filter: z.array(z.string()).min(1) });
/** The parts asserted below; the rest is electron-builder's to check (its schema, first test). */
const BuilderConfig = z.looseObject({
  appId: z.string(),
  directories: z.looseObject({ buildResources: z.string() }),
  files: z.array(z.string()).min(1),
  extraResources: z.array(ExtraResource),
  npmRebuild: z.boolean(),
  asar: z.boolean(),
  electronFuses: z.record(z.string(), z.boolean()),
  publish: z.unknown(),
  linux: z.looseObject({ target: z.array(z.string()), icon: z.string() }),
  win: z.looseObject({
    target: z.union([z.string(), z.array(z.string())]),
    icon: z.string(),
    verifyUpdateCodeSignature: z.boolean().optional(),
    signtoolOptions: z.looseObject({ publisherName: z.union([z.string(), z.array(z.string())]) }),
  }),
  mac: z.looseObject({
    target: z.union([z.string(), z.array(z.string())]),
    hardenedRuntime: z.boolean(),
    icon: z.string(),
    entitlements: z.string(),
    entitlementsInherit: z.string(),
    extendInfo: z.record(z.string(), z.string()),
  }),
});
const Publish = z.strictObject({ provider: z.literal('generic'), url: z.url() });
const PackageJson = z.looseObject({ main: z.string(), scripts: z.record(z.string(), z.string()) });

const raw: unknown = parse(text('electron-builder.yml'));
const config = BuilderConfig.parse(raw);

/** A filter glob of electron-builder's files and extraResources with `*` only (all this config uses). */
const globMatches = (glob: string, name: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  ).test(name);

describe('packaging (electron-builder.yml)', () => {
  it('is valid for the installed electron-builder (its own schema: a misspelt fuse or option fails here, not in a release)', async () => {
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(raw, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('packs the app into an integrity-checked asar and sets the fuses: no run-as-node, NODE_OPTIONS or inspector, app only from the asar', () => {
    expect(config.asar).toBe(true);
    // Every fuse named, so none is left at Electron's default by accident.
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships only the built app: no tests, sources or source maps, nor the sandbox and signalling servers', () => {
    const includes = config.files.filter((f) => !f.startsWith('!'));
    const excludes = config.files.filter((f) => f.startsWith('!'));
    for (const f of includes) expect(f, f).toMatch(/^(package\.json|dist\/(main|renderer|preload)\/\*\*|migrations\/\*\*)$/);
    expect(excludes).toEqual(expect.arrayContaining(['!**/*.map', '!dist/main/src-server/**']));
    // What Electron starts is inside what is shipped.
    const { main } = PackageJson.parse(JSON.parse(text('package.json')));
    expect(main).toMatch(/^dist\/main\/src-main\//);
  });

  it('ships the native modules built for Electron as extra resources, where the app looks for them, and leaves node_modules unbuilt', () => {
    expect(config.npmRebuild).toBe(false);
    const native = config.extraResources.find((r) => r.from === 'build/electron-native');
    expect(native).toMatchObject({ to: 'electron-native' });
    // The file names the app opens (src-main/electron/nativeModules.ts) pass the filter.
    const { dir, cleanup } = tempDir('skaermrum-packaging-');
    try {
      for (const name of ['better_sqlite3.node', 'keytar.node']) writeFileSync(join(dir, name), '');
      const binaries = electronNativeBinaries(dir);
      for (const file of [binaries.sqlite, binaries.keytar]) {
        const name = basename(file ?? '');
        expect(
          native?.filter.some((glob) => globMatches(glob, name)),
          name,
        ).toBe(true);
      }
    } finally {
      cleanup();
    }
  });

  it("writes a feed for updates that is never asked (the app sets the municipality's), the same on every OS", () => {
    // Generic: electron-builder writes latest*.yml (what release:sign signs) and app-update.yml.
    const publish = Publish.parse(config.publish);
    expect(new URL(publish.url).protocol).toBe('https:');
    // A reserved name that resolves nowhere: no build ever updates from a default feed.
    expect(new URL(publish.url).hostname).toMatch(/\.invalid$/);
    for (const os of [config.linux, config.win, config.mac]) expect(os).not.toHaveProperty('publish');
    // Each OS builds something its updater installs from: NSIS on Windows, AppImage and deb on Linux, a zip on macOS.
    expect([config.win.target].flat()).toContain('nsis');
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect([config.mac.target].flat()).toContain('zip');
  });

  it("installs no update the app has not verified itself: our Ed25519 release key on every OS, and Windows' publisher check on top", () => {
    // Linux (AppImage, deb) has no check of electron-updater's own: the app's release signature is it.
    // That the gate keeps autoInstallOnAppQuit and allowDowngrade off is tested in test/main/updates.test.ts.
    expect(publicKeyOf(RELEASE_PUBLIC_KEY).asymmetricKeyType).toBe('ed25519');
    expect(config.win.verifyUpdateCodeSignature).not.toBe(false);
    const publisher = config.win.signtoolOptions.publisherName;
    expect(typeof publisher === 'string' ? publisher : publisher[0]).toMatch(/\S/);
  });

  it('gives macOS the camera and microphone under the hardened runtime, with the reasons the user is shown', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      const plist = text(file);
      for (const key of ['com.apple.security.device.camera', 'com.apple.security.device.audio-input'])
        expect(plist, `${file}: ${key}`).toMatch(new RegExp(`<key>${key.replace(/\./g, '\\.')}</key>\\s*<true/>`));
    }
    expect(config.mac.extendInfo.NSCameraUsageDescription).toMatch(/\S/);
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/\S/);
  });

  it('names an app id and icons that exist', () => {
    expect(config.appId).toBe('dk.skaermrum.desktop');
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) expect(existsSync(join(ROOT, icon)), icon).toBe(true);
  });

  it('is what `npm run dist` builds with, after the app and the native modules for Electron', () => {
    const { scripts } = PackageJson.parse(JSON.parse(text('package.json')));
    expect(scripts.dist).toMatch(/npm run build\b.*npm run electron:native\b.*electron-builder --config electron-builder\.yml/);
    expect(scripts['electron:native']).toBeDefined();
  });
});
