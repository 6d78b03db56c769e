import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { StoreError } from './errors.js';
import { isStoreKey, newStoreKey, type StoreKeychain } from './keychain.js';
import { migrate, type Migration } from './migrations.js';
import { openDatabaseFile, type Database } from './sqlite.js';

const PLAINTEXT_HEADER = 'SQLite format 3\0';

function startsAsPlainSqlite(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(16);
    const read = readSync(fd, header, 0, 16, 0);
    return read === 16 && header.toString('latin1') === PLAINTEXT_HEADER;
  } finally {
    closeSync(fd);
  }
}

/** Applies the SQLCipher-compatible cipher and the raw key; the key only ever lives in memory. */
export function applyCipherKey(db: Database, hexKey: string): void {
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${hexKey}'"`);
}

/** Session settings every connection gets: WAL for concurrent reads, durable commits, no temp files. */
export function applySessionPragmas(db: Database): void {
  db.pragma('journal_mode = WAL');
  // FULL: a committed outcome survives power loss, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

export interface OpenOptions {
  file: string;
  keychain: StoreKeychain;
  migrations: readonly Migration[];
  nativeBinding?: string;
}

/**
 * Opens (or creates) the encrypted database. Refuses, with a clear StoreError, whenever the key is
 * missing, wrong or unavailable, or the file is plaintext or damaged. It never falls back to an
 * unencrypted file and never writes the key anywhere but the keychain.
 */
export async function openEncryptedDatabase(options: OpenOptions): Promise<Database> {
  const exists = existsSync(options.file);
  if (exists && startsAsPlainSqlite(options.file)) {
    throw new StoreError('PLAINTEXT_DATABASE', 'Databasefilen er ikke krypteret og bliver ikke åbnet. Kontakt IT. (Refusing unencrypted database file.)');
  }
  let key = await options.keychain.readKey();
  if (key === null) {
    if (exists) {
      throw new StoreError(
        'KEY_MISSING',
        'Den krypterede database findes, men nøglen mangler i nøgleringen. Data kan ikke åbnes; kontakt IT. (Store key missing from keychain.)',
      );
    }
    key = newStoreKey();
    await options.keychain.writeKey(key);
  } else if (!isStoreKey(key)) {
    throw new StoreError('KEY_INVALID', 'Nøglen i nøgleringen har et ugyldigt format. Kontakt IT. (Store key malformed.)');
  }

  const db = openDatabaseFile(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    applyCipherKey(db, key);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (cause) {
      throw new StoreError(
        'KEY_REJECTED',
        'Databasen kan ikke dekrypteres med nøglen fra nøgleringen (forkert nøgle eller ændret fil). Den bliver ikke åbnet. (Wrong key or tampered file.)',
        { cause },
      );
    }
    applySessionPragmas(db);
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StoreError('CORRUPT', 'Databasen er beskadiget og bliver ikke åbnet. Kontakt IT. (quick_check failed.)');
    migrate(db, options.migrations);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError('CORRUPT', 'Databasen kunne ikke læses og bliver ikke åbnet. (Database unreadable.)', { cause: error });
  }
}
