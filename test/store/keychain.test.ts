import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import keytar from 'keytar';
import { describe, expect, it } from 'vitest';
import { SESSION_KEYCHAIN_SERVICE, osRefreshVault } from '../../src-main/auth/refreshVault';
import { KEYCHAIN_SERVICE, isStoreKey, newStoreKey, osKeychain } from '../../src-main/store/keychain';
import { openTestStore, ROOT_DIR, tempDir, testKeychain, testVisits } from '../helpers/store';

const WHOLE_RANGE = { fromMs: 0, toMs: Date.parse('2100-01-01T00:00:00Z') };

/** The entry as the OS keychain holds it, read with the binding directly. */
const keyringEntry = (service: string, account: string) => new AsyncEntry(service, account, { linux: { store: 'secret-service' } });

describe('store key in the OS keychain (real Secret Service under dbus)', () => {
  it('creates a random 32-byte key on first open and reuses it afterwards', async () => {
    const { dir, cleanup } = tempDir();
    const keychain = testKeychain();
    try {
      expect(await keychain.readKey()).toBeNull();
      (await openTestStore(dir, keychain)).close();
      const key = await keychain.readKey();
      expect(key).not.toBeNull();
      expect(isStoreKey(key as string)).toBe(true);
      // Stored under the documented service and account names.
      expect(await keyringEntry(KEYCHAIN_SERVICE, keychain.profile).getPassword()).toBe(key);
      (await openTestStore(dir, keychain)).close();
      expect(await keychain.readKey()).toBe(key);
    } finally {
      cleanup();
    }
  });

  it('gives each profile its own key', async () => {
    const a = tempDir();
    const b = tempDir();
    const ka = testKeychain();
    const kb = testKeychain();
    try {
      (await openTestStore(a.dir, ka)).close();
      (await openTestStore(b.dir, kb)).close();
      expect(await ka.readKey()).not.toBe(await kb.readKey());
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it('refuses with a clear message when no keychain can be reached, and creates no database', () => {
    const { dir, cleanup } = tempDir();
    try {
      const script = `
        import { openVisitStore } from './src-main/store/visitStore.ts';
        import { osKeychain } from './src-main/store/keychain.ts';
        try {
          await openVisitStore({ file: ${JSON.stringify(join(dir, 'visits.db'))}, keychain: osKeychain('nokeychain'), migrationsDir: 'migrations' });
          console.log('OPENED');
        } catch (e) { console.log(e.code + ': ' + e.message); }`;
      const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT_DIR,
        // A session bus address that leads nowhere: the Secret Service is unreachable (and the
        // kernel keyring, which forgets at logout, is not taken instead).
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
        encoding: 'utf8',
      });
      expect(result.stdout).toContain('KEYCHAIN_UNAVAILABLE: Nøgleringen (OS keychain) kan ikke nås');
      expect(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.trim()).toBe('');
    } finally {
      cleanup();
    }
  });
});

describe('taking over what keytar kept (a room PC updating from an older version)', () => {
  it('moves the store key once: the old database opens, and keytar no longer holds the key', async () => {
    const { dir, cleanup } = tempDir();
    const profile = `legacy-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      // The older version: its key in keytar's entry, its database encrypted with it.
      const oldKey = newStoreKey();
      await keytar.setPassword(KEYCHAIN_SERVICE, profile, oldKey);
      const legacyOnly = { readKey: async () => keytar.getPassword(KEYCHAIN_SERVICE, profile), writeKey: async () => undefined };
      const before = await openTestStore(dir, legacyOnly);
      before.upsertVisits(testVisits());
      before.close();

      const keychain = osKeychain(profile);
      expect(await keychain.readKey()).toBe(oldKey);
      expect(await keyringEntry(KEYCHAIN_SERVICE, profile).getPassword()).toBe(oldKey);
      expect(await keytar.getPassword(KEYCHAIN_SERVICE, profile)).toBeNull();
      // The database made with the old entry opens with the moved key, again and again.
      const after = await openTestStore(dir, keychain);
      expect(after.dayQueue(WHOLE_RANGE)).toHaveLength(testVisits().length);
      after.close();
      (await openTestStore(dir, osKeychain(profile))).close();
    } finally {
      cleanup();
    }
  });

  it('moves the refresh token, and "Skift bruger" wipes it from both places', async () => {
    const profile = `legacy-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await keytar.setPassword(SESSION_KEYCHAIN_SERVICE, profile, 'refresh-token-from-keytar');
    const vault = osRefreshVault(profile);
    expect(await vault.read()).toBe('refresh-token-from-keytar');
    expect(await keytar.getPassword(SESSION_KEYCHAIN_SERVICE, profile)).toBeNull();
    await vault.write('renewed');
    expect(await keyringEntry(SESSION_KEYCHAIN_SERVICE, profile).getPassword()).toBe('renewed');
    await vault.wipe();
    expect(await vault.read()).toBeNull();
    expect(await keyringEntry(SESSION_KEYCHAIN_SERVICE, profile).getPassword()).toBeNull();
  });

  it('prefers the new entry when both exist and leaves a stale keytar entry alone', async () => {
    const profile = `legacy-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await keyringEntry(KEYCHAIN_SERVICE, profile).setPassword('a'.repeat(64));
    await keytar.setPassword(KEYCHAIN_SERVICE, profile, 'b'.repeat(64));
    expect(await osKeychain(profile).readKey()).toBe('a'.repeat(64));
    await keytar.deletePassword(KEYCHAIN_SERVICE, profile);
  });
});
