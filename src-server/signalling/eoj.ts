import { z } from 'zod';
import { EOJ_AUDIENCE, FHIR_SCOPE } from '../../src-shared/auth/claims.js';
import { createFhirClient, EojError, type FhirClient } from '../../src-shared/fhir/client.js';
import type { Clock } from '../../src-shared/time/clock.js';

/**
 * The signalling service's own access to the EOJ: a client-credentials token from the IdP (its
 * system credentials, never a user's), the one FHIR adapter, and retries with backoff for answers
 * that mean "not now" (409, 412, 429, 5xx, timeouts). Only permanent refusals reach the caller.
 */
export interface SystemCredentials {
  issuer: string;
  clientId: string;
  secret: string;
}

const Discovery = z.object({ token_endpoint: z.string().url() });
const TokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

export interface SystemEoj {
  client: FhirClient;
  /** Runs a FHIR exchange with a fresh token, retrying temporary failures (up to ~3 s in all). */
  call<T>(exchange: (client: FhirClient) => Promise<T>): Promise<T>;
}

export function systemEoj(options: { baseUrl: string; credentials: SystemCredentials; clock: Clock; timeoutMs?: number }): SystemEoj {
  const { credentials, clock } = options;
  let token: { value: string; renewAtMs: number } | null = null;
  let pending: Promise<void> | null = null;

  async function renew(): Promise<void> {
    const discovery = Discovery.parse(
      await (
        await fetch(new URL('.well-known/openid-configuration', credentials.issuer.endsWith('/') ? credentials.issuer : `${credentials.issuer}/`), {
          signal: AbortSignal.timeout(5_000),
        })
      ).json(),
    );
    const res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      signal: AbortSignal.timeout(5_000),
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: FHIR_SCOPE, resource: EOJ_AUDIENCE }),
    });
    if (!res.ok)
      throw new EojError('http', `Login-tjenesten afviste signaleringens systemadgang (HTTP ${res.status})`, res.status, { transient: res.status >= 500 });
    const answer = TokenAnswer.parse(await res.json());
    // Renewed at 80 % of its life, so a request never carries a token about to expire.
    token = { value: answer.access_token, renewAtMs: clock.nowMs() + answer.expires_in * 800 };
  }
  const ensureToken = async () => {
    if (token && token.renewAtMs > clock.nowMs()) return;
    await (pending ??= renew().finally(() => (pending = null)));
  };

  const client = createFhirClient({ baseUrl: options.baseUrl, token: () => token?.value ?? null, clock, timeoutMs: options.timeoutMs ?? 5_000 });
  return {
    client,
    async call(exchange) {
      for (let attempt = 0; ; attempt++) {
        try {
          await ensureToken();
          return await exchange(client);
        } catch (error) {
          const temporary = !(error instanceof EojError) || error.transient || error.status === 412;
          if (error instanceof EojError && error.status === 401) token = null;
          if (!temporary || attempt >= 3) throw error;
          const waitMs = error instanceof EojError && error.retryAfterMs !== null ? Math.min(error.retryAfterMs, 2_000) : 200 * 2 ** attempt;
          await new Promise((r) => setTimeout(r, waitMs));
        }
      }
    },
  };
}
