import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { describe, expect, it } from 'vitest';
import { SESSION_KEYCHAIN_SERVICE } from '../../src-main/auth/refreshVault';
import { safeStorageSlot, secretBlobFile } from '../../src-main/secrets/safeStorageSlot';
import { electronSecretSlot } from '../../src-main/secrets/slots';
import { KEYCHAIN_SERVICE, newStoreKey, slotKeychain } from '../../src-main/store/keychain';
import { encryptingSafeStorage } from '../helpers/safeStorage';
import { openTestStore, tempDir, testVisits } from '../helpers/store';

// Electron's safeStorage needs the Electron binary, so it is the one part stood in for here (by a
// stand-in that really encrypts); the files, the store and keytar are real.
const WHOLE_RANGE = { fromMs: 0, toMs: Date.parse('2100-01-01T00:00:00Z') };
const name = (service = KEYCHAIN_SERVICE) => ({ service, account: `electron-${randomUUID()}` });

describe('secrets in Electron: safeStorage blobs in the profile folder', () => {
  it('keeps the store key only encrypted, and opens the store with it again', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const safeStorage = encryptingSafeStorage();
      const secret = name();
      const keychain = slotKeychain(electronSecretSlot(safeStorage, dir, secret, null));
      const store = await openTestStore(dir, keychain);
      store.upsertVisits(testVisits());
      store.close();
      const key = await keychain.readKey();
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      const blob = readFileSync(secretBlobFile(dir, secret));
      expect(blob.includes(Buffer.from(key as string))).toBe(false);
      const again = await openTestStore(dir, slotKeychain(electronSecretSlot(safeStorage, dir, secret, null)));
      expect(again.dayQueue(WHOLE_RANGE)).toHaveLength(testVisits().length);
      again.close();
    } finally {
      cleanup();
    }
  });

  it('refuses when safeStorage has no keyring behind it (basic_text) or no encryption at all', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const safeStorage of [encryptingSafeStorage({ backend: 'basic_text' }), encryptingSafeStorage({ available: false })]) {
        const keychain = slotKeychain(safeStorageSlot(safeStorage, secretBlobFile(dir, name()), 'linux'));
        await expect(openTestStore(dir, keychain)).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
      }
      // basic_text is a Linux fallback; elsewhere the backend name does not apply.
      const mac = safeStorageSlot(encryptingSafeStorage({ backend: 'basic_text' }), secretBlobFile(dir, name()), 'darwin');
      await mac.write('x');
      expect(await mac.read()).toBe('x');
    } finally {
      cleanup();
    }
  });

  it('refuses a blob that no longer decrypts instead of reading it as "no key"', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const secret = name();
      const slot = safeStorageSlot(encryptingSafeStorage(), secretBlobFile(dir, secret));
      await slot.write(newStoreKey());
      const file = secretBlobFile(dir, secret);
      const blob = readFileSync(file);
      blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 0xff;
      writeFileSync(file, blob);
      await expect(slotKeychain(slot).readKey()).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
      // Nor does another machine's safeStorage read it.
      await slot.write(newStoreKey());
      await expect(safeStorageSlot(encryptingSafeStorage(), file).read()).rejects.toThrow();
    } finally {
      cleanup();
    }
  });

  it('encrypts again under the new key when safeStorage asks (key rotation)', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const safeStorage = encryptingSafeStorage();
      const file = secretBlobFile(dir, name());
      const slot = safeStorageSlot(safeStorage, file);
      await slot.write('the-key');
      const before = readFileSync(file);
      safeStorage.rotate();
      expect(await slot.read()).toBe('the-key');
      expect(readFileSync(file).equals(before)).toBe(false);
      const encryptions = safeStorage.encryptions;
      expect(await slot.read()).toBe('the-key');
      expect(safeStorage.encryptions).toBe(encryptions);
    } finally {
      cleanup();
    }
  });

  it('takes the store key and refresh token over from keytar once, then wipes them there', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const safeStorage = encryptingSafeStorage();
      const keyName = name(KEYCHAIN_SERVICE);
      const tokenName = { service: SESSION_KEYCHAIN_SERVICE, account: keyName.account };
      const oldKey = newStoreKey();
      await keytar.setPassword(keyName.service, keyName.account, oldKey);
      await keytar.setPassword(tokenName.service, tokenName.account, 'refresh-from-keytar');
      const legacy = { readKey: async () => keytar.getPassword(keyName.service, keyName.account), writeKey: async () => undefined };
      const old = await openTestStore(dir, legacy);
      old.upsertVisits(testVisits());
      old.close();

      // Without a binary path the stand-in loads Node's keytar build, as Electron loads its own.
      const keychain = slotKeychain(electronSecretSlot(safeStorage, dir, keyName, null));
      const vault = electronSecretSlot(safeStorage, dir, tokenName, null);
      const store = await openTestStore(dir, keychain);
      expect(store.dayQueue(WHOLE_RANGE)).toHaveLength(testVisits().length);
      store.close();
      expect(await vault.read()).toBe('refresh-from-keytar');
      expect(await keytar.getPassword(keyName.service, keyName.account)).toBeNull();
      expect(await keytar.getPassword(tokenName.service, tokenName.account)).toBeNull();
      expect(await safeStorage.decryptStringAsync(readFileSync(secretBlobFile(dir, keyName)))).toMatchObject({ result: oldKey });
      await vault.wipe();
      expect(await vault.read()).toBeNull();
    } finally {
      cleanup();
    }
  });
});
