import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageApi } from '../../src-main/secrets/safeStorageSlot';

/**
 * Stands in for Electron's safeStorage, which needs the Electron binary: it really encrypts
 * (AES-256-GCM under a key of its own, as Chromium's OSCrypt does under the keyring's), so a test
 * can tell a blob from plain text and a tampered blob from a good one.
 */
export function encryptingSafeStorage(options: { available?: boolean; backend?: string } = {}): SafeStorageApi & {
  rotate(): void;
  encryptions: number;
} {
  // Every key it ever had, by generation: a rotation keeps the old ones readable, as the OS does.
  const keys = [randomBytes(32)];
  const state = {
    encryptions: 0,
    rotate() {
      keys.push(randomBytes(32));
    },
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    async encryptStringAsync(plainText: string) {
      state.encryptions++;
      const iv = randomBytes(12);
      const generation = keys.length - 1;
      const cipher = createCipheriv('aes-256-gcm', keys[generation] as Buffer, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([generation]), iv, cipher.getAuthTag(), body]);
    },
    async decryptStringAsync(encrypted: Buffer) {
      const key = keys[encrypted[0] ?? -1];
      if (!key) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(1, 13));
      decipher.setAuthTag(encrypted.subarray(13, 29));
      const result = Buffer.concat([decipher.update(encrypted.subarray(29)), decipher.final()]).toString('utf8');
      // A blob from before a rotation still opens but asks to be encrypted again under the new key.
      return { result, shouldReEncrypt: encrypted[0] !== keys.length - 1 };
    },
  };
  return state;
}
