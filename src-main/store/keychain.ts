import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Keytar from 'keytar';
import { StoreError } from './errors.js';

/**
 * The store key lives only in the OS keychain (Secret Service on Linux, Keychain on macOS,
 * Credential Manager on Windows): service "dk.skaermrum.visit-store", account = profile name.
 */
export const KEYCHAIN_SERVICE = 'dk.skaermrum.visit-store';

export interface StoreKeychain {
  /** 64 hex digits (a raw 32-byte key), or null when this profile has no key yet. */
  readKey(): Promise<string | null>;
  writeKey(hexKey: string): Promise<void>;
}

const HEX_KEY = /^[0-9a-f]{64}$/;

export function newStoreKey(): string {
  return randomBytes(32).toString('hex');
}

export function isStoreKey(value: string): boolean {
  return HEX_KEY.test(value);
}

function unavailable(cause: unknown): StoreError {
  return new StoreError(
    'KEYCHAIN_UNAVAILABLE',
    'Nøgleringen (OS keychain) kan ikke nås, så den krypterede database kan ikke åbnes. ' +
      'Log ind på skrivebordet igen eller kontakt IT. (OS keychain unavailable.)',
    { cause },
  );
}

export type KeytarApi = Pick<typeof Keytar, 'getPassword' | 'setPassword' | 'deletePassword'>;

/**
 * keytar is loaded on first use, not at import: under Electron the Node build of its native module
 * cannot load, so the shell passes the path of the Electron build (see scripts/electron-native.mjs).
 */
export function loadKeytar(binary: string | undefined): KeytarApi {
  const require = createRequire(import.meta.url);
  return (binary ? require(binary) : require('keytar')) as KeytarApi;
}

export function osKeychain(account: string, options: { keytarBinary?: string } = {}): StoreKeychain {
  let keytarApi: KeytarApi | undefined;
  const keytar = () => {
    try {
      return (keytarApi ??= loadKeytar(options.keytarBinary));
    } catch (cause) {
      throw unavailable(cause);
    }
  };
  return {
    async readKey() {
      try {
        return await keytar().getPassword(KEYCHAIN_SERVICE, account);
      } catch (cause) {
        throw unavailable(cause);
      }
    },
    async writeKey(hexKey) {
      try {
        await keytar().setPassword(KEYCHAIN_SERVICE, account, hexKey);
      } catch (cause) {
        throw unavailable(cause);
      }
    },
  };
}

/**
 * A keychain that exists only in this process: for a throwaway demo database on a machine with no
 * OS keychain. The key is never written anywhere, so the database dies with the process.
 */
export function memoryKeychain(): StoreKeychain {
  let key: string | null = null;
  return {
    readKey: async () => key,
    writeKey: async (hexKey) => {
      key = hexKey;
    },
  };
}
