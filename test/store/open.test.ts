import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src-main/store/errors';
import { newStoreKey } from '../../src-main/store/keychain';
import { applyCipherKey } from '../../src-main/store/open';
import { openDatabaseFile } from '../../src-main/store/sqlite';
import { openTestStore, tempDir, testKeychain, testVisits } from '../helpers/store';

async function refusal(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

function flipBytes(file: string, offset: number, count = 16): void {
  const fd = openSync(file, 'r+');
  try {
    const buf = Buffer.alloc(count);
    readSync(fd, buf, 0, count, offset);
    for (let i = 0; i < count; i++) buf[i] = (buf[i] as number) ^ 0xff;
    writeSync(fd, buf, 0, count, offset);
  } finally {
    closeSync(fd);
  }
}

describe('opening the encrypted store refuses rather than falls back', () => {
  let dir: string;
  let cleanup: () => void;
  let file: string;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    file = join(dir, 'visits.db');
  });
  afterEach(() => cleanup());

  async function createStoreWithVisits() {
    const keychain = testKeychain();
    const store = await openTestStore(dir, keychain);
    store.upsertVisits(testVisits());
    store.close();
    return keychain;
  }

  it('refuses a wrong key', async () => {
    await createStoreWithVisits();
    const other = testKeychain();
    await other.writeKey(newStoreKey());
    const error = await refusal(openTestStore(dir, other));
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.message).toMatch(/kan ikke dekrypteres/);
  });

  it('refuses when the database exists but its key is missing from the keychain, and keeps the file', async () => {
    await createStoreWithVisits();
    const before = readFileSync(file);
    const error = await refusal(openTestStore(dir, testKeychain()));
    expect(error.code).toBe('KEY_MISSING');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a malformed key in the keychain', async () => {
    const keychain = testKeychain();
    await keychain.writeKey('not-a-key');
    expect((await refusal(openTestStore(dir, keychain))).code).toBe('KEY_INVALID');
  });

  it('refuses a file tampered with in its first page', async () => {
    const keychain = await createStoreWithVisits();
    flipBytes(file, 100);
    expect((await refusal(openTestStore(dir, keychain))).code).toBe('KEY_REJECTED');
  });

  it('refuses a file tampered with further in', async () => {
    const keychain = await createStoreWithVisits();
    const size = readFileSync(file).length;
    expect(size).toBeGreaterThan(4 * 4096);
    flipBytes(file, 3 * 4096 + 200);
    const error = await refusal(openTestStore(dir, keychain));
    expect(['KEY_REJECTED', 'CORRUPT']).toContain(error.code);
  });

  it('refuses an unencrypted database file and leaves it untouched', async () => {
    const plain = openDatabaseFile(file);
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    const before = readFileSync(file);
    const error = await refusal(openTestStore(dir, testKeychain()));
    expect(error.code).toBe('PLAINTEXT_DATABASE');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database newer than this version of the app', async () => {
    const keychain = await createStoreWithVisits();
    const raw = openDatabaseFile(file);
    applyCipherKey(raw, (await keychain.readKey()) as string);
    raw.pragma('user_version = 9990');
    raw.close();
    const error = await refusal(openTestStore(dir, keychain));
    expect(error.code).toBe('DATABASE_NEWER');
    expect(error.message).toMatch(/nyere version/);
  });
});
