import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
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

export function osKeychain(account: string): StoreKeychain {
  return {
    async readKey() {
      try {
        return await keytar.getPassword(KEYCHAIN_SERVICE, account);
      } catch (cause) {
        throw unavailable(cause);
      }
    },
    async writeKey(hexKey) {
      try {
        await keytar.setPassword(KEYCHAIN_SERVICE, account, hexKey);
      } catch (cause) {
        throw unavailable(cause);
      }
    },
  };
}
