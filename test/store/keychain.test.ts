import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import keytar from 'keytar';
import { describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, isStoreKey } from '../../src-main/store/keychain';
import { openTestStore, ROOT_DIR, tempDir, testKeychain } from '../helpers/store';

describe('store key in the OS keychain (real keytar + Secret Service)', () => {
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
      expect(await keytar.getPassword(KEYCHAIN_SERVICE, keychain.profile)).toBe(key);
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
        // A session bus address that leads nowhere: the Secret Service is unreachable.
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
