import type { SecretSlot } from './secretSlot.js';

/**
 * Reads from the new place, and once, from the old: a secret found only in the old place is written
 * to the new one, read back, and only then removed from the old. Losing the store key would lose
 * every unsent row, so the old copy goes only after the new one is proven.
 */
export function migratingSlot(current: SecretSlot, legacy: SecretSlot, onMoved?: () => void): SecretSlot {
  return {
    async read() {
      const value = await current.read();
      if (value !== null) return value;
      const old = await legacy.read();
      if (old === null) return null;
      await current.write(old);
      if ((await current.read()) !== old) throw new Error('the secret read back differs from the one written');
      await legacy.wipe();
      onMoved?.();
      return old;
    },
    write: (value) => current.write(value),
    async wipe() {
      await current.wipe();
      await legacy.wipe();
    },
  };
}
