import { randomBytes } from 'node:crypto';
import type { SecretSlot } from '../secrets/secretSlot.js';
import { nodeSecretSlot } from '../secrets/slots.js';
import { StoreError } from './errors.js';

/**
 * The store key lives only in the OS keychain (Secret Service on Linux, Keychain on macOS,
 * Credential Manager on Windows), or in Electron encrypted by safeStorage, whose key that keychain
 * holds: service "dk.skaermrum.visit-store", account = profile name.
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

/** The store key kept in a secret slot; any failure to reach it refuses with the same message. */
export function slotKeychain(slot: SecretSlot): StoreKeychain {
  return {
    async readKey() {
      try {
        return await slot.read();
      } catch (cause) {
        throw unavailable(cause);
      }
    },
    async writeKey(hexKey) {
      try {
        await slot.write(hexKey);
      } catch (cause) {
        throw unavailable(cause);
      }
    },
  };
}

/** The Node runtime's store key (Electron's is a safeStorage blob; see src-main/electron/secrets.ts). */
export function osKeychain(account: string): StoreKeychain {
  return slotKeychain(nodeSecretSlot({ service: KEYCHAIN_SERVICE, account }));
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
