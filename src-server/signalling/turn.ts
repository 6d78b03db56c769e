import { createHmac } from 'node:crypto';
import type { TurnCredentials } from '../../src-shared/signalling/protocol.js';

/**
 * Time-limited TURN credentials for coturn's REST API (`--use-auth-secret`): username
 * "<expiry unix seconds>:<user>", password base64(HMAC-SHA1(secret, username)). Issued per call.
 */
export interface TurnConfig {
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

/** `nowMs` from the signalling clock; coturn checks the expiry against its own machine's clock. */
export function turnCredentials(config: TurnConfig, user: string, nowMs: number): TurnCredentials {
  const expiry = Math.floor(nowMs / 1000) + config.ttlSeconds;
  const username = `${expiry}:${user}`;
  return {
    urls: config.urls,
    username,
    credential: createHmac('sha1', config.secret).update(username).digest('base64'),
    expiresAt: new Date(expiry * 1000).toISOString(),
  };
}
