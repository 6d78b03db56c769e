import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The one way Skærmrum sends an SMS. In the sandbox it is a local outbox (a JSON line per message
 * in a file the tests read and `npm start` names); in production an HTTP SMS gateway
 * (SKAERMRUM_SMS_GATEWAY_URL, with a bearer token). The text holds the link and PIN, so nothing
 * about a message is ever logged here: the caller logs only that one was sent.
 */
export interface SmsSender {
  send(message: { to: string; text: string }): Promise<void>;
}

export const SmsOutboxLine = z.object({ to: z.string(), text: z.string(), at: z.iso.datetime({ offset: true }) });
export type SmsOutboxLine = z.infer<typeof SmsOutboxLine>;

export function fileSmsOutbox(file: string, now: () => Date): SmsSender {
  return {
    async send({ to, text }) {
      await mkdir(dirname(file), { recursive: true });
      // Owner-only: the outbox holds links and PINs like a phone would.
      await appendFile(file, `${JSON.stringify({ to, text, at: now().toISOString() } satisfies SmsOutboxLine)}\n`, { mode: 0o600 });
    },
  };
}

export function httpSmsGateway(options: { url: string; token: string; timeoutMs?: number }): SmsSender {
  return {
    async send({ to, text }) {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`SMS-gatewayen svarede HTTP ${res.status}`);
    },
  };
}
