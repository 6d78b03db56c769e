import { z } from 'zod';

/**
 * What signalling instances share (design: one process per instance, no stickiness). One small
 * key-value and publish/subscribe surface with two engines: Redis for several instances
 * (./redis.ts), memory for one (./memory.ts, `npm start` on a machine without Redis). Everything
 * kept here is live and expires: durable facts (paired devices, revocations) live in the EOJ.
 */
export interface SharedState {
  /** Sets a value; `nx`: only when absent (returns false when it was there). */
  set(key: string, value: string, options: { ttlMs: number; nx?: boolean }): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** Reads and deletes in one step (one-time pairing codes). */
  take(key: string): Promise<string | null>;
  /** Deletes the key only while it still holds `value` (a busy mark of this call, not a later one). */
  deleteIf(key: string, value: string): Promise<void>;
  /** Replaces the value only while it is still `expected` (one instance takes over a call, not two). */
  swap(key: string, expected: string, next: string, ttlMs: number): Promise<boolean>;
  mget(keys: string[]): Promise<(string | null)[]>;
  hset(key: string, field: string, value: string): Promise<void>;
  hdel(key: string, fields: string[]): Promise<void>;
  hgetall(key: string): Promise<Record<string, string>>;
  /** Delivers to every subscriber of the channel; resolves with how many there were (0: nobody listens). */
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>;
  /** Called when the engine came back after an outage (its memory may be empty: re-announce what you hold). */
  onReconnect(listener: () => void): void;
  /** Whether commands go through now. */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Every key and channel starts with this: the Redis user's ACL grants this prefix and nothing else. */
export const REDIS_KEY_PREFIX = 'sk:';

/** Keys in one place, so both engines and every module name them the same way. */
export const keys = {
  instance: (id: string) => `sk:instance:${id}`,
  instanceChannel: (id: string) => `sk:to:${id}`,
  broadcast: 'sk:all',
  pairingCode: (code: string) => `sk:pair:${code}`,
  /** Hash: connection address → the device's id, for ringing the citizen's tablets wherever they are. */
  deviceConnections: (teamId: string, citizenId: string) => `sk:devconn:${teamId}:${citizenId}`,
  /** Hash: connection address → staff member (id, name, role), the team's signed-in clients. */
  staffConnections: (teamId: string) => `sk:staffconn:${teamId}`,
  /** Hash: connection address → that connection's last presence report. */
  presenceReports: (teamId: string) => `sk:presence:${teamId}`,
  /** Hash: practitioner → their merged presence as last announced. */
  presenceLast: (teamId: string) => `sk:presence-last:${teamId}`,
  /** A call's home: first the ring's claim of the id (`CallClaim`), then the call itself. */
  call: (callId: string) => `sk:call:${callId}`,
  busy: (identity: string) => `sk:busy:${identity}`,
  /** The call of a visit in progress (how a guest finds it). */
  visitCall: (visitId: string) => `sk:visitcall:${visitId}`,
  /** Hash: connection address → a guest waiting for the visit's call to start. */
  lobby: (visitId: string) => `sk:lobby:${visitId}`,
};

/**
 * What the call key holds from the moment a ring claims the id: its home instance. The call itself is
 * stored a moment later; a tablet that answers in between reaches the call through its home.
 */
export const CallClaim = z.object({ home: z.string(), claimedMs: z.number().optional() });

/** A value read back from the shared state, checked like any other input (null when it does not fit). */
export function parseJson<T>(schema: z.ZodType<T>, raw: string): T | null {
  try {
    return schema.safeParse(JSON.parse(raw)).data ?? null;
  } catch {
    return null;
  }
}

/** A connection's address: the instance holding its socket, then the socket's own id. */
export const addressOf = (instanceId: string, connId: string) => `${instanceId}/${connId}`;
export const instanceOf = (address: string) => address.slice(0, address.indexOf('/'));
