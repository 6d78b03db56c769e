import { Redis } from 'ioredis';
import type { SharedState } from './shared.js';

/**
 * The shared state of several signalling instances in Redis (ioredis). Commands wait while Redis
 * is away and fail after a few tries. After an outage the instance counts as healthy again only
 * when both connections are back and Redis has confirmed every subscription: an instance that
 * beats but cannot hear yet would be rung, and the ring lost. Then the relay re-announces what it
 * holds (Redis may have restarted empty).
 */
export async function redisSharedState(url: string): Promise<SharedState> {
  const options = {
    // A bounded wait per command while Redis is away: the relay answers "prøv igen" instead of hanging.
    maxRetriesPerRequest: 3,
    retryStrategy: (times: number) => Math.min(1_000, 100 * times),
    lazyConnect: true,
  };
  const commands = new Redis(url, options);
  // Subscriptions are renewed here, not by ioredis, so that "listening" means Redis said so.
  const subscriber = new Redis(url, { ...options, autoResubscribe: false });
  // Without listeners ioredis prints every refused reconnect; the state is read through healthy().
  commands.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  await Promise.all([commands.connect(), subscriber.connect()]);
  const handlers = new Map<string, (message: string) => void>();
  subscriber.on('message', (channel: string, message: string) => handlers.get(channel)?.(message));

  let listening = true;
  let outage = false;
  const reconnectListeners: (() => void)[] = [];
  const healthy = () => commands.status === 'ready' && subscriber.status === 'ready' && listening;
  const backIfWhole = () => {
    if (!outage || !healthy()) return;
    outage = false;
    for (const l of reconnectListeners) l();
  };
  commands.on('close', () => (outage = true));
  subscriber.on('close', () => {
    outage = true;
    listening = false;
  });
  commands.on('ready', backIfWhole);
  subscriber.on('ready', () => {
    const channels = [...handlers.keys()];
    // A failed renewal closes the connection; its next 'ready' tries again.
    void (channels.length > 0 ? subscriber.subscribe(...channels) : Promise.resolve())
      .then(() => {
        if (subscriber.status !== 'ready') return;
        listening = true;
        backIfWhole();
      })
      .catch(() => subscriber.disconnect(true));
  });
  return {
    async set(key, value, { ttlMs, nx }) {
      const result = nx ? await commands.set(key, value, 'PX', ttlMs, 'NX') : await commands.set(key, value, 'PX', ttlMs);
      return result === 'OK';
    },
    get: (key) => commands.get(key),
    take: (key) => commands.getdel(key),
    async deleteIf(key, value) {
      // Compare and delete atomically: between a GET and a DEL another call may have taken the key.
      await commands.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, key, value);
    },
    async swap(key, expected, next, ttlMs) {
      const script = "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0";
      return (await commands.eval(script, 1, key, expected, next, String(ttlMs))) === 1;
    },
    mget: (list) => (list.length === 0 ? Promise.resolve([]) : commands.mget(...list)),
    async hset(key, field, value) {
      await commands.hset(key, field, value);
    },
    async hdel(key, fields) {
      if (fields.length > 0) await commands.hdel(key, ...fields);
    },
    hgetall: (key) => commands.hgetall(key),
    publish: (channel, message) => commands.publish(channel, message),
    async subscribe(channel, onMessage) {
      handlers.set(channel, onMessage);
      await subscriber.subscribe(channel);
    },
    onReconnect: (listener) => void reconnectListeners.push(listener),
    healthy,
    async close() {
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}
