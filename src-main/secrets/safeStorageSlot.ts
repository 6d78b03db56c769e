import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SecretName, SecretSlot } from './secretSlot.js';

/** The part of Electron's safeStorage used here: only the async API (the sync one is deprecated). */
export interface SafeStorageApi {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  getSelectedStorageBackend(): string;
}

/** Where a secret's encrypted blob lives in the profile folder. */
export function secretBlobFile(dataDir: string, { service, account }: SecretName): string {
  return join(dataDir, 'secrets', `${service}.${account}.bin`);
}

/**
 * A secret in the Electron app: encrypted by safeStorage (whose key the OS keychain holds) and kept
 * as a blob in the profile folder.
 *
 * On Linux without a keyring Chromium falls back to a fixed, publicly known password ("basic_text"),
 * which hides nothing; that counts as no keychain, and the caller refuses rather than keep the store
 * key that way.
 */
export function safeStorageSlot(safeStorage: SafeStorageApi, file: string, platform: NodeJS.Platform = process.platform): SecretSlot {
  const ready = async () => {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) throw new Error('safeStorage: encryption is not available');
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      throw new Error('safeStorage: no OS keyring (basic_text backend)');
    }
  };
  const write = async (value: string) => {
    await ready();
    const blob = await safeStorage.encryptStringAsync(value);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    // Written beside, flushed, then renamed: a crash leaves the old blob or the new, never half.
    const temp = `${file}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(blob);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  };
  return {
    async read() {
      let blob: Buffer;
      try {
        blob = await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      await ready();
      // A blob that no longer decrypts throws: answering "no secret" would let a new store key
      // replace the one the database needs.
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(blob);
      if (shouldReEncrypt) await write(result);
      return result;
    },
    write,
    wipe: () => rm(file, { force: true }),
  };
}
