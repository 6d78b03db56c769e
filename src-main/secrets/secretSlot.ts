/**
 * One secret kept outside the database: the store key or the refresh token. Where it lives depends
 * on the runtime (Electron's safeStorage, or the OS keychain from Node), never in plain text on disk.
 */
export interface SecretSlot {
  /** The secret, or null when none has been kept yet. Throws when the keychain cannot be reached. */
  read(): Promise<string | null>;
  write(value: string): Promise<void>;
  wipe(): Promise<void>;
}

/** Names a secret: the service says what it is, the account which profile it belongs to. */
export interface SecretName {
  service: string;
  account: string;
}
