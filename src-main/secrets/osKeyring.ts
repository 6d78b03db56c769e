import { AsyncEntry } from '@napi-rs/keyring';
import type { SecretName, SecretSlot } from './secretSlot.js';

/**
 * A secret in the OS keychain from Node (browser mode, tests): Secret Service on Linux, Keychain on
 * macOS, Credential Manager on Windows, through @napi-rs/keyring's prebuilt binding.
 *
 * On Linux the binding would fall back to the kernel keyring when no Secret Service answers. That
 * keyring forgets everything at logout, and with it the store key and every unsent row, so the
 * Secret Service is required: without it, reading throws and the caller refuses.
 */
export function osKeyringSlot({ service, account }: SecretName): SecretSlot {
  // Made at first use: constructing the entry already connects, and throws when nothing answers.
  let made: AsyncEntry | undefined;
  const entry = () => (made ??= new AsyncEntry(service, account, { linux: { store: 'secret-service' } }));
  return {
    read: async () => entry().getPassword(),
    write: async (value) => entry().setPassword(value),
    wipe: async () => {
      await entry().deleteCredential();
    },
  };
}
