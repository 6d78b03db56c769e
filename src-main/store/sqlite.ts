// The only module that imports the SQLite driver; everything else sees these types.
import DatabaseConstructor from 'better-sqlite3-multiple-ciphers';

export type Database = DatabaseConstructor.Database;
export type Statement<P extends unknown[] = unknown[], R = unknown> = DatabaseConstructor.Statement<P, R>;

export function openDatabaseFile(file: string, options: { readonly?: boolean; nativeBinding?: string } = {}): Database {
  return new DatabaseConstructor(file, { fileMustExist: false, ...options });
}
