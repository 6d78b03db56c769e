import { loadKeytar, type KeytarApi } from '../store/keychain.js';

/**
 * The refresh token lives only in the OS keychain (service "dk.skaermrum.session", account = the
 * profile), never in the database or a file; the access token only in memory.
 */
export const SESSION_KEYCHAIN_SERVICE = 'dk.skaermrum.session';

export interface RefreshVault {
  read(): Promise<string | null>;
  write(refreshToken: string): Promise<void>;
  wipe(): Promise<void>;
}

export function osRefreshVault(profile: string, options: { keytarBinary?: string } = {}): RefreshVault {
  let api: KeytarApi | undefined;
  const keytar = () => (api ??= loadKeytar(options.keytarBinary));
  return {
    read: () => keytar().getPassword(SESSION_KEYCHAIN_SERVICE, profile),
    write: (token) => keytar().setPassword(SESSION_KEYCHAIN_SERVICE, profile, token),
    wipe: async () => {
      await keytar().deletePassword(SESSION_KEYCHAIN_SERVICE, profile);
    },
  };
}
