import { Redis } from 'ioredis';
import { REDIS_KEY_PREFIX, type SharedState } from './shared.js';

/**
 * What the service's Redis user must be allowed, and nothing more (README → Scale-out): its keys and
 * channels only, the commands below (DEL runs inside the compare-and-delete script) and INFO, for
 * the client's ready check (it waits while Redis loads its data). Everything else is refused:
 * KEYS, FLUSHALL, CONFIG, CLIENT, other users' keys and channels.
 */
export const SIGNALLING_REDIS_ACL = [
  'resetkeys',
  `~${REDIS_KEY_PREFIX}*`,
  'resetchannels',
  `&${REDIS_KEY_PREFIX}*`,
  '-@all',
  ...['get', 'set', 'getdel', 'mget', 'del', 'hset', 'hdel', 'hgetall', 'eval', 'publish', 'subscribe', 'info'].map((c) => `+${c}`),
].join(' ');

/** The address without its secrets, for log lines and errors: the password (and any query, which ioredis reads as options) replaced. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username || u.password ? `${u.username}:***@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname === '/' ? '' : u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return 'redis://…';
  }
}

/** Why Redis could not be used at start, in Danish, never with the password. */
export function describeRedisError(error: unknown, url: string): string {
  const where = redactRedisUrl(url);
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  const user = (() => {
    try {
      return decodeURIComponent(new URL(url).username) || 'default';
    } catch {
      return '?';
    }
  })();
  if (/^WRONGPASS/.test(message))
    return `Redis afviste brugeren "${user}" på ${where}: forkert brugernavn eller adgangskode, eller brugeren er slået fra (tjek SIGNAL_REDIS_URL og Redis' ACL)`;
  if (/^NOAUTH/.test(message)) return `Redis på ${where} kræver login: angiv bruger og adgangskode i SIGNAL_REDIS_URL (redis://bruger:adgangskode@vært:port)`;
  if (/^NOPERM/.test(message)) return `Redis-brugeren "${user}" på ${where} mangler rettigheder (README → Scale-out): ${message}`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL/.test(code) || /certificate|SSL routines/i.test(message))
    return `TLS-forbindelsen til Redis på ${where} kunne ikke godkendes (${code || message}): tjek certifikatet, eller giv signaleringen CA'en i NODE_EXTRA_CA_CERTS`;
  if (code) return `Redis kan ikke nås på ${where} (${code})`;
  return `Redis på ${where} kunne ikke bruges: ${message}`;
}

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
    // No CLIENT SETINFO on connect: the ACL grants no CLIENT subcommand (Redis 7.2+ would log each refusal).
    disableClientInfo: true,
  };
  const commands = new Redis(url, options);
  // Subscriptions are renewed here, not by ioredis, so that "listening" means Redis said so.
  const subscriber = new Redis(url, { ...options, autoResubscribe: false });
  // Without listeners ioredis prints every refused reconnect; the state is read through healthy().
  // The last error says why a start failed (connect() itself only says "Connection is closed").
  let lastError: unknown = null;
  commands.on('error', (error: unknown) => (lastError = error));
  subscriber.on('error', (error: unknown) => (lastError = error));
  const connected = await Promise.allSettled([commands.connect(), subscriber.connect()]);
  const failed = connected.find((r) => r.status === 'rejected');
  if (failed) {
    // No retrying in the background of a start that has failed.
    commands.disconnect();
    subscriber.disconnect();
    throw new Error(describeRedisError(lastError ?? failed.reason, url), { cause: lastError ?? failed.reason });
  }
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
