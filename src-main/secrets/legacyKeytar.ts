import { createRequire } from 'node:module';
import type { SecretName, SecretSlot } from './secretSlot.js';

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * Where versions before the move off keytar kept their secrets. keytar is archived; it stays an
 * optional dependency only so that a room PC updating from such a version can move its store key
 * and refresh token once (see migratingSlot). Where keytar cannot load, there is nothing it could
 * have written on this runtime, so the slot reads as empty.
 */
export function legacyKeytarSlot({ service, account }: SecretName, options: { binary?: string } = {}): SecretSlot {
  let api: KeytarApi | null | undefined;
  const keytar = (): KeytarApi | null => {
    if (api !== undefined) return api;
    try {
      const require = createRequire(import.meta.url);
      api = (options.binary ? require(options.binary) : require('keytar')) as KeytarApi;
    } catch {
      api = null;
    }
    return api;
  };
  return {
    read: async () => (await keytar()?.getPassword(service, account)) ?? null,
    write: async (value) => {
      const k = keytar();
      if (!k) throw new Error('keytar is not available');
      await k.setPassword(service, account, value);
    },
    wipe: async () => {
      await keytar()?.deletePassword(service, account);
    },
  };
}
