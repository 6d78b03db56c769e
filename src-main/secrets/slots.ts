import { legacyKeytarSlot } from './legacyKeytar.js';
import { migratingSlot } from './migratingSlot.js';
import { osKeyringSlot } from './osKeyring.js';
import { safeStorageSlot, secretBlobFile, type SafeStorageApi } from './safeStorageSlot.js';
import type { SecretName, SecretSlot } from './secretSlot.js';

/** Node (browser mode, tests): the OS keychain, taking over once what keytar kept. */
export function nodeSecretSlot(name: SecretName): SecretSlot {
  return migratingSlot(osKeyringSlot(name), legacyKeytarSlot(name));
}

/**
 * Electron: a safeStorage blob in the profile folder, taking over once what keytar kept (through
 * the Electron build of keytar shipped with the app, when there is one).
 */
export function electronSecretSlot(safeStorage: SafeStorageApi, dataDir: string, name: SecretName, keytarBinary: string | null): SecretSlot {
  return migratingSlot(safeStorageSlot(safeStorage, secretBlobFile(dataDir, name)), legacyKeytarSlot(name, keytarBinary ? { binary: keytarBinary } : {}));
}
