import type { SecretSlot } from '../secrets/secretSlot.js';
import { nodeSecretSlot } from '../secrets/slots.js';

/**
 * The refresh token lives only in the OS keychain (service "dk.skaermrum.session", account = the
 * profile), or in Electron as a safeStorage blob; never in the database; the access token only in memory.
 */
export const SESSION_KEYCHAIN_SERVICE = 'dk.skaermrum.session';

export type RefreshVault = SecretSlot;

/** The Node runtime's vault: the OS keychain, moved once from where keytar kept it. */
export function osRefreshVault(profile: string): RefreshVault {
  return nodeSecretSlot({ service: SESSION_KEYCHAIN_SERVICE, account: profile });
}
