/** Why the encrypted store refused to open or to act. The message is safe to show and to log. */
export type StoreErrorCode =
  | 'KEYCHAIN_UNAVAILABLE'
  | 'KEY_MISSING'
  | 'KEY_INVALID'
  | 'KEY_REJECTED'
  | 'PLAINTEXT_DATABASE'
  | 'CORRUPT'
  | 'DATABASE_NEWER'
  | 'MIGRATIONS_INVALID'
  | 'MIGRATION_FAILED'
  | 'VISIT_NOT_FOUND';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
