import pino, { type Logger } from 'pino';

/**
 * Logs never carry personal data: these fields are censored wherever they appear, and call sites
 * log ids and codes only. The store key and session tokens are censored too.
 */
const REDACT = [
  'name',
  '*.name',
  'cpr',
  '*.cpr',
  'cprMasked',
  '*.cprMasked',
  'address',
  '*.address',
  'citizen',
  '*.citizen',
  'notes',
  '*.notes',
  'key',
  '*.key',
  'token',
  '*.token',
  'url',
  '*.url',
];

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { app: 'skaermrum' }, redact: { paths: REDACT, censor: '[skjult]' } }, destination);
}
export type { Logger };
