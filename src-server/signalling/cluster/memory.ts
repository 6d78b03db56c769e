import type { SharedState } from './shared.js';

/**
 * The shared state of a single signalling instance, in its own memory. Same contract as Redis, so
 * the relay has one code path; expiry is checked when a key is read (time from the injected clock).
 */
export function memorySharedState(now: () => number): SharedState {
  const values = new Map<string, { value: string; expiresMs: number }>();
  const hashes = new Map<string, Map<string, string>>();
  const channels = new Map<string, ((message: string) => void)[]>();
  const live = (key: string) => {
    const entry = values.get(key);
    if (entry && entry.expiresMs <= now()) values.delete(key);
    return values.get(key)?.value ?? null;
  };
  return {
    async set(key, value, options) {
      if (options.nx && live(key) !== null) return false;
      values.set(key, { value, expiresMs: now() + options.ttlMs });
      return true;
    },
    get: async (key) => live(key),
    async take(key) {
      const value = live(key);
      values.delete(key);
      return value;
    },
    async deleteIf(key, value) {
      if (live(key) === value) values.delete(key);
    },
    async swap(key, expected, next, ttlMs) {
      if (live(key) !== expected) return false;
      values.set(key, { value: next, expiresMs: now() + ttlMs });
      return true;
    },
    mget: async (list) => list.map(live),
    async hset(key, field, value) {
      const hash = hashes.get(key) ?? new Map<string, string>();
      hash.set(field, value);
      hashes.set(key, hash);
    },
    async hdel(key, fields) {
      const hash = hashes.get(key);
      for (const f of fields) hash?.delete(f);
      if (hash?.size === 0) hashes.delete(key);
    },
    hgetall: async (key) => Object.fromEntries(hashes.get(key) ?? []),
    async publish(channel, message) {
      const listeners = channels.get(channel) ?? [];
      // Asynchronous like a network hop, so a handler never runs inside its sender's call.
      for (const l of listeners) queueMicrotask(() => l(message));
      return listeners.length;
    },
    async subscribe(channel, onMessage) {
      channels.set(channel, [...(channels.get(channel) ?? []), onMessage]);
    },
    onReconnect: () => undefined,
    healthy: () => true,
    close: async () => undefined,
  };
}
